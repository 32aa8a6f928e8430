"""Behaviours a user of the centre would notice: routing, priority, overflow, ringing, wrap-up."""

from __future__ import annotations

from typing import Any

import pytest

from server_stub.centre.schema import CentreConfig, Distribution, Overflow, Tier
from server_stub.engine import Engine, EngineError
from tests.engine.centres import agent, centre, queue


def events(engine: Engine, etype: str) -> list[tuple[Any, ...]]:
    return [e for e in engine.log if e[1] == etype]


def answered_by(engine: Engine) -> dict[str, str]:
    return {e[2]: e[3] for e in events(engine, "call.answered")}


def h1_answers_a_call(cfg: CentreConfig) -> tuple[Engine, str]:
    """At time 0 human agent h1 logs in, goes ready and answers a call to q1; returns its id."""
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.login("h1")
    engine.set_state("h1", "ready")
    call_id = engine.place_call("q1")
    engine.answer("h1", call_id)
    return engine, call_id


def test_first_slice_call_is_answered_talked_and_wrapped_up() -> None:
    cfg = centre([queue(after_call_work=Distribution(dist="fixed", mean_s=30))], [agent("a1")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    call_id = engine.place_call("q1")
    engine.advance_to(1000)
    types = [e[1] for e in engine.log if e[2] == call_id and e[1].startswith("call.")]
    assert types == [
        "call.arrived",
        "call.queued",
        "call.offered",
        "call.answered",
        "call.ended",
        "call.wrapup_completed",
    ]
    ended = events(engine, "call.ended")[0]
    assert ended[0] == 100.0 and ended[5]["outcome"] == "answered"
    states = [e[5]["to"] for e in events(engine, "agent.state_changed")]
    assert states == ["not_ready", "ready", "reserved", "busy", "wrap_up", "ready"]
    assert engine.agent_view("a1")["calls_handled"] == 1


def test_vip_caller_jumps_the_queue() -> None:
    cfg = centre(
        [queue()],
        [agent("a1")],
        tiers={"normal": Tier(share=0.9), "vip": Tier(share=0.1, priority=10)},
    )
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    first = engine.place_call("q1", tier="normal")  # takes the only agent
    engine.advance_to(1)
    normal = engine.place_call("q1", tier="normal")
    engine.advance_to(2)
    vip = engine.place_call("q1", tier="vip")
    engine.advance_to(1000)
    order = [e[2] for e in events(engine, "call.answered")]
    assert order == [first, vip, normal]


def test_tier_route_to_sends_callers_to_its_queue() -> None:
    cfg = centre(
        [queue("q1"), queue("vipq", skill="vip")],
        [agent("a1"), agent("v1", {"vip": 5})],
        tiers={"normal": Tier(share=0.5), "gold": Tier(share=0.5, route_to="vipq")},
    )
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    gold = engine.place_call("q1", tier="gold")
    engine.advance_to(1)
    assert engine.call_view(gold)["queue"] == "vipq"
    assert answered_by(engine)[gold] == "v1"


def test_skills_routing_sends_each_call_to_an_agent_with_the_skill() -> None:
    cfg = centre(
        [queue("billing", skill="billing"), queue("tech", skill="tech")],
        [agent("b1", {"billing": 5}), agent("t1", {"tech": 5})],
    )
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    tech_call = engine.place_call("tech")
    billing_call = engine.place_call("billing")
    engine.advance_to(1)
    assert answered_by(engine) == {tech_call: "t1", billing_call: "b1"}


@pytest.mark.parametrize("action", ["busy", "voicemail"])
def test_full_queue_overflows_with_its_action(action: str) -> None:
    cfg = centre([queue(max_length=1, overflow=Overflow(action=action))], [agent("a1")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.place_call("q1")  # talking
    engine.place_call("q1")  # waiting (queue now full)
    third = engine.place_call("q1")
    overflowed = events(engine, "call.overflowed")
    assert [(e[2], e[5]["action"]) for e in overflowed] == [(third, action)]
    ended = [e for e in events(engine, "call.ended") if e[2] == third]
    assert ended[0][5]["outcome"] == "overflowed"
    assert engine.queue_stats("q1")["overflowed"] == 1


def test_full_queue_overflows_to_its_target_queue() -> None:
    cfg = centre(
        [
            queue("q1", max_length=0, overflow=Overflow(action="queue", target="q2")),
            queue("q2", skill="backup"),
        ],
        [agent("a1"), agent("b1", {"backup": 3})],
    )
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.place_call("q1")  # a1 takes it
    moved = engine.place_call("q1")  # a1 busy and no room: goes to q2
    types = [e[1] for e in engine.log if e[2] == moved]
    assert types[:4] == ["call.arrived", "call.overflowed", "call.queued", "call.offered"]
    assert [e[4] for e in engine.log if e[2] == moved and e[1] == "call.queued"] == ["q2"]
    assert answered_by(engine)[moved] == "b1"


def test_call_returns_to_queue_head_when_agent_does_not_answer() -> None:
    cfg = centre([queue(ring_timeout_s=15)], [agent("h1", simulated=False), agent("s1")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.login("h1")
    engine.place_call("q1")  # s1 takes this one
    engine.set_state("h1", "ready")
    early = engine.place_call("q1")  # rings at h1
    assert engine.agent_view("h1")["state"] == "reserved"
    engine.advance_to(5)
    later = engine.place_call("q1")  # waits behind `early`
    engine.advance_to(20)
    timeout = events(engine, "call.offer_timeout")
    assert [(e[2], e[3]) for e in timeout] == [(early, "h1")]
    view = engine.agent_view("h1")
    assert (view["state"], view["reason"]) == ("not_ready", "ring_no_answer")
    assert engine.call_view(early)["queued_at"] == 0.0  # keeps its place
    engine.advance_to(1000)
    order = [e[2] for e in events(engine, "call.answered")]
    assert order.index(early) < order.index(later)


def test_pending_not_ready_applies_after_wrap_up() -> None:
    cfg = centre([queue()], [agent("h1", simulated=False)])
    engine, call_id = h1_answers_a_call(cfg)
    engine.set_pending("h1", "not_ready", "break")
    engine.advance_to(50)
    engine.hangup("h1", call_id)
    assert engine.agent_view("h1")["state"] == "wrap_up"
    engine.complete_wrapup("h1", call_id, "resolved", notes="备注 notes")
    view = engine.agent_view("h1")
    assert (view["state"], view["reason"], view["pending"]) == ("not_ready", "break", None)


def test_wrap_up_auto_completes_at_the_deadline() -> None:
    cfg = centre([queue(wrapup_limit_s=60)], [agent("h1", simulated=False)])
    engine, call_id = h1_answers_a_call(cfg)
    engine.advance_to(10)
    engine.hangup("h1", call_id)
    assert engine.agent_view("h1")["wrapup_deadline"] == 70.0
    engine.advance_to(69.9)
    assert engine.agent_view("h1")["state"] == "wrap_up"
    engine.advance_to(70)
    done = events(engine, "call.wrapup_completed")
    assert [(e[0], e[5]["code"]) for e in done] == [(70.0, "auto")]
    assert engine.agent_view("h1")["state"] == "ready"


def test_leastrecent_picks_the_longest_idle_agent() -> None:
    cfg = centre([queue(talk_s=10)], [agent("a1"), agent("a2"), agent("a3")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    first = engine.place_call("q1")  # a1 (all idle since 0: first in order)
    engine.advance_to(1)
    second = engine.place_call("q1")  # a2
    engine.advance_to(20)  # a1 ready again at 10, a2 at 11; a3 idle since 0
    third = engine.place_call("q1")
    fourth = engine.place_call("q1")
    who = answered_by(engine)
    assert (who[first], who[second], who[third], who[fourth]) == ("a1", "a2", "a3", "a1")


def test_leastrecent_prefers_higher_skill_level() -> None:
    cfg = centre([queue()], [agent("junior", {"general": 2}), agent("senior", {"general": 9})])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    call_id = engine.place_call("q1")
    assert answered_by(engine)[call_id] == "senior"


def test_caller_abandons_after_patience() -> None:
    cfg = centre([queue(patience=Distribution(dist="fixed", mean_s=30))], [agent("a1")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.place_call("q1")
    waiting = engine.place_call("q1")
    engine.advance_to(31)
    abandoned = events(engine, "call.abandoned")
    assert [(e[2], e[0], e[5]["waited_s"]) for e in abandoned] == [(waiting, 30.0, 30.0)]
    assert engine.queue_stats("q1")["abandoned"] == 1


def test_commands_refuse_with_stable_codes() -> None:
    cfg = centre([queue()], [agent("h1", simulated=False), agent("s1")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    with pytest.raises(EngineError) as no_agent:
        engine.login("nobody")
    assert no_agent.value.code == "no_such_agent"
    with pytest.raises(EngineError) as not_logged_in:
        engine.set_state("h1", "ready")
    assert not_logged_in.value.code == "invalid_state"
    other = engine.place_call("q1")  # at s1
    engine.login("h1")
    with pytest.raises(EngineError) as not_yours:
        engine.hangup("h1", other)
    assert not_yours.value.code == "not_your_call"
    with pytest.raises(EngineError) as no_call:
        engine.answer("h1", "c999")
    assert no_call.value.code == "no_such_call"


def test_blind_transfer_to_queue_and_consult_conference() -> None:
    cfg = centre(
        [queue("q1"), queue("q2", skill="expert")],
        [agent("h1", simulated=False), agent("e1", {"expert": 5}), agent("e2", {"expert": 5})],
    )
    engine, first = h1_answers_a_call(cfg)
    engine.transfer("h1", first, to_queue="q2")
    assert engine.call_view(first)["agent"] in {"e1", "e2"}
    engine.complete_wrapup("h1", first, "transferred")
    second = engine.place_call("q1")
    engine.answer("h1", second)
    engine.transfer("h1", second, to_queue="q2", mode="consult")
    consulted = engine.call_view(second)["consult_agent"]
    assert engine.agent_view(consulted)["state"] == "busy"
    engine.consult_action("h1", second, "conference")
    assert engine.agent_view("h1")["leg"] == "conference"
    engine.hangup("h1", second)
    ended = [e for e in events(engine, "call.ended") if e[2] == second]
    assert len(ended) == 1
    assert engine.agent_view(consulted)["state"] in {"wrap_up", "ready"}


def test_outbound_dial_connects_after_ringing() -> None:
    cfg = centre([queue()], [agent("h1", simulated=False)])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.login("h1")
    call_id = engine.dial("h1", "13800138000", customer_id="C1")
    assert engine.agent_view("h1")["state"] == "reserved"
    engine.advance_to(20)
    view = engine.agent_view("h1")
    assert (view["state"], view["direction"]) == ("busy", "outbound")
    engine.hangup("h1", call_id)
    assert engine.calls_in_progress() == []


def test_shift_logs_agent_in_and_out_and_takes_breaks() -> None:
    from server_stub.centre.schema import Break, Shift

    # epoch is 08:00 local: sim time 3600 is 09:00
    shift = Shift(start="09:00", end="10:00", breaks=[Break(at="09:30", minutes=5, reason="break")])
    cfg = centre([queue()], [agent("a1", shift="early")], shifts={"early": shift})
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(3599)
    assert engine.agent_view("a1")["state"] == "logged_out"
    engine.advance_to(3600)
    assert engine.agent_view("a1")["state"] == "ready"
    engine.advance_to(5400)
    assert (engine.agent_view("a1")["state"], engine.agent_view("a1")["reason"]) == (
        "not_ready",
        "break",
    )
    engine.advance_to(5700)
    assert engine.agent_view("a1")["state"] == "ready"
    engine.advance_to(7200)
    assert engine.agent_view("a1")["state"] == "logged_out"


def test_ivr_walk_and_self_service() -> None:
    from server_stub.centre.schema import Ivr, IvrNode, IvrOption

    ivr = Ivr(
        root="main",
        nodes={
            "main": IvrNode(
                prompt="欢迎 welcome",
                duration_s=5,
                options=[IvrOption(key="1", label="Support", next="support")],
            ),
            "support": IvrNode(
                prompt="support",
                duration_s=3,
                self_service_share=0.5,
                options=[
                    IvrOption(key="1", label="Agent", queue="q1"),
                    IvrOption(key="9", label="Status", self_service="status"),
                ],
            ),
        },
    )
    cfg = centre([queue(calls_per_day=20_000)], [agent(f"a{i}") for i in range(5)], ivr=ivr)
    engine = Engine(cfg, seed=3, keep_log=True)
    engine.advance_to(3600)
    steps = events(engine, "call.ivr_step")
    assert {e[5]["node"] for e in steps} == {"main", "support"}
    self_service = [e for e in events(engine, "call.ended") if e[5]["outcome"] == "self_service"]
    queued = events(engine, "call.queued")
    assert self_service and queued
    offered = events(engine, "call.offered")[0]
    assert offered[5]["ivr_path"] == [["main", "1"], ["support", "1"]]
    first_arrival = events(engine, "call.arrived")[0][0]
    assert events(engine, "call.queued")[0][0] >= first_arrival + 8


def test_queue_stats_events_are_periodic_and_optional() -> None:
    cfg = centre([queue(calls_per_day=5000)], [agent("a1")])
    with_stats = Engine(cfg, seed=1, keep_log=True)
    with_stats.advance_to(60)
    stats = events(with_stats, "queue.stats")
    assert [e[0] for e in stats] == [5.0 * k for k in range(1, 13)]
    assert set(stats[0][5]) >= {
        "waiting",
        "longest_wait_s",
        "agents_ready",
        "agents_busy",
        "offered",
        "answered",
        "abandoned",
        "service_level",
    }
    without = Engine(cfg, seed=1, keep_log=True, emit_queue_stats=False)
    without.advance_to(60)
    assert events(without, "queue.stats") == []


def test_known_callers_come_from_the_customer_list() -> None:
    from server_stub.centre.schema import Customers

    customers = [("C1", "vip", "13800000001"), ("C2", "normal", "13800000002")]
    cfg = centre(
        [queue(calls_per_day=40_000)],
        [agent(f"a{i}") for i in range(3)],
        tiers={"normal": Tier(share=0.8), "vip": Tier(share=0.2, priority=5)},
        customers=Customers(known_caller_share=0.7),
    )
    engine = Engine(cfg, seed=2, keep_log=True, customers=customers)
    engine.advance_to(3600)
    arrived = [e[5] for e in events(engine, "call.arrived")]
    known = [d for d in arrived if d["customer_id"] is not None]
    assert {(d["customer_id"], d["tier"], d["ani"]) for d in known} <= set(customers)
    assert 0.6 < len(known) / len(arrived) < 0.8
    unknown = [d for d in arrived if d["customer_id"] is None]
    assert all(d["tier"] == "normal" and len(d["ani"]) == 11 for d in unknown)


def test_fewestcalls_picks_the_agent_with_fewest_calls() -> None:
    cfg = centre([queue(talk_s=10, strategy="fewestcalls")], [agent("a1"), agent("a2")])
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.advance_to(0)
    engine.place_call("q1")  # a1
    engine.advance_to(20)  # a1 has 1 call, a2 none
    later = engine.place_call("q1")
    assert answered_by(engine)[later] == "a2"


def test_hold_and_retrieve_change_the_leg() -> None:
    cfg = centre([queue()], [agent("h1", simulated=False)])
    engine, call_id = h1_answers_a_call(cfg)
    engine.hold("h1", call_id)
    assert engine.agent_view("h1")["leg"] == "held"
    with pytest.raises(EngineError):
        engine.hold("h1", call_id)
    engine.retrieve("h1", call_id)
    assert engine.agent_view("h1")["leg"] == "talking"
    assert [e[1] for e in engine.log if e[1] in ("call.held", "call.retrieved")] == [
        "call.held",
        "call.retrieved",
    ]


def test_human_caller_never_hangs_up_by_itself() -> None:
    cfg = centre([queue(talk_s=10)], [agent("h1", simulated=False)])
    engine, call_id = h1_answers_a_call(cfg)
    engine.advance_to(10_000)
    assert engine.call_view(call_id)["state"] == "connected"
    assert events(engine, "call.ended") == []


def test_todays_roster_keeps_the_absent_out_and_logs_the_late_agent_in_at_its_time() -> None:
    from server_stub.centre.schema import Shift

    # epoch is 08:00 local: the shift began at 07:00, before the opening
    shift = Shift(start="07:00", end="12:00")
    agents = [agent(a, shift="day") for a in ("on_time", "late", "away")] + [agent("all_day")]
    cfg = centre([queue()], [*agents, agent("sick")], shifts={"day": shift})
    engine = Engine(cfg, seed=1, keep_log=True)
    engine.plan_attendance({"late": 420.0}, ["away", "sick"])
    engine.advance_to(419)
    states = {a: engine.agent_view(a)["state"] for a in ("on_time", "late", "away", "sick")}
    assert states == {"on_time": "ready", "late": "logged_out", "away": "logged_out",
                      "sick": "logged_out"}  # fmt: skip
    assert engine.agent_view("all_day")["state"] == "ready"
    engine.advance_to(420)
    assert engine.agent_view("late")["state"] == "ready"
    logins = [
        (e[0], e[3])
        for e in engine.log
        if e[1] == "agent.state_changed" and e[5]["from"] == "logged_out"
    ]
    assert ("late" in {a for _, a in logins}) and (420.0, "late") in logins
    assert not {"away", "sick"} & {a for _, a in logins}
    # The next day the roster no longer holds: the absent agent's shift logs it in.
    engine.advance_to(86400 - 3600 + 1)  # 07:00 the next day
    assert engine.agent_view("away")["state"] == "ready"


def test_the_roster_is_refused_once_the_day_has_started() -> None:
    engine = Engine(centre([queue()], [agent("a1")]), seed=1)
    engine.advance_to(0)
    with pytest.raises(EngineError) as raised:
        engine.plan_attendance({}, ["a1"])
    assert raised.value.code == "day_started"
