"""The flattened hot path logs exactly what the plain path logs; the shared per-group state
counts keep the contract."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server_stub.centre.customers import customer_refs
from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig, Distribution
from server_stub.engine import Engine
from tests.engine.centres import agent, centre, queue, work_calls_as_a_human
from tests.engine.test_properties import HORIZON_S, centres, commands, run

BUSY_STATES = ("reserved", "busy", "wrap_up")


def two_skill_centre(*, flat_hot_path: bool = True) -> Engine:
    """Agents in three skill groups (only a, a and b, only b) plus a logged-out human."""
    acw = Distribution(dist="fixed", mean_s=10)
    patience = Distribution(dist="exponential", mean_s=60)
    queues = [
        queue(
            "qa", skill="a", calls_per_day=4000, talk_s=300, after_call_work=acw, patience=patience
        ),
        queue(
            "qb", skill="b", calls_per_day=3000, talk_s=200, after_call_work=acw, patience=patience
        ),
    ]
    agents = [
        agent("a1", {"a": 5}),
        agent("a2", {"a": 3, "b": 7}),
        agent("a3", {"b": 5}),
        agent("a4", {"a": 7, "b": 2}),
        agent("h1", {"a": 5}, simulated=False),
    ]
    return Engine(centre(queues, agents), seed=11, keep_log=True, flat_hot_path=flat_hot_path)


def counted_by_hand(engine: Engine, queue_id: str) -> Counter[str]:
    return Counter(view["state"] for view in engine.agents() if queue_id in view["queues"])


def test_queue_stats_count_every_agent_group_serving_the_queue() -> None:
    engine = two_skill_centre()
    for step in range(1, 400):
        engine.advance_to(step * 7.0)
        for queue_id in ("qa", "qb"):
            by_hand = counted_by_hand(engine, queue_id)
            stats = engine.queue_stats(queue_id)
            assert stats["agents_ready"] == by_hand["ready"]
            assert stats["agents_busy"] == sum(by_hand[s] for s in BUSY_STATES)
            assert stats["agents_not_ready"] == by_hand["not_ready"]
            assert stats["agents_logged_in"] == sum(by_hand.values()) - by_hand["logged_out"]
    assert engine.queue_stats("qa")["answered"] > 0 and engine.queue_stats("qb")["answered"] > 0


def test_each_wrap_up_logs_its_own_deadline_after_a_simulated_call() -> None:
    engine = two_skill_centre()
    engine.advance_to(3600)
    ended_at = {e[2]: e[0] for e in engine.log if e[1] == "call.ended"}
    wrap_ups = [e for e in engine.log if e[1] == "agent.state_changed" and e[5]["to"] == "wrap_up"]
    assert len(wrap_ups) > 10
    for when, _type, call_id, _agent, queue_id, data in wrap_ups:
        assert when == ended_at[call_id]
        assert data["from"] == "busy" and data["pending"] is None and data["leg"] is None
        assert data["direction"] == "inbound" and queue_id in ("qa", "qb")
        assert data["wrapup_deadline"] == when + 10.0


@given(centres(), commands, st.sampled_from([7.0, HORIZON_S]))
def test_the_flattened_hot_path_logs_what_the_plain_path_logs(
    config: CentreConfig, script: Any, chunk: float
) -> None:
    flat = run(config, script, chunk, flat_hot_path=True)
    plain = run(config, script, chunk, flat_hot_path=False)
    assert flat.log is not None and plain.log is not None
    assert len(flat.log) == len(plain.log)
    for seq, (mine, theirs) in enumerate(zip(flat.log, plain.log, strict=True), start=1):
        assert mine == theirs, f"event {seq} differs"


@pytest.mark.parametrize("seed", [1, 2])
def test_a_demo_day_with_a_human_logs_the_same_on_both_paths(seed: int) -> None:
    config = load_default_centre()
    logs = []
    for flat in (True, False):
        engine = Engine(
            config, seed=seed, customers=customer_refs(config), keep_log=True, flat_hot_path=flat
        )
        work_calls_as_a_human(engine, "1001", until=6 * 3600)
        assert engine.log is not None
        logs.append(engine.log)
    flat_log, plain_log = logs
    assert len(flat_log) > 20_000
    assert sum(e[1] == "call.wrapup_completed" and e[3] == "1001" for e in flat_log) >= 5
    assert flat_log == plain_log


def test_the_two_skill_centre_logs_the_same_on_both_paths() -> None:
    flat = two_skill_centre()
    plain = two_skill_centre(flat_hot_path=False)
    flat.advance_to(8 * 3600)
    plain.advance_to(8 * 3600)
    assert flat.log is not None and len(flat.log) > 10_000
    assert flat.log == plain.log
