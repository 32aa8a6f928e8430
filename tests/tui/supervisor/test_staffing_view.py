"""The staffing view against a real server running the demo centre for 45 minutes (10:00 to
10:45 on a paused clock): required agents per half-hour, changes by keys, the what-if run
on the server while the screen goes on, and its results beside what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_helpers import LoginPicture, World, frozen_app, log_in_as, screen_text, until
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from agent_tui.workspaces.supervisor.staffing_rows import STAFFING_COLUMNS
from agent_tui.workspaces.supervisor.staffing_view import StaffingView
from server_stub.server.staffing_desk import WhatIfJobs
from server_stub.server.testing import LiveServer, demo_centre, start_live_server

SIZES = [(80, 24), (120, 40)]
RUN_S = 2_100.0  # 10:35: the what-if covers 10:00–10:30 and 10:30–10:35
CHANGE = STAFFING_COLUMNS.index("Change")
SL = STAFFING_COLUMNS.index("SL had→what-if")


@pytest.fixture
def centre() -> Iterator[LiveServer]:
    """The demo centre with its own callers, on a paused clock (the login_picture's)."""
    with start_live_server(demo_centre(), speed=0.0, seed=1) as server:
        # One worker, whatever the machine: the picture names the worker count.
        server.runtime.whatif_jobs = WhatIfJobs(max_workers=1)
        yield server


async def _open(pilot: Pilot[Any], centre: LiveServer) -> StaffingView:
    world = World(centre)
    for _ in range(int(RUN_S // 300)):  # in steps: each is one request's worth of work
        await world.advance(300.0)
    await pilot.press("ctrl+f")
    await until(lambda: isinstance(pilot.app.screen, StaffingView), pilot)
    view = pilot.app.screen
    assert isinstance(view, StaffingView)
    await until(lambda: view.table is not None and _grid(view).row_count == 48, pilot)
    return view


def _grid(view: StaffingView) -> DataTable[Any]:
    return view.query_one("#staffing-table", DataTable)


def _cell(view: StaffingView, slot: int, column: int) -> str:
    return str(_grid(view).get_row(str(slot))[column])


def _status(view: StaffingView) -> str:
    return str(view.query_one("#staffing-status", Static).render())


async def _as_supervisor(
    centre: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    steps: Callable[[Pilot[Any]], Awaitable[None]],
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        await steps(pilot)


async def _run_with_five_fewer_at_ten(pilot: Pilot[Any], view: StaffingView) -> None:
    await pilot.press("up")  # from 10:30 (now) to 10:00
    await pilot.press("f7", "f7", "f7", "f7", "f7")
    await pilot.press("f5")
    await until(lambda: view.job is not None and view.job.status != "running", pilot, 60.0)
    assert view.job is not None and view.job.status == "done", view.job.error


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_staffing_view_with_a_whatif_beside_what_happened(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        view = await _open(pilot, centre)
        await _run_with_five_fewer_at_ten(pilot, view)

    assert login_picture("s100", "supervisor", size, steps)


async def test_the_cursor_opens_on_now_keys_change_its_staffing_and_esc_goes_back(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        view = await _open(pilot, centre)
        grid = _grid(view)
        assert grid.get_row_index("21") == grid.cursor_row  # 10:30, now
        await pilot.press("f8", "f8", "f8", "f7")
        assert _cell(view, 21, CHANGE) == "+2"
        await pilot.press("f6")
        assert _cell(view, 21, CHANGE) == "+2 ☕✗"
        assert view.changes == {"enquiry": {21: 2}} and view.breaks_cancelled == {21}
        assert "enquiry +2" in _status(view)
        await pilot.press("f9")
        assert _cell(view, 21, CHANGE) == "" and "no changes" in _status(view)
        await pilot.press("escape")
        await until(lambda: not isinstance(pilot.app.screen, StaffingView), pilot)
        assert "Supervisor monitor" in screen_text(pilot.app)

    await _as_supervisor(centre, tmp_path, config_dir, steps)


async def test_the_next_queue_and_todays_callers_by_keys(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        view = await _open(pilot, centre)
        await pilot.press("f2")
        assert view.queue_id == "fault"
        assert "fault (2/4" in str(view.query_one("#staffing-title", Static).render())
        await pilot.press("f3")
        await until(lambda: view.table is not None and view.table.source == "actual", pilot)
        assert "today's callers" in str(view.query_one("#staffing-title", Static).render())
        assert view.table is not None
        later = [r for r in view.table.rows if r.slot > 21]
        assert later and all(r.calls == 0 for r in later)  # nobody has called from 11:00 yet
        assert any(r.calls > 0 for r in view.table.rows if r.slot == 20)

    await _as_supervisor(centre, tmp_path, config_dir, steps)


async def test_the_screen_goes_on_while_the_whatif_runs_and_then_shows_it(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        view = await _open(pilot, centre)
        await pilot.press("up", "f7", "f7", "f7", "f7", "f7", "f7")
        await pilot.press("f5")
        await until(lambda: view.job is not None, pilot)
        await pilot.press("f2")  # the keys work while the server re-runs the day
        assert view.queue_id == "fault"
        await until(lambda: view.job is not None and view.job.status != "running", pilot, 60.0)
        assert view.job is not None and view.job.status == "done", view.job.error
        await pilot.press("f2", "f2", "f2")
        assert view.queue_id == "enquiry"
        job = view.job
        assert job is not None and job.result is not None
        row = next(r for r in job.result.rows if (r.queue_id, r.slot) == ("enquiry", 20))
        cell = _cell(view, 20, SL)
        had = row.happened.service_level
        assert had is not None and row.service_level.mean is not None
        assert cell.startswith(f"{had * 100:.0f}%→{row.service_level.mean * 100:.0f}±")
        assert "20 runs" in _status(view)
        assert "enquiry −6" in _status(view) or "enquiry -6" in _status(view)

    await _as_supervisor(centre, tmp_path, config_dir, steps)
