"""Attendance and discipline (SV5) in the app, against a real server running the demo
centre with its supervision file (roster, absences, the late agent), paused at 10:10: the
supervisor's attendance view agrees with the stored log, a violation recorded by keys is
an event in the log, and the agent sees it on the desk and acknowledges it by key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_helpers import client_as, frozen_app, log_in_as, picture, screen_text, until
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.violation_notice import ViolationNotice
from agent_tui.workspaces.supervisor.attendance_view import AGENT_COLUMNS, AttendanceScreen
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from agent_tui.workspaces.supervisor.text_dialog import TextDialog
from server_stub.protocol.attendance_api import ViolationRequest
from server_stub.server.testing import LiveServer, demo_centre, start_live_server, stored_log
from server_stub.supervision.loader import load_default_supervision

SIZES = [(80, 24), (120, 40)]
TEN_PAST_TEN = 600.0


@pytest.fixture
def demo_morning() -> Iterator[LiveServer]:
    config = demo_centre()
    supervision = load_default_supervision(config)
    with start_live_server(config, speed=0.0, seed=1, supervision=supervision) as live:
        live.runtime.advance(TEN_PAST_TEN)
        yield live


def _logged_in(live: LiveServer) -> set[str]:
    return {
        e[3]
        for e in stored_log(live.runtime)
        if e[1] == "agent.state_changed" and e[3] and e[5]["from"] == "logged_out"
    }


async def _open_attendance(pilot: Pilot[Any]) -> AttendanceScreen:
    monitor = pilot.app.screen
    assert isinstance(monitor, MonitorScreen)
    await pilot.press("ctrl+t")
    await until(lambda: isinstance(pilot.app.screen, AttendanceScreen), pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AttendanceScreen)
    table = screen.query_one("#attendance-agents", DataTable)
    await until(lambda: table.row_count > 0, pilot)
    return screen


async def test_the_attendance_view_shows_the_teams_roster_as_the_log_has_it(
    demo_morning: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(demo_morning, tmp_path, config_dir, "s100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        screen = await _open_attendance(pilot)
        team_a = [a for a in demo_morning.runtime.config.agents if a.team == "A"]
        came = _logged_in(demo_morning)
        rows = screen.query_one("#attendance-agents", DataTable)
        shown = {str(key.value) for key in rows.rows}
        assert shown <= {a.id for a in team_a}  # team A only
        status = AGENT_COLUMNS.index("Status 状态")
        for agent_id in shown:
            cell = str(rows.get_row(agent_id)[status])
            assert ("present" in cell or "LATE" in cell) == (agent_id in came), agent_id
        assert "absent" in str(rows.get_row("a010")[status])
        assert "病假 Sick leave" in str(rows.get_row("a010")[AGENT_COLUMNS.index("Reason 原因")])
        summary = screen.query_one("#attendance-summary", DataTable).get_row("A")
        assert summary[2] == str(len(shown & came))  # present
        # Back to the monitor by the same key.
        await pilot.press("ctrl+t")
        await until(lambda: isinstance(app.screen, MonitorScreen), pilot)


async def test_a_violation_recorded_by_keys_is_logged_and_counts_its_points(
    demo_morning: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(demo_morning, tmp_path, config_dir, "s100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        screen = await _open_attendance(pilot)
        table = screen.query_one("#attendance-agents", DataTable)
        table.move_cursor(row=table.get_row_index("a010"))
        await pilot.press("ctrl+r")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press("down", "enter")  # level 2: 3 points
        await until(lambda: "Category" in app.screen.title_text, pilot)  # type: ignore[attr-defined]
        await pilot.press(*"away", "enter")  # 脱岗 away from the seat
        await until(lambda: isinstance(app.screen, TextDialog), pilot)
        await pilot.press(*"phone", "enter")
        await until(lambda: isinstance(app.screen, AttendanceScreen), pilot)

        def recorded() -> list[Any]:
            return [e for e in stored_log(demo_morning.runtime) if e[1].endswith("_recorded")]

        await until(recorded, pilot)
        (event,) = recorded()
        assert event[3] == "a010"
        assert {k: event[5][k] for k in ("level", "points", "category", "note", "by")} == {
            "level": 2, "points": 3, "category": "away_from_seat", "note": "phone", "by": "s100",
        }  # fmt: skip
        points = AGENT_COLUMNS.index("Pts 本月")
        await until(lambda: str(table.get_row("a010")[points]) == "3", pilot)


async def test_the_agent_sees_a_violation_on_the_desk_and_acknowledges_it_by_key(
    demo_morning: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(demo_morning, tmp_path, config_dir, "1001")
    supervisor = await client_as(demo_morning.base_url, "s100")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            notice = app.screen.query_one(ViolationNotice)
            assert not notice.has_class("-shown")
            request = ViolationRequest(agent_id="1001", level=1, category="late", note="10:12 到岗")
            await supervisor.record_violation(request)
            await until(lambda: notice.has_class("-shown"), pilot)
            assert "L1 · 1 pts · late · 10:12 到岗" in screen_text(app)
            await pilot.press("alt+v")
            await until(lambda: not notice.has_class("-shown"), pilot)
            acks = [
                e
                for e in stored_log(demo_morning.runtime)
                if e[1] == "agent.violation_acknowledged"
            ]
            assert [(e[3], e[5]["violation_id"]) for e in acks] == [("1001", "v1")]
    finally:
        await supervisor.close()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_attendance_view_picture(
    snap_compare: Any, demo_morning: LiveServer, tmp_path: Path, config_dir: Path,
    no_keyring: None, size: tuple[int, int],
) -> None:  # fmt: skip
    async def steps(pilot: Pilot[Any]) -> None:
        await log_in_as(pilot, "supervisor")
        await _open_attendance(pilot)

    app = frozen_app(demo_morning, tmp_path, config_dir, "f100")
    assert picture(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_desk_with_a_violation_picture(
    snap_compare: Any, demo_morning: LiveServer, tmp_path: Path, config_dir: Path,
    no_keyring: None, size: tuple[int, int],
) -> None:  # fmt: skip
    async def steps(pilot: Pilot[Any]) -> None:
        await log_in_as(pilot, "desk")
        supervisor = await client_as(demo_morning.base_url, "s100")
        try:
            request = ViolationRequest(
                agent_id="1001",
                level=2,
                category="wording",
                note="未按统一口径解释短信 off the wording",
            )
            await supervisor.record_violation(request)
        finally:
            await supervisor.close()
        notice = pilot.app.screen.query_one(ViolationNotice)
        await until(lambda: notice.has_class("-shown"), pilot)

    app = frozen_app(demo_morning, tmp_path, config_dir, "1001")
    assert picture(snap_compare, app, size, steps)
