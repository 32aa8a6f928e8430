"""uvicorn for the centre: event streams end first when the server stops.

uvicorn's shutdown waits for open connections to finish, and an SSE stream never does:
it used to wait out the graceful timeout and then cancel the streams, printing a
traceback per client. `CentreServer` ends every stream before it waits (clients see the
stream end and reconnect), so a stop is quick and quiet. Proxy headers are off: the
client's address (which failed logins slow down) is the peer's, not what it claims.
"""

from __future__ import annotations

import socket
import sys
import threading
from typing import Any, BinaryIO

import uvicorn

from server_stub.protocol.api import SERVER_KEEP_ALIVE_S
from server_stub.server.feed import EventHub

GRACEFUL_SHUTDOWN_S = 5  # time for requests in flight once the streams have ended


class CentreServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, hub: EventHub) -> None:
        super().__init__(config)
        self._hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._hub.end_all()  # before uvicorn waits for the connections to close
        await super().shutdown(sockets=sockets)


def stop_when_stream_closes(server: uvicorn.Server, stream: BinaryIO | None = None) -> None:
    """Stop `server` once `stream` (standard input) reaches its end.

    The desk that starts a private demo server holds the other end of this pipe; when the
    desk dies, even by SIGKILL, the system closes it, so the server never outlives it.
    """
    source = stream if stream is not None else sys.stdin.buffer

    def watch() -> None:
        while source.read(4096):
            pass  # nothing is ever sent: only the end matters
        server.should_exit = True  # uvicorn's main loop polls it and shuts down

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def server_config(app: Any, host: str, port: int, **extra: Any) -> uvicorn.Config:
    """The uvicorn settings every centre server runs with (the CLI's and the tests')."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
        **extra,
    )
