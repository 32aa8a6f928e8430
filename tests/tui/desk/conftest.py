"""Fixtures for the desk's tests (helpers live in desk_fixtures.py and desk_live.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_fixtures import make_store
from desk_live import World, desk_app

from agent_tui.client.state import ClientStore
from agent_tui.shell.app import ShellApp
from server_stub.server.testing import LiveServer, quiet_centre, start_live_server


@pytest.fixture
def store() -> ClientStore:
    """Agent 1001, not ready (break) for 125 s, two queues, on a frozen clock."""
    return make_store()


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """A quiet centre on a loopback port, its clock stopped (the test moves it)."""
    with start_live_server(quiet_centre(), speed=0.0) as server:
        yield server


@pytest.fixture
def world(live: LiveServer) -> World:
    """The trainer, supervisor and admin around the desk."""
    return World(live)


@pytest.fixture
def app(live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None) -> ShellApp:
    """The real desk, agent 1001 on the login form, not started yet."""
    return desk_app(live, tmp_path, config_dir)
