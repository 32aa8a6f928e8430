"""Quality: the calls sampled for evaluation, and the highlighted one's transcript and timeline.

On opening, the workspace draws enough calls to fill each agent's quota for the month
(QA1); the sample key draws another way (at random, by agent, queue or customer). From a
call the evaluator opens the scorecard (prefilled from the log), a blind calibration
round, or the statistics. Every request runs in a worker: the screen never waits.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from agent_tui.client.api import new_request_id
from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.ui.tickets import show_a_ticket
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.quality.calls import (
    SAMPLE_COLUMNS,
    quota_text,
    sample_rows,
    timeline_block,
)
from agent_tui.workspaces.quality.figures_screen import CalibrationScreen, StatisticsScreen
from agent_tui.workspaces.quality.sample_dialog import SampleDialog
from agent_tui.workspaces.quality.scorecard_screen import ScorecardScreen
from server_stub.protocol.quality_api import (
    CalibrationCreate,
    CallTimeline,
    SampleRequest,
    SampleResult,
)

EMPTY = "No answered call to evaluate in this sample. 本次抽样没有可评估的通话"
MAIN_ACTIONS = frozenset({"find_ticket", "sample", "evaluate", "calibrate", "statistics"})
NEEDS_A_CALL = frozenset({"evaluate", "calibrate"})

QUALITY_CSS = """
QualityScreen #quota {
    padding: 0 1;
    height: 1;
}
QualityScreen #sample-body {
    height: 1fr;
}
QualityScreen #sample-board {
    width: 62;
    height: 1fr;
}
QualityScreen #call-detail {
    width: 1fr;
}
QualityScreen.-narrow #sample-body {
    layout: vertical;
}
QualityScreen.-narrow #sample-board {
    width: 100%;
    height: 7;
}
"""
# Below this width the call's transcript goes under the list instead of beside it.
SIDE_BY_SIDE_WIDTH = 110


class QualityScreen(WorkspaceScreen):
    DEFAULT_CSS = QUALITY_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("quality")  # type: ignore[assignment]
    SCOPE = "quality"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})

    def __init__(self) -> None:
        super().__init__()
        self.request = SampleRequest(by="quota", count=20)
        self.sample: SampleResult | None = None
        self.timelines: dict[str, CallTimeline] = {}

    def compose(self) -> ComposeResult:
        note = "Calls sampled for evaluation 质检抽样: the transcript and timeline of each."
        yield WorkspaceHeader("Quality 质检", note, id="quality-header")
        yield Static("", id="quota")
        with Horizontal(id="sample-body"):
            board: DataTable[object] = DataTable(id="sample-board", cursor_type="row")
            yield board
            yield DetailPanel("Call 通话", "Drawing a sample… 抽样中", id="call-detail")
        yield KeyHints(id="key-hints")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < SIDE_BY_SIDE_WIDTH, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.size.width < SIDE_BY_SIDE_WIDTH, "-narrow")
        self.query_one("#sample-board", DataTable).add_columns(*SAMPLE_COLUMNS)
        self.show_parts(self.PARTS)
        self.query_one("#sample-board", DataTable).focus()
        self.draw_sample()

    def show_parts(self, parts: frozenset[str]) -> None:
        self.query_one(WorkspaceHeader).show(self.store)
        self.refresh_key_hints()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.sample is not None:
            self.draw_sample()  # an evaluation may have been confirmed: counts change

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_A_CALL:
            return self._call_id() is not None
        if action in MAIN_ACTIONS:
            return True
        scorecard = {"mark", "not_applicable", "comments", "confirm", "coach"}
        return action not in scorecard | {"period", "back"}

    def _call_id(self) -> str | None:
        if not self.is_mounted:
            return None
        return highlighted_key(self.query_one("#sample-board", DataTable))

    # ------------------------------------------------------------------ the sample

    @work(exclusive=True, group="sample", exit_on_error=False)
    async def draw_sample(self) -> None:
        ok, result = await attempt(
            self.notify, "draw a sample", self.shell.api.quality_sample(self.request)
        )
        if not ok or result is None:
            return
        self.sample = result
        self.query_one("#quota", Static).update(quota_text(result))
        board = self.query_one("#sample-board", DataTable)
        sync_rows(board, sample_rows(result))
        if not result.calls:
            self.query_one(DetailPanel).show("Call 通话", EMPTY)
        self._show_highlighted()
        self.refresh_key_hints()

    def action_sample(self) -> None:
        self.app.push_screen(SampleDialog(self.request), self._sample_given)

    def _sample_given(self, request: SampleRequest | None) -> None:
        if request is not None:
            self.request = request
            self.draw_sample()

    @on(DataTable.RowHighlighted, "#sample-board")
    def _highlighted(self) -> None:
        self._show_highlighted()
        self.refresh_key_hints()

    def _show_highlighted(self) -> None:
        call_id = self._call_id()
        if call_id is None:
            return
        known = self.timelines.get(call_id)
        if known is not None:
            self.query_one(DetailPanel).show(f"Call 通话 {call_id}", timeline_block(known))
        else:
            self.load_timeline(call_id)

    @work(exclusive=True, group="timeline", exit_on_error=False)
    async def load_timeline(self, call_id: str) -> None:
        ok, found = await attempt(
            self.notify, f"read call {call_id}", self.shell.api.quality_call(call_id)
        )
        if ok and found is not None:
            self.timelines[call_id] = found
            if self._call_id() == call_id:
                self.query_one(DetailPanel).show(f"Call 通话 {call_id}", timeline_block(found))

    # ------------------------------------------------------------------ on to the work

    def action_evaluate(self) -> None:
        call_id = self._call_id()
        if call_id is not None:
            self.app.push_screen(ScorecardScreen(call_id))

    def action_statistics(self) -> None:
        self.app.push_screen(StatisticsScreen())

    def action_calibrate(self) -> None:
        call_id = self._call_id()
        if call_id is not None:
            self.calibrate(call_id)

    @work(exclusive=True, group="calibrate", exit_on_error=False)
    async def calibrate(self, call_id: str) -> None:
        """Scored in a round of this call already: its figures. A round I have not scored:
        score it, blind. No round yet: open one and score it."""
        api, me = self.shell.api, self.store.user
        ok, rounds = await attempt(self.notify, "read the rounds", api.calibrations_of(call_id))
        if not ok or rounds is None or me is None:
            return
        done = next((r for r in rounds if me.id in r.evaluators), None)
        if done is not None:
            self.app.push_screen(CalibrationScreen(done.id))
            return
        open_round = rounds[-1] if rounds else None
        if open_round is None:
            made = CalibrationCreate(request_id=new_request_id(), call_id=call_id)
            ok, open_round = await attempt(
                self.notify, "open a round", api.create_calibration(made)
            )
            if not ok or open_round is None:
                return
            self.notify(f"Round {open_round.id} opened: each evaluator scores blind", timeout=4)
        self.app.push_screen(ScorecardScreen(call_id, calibration=open_round.id))

    def action_find_ticket(self) -> None:
        self.find_ticket()

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def find_ticket(self) -> None:
        panel = self.query_one(DetailPanel)
        await show_a_ticket(self, self.shell.api, panel, self.store.sim_now())
