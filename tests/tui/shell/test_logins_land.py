"""Every demo login lands in its own workspace, against the real server, and a team leader
switches between the desk and the monitor by key without either losing its state.

The centre is the quiet one (no callers of its own) with the team leader 1100 seated, on
a paused clock: every call is one a test sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import (
    TEAM_LEADER,
    client_as,
    frozen_app,
    log_in_as,
    screen_text,
    until,
)
from textual.widgets import DataTable

from agent_tui.shell.login import LoginScreen
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.backoffice.screen import BackOfficeScreen
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.quality.screen import QualityScreen
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from agent_tui.workspaces.trainer.screen import ConsoleScreen
from server_stub.protocol.api import TrainerCallRequest
from server_stub.server.testing import LiveServer


def _rows(screen: Any, selector: str) -> list[str]:
    table = screen.query_one(selector, DataTable)
    return [str(row.key.value) for row in table.ordered_rows]


async def test_an_agent_lands_on_the_desk(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "desk")
        assert isinstance(app.screen, DeskScreen)
        assert [spec.id for spec in app.open_workspaces] == ["desk"]
        assert app.store.state == "not_ready"
        text = screen_text(app)
        assert "NOT READY" in text
        assert "Switch workspace" not in text  # one workspace: nothing to switch to


async def test_a_team_leader_switches_between_desk_and_monitor_and_each_keeps_its_state(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, TEAM_LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "desk")
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        assert "F12  Switch workspace" in screen_text(app)
        await pilot.press("f3")  # the not-ready picker, left open on the desk
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        picker = app.screen

        # Three workspaces (desk, monitor, back office): the switch key asks, the monitor
        # first; afterwards the one left last is first, so F12 Enter goes back and forth.
        await pilot.press("f12", "enter")
        await until(lambda: app.current_workspace == "supervisor", pilot)
        monitor = app.screen
        assert isinstance(monitor, MonitorScreen)
        await until(lambda: _rows(monitor, "#agents-board") == ["1001", "1100"], pilot)
        board = monitor.query_one("#agents-board", DataTable)
        await pilot.press("down")
        assert board.cursor_row == 1

        await pilot.press("f12", "enter")
        await until(lambda: app.current_workspace == "desk", pilot)
        assert app.screen is picker  # the desk's dialog is still open where it was
        await pilot.press("escape")
        await until(lambda: app.screen is desk, pilot)

        await pilot.press("f12", "enter")
        await until(lambda: app.current_workspace == "supervisor", pilot)
        assert app.screen is monitor and board.cursor_row == 1


async def test_a_call_at_the_team_leaders_desk_is_said_on_the_monitor_and_shown_on_return(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, TEAM_LEADER)
    trainer = await client_as(centre.base_url, "t100")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            desk = app.screen
            assert isinstance(desk, DeskScreen)
            await pilot.press("f2")
            await until(lambda: app.store.state == "ready", pilot)
            await pilot.press("f12", "enter")
            await until(lambda: app.current_workspace == "supervisor", pilot)

            sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
            card = desk.query_one(CustomerCard)
            await until(lambda: card.call_id == sent.call_id, pilot)  # drawn while hidden
            notices = [n.message for n in app._notifications]
            assert "A call is ringing at your desk: F12 goes there." in notices
            await pilot.press("f12", "enter")
            await until(lambda: app.screen is desk, pilot)
            assert "RINGING" in screen_text(app)
    finally:
        await trainer.close()


async def test_a_supervisor_lands_on_the_monitor_of_its_own_team(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        monitor = app.screen
        assert isinstance(monitor, MonitorScreen)
        # Team A only: 1002 is in team B.
        await until(lambda: _rows(monitor, "#agents-board") == ["1001", "1100"], pilot)
        assert _rows(monitor, "#queues-board") == ["complaint", "enquiry", "fault", "vip"]
        # The back office opens by the switch key (its complaints to pre-process).
        assert [spec.id for spec in app.open_workspaces] == ["supervisor", "backoffice"]


async def test_a_trainer_lands_on_the_training_console(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "trainer")
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        assert _rows(console, "#queues-board") == ["complaint", "enquiry", "fault", "vip"]
        assert "F2  Send a caller" in screen_text(app)


async def test_an_evaluator_lands_in_quality(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "e100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "quality")
        assert isinstance(app.screen, QualityScreen)
        assert "Calls sampled for evaluation" in screen_text(app)  # the month's sample


async def test_an_admin_chooses_among_every_workspace_and_switches_by_key(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, None)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        assert [choice.value for choice in picker.choices] == [
            "supervisor", "trainer", "quality", "backoffice",
        ]  # fmt: skip
        await pilot.press(*"training", "enter")
        await until(lambda: isinstance(app.screen, ConsoleScreen), pilot)
        for name, screen_type in (
            ("quality", QualityScreen),
            ("back office", BackOfficeScreen),
            ("supervisor", MonitorScreen),
        ):
            await pilot.press("f12")
            await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
            await pilot.press(*name, "enter")
            await until(lambda kind=screen_type: isinstance(app.screen, kind), pilot)


@pytest.mark.parametrize(
    ("user", "workspace"), [("s100", "supervisor"), ("t100", "trainer"), ("e100", "quality")]
)
async def test_log_out_from_a_workspace_closes_it_and_the_next_login_starts_afresh(
    centre: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    user: str,
    workspace: str,
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, user)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, workspace)
        await pilot.press("alt+l")
        await until(lambda: isinstance(app.screen, LoginScreen), pilot)
        assert app.current_workspace is None and app.open_workspaces == []
        assert app.api.token is None
        assert app.get_screen_stack("login")[-1] is app.screen
        with pytest.raises(KeyError):
            app.get_screen_stack(workspace)  # the mode and its screens are gone


async def test_the_palette_opens_the_other_workspace_by_name(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, TEAM_LEADER)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "desk")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open: Supervisor")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(lambda: app.current_workspace == "supervisor", pilot)
