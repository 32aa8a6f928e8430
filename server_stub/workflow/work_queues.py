"""Work queues by role (TK3): open work items per queue, highest priority first, then the
earliest deadline, then first come.

One binary heap per queue with lazy deletion: an update pushes a new entry and the old
one is skipped when it surfaces; a heap that holds more than twice its live items is
rebuilt, so memory follows the open work, not the work done. Pull, put, update and
remove are O(log n); `recompute_deadlines` rebuilds every heap in O(n) after a calendar
change. Measured in `bench/ticket_workflow.py`.

Plain typed classes, no I/O: the engine may compile this module with mypyc.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator

# (-priority, due, order, version, item id): the heap's ordering is the queue's ordering
_Entry = tuple[int, float, int, int, str]
COMPACT_SLACK = 64  # stale entries a heap may carry beyond its live items before a rebuild


class WorkItem:
    """One open item as its queue holds it."""

    def __init__(self, item_id: str, queue: str, priority: int, due: float, order: int) -> None:
        self.item_id = item_id
        self.queue = queue
        self.priority = priority  # higher first (protocol.tickets.PRIORITY_RANK)
        self.due = due  # the deadline instant; math.inf when none
        self.order = order  # arrival order in its queue: the last tie-break

    def __repr__(self) -> str:
        return f"WorkItem({self.item_id!r}, {self.queue!r}, p{self.priority}, due={self.due:.0f})"


class WorkQueues:
    def __init__(self) -> None:
        self._heaps: dict[str, list[_Entry]] = {}
        self._items: dict[str, WorkItem] = {}
        self._versions: dict[str, int] = {}
        self._live: dict[str, int] = {}
        self._counter = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def size(self, queue: str) -> int:
        return self._live.get(queue, 0)

    def queues(self) -> list[str]:
        return sorted(queue for queue, count in self._live.items() if count)

    def get(self, item_id: str) -> WorkItem | None:
        return self._items.get(item_id)

    def put(self, item_id: str, queue: str, priority: int, due: float | None = None) -> WorkItem:
        """Add an item, or move/update it. It keeps its arrival order unless it changes
        queue (then it arrives at the new one now)."""
        old = self._items.get(item_id)
        self._counter += 1
        order = self._counter if old is None or old.queue != queue else old.order
        if old is not None:
            self._forget(old)
        item = WorkItem(item_id, queue, priority, math.inf if due is None else due, order)
        self._items[item_id] = item
        self._live[queue] = self._live.get(queue, 0) + 1
        self._push(item)
        return item

    def update(
        self, item_id: str, *, priority: int | None = None, due: float | None = None
    ) -> WorkItem | None:
        """A new priority or deadline for an item where it is; None if it is not queued."""
        item = self._items.get(item_id)
        if item is None:
            return None
        return self.put(
            item_id,
            item.queue,
            item.priority if priority is None else priority,
            item.due if due is None else due,
        )

    def remove(self, item_id: str) -> bool:
        item = self._items.pop(item_id, None)
        if item is None:
            return False
        self._forget(item)
        self._versions.pop(item_id, None)
        return True

    def peek(self, queue: str) -> WorkItem | None:
        heap = self._heaps.get(queue)
        while heap:
            entry = heap[0]
            if self._versions.get(entry[4]) == entry[3]:
                return self._items[entry[4]]
            heapq.heappop(heap)
        return None

    def pull_next(self, queue: str) -> WorkItem | None:
        """Take the queue's first item out (a worker of the queue's role takes it)."""
        heap = self._heaps.get(queue)
        versions = self._versions
        while heap:
            entry = heapq.heappop(heap)
            item_id = entry[4]
            if versions.get(item_id) == entry[3]:
                del versions[item_id]
                self._live[queue] -= 1
                return self._items.pop(item_id)
        return None

    def in_order(self, queue: str, limit: int | None = None) -> list[WorkItem]:
        """The queue's items in the order they will be pulled (a back-office list)."""
        live = [entry for entry in self._heaps.get(queue, ()) if self._is_live(entry)]
        ordered = sorted(live) if limit is None else heapq.nsmallest(limit, live)
        return [self._items[entry[4]] for entry in ordered]

    def items(self) -> Iterator[WorkItem]:
        return iter(list(self._items.values()))

    def recompute_deadlines(self, due_of: Callable[[WorkItem], float | None]) -> None:
        """Every item's deadline from `due_of` (after a calendar change), every heap rebuilt."""
        for item in self._items.values():
            due = due_of(item)
            item.due = math.inf if due is None else due
        self._rebuild_all()

    # ------------------------------------------------------------------ internals

    def _entry(self, item: WorkItem) -> _Entry:
        return (-item.priority, item.due, item.order, self._versions[item.item_id], item.item_id)

    def _is_live(self, entry: _Entry) -> bool:
        return self._versions.get(entry[4]) == entry[3]

    def _push(self, item: WorkItem) -> None:
        self._versions[item.item_id] = self._counter
        heap = self._heaps.setdefault(item.queue, [])
        heapq.heappush(heap, self._entry(item))
        if len(heap) > 2 * self._live[item.queue] + COMPACT_SLACK:
            self._rebuild(item.queue)

    def _forget(self, item: WorkItem) -> None:
        self._live[item.queue] -= 1
        self._versions[item.item_id] = -1  # its heap entry is stale from now on

    def _rebuild(self, queue: str) -> None:
        heap = [entry for entry in self._heaps.get(queue, []) if self._is_live(entry)]
        heapq.heapify(heap)
        self._heaps[queue] = heap

    def _rebuild_all(self) -> None:
        heaps: dict[str, list[_Entry]] = {}
        for item in self._items.values():
            heaps.setdefault(item.queue, []).append(self._entry(item))
        for heap in heaps.values():
            heapq.heapify(heap)
        self._heaps = heaps
