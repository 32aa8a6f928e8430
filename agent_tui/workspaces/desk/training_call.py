"""The trainee's side of a training session: the scenario's call on the desk, and its score.

`TrainingWatch` sits (unseen) on the desk and asks every few seconds whether the agent is
in a training session (`GET /v1/training/me`); when one starts, it opens
`TrainingCallScreen` over the desk. That screen works the session's call with the desk's
own keys (answer, hold, hang up, wrap up: the same binding ids, so the agent's keymap
holds) and the script pane the desk uses, on the session's engine
(`POST /v1/training/sessions/{id}/desk`), never on the live floor. The caller's lines
appear as the caller says them, with the trainer's whispers; after the wrap-up, the score
with every point's reason. Closing it (the wrap-up key again) returns to the desk.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from agent_tui.actions import actions_of
from agent_tui.client.errors import ApiError
from agent_tui.keymap import default_bindings
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from agent_tui.workspaces.desk.script_pane import ScriptPane
from server_stub.protocol.training_api import DeskAction, DeskActionKind, SessionView

WATCH_EVERY_S = 2.0  # how soon a trainee's desk notices a session the trainer started
FOLLOW_EVERY_S = 0.5  # how often the session's call is read while it is on screen
CALLER_STYLE = "bold #e0b860"
DESK_ACTIONS = frozenset({"answer", "toggle_hold", "hangup", "wrapup"})
# The desk's other actions (transfer, tickets…) are the live desk's: not offered here.
_DESK_ACTION_NAMES = frozenset(action.action for action in actions_of("desk"))

TRAINING_CSS = """
TrainingCallScreen #training-title {
    padding: 0 1;
    height: 1;
    background: $warning 30%;
}
TrainingCallScreen #training-body {
    height: 1fr;
}
TrainingCallScreen #training-script {
    width: 1fr;
}
TrainingCallScreen #training-caller {
    width: 1fr;
}
"""


class TrainingWatch(Widget):
    """Opens the training call over the desk when the trainer starts a session."""

    DEFAULT_CSS = "TrainingWatch { display: none; }"

    def __init__(self) -> None:
        super().__init__()
        self.shown: set[str] = set()

    def on_mount(self) -> None:
        self.set_interval(WATCH_EVERY_S, self.look)

    @work(exclusive=True, group="training-watch", exit_on_error=False)
    async def look(self) -> None:
        try:
            session = await shell_of(self.screen).api.my_session()
        except ApiError:
            return  # no session (404), or not now: look again later
        except Exception:
            return
        if session.id not in self.shown and not isinstance(self.app.screen, TrainingCallScreen):
            self.shown.add(session.id)
            self.app.push_screen(TrainingCallScreen(session))


def caller_block(session: SessionView) -> RenderableType:
    """What the caller said, and the trainer's whispers, in order; the score at the end."""
    lines = Table.grid(padding=(0, 1))
    lines.add_column(no_wrap=True)
    lines.add_column(overflow="fold")
    for event in session.events:
        if event.type == "call.caller_said":
            lines.add_row(Text("客户", style=CALLER_STYLE), Text(str(event.data.get("text", ""))))
        elif event.type == "training.whisper":
            whisper = Text(str(event.data.get("text", "")), style="italic")
            lines.add_row(Text("耳语", style="bold #c678dd"), whisper)
    parts: list[RenderableType] = [lines]
    if session.score is not None:
        score = session.score
        title = Text(f"\nScore 得分 {score.total:g} / {score.max_total:g}", style="bold #8fbf7f")
        parts.append(title)
        for dimension in score.dimensions:
            for line in dimension.lines:
                if line.earned < line.possible:
                    lost = f"−{line.possible - line.earned:g} {dimension.name}: {line.reason}"
                    parts.append(Text(lost, style="#e06c75"))
    return Group(*parts)


