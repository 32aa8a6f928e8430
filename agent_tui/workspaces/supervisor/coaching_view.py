"""Coaching tasks (QA3): the team leader's one-to-one coaching of its agents.

An evaluator who finds an individual problem on a call opens a coaching task for the
agent's team leaders (`POST /v1/quality/evaluations/{id}/coaching`). This screen over the
monitor lists the tasks of the supervisor's teams (`GET /v1/quality/coaching`: the server
keeps each team's to its own leaders), open ones first, with the items the call lost
points on; Enter on an open one closes it with a note of what was done
(`POST /v1/quality/coaching/{id}/close`). `task_rows` is the pure part.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.supervisor.over_monitor import OverMonitorScreen, over_monitor_bindings
from agent_tui.workspaces.supervisor.text_dialog import TextDialog
from server_stub.protocol.quality_api import CoachingClose, CoachingTask

CLOSE_HINT = "Enter on an open task: coached, with a note 回车: 已辅导并填写说明"
TASK_COLUMNS = ("Task", "Agent", "Call", "Status 状态", "Lost 失分项", "By 质检员")

COACHING_CSS = """
CoachingScreen #coaching-tasks {
    height: 1fr;
}
CoachingScreen #coaching-detail {
    height: auto;
    max-height: 50%;
    border-top: solid $secondary 60%;
    padding: 0 1;
}
CoachingScreen #coaching-hint {
    color: $text-muted;
    padding: 0 1;
}
"""


def task_rows(tasks: list[CoachingTask]) -> dict[str, list[Text | str]]:
    """One row per task: open ones first (oldest first), then the closed ones."""
    rows: dict[str, list[Text | str]] = {}
    for task in sorted(tasks, key=lambda t: (t.status != "open", t.id)):
        if task.status == "open":
            status = Text("待辅导 open", style="bold #e0b860")
        else:
            status = Text(f"已辅导 closed by {task.closed_by}", style="#8fbf7f")
        lost = Text(str(len(task.items)), justify="right")
        rows[task.id] = [task.id, task.agent_id, task.call_id, status, lost, task.created_by]
    return rows


def task_detail(task: CoachingTask | None) -> Text:
    """The highlighted task in full: what was lost, the evaluator's note, the coaching."""
    if task is None:
        return Text("No coaching task for your teams. 暂无辅导任务", style="dim")
    text = Text()
    text.append("Items lost 失分项: ", style="bold")
    text.append("; ".join(task.items) or "—")
    text.append("\nEvaluator 质检意见: ", style="bold")
    text.append(task.note or "—")
    if task.status == "closed":
        text.append(f"\nCoached 辅导记录 ({task.closed_by}): ", style="bold #8fbf7f")
        text.append(task.closing_note)
    return text


class CoachingScreen(OverMonitorScreen):
    """Over the monitor until the coaching key (or Esc) again."""

    DEFAULT_CSS = COACHING_CSS
    BINDINGS: ClassVar[list[BindingType]] = over_monitor_bindings("coaching")
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})
    OWN: ClassVar[frozenset[str]] = frozenset({"coaching", "refresh"})

    def __init__(self) -> None:
        super().__init__()
        self.tasks: dict[str, CoachingTask] = {}

    def compose(self) -> ComposeResult:
        yield Static("Coaching 辅导 · loading… 加载中", id="coaching-title", classes="board-title")
        table: DataTable[object] = DataTable(id="coaching-tasks", cursor_type="row")
        yield table
        yield Static("", id="coaching-detail")
        yield Static(CLOSE_HINT, id="coaching-hint")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        table = self.query_one("#coaching-tasks", DataTable)
        table.add_columns(*TASK_COLUMNS)
        table.focus()
        self.refresh_key_hints()
        self.load()

    def action_labels(self) -> dict[str, str]:
        return {"supervisor.coaching": "Back to monitor"}

    def show_parts(self, parts: frozenset[str]) -> None:
        self.refresh_key_hints()

    @work(exclusive=True, group="coaching", exit_on_error=False)
    async def load(self) -> None:
        reading = self.shell.api.coaching_tasks()
        ok, tasks = await attempt(self.notify, "read the coaching tasks", reading)
        if ok and tasks is not None:
            self.tasks = {task.id: task for task in tasks}
            waiting = sum(task.status == "open" for task in tasks)
            title = f"Coaching 辅导 · {waiting} open 待辅导 of {len(tasks)}"
            self.query_one("#coaching-title", Static).update(title)
            sync_rows(self.query_one("#coaching-tasks", DataTable), task_rows(tasks))
            self._show_highlighted()

    @on(DataTable.RowHighlighted, "#coaching-tasks")
    def _show_highlighted(self) -> None:
        key = highlighted_key(self.query_one("#coaching-tasks", DataTable))
        task = self.tasks.get(key) if key is not None else None
        self.query_one("#coaching-detail", Static).update(task_detail(task))

    def _open_task(self) -> CoachingTask | None:
        key = highlighted_key(self.query_one("#coaching-tasks", DataTable))
        task = self.tasks.get(key) if key is not None else None
        return task if task is not None and task.status == "open" else None

    def action_coaching(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    @on(DataTable.RowSelected, "#coaching-tasks")
    def _selected(self) -> None:
        task = self._open_task()
        if task is not None:
            self.close_task(task)

    @work(group="close-coaching", exit_on_error=False)
    async def close_task(self, task: CoachingTask) -> None:
        note = await self.app.push_screen_wait(
            TextDialog(
                f"Coached 已辅导 · {task.agent_id} · {task.id}",
                placeholder="what was done 辅导内容",
                hint="Enter closes the task · Esc cancels",
                required=True,
            )
        )
        if not note:
            return
        closing = self.shell.api.close_coaching_task(task.id, CoachingClose(note=note))
        ok, closed = await attempt(self.notify, "close the coaching task", closing)
        if ok and closed is not None:
            self.notify(f"{task.id} closed 已辅导", timeout=3)
            self.load()
