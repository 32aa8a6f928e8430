"""What a supervisor may do to the highlighted agent now, and the picker that offers it.

`agent_actions(...)` is the truth table (tested as data): each action with whether it is
allowed and, when not, why, so the picker greys it (as Finesse greys its buttons) and
says why instead of letting the server refuse it. The server checks again: this is what
the screen offers, not the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from agent_tui.ui.pickers import PICKER_CSS
from server_stub.protocol.api import AgentStatus
from server_stub.protocol.supervision_actions import MonitorSession

ON_A_CALL = frozenset({"reserved", "busy", "wrap_up"})


@dataclass(frozen=True)
class AgentAction:
    id: str
    label: str
    allowed: bool
    why_not: str = ""


def agent_actions(agent: AgentStatus, monitor: MonitorSession | None) -> list[AgentAction]:
    """The actions on `agent` (`monitor`: this supervisor's session on its call, if any)."""
    logged_in = agent.state != "logged_out"
    human = not agent.simulated
    on_call = agent.state in ON_A_CALL
    talking = agent.state == "busy" and agent.call_id is not None
    simulated = "a simulated agent keeps its own schedule"
    later = " (after this call)" if on_call else ""

    def act(action_id: str, label: str, checks: Sequence[tuple[bool, str]]) -> AgentAction:
        for ok, why in checks:
            if not ok:
                return AgentAction(action_id, label, False, why)
        return AgentAction(action_id, label, True)

    return [
        act("message", "Message 发消息", []),
        act("whisper", "Whisper 耳语 (only the agent sees it)", [(on_call, "not on a call")]),
        act("listen", "Listen in 监听 (silent)", [(monitor is None, "already listening"),
                                                   (talking, "not talking on a call")]),
        act("barge", "Barge in 强插", [(monitor is not None, "listen in first"),
                                      (monitor is None or not monitor.barged, "already in")]),
        act("stop", "Stop listening 停止监听", [(monitor is not None, "not listening")]),
        act("screen", "See the agent's screen 查看屏幕", [(logged_in, "logged out")]),
        act("ready", f"Force ready 置就绪{later}", [(human, simulated), (logged_in, "logged out"),
                                                  (agent.state != "ready", "already ready")]),
        act("not_ready", f"Force not ready 置示忙{later}…", [(human, simulated),
                                                            (logged_in, "logged out")]),
        act("logged_out", f"Force log out 强制登出{later}", [(human, simulated),
                                                           (logged_in, "logged out")]),
        act("end_wrapup", "End the wrap-up 结束话后", [(human, simulated),
                                                     (agent.state == "wrap_up", "not in wrap-up")]),
    ]  # fmt: skip


class ActionPicker(ModalScreen[str | None]):
    """The actions on one agent; those not allowed now are greyed and say why."""

    DEFAULT_CSS = PICKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, actions: Sequence[AgentAction]) -> None:
        super().__init__()
        self.title_text = title
        self.actions = list(actions)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            options = []
            for action in self.actions:
                prompt = Text(action.label)
                if not action.allowed:
                    prompt.append(f"  — {action.why_not}", style="italic")
                options.append(Option(prompt, id=action.id, disabled=not action.allowed))
            yield OptionList(*options, id="picker-options")
            yield Static("↑↓ move · Enter choose · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
