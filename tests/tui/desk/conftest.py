"""Fixtures for the desk screen's tests (helpers live in desk_fixtures.py)."""

from __future__ import annotations

import pytest
from desk_fixtures import make_store

from agent_tui.client.state import ClientStore


@pytest.fixture
def store() -> ClientStore:
    """Agent 1001, not ready (break) for 125 s, two queues, on a frozen clock."""
    return make_store()
