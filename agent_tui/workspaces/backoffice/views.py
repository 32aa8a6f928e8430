"""What the back office draws, as pure renderables tested as text: the work queue's rows,
a ticket with its workflow state, clocks and full history, and the escalations heard.

Deadlines are shown as what is left in business time (`business_left`), the way the
server counts them: a ticket due tomorrow morning at 17:55 today has five minutes left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from agent_tui.client.ticket_loop import Escalation
from agent_tui.ui.labels import PRIORITY_LABELS, clock_face
from server_stub.protocol.tickets import (
    STATE_LABELS,
    TRANSITIONS,
    TicketState,
    Transition,
)
from server_stub.protocol.workflow_api import (
    ClockView,
    HistoryEntry,
    TicketDetail,
    WorkItemView,
    WorkQueueView,
)

QUEUE_COLUMNS = ("Ticket", "Pri", "Left 剩余", "Subject 主题")
FIXED_COLUMNS_WIDTH = 30  # the first three columns and the table's cell padding
PRIORITY_BADGES = {"low": "低", "normal": "中", "high": "高", "urgent": "急"}
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


def priority_badge(priority: str) -> Text:
    style = "bold #e06c75" if priority in ("high", "urgent") else ""
    return Text(PRIORITY_BADGES.get(priority, priority), style=style)


def subject_cell(subject: str, width: int) -> Text:
    """The subject cut to `width` cells (CJK counts two), so the table never scrolls."""
    text = Text(subject, no_wrap=True)
    text.truncate(max(4, width), overflow="ellipsis")
    return text


def queue_rows(
    queues: Sequence[WorkQueueView], subject_width: int = 40
) -> dict[str, tuple[RenderableType, ...]]:
    """Every item of the login's queues, in the order they will be pulled."""
    items: list[WorkItemView] = [item for queue in queues for item in queue.items]
    return {
        item.ticket_id: (
            # in my hands (taken, or waiting on someone) vs. waiting in a queue to be pulled
            Text(item.ticket_id, style="bold" if item.state == "dispatched" else "bold #8fbcbb"),
            priority_badge(item.priority),
            business_left(item.remaining_s),
            subject_cell(item.subject, subject_width),
        )
        for item in items
    }


def queues_title(queues: Sequence[WorkQueueView]) -> Text:
    title = Text()
    if not [queue for queue in queues if queue.role != "holder"]:
        return title.append("No work queue of yours 无工作队列", style="dim")
    for index, queue in enumerate(queues):
        if index:
            title.append(" · ", style="dim")
        title.append(f"{queue.name} {queue.size}")
    return title


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


def escalation_lines(escalations: Iterable[Escalation], when: When, limit: int = 4) -> Text:
    text = Text()
    for index, escalation in enumerate(escalations):
        if index >= limit:
            break
        if index:
            text.append("\n")
        style = SOON if escalation.action == "remind" else OVERDUE
        text.append(f"{when(escalation.sim_time)} ", style="dim")
        text.append(f"{escalation.ticket_id} ", style="bold")
        text.append(escalation.label or escalation.action, style=style)
    if not text:
        text.append("No reminders or escalations yet 暂无提醒与升级", style="dim")
    return text
