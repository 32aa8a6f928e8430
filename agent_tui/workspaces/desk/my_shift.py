"""My shift (ST3): the agent's own day on a key, from `GET /v1/agent/shift`, kept live.

`MyShift` is a dialog over the desk: on the left the time in each state today (not ready
by reason, with the centre's labels) and its share of the time logged in; on the right the
calls handled, the average talk, hold and wrap-up of the handled calls, AHT, occupancy,
and the post-call surveys (IN8) with their mean score. The figures are the server's
(`protocol.agent_shift` defines them); the dialog reads them again every `REFRESH_S` in a
worker, so a slow network never holds the screen. `shift_columns` is the pure part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from agent_tui.ui.labels import clock_face, code_label
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.agent_shift import AgentShift

ACTION_ID = "desk.my_shift"
SURVEY_ACTION_ID = "call.survey"
REFRESH_S = 2.0
WIDE_WIDTH = 110
MIN_SHOWN_S = 0.5  # a state the agent passed through in no time (the login's) is not a row

STATE_NAMES: dict[str, str] = {
    "ready": "Ready 就绪",
    "ringing": "Ringing 振铃",
    "talking": "Talking 通话",
    "held": "On hold 保持",
    "wrap_up": "Wrap-up 话后",
    "not_ready": "Not ready 示忙",
}

SHIFT_CSS = """
MyShift {
    align: center middle;
}
MyShift #shift-box {
    width: 100%;
    height: 100%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
MyShift #shift-title {
    text-style: bold;
    color: $accent;
}
MyShift #shift-hint, MyShift #shift-login {
    color: $text-muted;
}
MyShift #shift-body {
    height: 1fr;
    margin-top: 1;
}
MyShift .shift-column {
    width: 1fr;
    max-width: 56;
    height: auto;
}
MyShift #shift-states {
    margin-right: 4;
}
MyShift.-wide #shift-body {
    padding: 0 2;
}
"""


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "—"


def _average(shift: AgentShift, total_s: float) -> str:
    average = shift.average(total_s)
    return clock_face(average) if average is not None else "—"


def state_name(state: str, reason: str | None) -> str:
    """A state's row label: not ready names its reason by the centre's label."""
    name = STATE_NAMES.get(state, state)
    if state == "not_ready" and reason:
        return f"示忙 · {code_label(reason)}"
    return name


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def _table() -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(justify="right", no_wrap=True)
    return table


def shift_columns(shift: AgentShift, survey_key: str) -> tuple[RenderableType, RenderableType]:
    """The time in state (left) and the calls and surveys (right), as the dialog shows them."""
    states = _table()
    states.add_column(justify="right", no_wrap=True, min_width=4)
    shown = [s for s in shift.states if s.seconds >= MIN_SHOWN_S]
    for spell in shown:
        states.add_row(
            state_name(spell.state, spell.reason),
            clock_face(spell.seconds),
            _share(spell.seconds, shift.logged_in_s),
        )
    if not shown:
        states.add_row(Text("Not logged in today 今日未登录", style="dim"), "", "")
    states.add_row(Text("Logged in 在线", style="bold"), clock_face(shift.logged_in_s), "")

    calls = _table()
    calls.add_row("Calls handled 已处理", str(shift.calls_handled))
    calls.add_row("Avg talk 平均通话", _average(shift, shift.talk_s))
    calls.add_row("Avg hold 平均保持", _average(shift, shift.hold_s))
    calls.add_row("Avg wrap-up 平均话后", _average(shift, shift.wrapup_s))
    aht = shift.aht_s
    calls.add_row("AHT 平均处理时长", clock_face(aht) if aht is not None else "—")
    occupancy = shift.occupancy
    calls.add_row("Occupancy 占用率", f"{occupancy:.0%}" if occupancy is not None else "—")

    surveys = _table()
    tally = shift.surveys
    mean = tally.mean
    surveys.add_row("Sent to survey 转满意度", str(tally.offered))
    surveys.add_row("Scored 已评分", str(tally.scored))
    surveys.add_row("Hung up 未评分挂断", str(tally.hung_up))
    surveys.add_row("Mean score 平均分", f"{mean:.2f} / 5" if mean is not None else "—")
    how = Text(f"{survey_key} at a call's end sends the caller to the survey", style="dim")
    return (
        Group(_heading("Time in state 状态时长"), states),
        Group(
            _heading("Calls 通话"),
            calls,
            Text(""),
            _heading("Surveys 满意度调查"),
            surveys,
            how,
        ),
    )


def _quiet(message: str, **_: object) -> None:
    """A failure already said: the figures stay as they were, with their time."""


class MyShift(ModalScreen[None]):
    """The agent's day so far; Esc (or the key that opened it) closes."""

    DEFAULT_CSS = SHIFT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, agent_name: str = "") -> None:
        super().__init__()
        self.agent_name = agent_name
        self.shift: AgentShift | None = None
        self._reading = False  # a read under way: a slow network skips ticks, never piles up
        self._failing = False  # the last read failed: said once, not every tick

    def compose(self) -> ComposeResult:
        with Vertical(id="shift-box"):
            yield Static("", id="shift-title")
            yield Static("", id="shift-login")
            with Horizontal(id="shift-body"):
                yield Static("Loading 加载中…", id="shift-states", classes="shift-column")
                yield Static("", id="shift-calls", classes="shift-column")
            yield Static("", id="shift-hint")

    def on_mount(self) -> None:
        self.set_class(self.size.width >= WIDE_WIDTH, "-wide")
        self._draw_frame()
        self._tick()
        self.set_interval(REFRESH_S, self._tick)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= WIDE_WIDTH, "-wide")

    def on_key(self, event: events.Key) -> None:
        if event.key in shell_of(self).keymap.keys_for(ACTION_ID):
            event.stop()
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def _draw_frame(self) -> None:
        keymap = shell_of(self).keymap
        keys = " / ".join(dict.fromkeys(["Esc", keymap.key(ACTION_ID)]))
        who = f" · {self.agent_name}" if self.agent_name else ""
        self.query_one("#shift-title", Static).update(f"My shift 我的班次 · today 今日{who}")
        self.query_one("#shift-hint", Static).update(
            f"{keys} closes 关闭 · figures refresh every {REFRESH_S:g} s 每{REFRESH_S:g}秒刷新"
        )

    def _tick(self) -> None:
        if not self._reading:
            self._reading = True
            self.refresh_shift()

    @work(group="my-shift", exit_on_error=False)
    async def refresh_shift(self) -> None:
        shell = shell_of(self)
        notify = _quiet if self._failing else self.notify
        try:
            ok, shift = await attempt(notify, "read your shift", shell.api.my_shift())
        finally:
            self._reading = False
        self._failing = not ok
        if ok and shift is not None:
            self.show(shift, shell.store.centre_time)

    def show(self, shift: AgentShift, centre_time: Callable[[float], str]) -> None:
        self.shift = shift
        login = (
            f"Logged in 登录 {centre_time(shift.login_at)}"
            if shift.login_at is not None
            else "Not logged in today 今日未登录"
        )
        self.query_one("#shift-login", Static).update(
            f"{login} · as of 截至 {centre_time(shift.as_of)}"
        )
        survey_key = shell_of(self).keymap.key(SURVEY_ACTION_ID)
        left, right = shift_columns(shift, survey_key)
        self.query_one("#shift-states", Static).update(left)
        self.query_one("#shift-calls", Static).update(right)
