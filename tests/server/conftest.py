"""Server fixtures: the real ASGI app on a paused centre, and a real uvicorn server.

- `api`: an `httpx.AsyncClient` on the app (ASGITransport), centre paused at sim time 0;
  `api_runtime` is the runtime behind it. Log in with `login(api, user_id)`.
- `live_server`: a real server on a loopback port (SSE streams need one), paused.
Both use `quiet_centre()`: no callers unless a test injects one, two human agents
(`1001` team A, `1002` team B), so that every call goes where the test expects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import (
    LiveServer,
    asgi_client,
    paused_runtime,
    quiet_centre,
    start_live_server,
)


@pytest.fixture
def api_runtime() -> Iterator[CentreRuntime]:
    runtime = paused_runtime()
    yield runtime
    runtime.store.close()


@pytest.fixture
async def api(api_runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(api_runtime) as client:
        yield client


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    with start_live_server(quiet_centre(), speed=0.0) as live:
        yield live
