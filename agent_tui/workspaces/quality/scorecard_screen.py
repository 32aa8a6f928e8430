"""The scorecard of one call: the form's deductions, prefilled from the log, marked, confirmed.

Opening it finds the evaluator's draft of the call (in the same calibration round) or
makes one, which the server prefills from the call's log (⚑). Marks change here at once
and the total follows; the server gets them when the evaluator goes back (the draft is
kept) or confirms (the evaluation is stored pinning its form version and counts in the
statistics). A failed save says why and keeps every mark and the comments on screen. The
coaching key confirms with a note that opens a one-to-one coaching task for the agent's
team leaders (QA3: an individual problem).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Input, Static

from agent_tui.client.api import new_request_id
from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.ui.text_dialog import TextDialog
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.quality.scorecard import (
    CARD_COLUMNS,
    NARROW_WIDTH,
    allows_na,
    card_rows,
    evidence_text,
    not_applicable_toggled,
    score_line,
    toggled,
)
from server_stub.protocol.quality_api import (
    CoachingCreate,
    EvaluationConfirm,
    EvaluationCreate,
    EvaluationUpdate,
)
from server_stub.protocol.quality_forms import Evaluation, QualityForm

SCORECARD_ACTIONS = frozenset({"mark", "not_applicable", "comments", "confirm", "coach", "back"})
# The sample's own actions (and the statistics' period), not offered on the scorecard.
MAIN_ACTIONS = frozenset({"find_ticket", "sample", "evaluate", "calibrate", "statistics", "period"})

SCORECARD_CSS = """
ScorecardScreen #card-title {
    padding: 0 1;
    background: $boost;
    height: 1;
}
ScorecardScreen #card-score {
    padding: 0 1;
    height: 1;
}
ScorecardScreen #card-board {
    height: 1fr;
}
ScorecardScreen #card-evidence {
    padding: 0 1;
    height: 3;
    color: $text-muted;
}
ScorecardScreen #card-comments {
    margin: 0 1;
}
"""


class ScorecardScreen(WorkspaceScreen):
    DEFAULT_CSS = SCORECARD_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("quality")  # type: ignore[assignment]
    SCOPE = "quality"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})

    def __init__(self, call_id: str, *, calibration: str | None = None) -> None:
        super().__init__()
        self.call_id = call_id
        self.calibration = calibration
        self.form: QualityForm | None = None
        self.evaluation: Evaluation | None = None
        self.wide = True

    def compose(self) -> ComposeResult:
        yield Static(f"Scorecard 评分 · call {self.call_id}", id="card-title")
        yield Static("Prefilling from the call's log… 正在按日志预填", id="card-score")
        board: DataTable[object] = DataTable(id="card-board", cursor_type="row")
        yield board
        yield Static("", id="card-evidence")
        yield Input(placeholder="Comments 评语", id="card-comments", compact=True)
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.wide = self.size.width >= NARROW_WIDTH
        self.query_one("#card-comments", Input).cursor_blink = self.shell.cursor_blink
        self.query_one("#card-board", DataTable).add_columns(*CARD_COLUMNS)
        self.query_one("#card-board", DataTable).focus()
        self.refresh_key_hints()
        self.open_draft()

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= NARROW_WIDTH
        if wide != self.wide:
            self.wide = wide
            self._draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SCORECARD_ACTIONS:
            ready = self.evaluation is not None and self.evaluation.status == "draft"
            if action == "back":
                return True
            if action == "coach":  # a draft is confirmed with its coaching note
                return self.evaluation is not None
            if action == "not_applicable":
                key = self._row()
                return (
                    ready
                    and key is not None
                    and self.form is not None
                    and allows_na(self.form, key)
                )
            return ready
        return action not in MAIN_ACTIONS

    def _row(self) -> str | None:
        return highlighted_key(self.query_one("#card-board", DataTable))

    # ------------------------------------------------------------------ the draft

    @work(exclusive=True, group="scorecard", exit_on_error=False)
    async def open_draft(self) -> None:
        api = self.shell.api
        ok, forms = await attempt(self.notify, "read the quality forms", api.quality_forms())
        ok_mine, mine = await attempt(
            self.notify, "read your evaluations", api.my_evaluations(self.call_id)
        )
        if not ok or forms is None or not ok_mine or mine is None:
            return
        held = next((v for v in mine if v.evaluation.calibration == self.calibration), None)
        view = held
        if view is None:
            request = EvaluationCreate(
                request_id=new_request_id(), call_id=self.call_id, calibration=self.calibration
            )
            ok, view = await attempt(
                self.notify, "start the evaluation", api.create_evaluation(request)
            )
            if not ok or view is None:
                return
        evaluation = view.evaluation
        self.form = next(
            (
                f
                for f in forms.forms
                if (f.id, f.version) == (evaluation.form, evaluation.form_version)
            ),
            None,
        )
        if self.form is None:
            self.notify(
                f"Form {evaluation.form} v{evaluation.form_version} is no longer published",
                severity="error",
            )
            return
        self.evaluation = evaluation
        self.query_one("#card-comments", Input).value = evaluation.comments
        self._draw()

    def _draw(self) -> None:
        form, evaluation = self.form, self.evaluation
        if form is None or evaluation is None:
            return
        title = f"Scorecard 评分 {evaluation.id} · call {evaluation.call_id}"
        title += f" · agent {evaluation.agent_id}"
        title += f" · {form.title.split(' / ')[0]} v{form.version}"
        if evaluation.calibration is not None:
            title += f" · blind round {evaluation.calibration}"
        if evaluation.status == "confirmed":
            title += " · confirmed 已确认"
        self.query_one("#card-title", Static).update(title)
        self.query_one("#card-score", Static).update(score_line(form, evaluation))
        sync_rows(
            self.query_one("#card-board", DataTable), card_rows(form, evaluation, wide=self.wide)
        )
        self._show_evidence()
        self.refresh_key_hints()

    @on(DataTable.RowHighlighted, "#card-board")
    def _highlighted(self) -> None:
        self._show_evidence()
        self.refresh_key_hints()

    def _show_evidence(self) -> None:
        key = self._row()
        if self.form is not None and self.evaluation is not None and key is not None:
            self.query_one("#card-evidence", Static).update(
                evidence_text(self.form, self.evaluation, key)
            )

    # ------------------------------------------------------------------ marking

    def action_mark(self) -> None:
        key = self._row()
        if self.form is not None and self.evaluation is not None and key is not None:
            self.evaluation = toggled(self.form, self.evaluation, key)
            self._draw()

    def action_not_applicable(self) -> None:
        key = self._row()
        if self.form is not None and self.evaluation is not None and key is not None:
            self.evaluation = not_applicable_toggled(self.form, self.evaluation, key)
            self._draw()

    def action_comments(self) -> None:
        self.query_one("#card-comments", Input).focus()

    @on(Input.Submitted, "#card-comments")
    def _comments_done(self) -> None:
        self.query_one("#card-board", DataTable).focus()

    # ------------------------------------------------------------------ saving

    def _update(self) -> EvaluationUpdate | None:
        if self.evaluation is None:
            return None
        comments = self.query_one("#card-comments", Input).value
        return EvaluationUpdate(marks=self.evaluation.marks, comments=comments[:4000])

    def action_confirm(self) -> None:
        self.save(confirm=True)

    def action_back(self) -> None:
        if self.evaluation is None or self.evaluation.status != "draft":
            self.dismiss()
            return
        self.save(confirm=False)

    @work(exclusive=True, group="save", exit_on_error=False)
    async def save(self, confirm: bool, coaching: str | None = None) -> None:
        update, evaluation = self._update(), self.evaluation
        if update is None or evaluation is None:
            return
        api = self.shell.api
        ok, saved = await attempt(
            self.notify, "save the scorecard", api.update_evaluation(evaluation.id, update)
        )
        if not ok or saved is None:
            return
        if confirm:
            ok, saved = await attempt(
                self.notify,
                "confirm the evaluation",
                api.confirm_evaluation(evaluation.id, EvaluationConfirm()),
            )
            if not ok or saved is None:
                return
            self.notify(
                f"Evaluation {evaluation.id} confirmed 已确认: total {saved.score.total:g}",
                timeout=4,
            )
            if coaching:
                await self._open_coaching(evaluation.id, coaching)
        else:
            self.notify(f"Draft {evaluation.id} kept 草稿已保存", timeout=3)
        self.dismiss()

    # ------------------------------------------------------------------ coaching (QA3)

    def action_coach(self) -> None:
        """An individual problem: a note for the agent's team leader; a draft is confirmed
        with it (the sample then leaves the call out, as after F10)."""
        evaluation = self.evaluation
        if evaluation is None:
            return
        draft = evaluation.status == "draft"
        self.app.push_screen(
            TextDialog(
                f"Coaching 辅导 · agent {evaluation.agent_id} · {evaluation.id}",
                placeholder="what the team leader should work on 辅导要点",
                hint=("Enter confirms the scorecard and o" if draft else "Enter o")
                + "pens a task for the agent's team leader · Esc cancels",
                required=True,
            ),
            lambda note: self._coach_given(evaluation, note),
        )

    def _coach_given(self, evaluation: Evaluation, note: str | None) -> None:
        if not note:
            return
        if evaluation.status == "draft":
            self.save(confirm=True, coaching=note)
        else:
            self.coach(evaluation.id, note)

    @work(group="coach", exit_on_error=False)
    async def coach(self, evaluation_id: str, note: str) -> None:
        await self._open_coaching(evaluation_id, note)

    async def _open_coaching(self, evaluation_id: str, note: str) -> None:
        request = CoachingCreate(request_id=new_request_id(), note=note[:4000])
        opening = self.shell.api.open_coaching_task(evaluation_id, request)
        ok, task = await attempt(self.notify, "open the coaching task", opening)
        if ok and task is not None:
            leaders = ", ".join(task.team_leaders) or "—"
            self.notify(f"Coaching task {task.id} for {leaders} 已派辅导任务", timeout=4)
