"""The timer heap: timers by due time, then by the order they were set (their seq).

Interpreted, it is `heapq` on (when, seq, kind, payload) tuples. Compiled with mypyc it is
heapq's own algorithm written out over `Timer` records: the compiled sift compares two C
doubles where heapq compares two tuples through the generic object protocol, which made the
heap a third of a simulated day's time. Both pop the same timers in the same order: the
least (when, seq), and seqs are unique.
"""

from __future__ import annotations

import heapq
from types import FunctionType
from typing import Any, Final


def _probe() -> None:
    """Compiled, a function is a builtin, not a Python function."""


NATIVE: Final = not isinstance(_probe, FunctionType)


class Timer:
    __slots__ = ("kind", "payload", "seq", "when")

    def __init__(self, when: float, seq: int, kind: int, payload: Any) -> None:
        self.when = when
        self.seq = seq
        self.kind = kind
        self.payload = payload


def _before(a: Timer, b: Timer) -> bool:
    return a.when < b.when or (a.when == b.when and a.seq < b.seq)


def _sift_down(heap: list[Timer], item: Timer, pos: int) -> None:
    """heapq._siftdown(heap, 0, pos): `item` moves up from `pos` past later parents."""
    while pos > 0:
        parent_pos = (pos - 1) >> 1
        parent = heap[parent_pos]
        if not _before(item, parent):
            break
        heap[pos] = parent
        pos = parent_pos
    heap[pos] = item


class TimerHeap:
    """Push (when, seq, kind, payload); pop the earliest."""

    def __init__(self) -> None:
        self._timers: list[Timer] = []  # compiled
        self._tuples: list[tuple[float, int, int, Any]] = []  # interpreted

    def __len__(self) -> int:
        return len(self._timers) if NATIVE else len(self._tuples)

    def next_time(self) -> float:
        """The earliest due time; only when the heap is not empty."""
        if NATIVE:
            return self._timers[0].when
        return self._tuples[0][0]

    def push(self, when: float, seq: int, kind: int, payload: Any) -> None:
        if not NATIVE:
            heapq.heappush(self._tuples, (when, seq, kind, payload))
            return
        heap = self._timers
        item = Timer(when, seq, kind, payload)
        heap.append(item)
        _sift_down(heap, item, len(heap) - 1)

    def pop(self) -> tuple[float, int, int, Any]:
        """The earliest timer, taken out: (when, seq, kind, payload)."""
        if not NATIVE:
            return heapq.heappop(self._tuples)
        heap = self._timers
        last = heap.pop()
        if not heap:
            return last.when, last.seq, last.kind, last.payload
        top = heap[0]
        # heapq._siftup(heap, 0): the smaller child moves up to a leaf, then `last` sifts down
        end = len(heap)
        pos = 0
        child = 1
        while child < end:
            right = child + 1
            if right < end and not _before(heap[child], heap[right]):
                child = right
            heap[pos] = heap[child]
            pos = child
            child = 2 * pos + 1
        _sift_down(heap, last, pos)
        return top.when, top.seq, top.kind, top.payload
