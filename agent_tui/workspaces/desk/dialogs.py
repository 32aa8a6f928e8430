"""The desk's own dialogs: dial out, schedule a callback, the message log, the directory.

Each is a ModalScreen that dismisses with the agent's answer or None. The message log
follows the store while it is open: a message that arrives meanwhile shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from agent_tui.client.parts import MESSAGES
from agent_tui.ui.labels import state_label
from agent_tui.ui.pickers import PICKER_CSS, Choice, FormDialog
from agent_tui.workspaces.base import shell_of
from agent_tui.workspaces.desk.callback_time import EXAMPLES, parse_when, suggested, when_text
from agent_tui.workspaces.desk.message_banner import message_log_renderable
from server_stub.protocol.api import DialRequest

if TYPE_CHECKING:
    from server_stub.protocol.api import Directory


def directory_choices(directory: Directory, *, me: str | None = None) -> list[Choice]:
    """Who can take the call now (IN7, TK5), for transfers and consults: team leaders and
    expert groups first (escalations), then the other queues, then the ready agents.
    Values `queue:<id>`, `agent:<id>`. Agents not ready are left out, but for team leaders
    (shown with their state: a consult may wait for them); logged-out ones never come."""
    leaders = [a for a in directory.agents if a.team_leader and a.id != me]
    choices = [
        Choice(
            f"agent:{agent.id}",
            f"★ {agent.name} ({agent.id})",
            f"team leader 班组长 · team {agent.team} · {state_label(agent.state)}",
        )
        for agent in sorted(leaders, key=lambda agent: (agent.state != "ready", agent.id))
    ]
    queues = sorted(directory.queues, key=lambda queue: not queue.expert_group)
    choices.extend(
        Choice(
            f"queue:{queue.id}",
            f"{'★' if queue.expert_group else '⇢'} {queue.name}",
            ("expert group 专家组 · " if queue.expert_group else "queue · ")
            + f"{queue.waiting} waiting · {queue.agents_ready} ready",
        )
        for queue in queues
    )
    ready = sorted(
        (a for a in directory.agents if a.state == "ready" and not a.team_leader and a.id != me),
        key=lambda agent: agent.id,
    )
    choices.extend(
        Choice(
            f"agent:{agent.id}",
            f"☺ {agent.name} ({agent.id})",
            f"team {agent.team} · {state_label(agent.state)}",
        )
        for agent in ready
    )
    return choices


class DialDialog(FormDialog[DialRequest | None]):
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
        try:
            request = DialRequest(number=number, customer_id=customer)
        except ValidationError:
            self._error("A phone number: digits, spaces, + ( ) -, at most 32.")
            return
        self.dismiss(request)


@dataclass(frozen=True, slots=True)
class CallbackChoice:
    """What the agent typed in the callback dialog; the desk turns it into a request."""

    number: str
    when: datetime  # on the centre's clock
    note: str


class CallbackDialog(FormDialog[CallbackChoice | None]):
    """Schedule a callback (OB3): which number, at what date and time, why. `now` is the
    centre's clock; `error` says why the last try was refused (what was typed comes back)."""

    def __init__(
        self,
        *,
        now: datetime,
        number: str = "",
        customer_name: str | None = None,
        when: str | None = None,
        note: str = "",
        error: str = "",
    ) -> None:
        super().__init__()
        self.now = now
        self.number = number
        self.customer_name = customer_name
        self.when = when if when is not None else when_text(suggested(now))
        self.note = note
        self.error = error

    def compose(self) -> ComposeResult:
        who = f" · {self.customer_name}" if self.customer_name else ""
        with Vertical(classes="dialog-box"):
            yield Static(f"Schedule a callback 预约回呼{who}", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Number 号码", classes="dialog-label")
                yield Input(self.number, id="callback-number", compact=True)
            with Horizontal(classes="dialog-row"):
                yield Label("When 时间", classes="dialog-label")
                yield Input(self.when, id="callback-when", compact=True)
            yield Static(f"e.g. {EXAMPLES}", classes="dialog-hint")
            with Horizontal(classes="dialog-row"):
                yield Label("Note 备注", classes="dialog-label")
                yield Input(self.note, id="callback-note", compact=True)
            yield Static(self.error, id="dialog-error")
            yield Static("Enter schedules · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        super().on_mount()
        if self.error:  # refused: the time is what to change (after the screen's own focus)
            self.call_after_refresh(self.query_one("#callback-when", Input).focus)

    @on(Input.Submitted)
    def _schedule(self) -> None:
        number = self.query_one("#callback-number", Input).value.strip()
        if not number:
            self._error("Type the number to call back.")
            return
        try:
            when = parse_when(self.query_one("#callback-when", Input).value, self.now)
        except ValueError as problem:
            self._error(str(problem))
            return
        note = self.query_one("#callback-note", Input).value.strip()
        self.dismiss(CallbackChoice(number, when, note))


class MessageLogScreen(ModalScreen[None]):
    """Every supervisor message and broadcast of the shift, newest first, kept current."""

    DEFAULT_CSS = PICKER_CSS + "MessageLogScreen { align: center middle; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static("", id="message-log-title", classes="dialog-title")
            yield Static("", id="message-log-body")

    def on_mount(self) -> None:
        shell_of(self).store_changed.subscribe(self, self._store_changed)
        self._draw()

    def _store_changed(self, parts: frozenset[str]) -> None:
        if MESSAGES in parts:
            self._draw()

    def _draw(self) -> None:
        shell = shell_of(self)
        store = shell.store
        closing = " / ".join(dict.fromkeys(["Esc", shell.keymap.key("desk.messages")]))
        title = f"Messages 消息 ({len(store.messages)})  {closing} closes"
        self.query_one("#message-log-title", Static).update(title)
        body = message_log_renderable(store.messages, store.sim_now())
        self.query_one("#message-log-body", Static).update(body)

    def on_key(self, event: events.Key) -> None:
        # The key that opened the log closes it (the desk's binding is not active up here).
        if event.key in shell_of(self).keymap.keys_for("desk.messages"):
            event.stop()
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
