"""Snapshots of the shell's screens at 80×24 and 120×40 (no blink, no keyring): the login,
the help, the lobby where an admin chooses a workspace, and a team leader's desk with the
monitor a key away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import TEAM_LEADER, LoginPicture
from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp

SERVER = "http://127.0.0.1:9"
SIZES = [(80, 24), (120, 40)]


def _app(tmp_path: Path, config_dir: Path, **kwargs: Any) -> ShellApp:
    return ShellApp(
        SERVER,
        data_dir=tmp_path,
        config_dir=config_dir,
        cursor_blink=False,
        clock=lambda: 1_790_000_000.0,
        **kwargs,
    )


async def _keyring_known(pilot: Pilot[None]) -> None:
    # The login asks the keyring from a thread after it paints; shoot once it has answered.
    await pilot.app.screen.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_login_screen(
    snap_compare: Any, tmp_path: Path, config_dir: Path, no_keyring: None, size: tuple[int, int]
) -> None:
    app = _app(tmp_path, config_dir, agent_id="1001")
    assert snap_compare(app, terminal_size=size, run_before=_keyring_known)


def test_login_screen_says_the_server_cannot_be_reached(
    snap_compare: Any, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    async def log_in(pilot: Pilot[None]) -> None:
        await _keyring_known(pilot)
        await pilot.press(*"secret", "enter")
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()

    app = _app(tmp_path, config_dir, agent_id="1001", request_timeout=2.0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=log_in)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_help_screen(
    snap_compare: Any, tmp_path: Path, config_dir: Path, no_keyring: None, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(tmp_path, config_dir), press=["f1"], terminal_size=size)


def test_help_screen_with_the_tmux_keymap(
    snap_compare: Any, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(tmp_path, config_dir, keymap="tmux")
    assert snap_compare(app, press=["alt+h"], terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_an_admin_chooses_a_workspace_in_the_lobby(
    login_picture: LoginPicture, size: tuple[int, int]
) -> None:
    assert login_picture("admin", None, size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_a_team_leaders_desk_offers_the_monitor_on_a_key(
    login_picture: LoginPicture, size: tuple[int, int]
) -> None:
    assert login_picture(TEAM_LEADER, "desk", size)