class TrainingCallScreen(Screen[None]):
    DEFAULT_CSS = TRAINING_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("desk")  # type: ignore[assignment]

    def __init__(self, session: SessionView) -> None:
        super().__init__()
        self.session = session
        self.held = False
        self.codes: list[Choice] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="training-title")
        with Horizontal(id="training-body"):
            yield ScriptPane(self._key, id="training-script")
            yield DetailPanel("Caller 客户", "", id="training-caller")
        yield KeyHints(id="key-hints")

    def _key(self, binding_id: str) -> str:
        return shell_of(self).keymap.key(binding_id)

    def on_mount(self) -> None:
        self.load_script()
        self._draw()
        self.set_interval(FOLLOW_EVERY_S, self.follow)

    @work(exclusive=True, group="training-script", exit_on_error=False)
    async def load_script(self) -> None:
        api, session = shell_of(self).api, self.session
        ok, scripts = await attempt(self.notify, "read the script", api.scripts_for(session.queue))
        script = next((s for s in scripts or [] if s.id == session.script), None)
        if ok and script is not None:
            pane = self.query_one(ScriptPane)
            pane.set_script(script, {"agent.id": session.trainee})
            pane.focus()
        ok, codes = await attempt(self.notify, "read the wrap-up codes", api.codes())
        if ok and codes is not None:
            self.codes = [Choice(c.code, c.label) for c in codes.wrapup_codes if c.code != "auto"]

    @work(exclusive=True, group="training-follow", exit_on_error=False)
    async def follow(self) -> None:
        if self.session.score is not None:
            return
        try:
            self.session = await shell_of(self).api.training_session(self.session.id)
        except Exception:
            return
        self._draw()

    def _draw(self) -> None:
        session = self.session
        title = f"Training 培训 {session.id} · {session.title} · {session.trainee_state}"
        if session.paused and session.score is None:
            title += " · paused by the trainer 培训师已暂停"
        self.query_one("#training-title", Static).update(title)
        self.query_one(DetailPanel).show("Caller 客户", caller_block(session))
        self.refresh_bindings()
        offered = [a for a in DESK_ACTIONS if self.check_action(a, ())]
        self.query_one(KeyHints).show(shell_of(self).keymap, "desk", offered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.session.trainee_state
        if self.session.score is not None:
            return action == "wrapup" or action not in _DESK_ACTION_NAMES
        if action == "answer":
            return state == "reserved"
        if action in ("toggle_hold", "hangup"):
            return state == "busy"
        if action == "wrapup":
            return state == "wrap_up"
        return action not in _DESK_ACTION_NAMES

    # ------------------------------------------------------------------ the desk's keys

    def action_answer(self) -> None:
        self.act("answer")

    def action_toggle_hold(self) -> None:
        self.act("retrieve" if self.held else "hold")
        self.held = not self.held

    def action_hangup(self) -> None:
        self.act("hangup")

    def action_wrapup(self) -> None:
        if self.session.score is not None:
            self.dismiss()
            return
        self.app.push_screen(ChoicePicker("Wrap-up code 话后代码", self.codes), self._wrap_up)

    def _wrap_up(self, code: str | None) -> None:
        if code is None:
            return
        path = [list(choice) for choice in self.query_one(ScriptPane).path]
        self.act("wrapup", {"code": code, "notes": "", "script_path": path})

    @on(ScriptPane.Walked)
    def _walked(self, message: ScriptPane.Walked) -> None:
        if message.key is None:
            self.act("script_step", {"step": message.step_id, "back": True})
        else:
            step = {"step": message.from_step, "key": message.key, "next": message.step_id}
            self.act("script_step", step)

    @work(group="training-desk", exit_on_error=False)
    async def act(self, action: DeskActionKind, args: dict[str, Any] | None = None) -> None:
        request = DeskAction(action=action, args=args or {})
        sent = shell_of(self).api.session_desk(self.session.id, request)
        ok, view = await attempt(self.notify, action.replace("_", " "), sent)
        if ok and view is not None:
            self.session = view
            self._draw()
