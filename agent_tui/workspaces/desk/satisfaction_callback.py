"""The satisfaction callback (回访, TK1/OB4) on the desk: the ticket on the line, the outcome.

When the server places a ticket's satisfaction callback to this agent (`callback.placed`
routed to it), `SatisfactionCallbackStrip` shows, above the call, the ticket it is
about (id, type, subject, customer, how often it was reopened, which attempt) and the key
that enters the outcome. `enter_callback_outcome` asks for it (satisfied, not satisfied,
no answer) and completes the callback through the server as the ticket's
`complete_callback` transition, journaled like every command: satisfied closes the
ticket, not satisfied reopens it, no answer retries it later. `strip_renderable` is the
pure part, tested as text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from agent_tui.client.parts import CALL, TRACKED_TICKETS
from agent_tui.client.ticket_tracking import PlacedCallback, TicketTrackingSection
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.ui.requests import attempt
from agent_tui.ui.ticket_detail import state_label
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.tickets import CallbackOutcome, TicketField, Transition
from server_stub.protocol.workflow_api import TransitionRequest

if TYPE_CHECKING:
    from textual.screen import Screen

    from agent_tui.workspaces.base import WorkspaceScreen

ACTION_ID = "desk.callback_outcome"
STRIP_STYLE = "bold #1f2430 on #98c379"
# Satisfied first: the usual answer is one Enter away.
OUTCOME_CHOICES = (
    Choice(CallbackOutcome.SATISFIED.value, "满意 Satisfied", "closes the ticket 关闭工单"),
    Choice(CallbackOutcome.NOT_SATISFIED.value, "不满意 Not satisfied", "reopens it 重新派单"),
    Choice(CallbackOutcome.NO_ANSWER.value, "无人接听 No answer", "tried again later 稍后重拨"),
)


def strip_renderable(callback: PlacedCallback, key: str) -> Text:
    ticket = callback.ticket
    line = Text()
    line.append(" 回访 SATISFACTION CALLBACK ", style=STRIP_STYLE)
    line.append(f" {callback.ticket_id} ", style="bold")
    if ticket.get("type"):
        line.append(f"[{ticket['type']}] ", style="#8fbcbb")
    line.append(callback.subject)
    if ticket.get("customer_id"):
        line.append(f" · {ticket['customer_id']}", style="dim")
    reopened = int(ticket.get("reopen_count") or 0)
    if reopened:
        line.append(f" · reopened 重开 {reopened}×", style="bold #e5c07b")
    line.append(f" · attempt 第{callback.attempt}次", style="dim")
    line.append("\n")
    line.append(f" {key} ", style="bold reverse")
    line.append(" outcome 回访结果: 满意 satisfied / 不满意 not / 无人接听 no answer")
    return line


class SatisfactionCallbackStrip(Static):
    """Shown while the call on the desk is a satisfaction callback; hidden otherwise."""

    DEFAULT_CSS = """
    SatisfactionCallbackStrip {
        height: auto;
        padding: 0 1;
        display: none;
    }
    SatisfactionCallbackStrip.-shown {
        display: block;
    }
    """

    def __init__(self, key: Callable[[str], str]) -> None:
        super().__init__()
        self.key = key

    def on_mount(self) -> None:
        shell_of(self.screen).store_changed.subscribe(self, self._store_changed)
        self._draw()

    def _store_changed(self, parts: frozenset[str]) -> None:
        if parts & {CALL, TRACKED_TICKETS}:
            self._draw()

    def _draw(self) -> None:
        callback = callback_on_the_line(self.screen)
        self.set_class(callback is not None, "-shown")
        if callback is not None:
            self.update(strip_renderable(callback, self.key(ACTION_ID)))


def callback_on_the_line(screen: Screen[Any]) -> PlacedCallback | None:
    """The satisfaction callback the desk's call is (or is dialling: the desk has no call
    until the customer picks up), if it is one."""
    store = shell_of(screen).store
    section = store.section(TicketTrackingSection)
    call = store.call
    if call is None:
        return section.callback if store.state in ("reserved", "busy") else None
    return section.callback_on(call.call_id)


async def enter_callback_outcome(screen: WorkspaceScreen) -> None:
    """Ask for the callback's outcome and complete it on the server (a journaled
    transition). Run it in a worker: it waits for the agent's choice."""
    callback = callback_on_the_line(screen)
    if callback is None:
        screen.notify(
            "No satisfaction callback on the line: the outcome is entered during one.",
            title="Not now 当前不可用",
            timeout=4,
        )
        return
    title = f"回访结果 Callback outcome · {callback.ticket_id}"
    outcome = await screen.app.push_screen_wait(ChoicePicker(title, OUTCOME_CHOICES))
    if outcome is None:
        return
    shell = shell_of(screen)
    request = TransitionRequest(
        transition=Transition.COMPLETE_CALLBACK.value,
        fields={TicketField.CALLBACK_OUTCOME.value: outcome},
    )
    ok, detail = await attempt(
        screen.notify,
        "enter the callback's outcome",
        shell.api.take_transition(callback.ticket_id, request),
    )
    if ok and detail is not None:
        state = detail.workflow.state if detail.workflow is not None else detail.status
        screen.notify(
            f"{callback.ticket_id}: {state_label(state)}", title="回访已录入 Callback entered"
        )
