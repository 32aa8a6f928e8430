"""The timer heap pops the earliest (when, seq) first, compiled or not."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from server_stub.engine.timers import TimerHeap

operations = st.lists(
    st.one_of(st.sampled_from([0.0, 1.0, 1.5, 2.0, 7.25]), st.floats(0, 100), st.none()),
    max_size=300,
)


@given(operations)
def test_timers_pop_by_time_then_by_the_order_they_were_set(ops: list[float | None]) -> None:
    heap = TimerHeap()
    pending: list[tuple[float, int]] = []
    for seq, when in enumerate(ops, start=1):
        if when is None:
            if pending:
                expected = min(pending)
                pending.remove(expected)
                assert heap.next_time() == expected[0]
                assert heap.pop() == (expected[0], expected[1], 3, f"payload {expected[1]}")
        else:
            heap.push(when, seq, 3, f"payload {seq}")
            pending.append((when, seq))
        assert len(heap) == len(pending)
    while pending:
        expected = min(pending)
        pending.remove(expected)
        assert heap.pop()[:2] == expected


def test_ten_thousand_timers_come_out_sorted() -> None:
    rng = random.Random(3)
    heap = TimerHeap()
    timers = [(round(rng.uniform(0, 500), 1), seq) for seq in range(1, 10_001)]
    for when, seq in timers:
        heap.push(when, seq, 0, None)
    assert [heap.pop()[:2] for _ in timers] == sorted(timers)
