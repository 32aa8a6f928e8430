"""Helpers to run a real server in tests and benchmarks (the desk's tests use them too).

`start_live_server(...)` runs uvicorn on a free loopback port in a thread and yields its
base URL; SSE needs a real server (httpx's ASGITransport does not stream). For a paused,
steppable centre pass `speed=0` and drive it with `POST /v1/admin/clock {advance_s}`.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from server_stub.centre.loader import default_centre_path, load_default_centre
from server_stub.centre.schema import CentreConfig
from server_stub.server.app import create_app
from server_stub.server.main import build_runtime, scripts_dir_for
from server_stub.server.runtime import CentreRuntime
from server_stub.server.serving import CentreServer, server_config
from server_stub.supervision.config import SupervisionConfig

TEST_CUSTOMERS = 300  # the demo centre has 10,000; generating them takes seconds
DEMO_PASSWORD = "demo"  # every login of the demo centre


@functools.lru_cache(maxsize=4)
def demo_centre(customers: int | None = TEST_CUSTOMERS) -> CentreConfig:
    """The demo centre, with fewer customers so that a fresh database is quick to make.
    (Cached: the config is frozen, and parsing its YAML takes a tenth of a second.)"""
    config = load_default_centre()
    if customers is None:
        return config
    return config.model_copy(
        update={"customers": config.customers.model_copy(update={"count": customers})}
    )


@functools.lru_cache(maxsize=4)
def quiet_centre(customers: int = TEST_CUSTOMERS) -> CentreConfig:
    """The demo centre with no callers of its own and only human agents (`1001`, team A,
    and `1002`, team B; password `demo`): nothing happens unless a test makes it happen
    (`POST /v1/trainer/calls`), so every call goes to a human and tests are exact."""
    config = demo_centre(customers)
    human = next(a for a in config.agents if not a.simulated)
    second = human.model_copy(update={"id": "1002", "name": "李小红 Li Xiaohong", "team": "B"})
    queues = [q.model_copy(update={"arrivals": None}) for q in config.queues]
    return config.model_copy(update={"agents": [human, second], "queues": queues})


def demo_scripts_dir() -> Path:
    return scripts_dir_for(default_centre_path())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    runtime: CentreRuntime
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop | None = None


@contextmanager
def start_live_server(
    config: CentreConfig | None = None,
    db: str | Path = ":memory:",
    *,
    speed: float = 0.0,
    seed: int = 1,
    scripts_dir: str | Path | None = None,
    port: int | None = None,
    supervision: SupervisionConfig | None = None,
) -> Iterator[LiveServer]:
    """A real uvicorn server on 127.0.0.1:<port> (a free one by default), stopped (and its
    store closed) on exit. Give the same `db` and `port` again to restart the centre."""
    port = port if port is not None else free_port()
    runtime = build_runtime(
        config or demo_centre(),
        db,
        seed=seed,
        speed=speed,
        scripts_dir=scripts_dir if scripts_dir is not None else demo_scripts_dir(),
        keep_customer_cache=True,
        serving=f"http://127.0.0.1:{port}",
        supervision=supervision,
    )
    server = CentreServer(
        server_config(create_app(runtime), "127.0.0.1", port, lifespan="on"), runtime.hub
    )
    live = LiveServer(base_url=f"http://127.0.0.1:{port}", runtime=runtime, server=server)

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        live.loop = loop
        loop.run_until_complete(server.serve())
        # Tasks that outlive the server (SSE shutdown watchers) end here, not in a warning.
        leftovers = asyncio.all_tasks(loop)
        for task in leftovers:
            task.cancel()
        if leftovers:
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=serve, name=f"live-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.store.close()


async def login(
    client: httpx.AsyncClient, user_id: str, password: str = DEMO_PASSWORD
) -> dict[str, str]:
    """Log in through the API; returns the Authorization header to send."""
    response = await client.post("/v1/auth/login", json={"user_id": user_id, "password": password})
    if response.status_code != 200:
        raise AssertionError(f"login {user_id}: {response.status_code} {response.text}")
    return {"Authorization": f"Bearer {response.json()['token']}"}


def paused_runtime(
    db: str | Path = ":memory:",
    config: CentreConfig | None = None,
    supervision: SupervisionConfig | None = None,
) -> CentreRuntime:
    """A runtime on a paused clock (quiet centre unless told otherwise), not driven by a
    task: step it with `POST /v1/admin/clock {advance_s}`. Close `runtime.store` after."""
    return build_runtime(
        config or quiet_centre(),
        db,
        speed=0.0,
        scripts_dir=demo_scripts_dir(),
        keep_customer_cache=True,
        supervision=supervision,
    )


def supervised_runtime(config: CentreConfig, advance_s: float = 0.0) -> CentreRuntime:
    """`paused_runtime` of `config` with the demo's supervision file (roster, thresholds,
    violation kinds, surges), stepped `advance_s` into the day."""
    from server_stub.supervision.loader import load_default_supervision

    runtime = paused_runtime(config=config, supervision=load_default_supervision(config))
    if advance_s:
        runtime.advance(advance_s)
    return runtime


def asgi_client(runtime: CentreRuntime, client_host: str = "127.0.0.1") -> httpx.AsyncClient:
    """An httpx client on the app in-process (no sockets; responses are not streamed),
    calling from `client_host` (what failed logins slow down)."""
    app = create_app(runtime, manage_runtime=False)
    transport = httpx.ASGITransport(app=app, client=(client_host, 50_000))
    return httpx.AsyncClient(transport=transport, base_url="http://centre")


def stored_log(
    runtime: CentreRuntime,
) -> list[tuple[float, str, str | None, str | None, str | None, dict[str, Any]]]:
    """The centre's whole event log as stored, as the engine's tuples
    `(sim_time, type, call_id, agent_id, queue_id, data)`: what tests recompute figures from
    (the engine keeps no log of its own once events are stored)."""
    return [
        (e.sim_time, e.type, e.call_id, e.agent_id, e.queue_id, e.data)
        for e in runtime.store.iter_events()
    ]
