"""Fixtures of the app's tests: real keyring backends, fixed dirs, a paused centre with a
team leader, and the picture of a login's workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from live_helpers import (
    LoginPicture,
    Steps,
    frozen_app,
    log_in_as,
    picture,
    team_leader_centre,
)
from textual.pilot import Pilot

from server_stub.server.testing import LiveServer, start_live_server


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict (for one test)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise keyring.errors.PasswordDeleteError(username)
        del self.passwords[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """An empty user config dir, so a developer's own keymap.toml never leaks into tests."""
    path = tmp_path / "config"
    path.mkdir()
    return path


@pytest.fixture
def centre() -> Iterator[LiveServer]:
    """A real server on a paused clock: the quiet centre (no callers of its own, humans 1001
    and 1002) with the team leader 1100; the same seed every time."""
    with start_live_server(team_leader_centre(), speed=0.0, seed=1) as server:
        yield server


@pytest.fixture
def login_picture(
    snap_compare: Any, centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> LoginPicture:
    def compare(
        user: str, workspace: str | None, size: tuple[int, int], steps: Steps | None = None
    ) -> bool:
        async def after_login(pilot: Pilot[Any]) -> None:
            await log_in_as(pilot, workspace)
            if steps is not None:
                await steps(pilot)

        app = frozen_app(centre, tmp_path, config_dir, user)
        return picture(snap_compare, app, size, after_login)

    return compare
