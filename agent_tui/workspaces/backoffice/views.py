"""What the back office draws, as pure renderables tested as text: the work queue's rows
and the escalations heard (a ticket in full is `agent_tui.ui.ticket_detail`'s).

Deadlines are shown as what is left in business time (`business_left`), the way the
server counts them: a ticket due tomorrow morning at 17:55 today has five minutes left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.console import RenderableType
from rich.text import Text

from agent_tui.client.ticket_loop import Escalation
from agent_tui.ui.labels import short_name
from agent_tui.ui.ticket_detail import OVERDUE, SOON, When, business_left
from server_stub.protocol.workflow_api import WorkItemView, WorkQueueView

QUEUE_COLUMNS = ("Ticket", "Pri", "Left 剩余", "Subject 主题")
FIXED_COLUMNS_WIDTH = 30  # the first three columns and the table's cell padding
PRIORITY_BADGES = {"low": "低", "normal": "中", "high": "高", "urgent": "急"}


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


def queues_title(queues: Sequence[WorkQueueView], width: int) -> Text:
    """Each work queue and its size, on one line of `width`: the first word of the names
    (their Chinese) where the whole names do not fit."""
    if not [queue for queue in queues if queue.role != "holder"]:
        return Text("No work queue of yours 无工作队列", style="dim")
    title = _queues_line(queues, lambda name: name)
    fits = width <= 0 or title.cell_len <= width  # 0: not laid out yet
    return title if fits else _queues_line(queues, short_name)


def _queues_line(queues: Sequence[WorkQueueView], name_of: Callable[[str], str]) -> Text:
    title = Text(no_wrap=True, overflow="ellipsis")
    for index, queue in enumerate(queues):
        if index:
            title.append(" · ", style="dim")
        title.append(f"{name_of(queue.name)} {queue.size}")
    return title


def escalation_lines(escalations: Iterable[Escalation], when: When, limit: int = 4) -> Text:
    text = Text()
    for index, escalation in enumerate(escalations):
        if index >= limit:
            break
        if index:
            text.append("\n")
        style = {"remind": SOON, "result": "green"}.get(escalation.action, OVERDUE)
        text.append(f"{when(escalation.sim_time)} ", style="dim")
        text.append(f"{escalation.ticket_id} ", style="bold")
        text.append(escalation.label or escalation.action, style=style)
    if not text:
        text.append("No reminders or escalations yet 暂无提醒与升级", style="dim")
    return text
