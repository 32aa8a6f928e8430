"""Agent and team alerts: time in state on the ladder, escalation, clearing, cooldown,
acknowledgement, from hand-written event streams."""

from __future__ import annotations

import pytest

from server_stub.protocol.events import Event
from server_stub.protocol.supervision import (
    ALERT_ACKNOWLEDGED,
    ALERT_CLEARED,
    ALERT_RAISED,
    AgentLadders,
    AlertCleared,
    AlertKind,
    AlertRaised,
    Cooldowns,
    ProjectionRule,
    QueueRules,
    Severity,
    ShareRule,
    Steps,
    TeamRules,
    Thresholds,
)
from server_stub.supervision.alerts import AlertError
from tests.supervision.helpers import evaluator, feed, kinds, login, one_queue_centre, state

THRESHOLDS = Thresholds(
    agent=AgentLadders(
        not_ready=Steps(warning_s=600, critical_s=1200),
        not_ready_by_reason={"lunch": Steps(warning_s=2400)},
        idle=Steps(info_s=900),
    ),
    queue=QueueRules(projection=ProjectionRule(enabled=False)),  # only agents' timers are due
    cooldown=Cooldowns(agent_s=300),
)


def test_not_ready_raises_a_warning_at_ten_minutes_and_escalates_at_twenty() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    changes = feed(alerts, [*login(0, "a1"), state(100, "a1", "ready", "not_ready", "break")])
    assert changes == []
    assert alerts.due() == pytest.approx(700)  # the next time something may trip
    assert alerts.advance(699.9) == []
    raised = alerts.advance(700)
    assert kinds(raised) == [(ALERT_RAISED, "not_ready_too_long", "a1")]
    data = raised[0].data
    assert isinstance(data, AlertRaised)
    assert (data.severity, data.since, data.value, data.threshold) == (
        Severity.WARNING,
        100,
        pytest.approx(600),
        600,
    )
    assert data.detail["reason"] == "break" and data.team_id == "t1"
    assert "a1" in data.text and "10:00" in data.text
    escalated = alerts.advance(2000)
    assert len(escalated) == 1 and escalated[0].sim_time == pytest.approx(1300)
    up = escalated[0].data
    assert isinstance(up, AlertRaised)
    assert (up.alert_id, up.severity, up.previous_severity) == (
        data.alert_id,
        Severity.CRITICAL,
        Severity.WARNING,
    )


def test_the_alert_clears_when_the_agent_goes_ready() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    feed(alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "break")], until=650)
    cleared = feed(alerts, [state(800, "a1", "not_ready", "ready")])
    assert kinds(cleared) == [(ALERT_CLEARED, "not_ready_too_long", "a1")]
    data = cleared[0].data
    assert isinstance(data, AlertCleared)
    assert (data.raised_at, data.lasted_s, data.reason.value) == (600, 200, "resolved")
    assert alerts.active() == []


def test_a_reason_has_its_own_ladder() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    changes = feed(
        alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "lunch")], until=2399
    )
    assert changes == []
    assert kinds(alerts.advance(2400)) == [(ALERT_RAISED, "not_ready_too_long", "a1")]


def test_a_new_reason_starts_a_new_spell_and_waits_out_the_cooldown() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    feed(alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "break")], until=600)
    moved = feed(alerts, [state(650, "a1", "not_ready", "not_ready", "meeting")])
    assert kinds(moved) == [(ALERT_CLEARED, "not_ready_too_long", "a1")]
    # the meeting reaches 10 min at 1250, but the cooldown (300 s from 650) is long over
    assert kinds(alerts.advance(1250)) == [(ALERT_RAISED, "not_ready_too_long", "a1")]


def test_within_the_cooldown_the_same_alert_waits_and_comes_when_it_ends() -> None:
    thresholds = THRESHOLDS.model_copy(update={"cooldown": Cooldowns(agent_s=900)})
    alerts = evaluator(one_queue_centre(), thresholds)
    feed(alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "break")], until=600)
    feed(
        alerts,
        [state(610, "a1", "not_ready", "ready"), state(620, "a1", "ready", "not_ready", "break")],
    )
    assert alerts.advance(1400) == []  # 10 min of break at 1220: inside the cooldown
    again = alerts.advance(1600)
    assert kinds(again) == [(ALERT_RAISED, "not_ready_too_long", "a1")]
    assert again[0].sim_time == pytest.approx(610 + 900)


