"""The flattened simulated-call path and the shared per-group state counts keep the contract."""

from __future__ import annotations

from collections import Counter

from server_stub.centre.schema import Distribution
from server_stub.engine import Engine
from tests.engine.centres import agent, centre, queue

BUSY_STATES = ("reserved", "busy", "wrap_up")


def two_skill_centre() -> Engine:
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
    return Engine(centre(queues, agents), seed=11, keep_log=True)


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
