"""Work queues: priority, then deadline, then first come; updates, removal, recompute, and a
model-based check against a plain sorted list."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from server_stub.workflow.work_queues import COMPACT_SLACK, WorkQueues


def pulled(queues: WorkQueues, queue: str) -> list[str]:
    out = []
    while (item := queues.pull_next(queue)) is not None:
        out.append(item.item_id)
    return out


def test_the_most_urgent_item_comes_first_then_the_earliest_deadline_then_first_come() -> None:
    queues = WorkQueues()
    queues.put("late-normal", "billing", 1, 500.0)
    queues.put("early-normal", "billing", 1, 100.0)
    queues.put("urgent", "billing", 3, 900.0)
    queues.put("tie-first", "billing", 1, 300.0)
    queues.put("tie-second", "billing", 1, 300.0)
    queues.put("no-deadline", "billing", 1)
    assert [i.item_id for i in queues.in_order("billing")] == [
        "urgent", "early-normal", "tie-first", "tie-second", "late-normal", "no-deadline",
    ]  # fmt: skip
    assert pulled(queues, "billing")[0] == "urgent"


def test_queues_are_separate_and_an_empty_queue_gives_nothing() -> None:
    queues = WorkQueues()
    queues.put("a", "billing", 1, 1.0)
    queues.put("b", "network_repair", 1, 2.0)
    assert queues.pull_next("product") is None
    assert queues.pull_next("billing").item_id == "a"
    assert queues.queues() == ["network_repair"]
    assert len(queues) == 1 and "b" in queues and "a" not in queues


def test_raising_the_priority_moves_an_item_up_and_keeps_its_place_among_equals() -> None:
    queues = WorkQueues()
    for name in ("x", "y", "z"):
        queues.put(name, "q", 1, 100.0)
    queues.update("z", priority=2)
    queues.update("x", due=100.0)  # an update that changes nothing keeps x ahead of y
    assert pulled(queues, "q") == ["z", "x", "y"]
    assert queues.update("gone", priority=3) is None


def test_moving_to_another_queue_and_removing() -> None:
    queues = WorkQueues()
    queues.put("t", "team_leader", 2, 10.0)
    queues.put("t", "complaint_group", 2, 20.0)
    assert queues.size("team_leader") == 0 and queues.pull_next("team_leader") is None
    assert queues.get("t").queue == "complaint_group"
    assert queues.remove("t") and not queues.remove("t")
    assert queues.pull_next("complaint_group") is None


def test_recompute_deadlines_reorders_every_queue() -> None:
    queues = WorkQueues()
    queues.put("a", "q", 1, 100.0)
    queues.put("b", "q", 1, 200.0)
    queues.put("c", "other", 1, 5.0)
    queues.recompute_deadlines(lambda item: {"a": 300.0, "b": 250.0, "c": None}[item.item_id])
    assert [i.item_id for i in queues.in_order("q")] == ["b", "a"]
    assert queues.get("c").due == math.inf


def test_memory_follows_the_open_items_not_the_updates_made() -> None:
    queues = WorkQueues()
    for k in range(10):
        queues.put(f"t{k}", "q", 1, float(k))
    for round_ in range(5000):
        queues.update(f"t{round_ % 10}", due=float(round_))
    assert len(queues._heaps["q"]) <= 2 * 10 + COMPACT_SLACK + 1


operations = st.lists(
    st.tuples(
        st.sampled_from(["put", "update", "remove", "pull"]),
        st.integers(0, 15),  # item
        st.sampled_from(["q1", "q2"]),
        st.integers(0, 3),  # priority
        st.integers(0, 20).map(float),  # due
    ),
    max_size=200,
)


@given(operations)
def test_matches_a_sorted_list_model_under_any_operations(
    ops: list[tuple[str, int, str, int, float]],
) -> None:
    queues = WorkQueues()
    model: dict[str, tuple[str, int, float, int]] = {}  # id -> queue, priority, due, order
    counter = 0
    for op, n, queue, priority, due in ops:
        item_id = f"t{n}"
        if op == "put":
            counter += 1
            old = model.get(item_id)
            order = old[3] if old is not None and old[0] == queue else counter
            model[item_id] = (queue, priority, due, order)
            queues.put(item_id, queue, priority, due)
        elif op == "update":
            counter += 1
            if item_id in model:
                q, _, _, order = model[item_id]
                model[item_id] = (q, priority, due, order)
            queues.update(item_id, priority=priority, due=due)
        elif op == "remove":
            assert queues.remove(item_id) == (model.pop(item_id, None) is not None)
        else:
            expected = sorted(
                (k for k, v in model.items() if v[0] == queue),
                key=lambda k: (-model[k][1], model[k][2], model[k][3]),
            )
            got = queues.pull_next(queue)
            if expected:
                assert got is not None and got.item_id == expected[0]
                del model[expected[0]]
            else:
                assert got is None
    for queue in ("q1", "q2"):
        assert queues.size(queue) == sum(1 for v in model.values() if v[0] == queue)
