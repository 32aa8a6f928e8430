"""Memory is bounded by the work in progress: ended calls and handed-on events leave it."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from server_stub.centre.schema import Distribution
from server_stub.engine import Engine
from server_stub.engine.model import Call
from server_stub.engine.routing import COMPACT_SLACK
from server_stub.engine.scheduler import FLUSH_EVERY
from tests.engine.centres import agent, centre, queue

ACW = Distribution(dist="fixed", mean_s=10)


def busy_centre(**engine_args: Any) -> Engine:
    """20 agents, about 90 % busy, no patience (so no patience timer outlives its call)."""
    config = centre(
        [queue(calls_per_day=20 * 24 * 3600 / 200 * 0.9, talk_s=190, after_call_work=ACW)],
        [agent(f"a{i}") for i in range(20)],
    )
    return Engine(config, seed=4, **engine_args)


def live_calls() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj) is Call)


def test_no_log_is_kept_unless_asked_for() -> None:
    engine = busy_centre()
    engine.advance_to(3600)
    assert engine.log is None
    assert engine.last_seq > 1000


def test_ended_calls_leave_memory_once_wrapped_up() -> None:
    engine = busy_centre()
    arrived = [0]

    def count(_first: int, batch: list[Any]) -> None:
        arrived[0] += sum(1 for entry in batch if entry[1] == "call.arrived")

    engine.subscribe_batches(count)
    engine.advance_to(6 * 3600)
    assert arrived[0] > 2000
    # in progress, or ended and still held by an agent for its wrap-up: nothing else
    assert live_calls() <= len(engine.calls_in_progress()) + 20


def test_subscribers_hear_every_event_once_in_order_in_bounded_batches() -> None:
    kept = busy_centre(keep_log=True)
    kept.advance_to(8 * 3600)
    engine = busy_centre()
    heard: list[tuple[int, Any]] = []
    batches: list[tuple[int, int]] = []
    engine.subscribe(lambda seq, entry: heard.append((seq, entry)))
    engine.subscribe_batches(lambda first, batch: batches.append((first, len(batch))))
    engine.advance_to(8 * 3600)  # one long step: handed on in batches along the way
    assert kept.log is not None
    assert heard == list(enumerate(kept.log, start=1))
    assert len(batches) > 5
    assert all(size <= FLUSH_EVERY + 16 for _first, size in batches)
    starts = [first for first, _size in batches]
    assert starts == [1] + [first + size for first, size in batches[:-1]]


@pytest.mark.parametrize("strategy", ["leastrecent", "fewestcalls", "random"])
def test_the_ready_agents_of_a_queue_that_never_picks_stay_bounded(strategy: str) -> None:
    """Agents who take q1's calls are ready in q2 too; with no q2 callers those entries go
    stale, one more each time an agent is ready again."""
    config = centre(
        [
            queue("q1", skill="a", calls_per_day=3000, talk_s=60, after_call_work=ACW),
            queue("q2", skill="b", strategy=strategy),
        ],
        [agent(f"a{i}", {"a": 8, "b": 3}) for i in range(6)],
    )
    engine = Engine(config, seed=2)
    engine.advance_to(24 * 3600)
    assert engine.queue_stats("q1")["answered"] > 2500
    q2 = engine.queues_by_id["q2"]
    assert len(q2.ready) + q2.lane_entries <= 2 * 6 + COMPACT_SLACK
