"""Attendance at shift start and violations (SV5): the supervisor's attendance view.

One screen over the monitor: per team, expected / present / late / absent against today's
roster, then every agent of the roster with its status (late log-ins flagged, by how
much), the reason of an absence, and its violation points this month. A key records a
violation for the highlighted agent (level 1/2/3 = 1/3/5 points, a category, a note).
Everything is `GET /v1/supervision/attendance` (the server folds it from the log), read
on opening, every few seconds after the last read landed, and when a violation is
recorded. `summary_rows` and `agent_rows` are the pure parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION, DISCIPLINE
from agent_tui.keymap import default_bindings
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.supervisor.text_dialog import TextDialog
from server_stub.protocol.attendance_api import AttendanceView, ViolationRequest
from server_stub.protocol.supervision import VIOLATION_POINTS, AttendanceRow, AttendanceStatus

REFRESH_EVERY_S = 5.0
Clock = Callable[[float], str]  # sim time → the centre's "HH:MM"
SUMMARY_COLUMNS = ("Team 班组", "Expected 应到", "Present 实到", "Late 迟到", "Absent 缺勤")
AGENT_COLUMNS = ("Agent", "Name 姓名", "Status 状态", "Due 应到", "In 签到", "Pts 本月",
                 "Team", "Reason 原因")  # fmt: skip
STATUS_WORDS: dict[AttendanceStatus, tuple[str, str]] = {
    AttendanceStatus.PRESENT: ("在岗 present", "#8fbf7f"),
    AttendanceStatus.LATE: ("迟到 LATE", "bold #e06c75"),
    AttendanceStatus.ABSENT: ("缺勤 absent", "#e0b860"),
    AttendanceStatus.MISSING: ("未到 missing", "bold #e06c75"),
    AttendanceStatus.EXPECTED: ("待到 expected", ""),
    AttendanceStatus.UPCOMING: ("未开班 later", "dim"),
}
LEVEL_WORDS = {1: "轻微 minor", 2: "一般 serious", 3: "严重 grave"}

ATTENDANCE_CSS = """
AttendanceScreen #attendance-summary {
    height: auto;
    max-height: 6;
}
AttendanceScreen #attendance-agents {
    height: 1fr;
}
"""


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min"


def summary_rows(view: AttendanceView) -> dict[str, list[Text | str]]:
    """One row per team: expected, present (late ones included), late, absent."""
    rows: dict[str, list[Text | str]] = {}
    for team in view.teams:
        late = Text(str(team.late), style="bold #e06c75" if team.late else "")
        absent = f"{team.absent}" + (f" ({team.missing} 未到 no word)" if team.missing else "")
        rows[team.team_id] = [team.team_id, str(team.expected), str(team.present), late, absent]
    return rows


def agent_rows(view: AttendanceView, clock: Clock) -> dict[str, list[Text | str]]:
    """One row per agent of the roster: worst first (missing, late, absent), then by id."""
    order = {
        AttendanceStatus.MISSING: 0,
        AttendanceStatus.LATE: 1,
        AttendanceStatus.ABSENT: 2,
        AttendanceStatus.EXPECTED: 3,
        AttendanceStatus.PRESENT: 4,
        AttendanceStatus.UPCOMING: 5,
    }
    labels = {r.code: r.label for r in view.absence_reasons}
    every = [row for team in view.teams for row in team.rows]
    rows: dict[str, list[Text | str]] = {}
    for row in sorted(every, key=lambda r: (order[r.status], r.agent_id)):
        rows[row.agent_id] = _agent_row(row, view.points.get(row.agent_id, 0), labels, clock)
    return rows


def _agent_row(
    row: AttendanceRow, points: int, labels: dict[str, str], clock: Clock
) -> list[Text | str]:
    word, style = STATUS_WORDS[row.status]
    status = Text(word, style=style)
    if row.late_by_s is not None:
        status.append(f" +{_minutes(row.late_by_s)}", style=style)
    reason = labels.get(row.reason, row.reason) if row.reason else ""
    if row.note:
        reason = f"{reason} · {row.note}" if reason else row.note
    logged_in = _hhmm(clock(row.first_login_at)) if row.first_login_at is not None else "—"
    shown_points = Text(str(points), style="bold #e06c75" if points else "dim")
    return [row.agent_id, row.name, status, _hhmm(clock(row.expected_at)), logged_in,
            shown_points, row.team_id, reason]  # fmt: skip


def _hhmm(clock_text: str) -> str:
    """The minutes of a centre time ("08:30:00" → "08:30"): a roster is by the minute."""
    return clock_text[:5] if clock_text[2:3] == ":" else clock_text


class AttendanceScreen(WorkspaceScreen):
    """Over the monitor until the attendance key (or Esc) again."""

    DEFAULT_CSS = ATTENDANCE_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        *default_bindings("supervisor"),
        ("escape", "attendance", "Back"),
    ]
    SCOPE = "supervisor"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION, DISCIPLINE})
    OWN: ClassVar[frozenset[str]] = frozenset({"attendance", "violation", "refresh"})
    _refresh_timer: Timer | None = None

    def __init__(self) -> None:
        super().__init__()
        self.view: AttendanceView | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            "Attendance 考勤 · loading… 加载中", id="attendance-title", classes="board-title"
        )
        with Vertical():
            summary: DataTable[object] = DataTable(id="attendance-summary", cursor_type="none")
            yield summary
            yield Static("", id="attendance-late", classes="board-title")
            agents: DataTable[object] = DataTable(id="attendance-agents", cursor_type="row")
            yield agents
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#attendance-summary", DataTable).add_columns(*SUMMARY_COLUMNS)
        self.query_one("#attendance-agents", DataTable).add_columns(*AGENT_COLUMNS)
        self.query_one("#attendance-agents", DataTable).focus()
        self.refresh_key_hints()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "violation":
            return self._highlighted() is not None
        if action in {a for a in _supervisor_actions()}:
            return action in self.OWN
        return True

    def action_labels(self) -> dict[str, str]:
        return {"supervisor.attendance": "Back to monitor"}

    def show_parts(self, parts: frozenset[str]) -> None:
        if DISCIPLINE in parts:
            self.load()  # a violation recorded: the points are the server's to add up

    # -- reading -----------------------------------------------------------------------

    @work(exclusive=True, group="attendance", exit_on_error=False)
    async def load(self) -> None:
        ok, view = await attempt(self.notify, "read the attendance", self.shell.api.attendance())
        if ok and view is not None:
            self.view = view
            self._draw()
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(REFRESH_EVERY_S, self.load)

    def _draw(self) -> None:
        view = self.view
        if view is None:
            return
        clock = self.store.centre_time
        scope = f"team {', '.join(self.store.teams)}" if self.store.teams else "the whole floor"
        title = f"Attendance 考勤 · {scope} · as of {clock(view.as_of)} · points: {view.month}"
        self.query_one("#attendance-title", Static).update(title)
        sync_rows(self.query_one("#attendance-summary", DataTable), summary_rows(view))
        late = ", ".join(
            f"{r.name} ({r.agent_id}) +{_minutes(r.late_by_s or 0)}" for r in view.late
        )
        line = Text("Late log-ins 迟到: ", style="bold")
        line.append(late or "none 无", style="bold #e06c75" if late else "dim")
        self.query_one("#attendance-late", Static).update(line)
        sync_rows(self.query_one("#attendance-agents", DataTable), agent_rows(view, clock))
        self.refresh_key_hints()

    # -- actions -----------------------------------------------------------------------

    def _highlighted(self) -> str | None:
        return highlighted_key(self.query_one("#attendance-agents", DataTable))

    def action_attendance(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    def action_violation(self) -> None:
        agent_id = self._highlighted()
        if agent_id is not None and self.view is not None:
            self.record_violation(agent_id)

    @work(group="violation", exit_on_error=False)
    async def record_violation(self, agent_id: str) -> None:
        view = self.view
        assert view is not None
        name = next((r.name for t in view.teams for r in t.rows if r.agent_id == agent_id), "")
        levels = [
            Choice(str(level), f"Level {level} {LEVEL_WORDS[level]}", f"{points} pts")
            for level, points in VIOLATION_POINTS.items()
        ]
        level = await self.app.push_screen_wait(
            ChoicePicker(f"Violation 违规 · {name} ({agent_id}) · level 等级", levels)
        )
        if level is None:
            return
        categories = [Choice(c.code, c.label) for c in view.violation_categories]
        category = await self.app.push_screen_wait(ChoicePicker("Category 类别", categories))
        if category is None:
            return
        note = await self.app.push_screen_wait(
            TextDialog(f"Note 说明 · {name} ({agent_id})", placeholder="what happened 经过")
        )
        if note is None:
            return
        request = ViolationRequest(
            agent_id=agent_id,
            level=int(level),  # type: ignore[arg-type]  # one of VIOLATION_POINTS
            category=category,
            note=note,
        )
        ok, recorded = await attempt(
            self.notify, "record the violation", self.shell.api.record_violation(request)
        )
        if ok and recorded is not None:
            self.notify(
                f"Recorded {recorded.violation_id}: {recorded.points} pts for {agent_id} 已记录",
                timeout=3,
            )
            self.load()


def _supervisor_actions() -> list[str]:
    from agent_tui.actions import actions_of

    return [a.action for a in actions_of("supervisor")]