def test_the_login_instant_is_never_counted_as_not_ready() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    changes = feed(alerts, [state(0, "a1", "logged_out", "not_ready", "login")], until=5000)
    assert changes == []


def test_a_long_call_is_timed_from_its_answer_through_holds() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    call = {"call_id": "c1", "queue_id": "q"}
    entries = [
        *login(0, "a1"),
        state(10, "a1", "ready", "reserved", **call),
        state(10, "a1", "reserved", "busy", leg="talking", **call),
        state(400, "a1", "busy", "busy", leg="held", **call),
        state(450, "a1", "busy", "busy", leg="talking", **call),
    ]
    changes = feed(alerts, entries, until=920)
    assert kinds(changes) == [(ALERT_RAISED, "call_too_long", "a1")]
    assert changes[0].sim_time == pytest.approx(910)  # 900 s after the answer, holds included
    assert changes[0].queue_id == "q"
    assert changes[0].data.detail["call_id"] == "c1"  # type: ignore[union-attr]


def test_a_hold_longer_than_its_ladder_raises_and_clears_on_retrieve() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    call = {"call_id": "c1", "queue_id": "q"}
    entries = [
        *login(0, "a1"),
        state(10, "a1", "ready", "busy", leg="talking", **call),
        state(20, "a1", "busy", "busy", leg="held", **call),
    ]
    assert kinds(feed(alerts, entries, until=140)) == [(ALERT_RAISED, "hold_too_long", "a1")]
    back = feed(alerts, [state(150, "a1", "busy", "busy", leg="talking", **call)])
    assert kinds(back) == [(ALERT_CLEARED, "hold_too_long", "a1")]


def test_wrap_up_past_the_queues_limit_warns_then_turns_critical() -> None:
    alerts = evaluator(one_queue_centre(wrapup_limit_s=90), THRESHOLDS)
    call = {"call_id": "c1", "queue_id": "q"}
    entries = [*login(0, "a1"), state(100, "a1", "busy", "wrap_up", **call)]
    assert feed(alerts, entries, until=189) == []
    warning = alerts.advance(190)
    assert [c.data.severity for c in warning] == [Severity.WARNING]  # type: ignore[union-attr]
    critical = alerts.advance(250)
    assert [c.data.severity for c in critical] == [Severity.CRITICAL]  # type: ignore[union-attr]
    assert critical[0].sim_time == pytest.approx(250)  # limit + 60 s


def test_a_pending_state_set_in_wrap_up_does_not_restart_its_clock() -> None:
    alerts = evaluator(one_queue_centre(wrapup_limit_s=90), THRESHOLDS)
    call = {"call_id": "c1", "queue_id": "q"}
    entries = [
        *login(0, "a1"),
        state(100, "a1", "busy", "wrap_up", **call),
        state(150, "a1", "wrap_up", "wrap_up", **call),  # the agent set a pending state
    ]
    assert kinds(feed(alerts, entries, until=190)) == [(ALERT_RAISED, "wrapup_over_limit", "a1")]


def test_idle_too_long_is_an_info_alert() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    changes = feed(alerts, login(0, "a1"), until=900)
    assert [(c.data.kind, c.data.severity) for c in changes] == [  # type: ignore[union-attr]
        (AlertKind.IDLE_TOO_LONG, Severity.INFO)
    ]


def test_logging_out_clears_an_agents_alerts() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    feed(alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "break")], until=700)
    out = feed(alerts, [state(800, "a1", "not_ready", "logged_out", "logout")])
    assert kinds(out) == [(ALERT_CLEARED, "not_ready_too_long", "a1")]
    assert alerts.due() is not None and alerts.advance(10_000) == []


