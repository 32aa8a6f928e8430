"""The wallboard against a real server running the demo at 10:10: its big figures are the
queues board's (the same cells), for the floor and for each queue, and the floor's agents
available are those the stored log leaves ready."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import frozen_app, log_in_as, picture, until
from textual.pilot import Pilot
from textual.widgets import DataTable, Digits, Static

from agent_tui.workspaces.supervisor.boards import QUEUE_COLUMNS
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from agent_tui.workspaces.supervisor.wallboard import WallboardScreen
from server_stub.server.testing import LiveServer, stored_log

SIZES = [(80, 24), (120, 40)]


def _ready_in_the_log(live: LiveServer) -> int:
    last: dict[str, str] = {}
    for _at, kind, _call, agent, _queue, data in stored_log(live.runtime):
        if kind == "agent.state_changed" and agent:
            last[agent] = data["to"]
    return sum(1 for state in last.values() if state == "ready")


def _digits(screen: WallboardScreen) -> dict[str, str]:
    tiles = ("waiting", "longest", "sl", "available")
    return {tile: screen.query_one(f"#wall-{tile}", Digits).value for tile in tiles}


async def _monitor_with_board(pilot: Pilot[Any]) -> MonitorScreen:
    await log_in_as(pilot, "supervisor")
    monitor = pilot.app.screen
    assert isinstance(monitor, MonitorScreen)
    await until(lambda: monitor.board.queues and monitor.board.queues_as_of, pilot)
    return monitor


async def test_the_wallboards_figures_are_the_queue_boards_for_the_floor_and_each_queue(
    demo_morning: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(demo_morning, tmp_path, config_dir, "f100")
    async with app.run_test(size=(120, 40)) as pilot:
        monitor = await _monitor_with_board(pilot)
        await pilot.press("f8")  # the queues board's today window: the wallboard's SL
        await pilot.pause()
        table = monitor.query_one("#queues-board", DataTable)
        wait, long, sl = (QUEUE_COLUMNS.index(c) for c in ("Wait", "Long", "SL"))
        rows = {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}
        assert len(rows) == len(demo_morning.runtime.config.queues)
        await pilot.press("ctrl+o")
        await until(lambda: isinstance(app.screen, WallboardScreen), pilot)
        wall = app.screen
        assert isinstance(wall, WallboardScreen)
        floor = _digits(wall)
        assert int(floor["waiting"]) == sum(int(r[wait]) for r in rows.values())
        longest = max(rows.values(), key=lambda r: r[long].replace(":", "").zfill(8))[long]
        assert floor["longest"] == longest.strip()
        assert int(floor["available"]) == _ready_in_the_log(demo_morning)
        for queue_id in sorted(rows):
            await pilot.press("ctrl+n")
            assert wall.view == queue_id
            shown, row = _digits(wall), rows[queue_id]
            assert shown["waiting"] == row[wait].strip()
            assert shown["longest"] == row[long].strip()
            assert f"{shown['sl']}%" == row[sl].strip() or (shown["sl"], row[sl].strip()) == (
                "--",
                "—",
            )
        await pilot.press("ctrl+n")  # round again to the floor
        assert wall.view == ""
        await pilot.press("ctrl+g")
        assert "cycling" in str(wall.query_one("#wall-title", Static).render())
        await pilot.press("ctrl+o")
        await until(lambda: isinstance(app.screen, MonitorScreen), pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_wallboard_picture(
    snap_compare: Any, demo_morning: LiveServer, tmp_path: Path, config_dir: Path,
    no_keyring: None, size: tuple[int, int],
) -> None:  # fmt: skip
    async def steps(pilot: Pilot[Any]) -> None:
        await _monitor_with_board(pilot)
        await pilot.press("ctrl+o")
        await until(lambda: isinstance(pilot.app.screen, WallboardScreen), pilot)

    assert picture(
        snap_compare, frozen_app(demo_morning, tmp_path, config_dir, "f100"), size, steps
    )
