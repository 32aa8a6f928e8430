"""The staffing view (KP1, issue 10 item 6): agents required per half-hour, and "re-run today".

One queue at a time (the next by key): each half-hour's calls (the forecast, or today's
actual callers), the Erlang load and agents required by Erlang C and Erlang A for the
queue's goal. The supervisor keys in a change per half-hour (one agent more or fewer on
the phones, breaks cancelled) and runs the what-if: the server re-runs today so far with
the changes (`POST /v1/supervision/whatif`) while the view polls for the result in a
worker, so the screen never waits; then SL, abandons and occupancy show as they happened
→ the what-if's mean ± sd, per half-hour. Esc goes back to the monitor.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.supervisor.staffing_rows import (
    STAFFING_COLUMNS,
    changes_summary,
    staffing_rows,
    whatif_request,
)
from server_stub.protocol.staffing import (
    StaffingSource,
    StaffingTable,
    WhatIfJob,
    WhatIfRowModel,
)

REPLICATIONS = 20
POLL_EVERY_S = 0.5

STAFFING_CSS = """
StaffingView #staffing-title {
    padding: 0 1;
    background: $boost;
    height: 1;
}
StaffingView #staffing-status {
    padding: 0 1;
    height: 1;
}
StaffingView #staffing-table {
    height: 1fr;
}
"""


class StaffingView(WorkspaceScreen):
    """Required agents per half-hour for one queue, the keyed-in changes, the what-if."""

    DEFAULT_CSS = STAFFING_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        *default_bindings("staffing"),
        Binding("escape", "close", "Back", show=False),
    ]
    SCOPE = "staffing"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})

    def __init__(self) -> None:
        super().__init__()
        self.source: StaffingSource = "forecast"
        self.table: StaffingTable | None = None
        self.queue_index = 0
        self.changes: dict[str, dict[int, int]] = {}
        self.breaks_cancelled: frozenset[int] = frozenset()
        self.job: WhatIfJob | None = None
        self._placed_cursor = False

    def compose(self) -> ComposeResult:
        yield Static("Staffing 排班测算", id="staffing-title")
        yield Static("Loading… 加载中", id="staffing-status")
        table: DataTable[object] = DataTable(id="staffing-table", cursor_type="row")
        yield table
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#staffing-table", DataTable).add_columns(*STAFFING_COLUMNS)
        self.query_one("#staffing-table", DataTable).focus()
        self.refresh_key_hints()
        self.load_table()

    def show_parts(self, parts: frozenset[str]) -> None:
        self.refresh_key_hints()

    # -- what is shown --------------------------------------------------------------------

    @property
    def queue_id(self) -> str | None:
        if self.table is None or not self.table.queues:
            return None
        return self.table.queues[self.queue_index % len(self.table.queues)]

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.status == "running"

    def _result_rows(self) -> dict[int, WhatIfRowModel]:
        job = self.job
        if job is None or job.result is None:
            return {}
        return {r.slot: r for r in job.result.rows if r.queue_id == self.queue_id}

    def draw(self) -> None:
        table, queue_id = self.table, self.queue_id
        grid = self.query_one("#staffing-table", DataTable)
        if table is None or queue_id is None:
            sync_rows(grid, {})
            return
        rows = [r for r in table.rows if r.queue_id == queue_id]
        goal = f"{rows[0].sl_goal * 100:.0f}/{rows[0].sl_target_s:.0f}" if rows else ""
        source = "forecast 预测" if self.source == "forecast" else "today's callers 今日实际"
        keys = self.shell.keymap.key
        title = (
            f"Staffing 排班测算 · {queue_id} ({self.queue_index % len(table.queues) + 1}/"
            f"{len(table.queues)}, {keys('staffing.queue')}) · goal {goal} · from {source}"
        )
        self.query_one("#staffing-title", Static).update(title)
        cells = staffing_rows(
            rows, self.changes.get(queue_id, {}), self.breaks_cancelled, self._result_rows()
        )
        sync_rows(grid, cells)
        if not self._placed_cursor and grid.row_count:
            self._placed_cursor = True
            if str(table.now_slot) in cells:
                grid.move_cursor(row=grid.get_row_index(str(table.now_slot)))
        self._show_status()

    def _show_status(self) -> None:
        summary = changes_summary(self.changes, self.breaks_cancelled)
        job = self.job
        if job is None:
            status = f"Changes: {summary} · {self.shell.keymap.key('staffing.run')} re-runs today"
        elif job.status == "running":
            status = (
                f"Re-running today, {changes_summary(*_job_changes(job))}: "
                f"{job.request.replications} runs on the server… 模拟中"
            )
        elif job.status == "failed":
            status = f"The what-if failed: {job.error}"
        else:
            result = job.result
            assert result is not None
            workers = f"{result.workers} worker{'s' if result.workers > 1 else ''}"
            status = (
                f"What-if {changes_summary(*_job_changes(job))} · {result.callers} callers · "
                f"{result.replications} runs on {workers} · had→what-if mean±sd"
            )
            if _job_changes(job) != (self.changes, self.breaks_cancelled):
                status += f" · changed since: {summary}"
        self.query_one("#staffing-status", Static).update(status)

    # -- loading ----------------------------------------------------------------------------

    @work(exclusive=True, group="staffing-table", exit_on_error=False)
    async def load_table(self) -> None:
        request = self.shell.api.staffing(self.source)
        ok, table = await attempt(self.notify, "read the staffing table", request)
        if ok and table is not None:
            self.table = table
            self.draw()
            self.refresh_key_hints()

    @work(exclusive=True, group="staffing-whatif", exit_on_error=False)
    async def run_whatif(self) -> None:
        api = self.shell.api
        request = whatif_request(self.changes, self.breaks_cancelled, REPLICATIONS)
        ok, job = await attempt(self.notify, "start the what-if", api.start_whatif(request))
        if not ok or job is None:
            return
        self.job = job
        self.draw()
        self.refresh_key_hints()
        while job.status == "running":
            await asyncio.sleep(POLL_EVERY_S)
            ok, polled = await attempt(self.notify, "read the what-if", api.whatif(job.job_id))
            if not ok or polled is None:
                return
            job = polled
        self.job = job
        self.draw()
        self.refresh_key_hints()

    # -- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("fewer", "more", "breaks"):
            return self._highlighted_slot() is not None
        if action == "run":
            return self.table is not None and not self.running
        if action == "reset":
            return bool(self.changes or self.breaks_cancelled)
        if action == "next_queue":
            return self.table is not None and len(self.table.queues) > 1
        return True

    def _highlighted_slot(self) -> int | None:
        key = highlighted_key(self.query_one("#staffing-table", DataTable))
        return int(key) if key is not None else None

    def _change(self, delta: int) -> None:
        slot, queue_id = self._highlighted_slot(), self.queue_id
        if slot is None or queue_id is None:
            return
        per_slot = self.changes.setdefault(queue_id, {})
        per_slot[slot] = per_slot.get(slot, 0) + delta
        if not per_slot[slot]:
            del per_slot[slot]
        if not per_slot:
            del self.changes[queue_id]
        self.draw()
        self.refresh_key_hints()

    def action_more(self) -> None:
        self._change(1)

    def action_fewer(self) -> None:
        self._change(-1)

    def action_breaks(self) -> None:
        slot = self._highlighted_slot()
        if slot is not None:
            self.breaks_cancelled = self.breaks_cancelled ^ {slot}
            self.draw()
            self.refresh_key_hints()

    def action_reset(self) -> None:
        self.changes = {}
        self.breaks_cancelled = frozenset()
        self.draw()
        self.refresh_key_hints()

    def action_next_queue(self) -> None:
        self.queue_index += 1
        self.draw()

    def action_source(self) -> None:
        self.source = "actual" if self.source == "forecast" else "forecast"
        self.load_table()

    def action_run(self) -> None:
        if not self.running:
            self.run_whatif()

    def action_close(self) -> None:
        self.dismiss()


def _job_changes(job: WhatIfJob) -> tuple[dict[str, dict[int, int]], frozenset[int]]:
    """The changes a job ran with, in the view's own form."""
    changes: dict[str, dict[int, int]] = {}
    for change in job.request.staffing:
        changes.setdefault(change.queue_id, {})[change.slot] = change.agents
    return changes, frozenset(b.slot for b in job.request.breaks)