def test_a_team_with_too_many_not_ready_raises_a_team_alert() -> None:
    thresholds = Thresholds(
        team=TeamRules(not_ready_share=ShareRule(warning=0.5, critical=0.75, min_agents=4)),
        cooldown=Cooldowns(team_s=0),
    )
    alerts = evaluator(one_queue_centre(agents=4), thresholds)
    entries = [entry for k in range(1, 5) for entry in login(0, f"a{k}")]
    entries += [state(10, "a1", "ready", "not_ready", "break")]
    assert feed(alerts, entries) == []  # 1 of 4
    half = feed(alerts, [state(20, "a2", "ready", "not_ready", "break")])
    assert kinds(half) == [(ALERT_RAISED, "team_not_ready_share", "t1")]
    assert half[0].team_id == "t1" and half[0].agent_id is None
    three = feed(alerts, [state(30, "a3", "ready", "not_ready", "lunch")])
    assert [c.data.severity for c in three] == [Severity.CRITICAL]  # type: ignore[union-attr]
    back = feed(
        alerts, [state(40, "a1", "not_ready", "ready"), state(50, "a2", "not_ready", "ready")]
    )
    assert kinds(back) == [(ALERT_CLEARED, "team_not_ready_share", "t1")]


def test_a_team_alert_ignores_reasons_the_rule_names() -> None:
    thresholds = Thresholds(
        team=TeamRules(
            not_ready_share=ShareRule(
                warning=0.5, critical=None, min_agents=2, ignore_reasons=["training"]
            )
        )
    )
    alerts = evaluator(one_queue_centre(agents=2), thresholds)
    entries = [*login(0, "a1"), *login(0, "a2"), state(5, "a1", "ready", "not_ready", "training")]
    assert feed(alerts, entries) == []


def test_an_acknowledgement_names_who_and_when_and_an_escalation_asks_again() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    raised = feed(
        alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "break")], until=600
    )
    alert_id = raised[0].alert_id
    ack = alerts.acknowledge(alert_id, "s100", 650, note="去看看 going over")
    assert kinds(ack) == [(ALERT_ACKNOWLEDGED, "not_ready_too_long", "a1")]
    assert ack[0].sim_time == 650
    assert ack[0].event_data()["by"] == "s100"
    snapshot = alerts.active()[0]
    assert (snapshot.acknowledged_by, snapshot.acknowledged_at) == ("s100", 650)
    alerts.advance(1200)
    assert alerts.active()[0].acknowledged_by is None  # critical now: asks again


def test_acknowledging_an_unknown_or_cleared_alert_is_refused() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    raised = feed(
        alerts, [*login(0, "a1"), state(0, "a1", "ready", "not_ready", "break")], until=600
    )
    feed(alerts, [state(700, "a1", "not_ready", "ready")])
    with pytest.raises(AlertError) as refused:
        alerts.acknowledge(raised[0].alert_id, "s100", 710)
    assert refused.value.code == "no_such_alert"


def test_events_out_of_time_order_are_refused() -> None:
    alerts = evaluator(one_queue_centre(), THRESHOLDS)
    feed(alerts, login(100, "a1"))
    with pytest.raises(ValueError, match="before now"):
        alerts.apply_entry(*state(50, "a1", "ready", "not_ready", "break"))


def test_protocol_events_and_log_tuples_give_the_same_alerts() -> None:
    entries = [*login(0, "a1"), state(10, "a1", "ready", "not_ready", "break")]
    by_tuple = evaluator(one_queue_centre(), THRESHOLDS)
    by_event = evaluator(one_queue_centre(), THRESHOLDS)
    first = feed(by_tuple, entries, until=2000)
    second: list = []
    for seq, (at, event_type, call_id, agent_id, queue_id, data) in enumerate(entries, 1):
        event = Event(
            seq=seq,
            sim_time=at,
            wall_time=0.0,
            type=event_type,
            call_id=call_id,
            agent_id=agent_id,
            queue_id=queue_id,
            data=data,
        )
        second.extend(by_event.apply(event))
    second.extend(by_event.advance(2000))
    assert [c.event_data() for c in first] == [c.event_data() for c in second]
