"""Fixtures for the desk screen's tests (helpers live in desk_fixtures.py)."""

from __future__ import annotations

import pytest
from desk_fixtures import make_desk_state

from agent_tui.client.state import DeskState


@pytest.fixture
def desk_state() -> DeskState:
    """Agent 1001, not ready (break) for 125 s, two queues, on a frozen clock."""
    return make_desk_state()
