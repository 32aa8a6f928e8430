"""The supervisor's tests' own fixture: the demo centre at 10:10 with its supervision file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server_stub.server.testing import LiveServer, demo_centre, start_live_server
from server_stub.supervision.loader import load_default_supervision

TEN_PAST_TEN = 600.0  # the demo opens at 10:00


@pytest.fixture
def demo_morning() -> Iterator[LiveServer]:
    """A real server running the demo centre (roster, absences, the late agent, the
    surge), paused at 10:10, the same seed every time."""
    config = demo_centre()
    supervision = load_default_supervision(config)
    with start_live_server(config, speed=0.0, seed=1, supervision=supervision) as live:
        live.runtime.advance(TEN_PAST_TEN)
        yield live
