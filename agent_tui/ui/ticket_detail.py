"""A ticket in full, as every workspace draws it: state, clocks in business time, history.

Pure renderables, tested as text: `ticket_view` (what it is about, where it is in the
workflow, its clocks, its whole history from the log), `history_line`, `business_left`
(what is left of a deadline in business time, the way the server counts it: red when
overdue, yellow under half an hour). The back office and the desk's ticket tracking
draw the same ticket with them.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from agent_tui.ui.labels import PRIORITY_LABELS, clock_face
from server_stub.protocol.tickets import STATE_LABELS, TRANSITIONS, TicketState, Transition
from server_stub.protocol.workflow_api import ClockView, HistoryEntry, TicketDetail

# The loop's events that are not a transition, as the history names them.
EVENT_LABELS = {
    "ticket.created": "新建 Created",
    "ticket.reminder": "提醒 Reminder",
    "ticket.escalated": "升级 Escalated",
    "callback.scheduled": "安排回访 Callback scheduled",
    "callback.placed": "回访呼出 Callback placed",
    "callback.completed": "回访结束 Callback done",
    "ticket.message": "通知客户 Message to the customer",
}
CLOCK_NAMES = {"first_response": "First response 首次响应", "resolution": "Resolution 解决"}
OVERDUE = "bold #e06c75"
SOON = "#e5c07b"
SOON_S = 30 * 60  # under half an hour of business time left: yellow
When = Callable[[float], str]  # a sim time as the centre's clock shows it


def business_left(remaining_s: float | None) -> Text:
    """`1:20:00` left, `-0:05:00` overdue (red), under 30 business minutes yellow."""
    if remaining_s is None:
        return Text("—", style="dim")
    style = OVERDUE if remaining_s < 0 else SOON if remaining_s < SOON_S else ""
    return Text(clock_face(remaining_s), style=style)


def priority_text(priority: str) -> Text:
    label = PRIORITY_LABELS.get(priority, priority)
    return Text(label, style="bold #e06c75" if priority in ("high", "urgent") else "")


def state_label(state: str) -> str:
    try:
        return STATE_LABELS[TicketState(state)]
    except ValueError:
        return state


def transition_label(name: str) -> str:
    try:
        return TRANSITIONS[Transition(name)].label
    except ValueError:
        return name


def _clock_line(name: str, clock: ClockView) -> Text:
    line = Text(f"{CLOCK_NAMES.get(name, name)}: ", style="dim")
    if clock.stopped:
        return line.append("done 已完成")
    line.append_text(business_left(clock.remaining_s))
    line.append(f" of {clock.target_min:g} min", style="dim")
    if not clock.running:
        line.append(" paused 暂停", style=SOON)
    return line


def history_line(entry: HistoryEntry, when: When) -> Text:
    line = Text(f"{when(entry.sim_time)} ", style="dim")
    if entry.actor:
        line.append(f"{entry.actor} ", style="#8fbcbb")
    if entry.transition:
        line.append(transition_label(entry.transition), style="bold")
        line.append(f" → {state_label(entry.to_state or '')}")
    else:
        line.append(EVENT_LABELS.get(entry.type, entry.type), style="bold")
        label = entry.data.get("label") or entry.data.get("outcome") or entry.data.get("text")
        if label:
            line.append(f" {label}")
    for value in entry.fields.values():
        line.append(f"\n    {value}", style="italic")
    return line


def ticket_view(ticket: TicketDetail, when: When) -> RenderableType:
    """One ticket in full: what it is about, where it is, its clocks, its history."""
    head = Text(f"{ticket.id} ", style="bold")
    head.append(f"[{ticket.category}] ", style="#8fbcbb")
    head.append(ticket.subject)
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    workflow = ticket.workflow
    if workflow is not None:
        fields.add_row("State", state_label(workflow.state))
        fields.add_row("Priority", priority_text(workflow.priority))
        fields.add_row("Queue", workflow.queue or "—")
        fields.add_row("Holder", workflow.holder or "—")
        if workflow.reopen_count:
            fields.add_row("Reopened", str(workflow.reopen_count))
    fields.add_row("Customer", ticket.customer_id)
    fields.add_row("Created by", ticket.created_by)
    parts: list[RenderableType] = [head, fields]
    if ticket.description:
        parts.append(Text(ticket.description))
    if workflow is not None:
        for name, clock in workflow.clocks.items():
            parts.append(_clock_line(name, clock))
        if workflow.callback is not None:
            callback = workflow.callback
            parts.append(
                Text(
                    f"Callback 回访: {callback.state}, attempt {callback.attempt}",
                    style="#8fbcbb",
                )
            )
    parts.append(Text("History 处理记录", style="bold underline"))
    parts.extend(history_line(entry, when) for entry in ticket.history)
    return Group(*parts)
