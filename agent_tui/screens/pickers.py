"""The desk's dialogs: each a ModalScreen[T] that dismisses with the agent's answer or None.

- `ChoicePicker`: a list with a filter (type to narrow, ↑/↓ to move, Enter to take,
  Esc to cancel). Reason codes, wrap-up codes, pending state, logout reason, consult
  actions and the transfer directory are all this one dialog with different choices.
- `DialDialog`, `CallbackDialog`: small forms.
- `MessageLogScreen`: every supervisor message of the shift.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from agent_tui.client.state import DeskMessage
from agent_tui.messages import DeskStateChanged
from agent_tui.widgets.message_banner import message_log_renderable

T = TypeVar("T")

PICKER_CSS = """
ChoicePicker, DialDialog, CallbackDialog, MessageLogScreen {
    align: center middle;
}
.dialog-box {
    width: 64;
    max-width: 96%;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
.dialog-title {
    text-style: bold;
    color: $accent;
    margin-bottom: 1;
}
.dialog-hint {
    color: $text-muted;
    margin-top: 1;
}
.dialog-box OptionList {
    height: auto;
    max-height: 16;
    border: none;
    padding: 0;
}
.dialog-row {
    height: 1;
    margin-bottom: 1;
}
.dialog-label {
    width: 16;
    color: $text-muted;
}
.dialog-row Input {
    width: 1fr;
}
#dialog-error {
    color: $text-error;
    height: auto;
}
"""


class DeskDialog(ModalScreen[T]):
    """A dialog over the desk: the app posts state changes to the top screen, so pass
    them down; a call that rings while a dialog is open still shows on the card."""

    def on_desk_state_changed(self, message: DeskStateChanged) -> None:
        stack = self.app.screen_stack
        if len(stack) >= 2 and stack[-1] is self:
            stack[-2].post_message(DeskStateChanged(message.parts))


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    detail: str = ""  # dimmed after the label: a queue's waiting calls, an agent's state

    def matches(self, text: str) -> bool:
        needle = text.casefold().strip()
        return not needle or needle in f"{self.value} {self.label} {self.detail}".casefold()


class ChoicePicker(DeskDialog[str | None]):
    """Pick one of `choices`; typing filters, Enter takes the highlighted one."""

    DEFAULT_CSS = PICKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice],
        *,
        selected: str | None = None,
        hint: str = "Type to filter · ↑↓ move · Enter choose · Esc cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.selected = selected
        self.hint = hint
        self.shown: list[Choice] = list(self.choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(placeholder="filter 筛选", id="picker-filter", compact=True)
            yield OptionList(id="picker-options")
            yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self._fill("")
        if self.selected is not None:
            for index, choice in enumerate(self.shown):
                if choice.value == self.selected:
                    self.query_one(OptionList).highlighted = index
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        self.shown = [choice for choice in self.choices if choice.matches(text)]
        options.clear_options()
        for choice in self.shown:
            prompt = Text(choice.label)
            if choice.detail:
                prompt.append(f"  {choice.detail}", style="dim")
            options.add_option(Option(prompt, id=choice.value))
        if self.shown:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _take_highlighted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self.shown):
            self.dismiss(self.shown[index].value)
        else:
            self.app.bell()

    @on(OptionList.OptionSelected)
    def _take_clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


def code_choices(codes: Iterable[dict[str, Any]], *, skip: Iterable[str] = ()) -> list[Choice]:
    """`/v1/codes` entries ({code, label}) as choices, leaving out codes the agent never picks."""
    skipped = set(skip)
    return [
        Choice(str(code["code"]), str(code.get("label") or code["code"]))
        for code in codes
        if code.get("code") not in skipped
    ]


def directory_choices(directory: dict[str, Any], *, me: str | None = None) -> list[Choice]:
    """Queues first, then agents (not me), for transfers: values `queue:<id>`, `agent:<id>`."""
    choices = [
        Choice(
            f"queue:{queue['id']}",
            f"⇢ {queue.get('name', queue['id'])}",
            f"queue · {queue.get('waiting', 0)} waiting · {queue.get('agents_ready', 0)} ready",
        )
        for queue in directory.get("queues", [])
    ]
    agents = sorted(
        (agent for agent in directory.get("agents", []) if agent.get("id") != me),
        key=lambda agent: (agent.get("state") != "ready", str(agent.get("id"))),
    )
    choices.extend(
        Choice(
            f"agent:{agent['id']}",
            f"☺ {agent.get('name', agent['id'])} ({agent['id']})",
            f"team {agent.get('team', '?')} · {agent.get('state', '?')}",
        )
        for agent in agents
    )
    return choices


@dataclass(frozen=True, slots=True)
class DialRequest:
    number: str
    customer_id: str | None


class _FormDialog(DeskDialog[Any]):
    DEFAULT_CSS = PICKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def on_mount(self) -> None:
        blink = bool(getattr(self.app, "cursor_blink", True))
        for field in self.query(Input):
            field.cursor_blink = blink
        self.query(Input).first().focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, text: str) -> None:
        self.query_one("#dialog-error", Static).update(text)
        self.app.bell()


class DialDialog(_FormDialog):
    """Outbound dial: a number, and the customer it is for if known."""

    def __init__(self, *, number: str = "", customer_id: str | None = None) -> None:
        super().__init__()
        self.number = number
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Dial out 外呼", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Number 号码", classes="dialog-label")
                yield Input(self.number, id="dial-number", compact=True, restrict=r"[0-9+ ()-]*")
            with Horizontal(classes="dialog-row"):
                yield Label("Customer id", classes="dialog-label")
                yield Input(self.customer_id or "", id="dial-customer", compact=True)
            yield Static("", id="dialog-error")
            yield Static("Enter dials · Tab next field · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _dial(self) -> None:
        number = self.query_one("#dial-number", Input).value.strip()
        if not number:
            self._error("Type the number to dial.")
            return
        customer = self.query_one("#dial-customer", Input).value.strip() or None
        self.dismiss(DialRequest(number, customer))


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    number: str
    minutes_from_now: float
    note: str


class CallbackDialog(_FormDialog):
    """Schedule a callback (OB3): which number, in how many minutes, why."""

    def __init__(self, *, number: str = "", customer_name: str | None = None) -> None:
        super().__init__()
        self.number = number
        self.customer_name = customer_name

    def compose(self) -> ComposeResult:
        who = f" · {self.customer_name}" if self.customer_name else ""
        with Vertical(classes="dialog-box"):
            yield Static(f"Schedule a callback 预约回呼{who}", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Number 号码", classes="dialog-label")
                yield Input(self.number, id="callback-number", compact=True)
            with Horizontal(classes="dialog-row"):
                yield Label("In minutes 分钟后", classes="dialog-label")
                yield Input("60", id="callback-minutes", compact=True, type="number")
            with Horizontal(classes="dialog-row"):
                yield Label("Note 备注", classes="dialog-label")
                yield Input("", id="callback-note", compact=True)
            yield Static("", id="dialog-error")
            yield Static("Enter schedules · Tab next field · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _schedule(self) -> None:
        number = self.query_one("#callback-number", Input).value.strip()
        minutes_text = self.query_one("#callback-minutes", Input).value.strip()
        try:
            minutes = float(minutes_text)
        except ValueError:
            minutes = -1.0
        if not number:
            self._error("Type the number to call back.")
            return
        if minutes <= 0:
            self._error("In how many minutes? A number above 0.")
            return
        note = self.query_one("#callback-note", Input).value.strip()
        self.dismiss(CallbackRequest(number, minutes, note))


class MessageLogScreen(DeskDialog[None]):
    """Every supervisor message and broadcast of the shift, newest first."""

    DEFAULT_CSS = PICKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("alt+m", "close", "Close", show=False),
    ]

    def __init__(self, messages: list[DeskMessage], now: float) -> None:
        super().__init__()
        self.messages = list(messages)
        self.now = now

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static(
                f"Messages 消息 ({len(self.messages)})  Esc closes", classes="dialog-title"
            )
            yield Static(message_log_renderable(self.messages, self.now))

    def action_close(self) -> None:
        self.dismiss(None)
