"""uvicorn for the centre: event streams end first when the server stops.

uvicorn's shutdown waits for open connections to finish, and an SSE stream never does:
it used to wait out the graceful timeout and then cancel the streams, printing a
traceback per client. `CentreServer` ends every stream before it waits (clients see the
stream end and reconnect), so a stop is quick and quiet. Proxy headers are off: the
client's address (which failed logins slow down) is the peer's, not what it claims.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn

from server_stub.server.feed import EventHub

GRACEFUL_SHUTDOWN_S = 5  # time for requests in flight once the streams have ended


class CentreServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, hub: EventHub) -> None:
        super().__init__(config)
        self._hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._hub.end_all()  # before uvicorn waits for the connections to close
        await super().shutdown(sockets=sockets)


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
        **extra,
    )
