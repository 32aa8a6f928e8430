"""The back office's title line of work queues: whole names where they fit, else short."""

from __future__ import annotations

from agent_tui.workspaces.backoffice.views import queues_title
from server_stub.protocol.workflow_api import WorkQueueView


def _queue(queue: str, name: str, role: str, size: int) -> WorkQueueView:
    return WorkQueueView(id=queue, queue=queue, name=name, role=role, size=size)


QUEUES = [
    _queue("mine", "在办 Mine", "holder", 1),
    _queue("network_repair", "网络维修 Network repair", "department", 3),
]


def test_the_whole_names_where_they_fit() -> None:
    assert queues_title(QUEUES, 80).plain == "在办 Mine 1 · 网络维修 Network repair 3"


def test_the_chinese_names_where_the_whole_ones_would_wrap() -> None:
    title = queues_title(QUEUES, 36)  # a back office at 80×24 has 38 for it
    assert title.plain == "在办 1 · 网络维修 3"
    assert title.no_wrap  # never a count alone on a line of its own


def test_no_queue_of_ones_own() -> None:
    assert queues_title(QUEUES[:1], 80).plain == "No work queue of yours 无工作队列"
