"""The engine's two doors for the server: events that are not the simulation's, and
callers placed on purpose (a trainer replaying a call, a test making one ring)."""

from __future__ import annotations

from server_stub.centre.schema import Tier
from server_stub.engine import Engine
from tests.engine.centres import agent, centre, queue


def test_a_recorded_event_takes_the_next_seq_and_reaches_subscribers() -> None:
    engine = Engine(centre([queue()], [agent("a1")]), seed=1, keep_log=True)
    engine.advance_to(0)
    heard: list[tuple[int, str]] = []
    engine.subscribe(lambda seq, entry: heard.append((seq, entry[1])))
    before = len(engine.log)

    seq = engine.record(
        "supervisor.message", agent_id="a1", data={"text": "请注意排队 Queue is building"}
    )

    assert seq == before + 1
    assert engine.log[-1][1:4] == ("supervisor.message", None, "a1")
    assert engine.log[-1][5] == {"text": "请注意排队 Queue is building"}
    assert heard == [(seq, "supervisor.message")]


def test_a_placed_call_from_a_known_customer_brings_its_tier_and_number() -> None:
    cfg = centre(
        [queue()],
        [agent("a1")],
        tiers={"normal": Tier(share=0.9), "vip": Tier(share=0.1, priority=10)},
    )
    customers = [("C000001", "normal", "13800000001"), ("C000002", "vip", "13800000002")]
    engine = Engine(cfg, seed=1, keep_log=True, customers=customers)
    engine.advance_to(0)

    call_id = engine.place_call("q1", customer_id="C000002")

    arrived = next(e for e in engine.log if e[1] == "call.arrived" and e[2] == call_id)
    assert arrived[5]["tier"] == "vip"
    assert arrived[5]["ani"] == "13800000002"
    assert engine.call_view(call_id)["agent"] == "a1"
