"""Queue alerts from hand-written streams: longest wait, the interval's service level,
surges against the forecast, and the projected breach."""

from __future__ import annotations

import math

import pytest

from server_stub.protocol.supervision import (
    ALERT_CLEARED,
    ALERT_RAISED,
    AlertCleared,
    AlertKind,
    AlertRaised,
    Cooldowns,
    ProjectionRule,
    QueueRules,
    ServiceLevelRule,
    Severity,
    SurgeRule,
    Thresholds,
)
from server_stub.supervision.alerts import AlertChange
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.workload import Forecast
from tests.supervision.helpers import (
    call_flow,
    ev,
    evaluator,
    fcfs_day,
    feed,
    kinds,
    one_queue_centre,
)

NO_PROJECTION = QueueRules(projection=ProjectionRule(enabled=False))


def _only(changes: list[AlertChange], kind: AlertKind) -> list[AlertChange]:
    return [c for c in changes if c.data.kind is kind]


def test_the_longest_wait_warns_at_its_step_and_clears_when_the_caller_is_offered() -> None:
    alerts = evaluator(one_queue_centre(), Thresholds(queue=NO_PROJECTION))
    feed(alerts, call_flow("q", "c1", arrive=100))
    raised = alerts.advance(160)
    assert kinds(raised) == [(ALERT_RAISED, "longest_wait", "q")]
    assert raised[0].queue_id == "q" and raised[0].sim_time == pytest.approx(160)
    escalated = alerts.advance(220)
    assert [c.data.severity for c in escalated] == [Severity.CRITICAL]  # type: ignore[union-attr]
    offered = feed(alerts, [ev(230, "call.offered", "c1", "a1", "q")])
    assert kinds(_only(offered, AlertKind.LONGEST_WAIT)) == [(ALERT_CLEARED, "longest_wait", "q")]


def test_the_next_caller_keeps_the_longest_wait_alert_while_it_waits_past_the_step() -> None:
    alerts = evaluator(one_queue_centre(), Thresholds(queue=NO_PROJECTION))
    feed(alerts, [*call_flow("q", "c1", arrive=0), *call_flow("q", "c2", arrive=30)], until=70)
    # c1 answered at 100: c2 has waited 70 s, still over the 60 s step
    assert (
        _only(feed(alerts, call_flow("q", "c1", arrive=0, answer=100)[1:]), AlertKind.LONGEST_WAIT)
        == []
    )
    cleared = feed(alerts, call_flow("q", "c2", arrive=30, answer=120)[1:])
    assert kinds(_only(cleared, AlertKind.LONGEST_WAIT)) == [(ALERT_CLEARED, "longest_wait", "q")]


def _sl_thresholds(**changes: object) -> Thresholds:
    rule = ServiceLevelRule(target=0.8, critical_below=0.6, min_calls=10)
    rule = rule.model_copy(update=changes)
    return Thresholds(
        queue=QueueRules(service_level=rule, projection=ProjectionRule(enabled=False))
    )


def test_the_service_level_breach_is_raised_when_ten_decided_calls_fall_below_target() -> None:
    alerts = evaluator(one_queue_centre(), _sl_thresholds())
    entries = []
    for k in range(10):  # c0..c6 answered in 5 s; c7..c9 after 25 s
        wait = 5.0 if k < 7 else 25.0
        entries += call_flow("q", f"c{k}", arrive=k * 60.0, answer=k * 60.0 + wait)
    changes = _only(feed(alerts, entries), AlertKind.SL_BREACHED)
    assert kinds(changes) == [(ALERT_RAISED, "sl_breached", "q")]
    data = changes[0].data
    assert isinstance(data, AlertRaised)
    assert (data.value, data.threshold, data.severity) == (0.7, 0.8, Severity.WARNING)
    assert changes[0].sim_time == pytest.approx(9 * 60 + 20)  # c9 passes 20 s of waiting
    assert data.detail["hits"] == 7 and data.detail["decided"] == 10
    live = alerts.queue_live("q")
    assert (live.offered, live.hits, live.misses, live.service_level) == (10, 7, 3, 0.7)


def test_a_caller_still_waiting_counts_against_the_service_level_once_past_the_target() -> None:
    alerts = evaluator(one_queue_centre(), _sl_thresholds(min_calls=1))
    feed(alerts, call_flow("q", "c1", arrive=100))
    assert alerts.advance(120) == [] or alerts.queue_live("q").misses == 0  # exactly T: a hit yet
    assert alerts.queue_live("q").misses == 0
    changes = _only(alerts.advance(121), AlertKind.SL_BREACHED)
    assert alerts.queue_live("q").misses == 1
    assert changes and changes[0].sim_time == pytest.approx(120, abs=1e-9)
    assert changes[0].data.severity is Severity.CRITICAL  # type: ignore[union-attr]  # 0 % < 60 %


def test_answered_at_exactly_the_target_is_a_hit() -> None:
    alerts = evaluator(one_queue_centre(), _sl_thresholds(min_calls=1))
    feed(alerts, call_flow("q", "c1", arrive=100, answer=120))
    assert (alerts.queue_live("q").hits, alerts.queue_live("q").misses) == (1, 0)


def test_abandons_and_full_queue_overflows_count_against_the_service_level() -> None:
    alerts = evaluator(one_queue_centre(), _sl_thresholds(min_calls=3))
    entries = [
        *call_flow("q", "c1", arrive=0, answer=3),
        *call_flow("q", "c2", arrive=10, abandon=15),
        ev(20, "call.overflowed", "c3", queue_id="q", action="busy", target=None),
    ]
    changes = _only(feed(alerts, entries), AlertKind.SL_BREACHED)
    live = alerts.queue_live("q")
    assert (live.offered, live.hits, live.misses) == (3, 1, 2)
    assert changes[0].data.value == pytest.approx(1 / 3)  # type: ignore[union-attr]


def test_the_breach_clears_when_the_level_recovers_and_every_interval_starts_afresh() -> None:
    thresholds = _sl_thresholds(min_calls=2, critical_below=None)
    thresholds = thresholds.model_copy(update={"cooldown": Cooldowns(queue_s=0)})
    alerts = evaluator(one_queue_centre(), thresholds)
    entries = [
        *call_flow("q", "c1", arrive=0, answer=3),
        *call_flow("q", "c2", arrive=10, answer=40),  # 1 of 2
    ]
    assert kinds(_only(feed(alerts, entries), AlertKind.SL_BREACHED)) == [
        (ALERT_RAISED, "sl_breached", "q")
    ]
    more = [
        entry
        for k in range(3, 6)
        for entry in call_flow("q", f"c{k}", arrive=k * 60.0, answer=k * 60.0 + 1)
    ]
    recovered = _only(feed(alerts, more), AlertKind.SL_BREACHED)
    assert kinds(recovered) == [(ALERT_CLEARED, "sl_breached", "q")]  # 4 of 5 = 80 %
    late = [
        entry
        for k in range(6, 8)
        for entry in call_flow("q", f"c{k}", arrive=k * 60.0, answer=k * 60.0 + 30)
    ]
    again = _only(feed(alerts, late), AlertKind.SL_BREACHED)
    assert kinds(again) == [(ALERT_RAISED, "sl_breached", "q")]  # 4 of 6
    ended = _only(alerts.advance(1800), AlertKind.SL_BREACHED)
    assert [(c.type, c.sim_time, c.data.reason.value) for c in ended] == [  # type: ignore[union-attr]
        (ALERT_CLEARED, 1800, "interval_ended")
    ]
    live = alerts.queue_live("q")
    assert (live.interval_start, live.offered, live.hits, live.misses) == (1800, 0, 0, 0)


def test_a_caller_of_the_last_interval_answered_late_does_not_count_in_the_new_one() -> None:
    alerts = evaluator(one_queue_centre(), _sl_thresholds(min_calls=1))
    feed(alerts, call_flow("q", "c1", arrive=1795), until=1800)
    feed(alerts, call_flow("q", "c1", arrive=1795, answer=1830)[1:])
    assert (alerts.queue_live("q").offered, alerts.queue_live("q").misses) == (0, 0)


def _flat_forecast(calls_per_half_hour: float) -> Forecast:
    clock = CentreClock("2026-11-23T10:00:00+08:00")
    return Forecast({"q": [calls_per_half_hour] * 48}, clock)


def test_a_surge_is_raised_when_the_last_ten_minutes_bring_half_again_the_forecast() -> None:
    rule = SurgeRule(factor=1.5, critical_factor=None, min_calls=8, window_s=600)
    thresholds = Thresholds(queue=QueueRules(surge=rule, projection=ProjectionRule(enabled=False)))
    alerts = evaluator(one_queue_centre(), thresholds, _flat_forecast(30))  # 10 calls in 10 min
    calm = [
        entry
        for k in range(10)
        for entry in call_flow("q", f"a{k}", arrive=600 + k * 60.0, answer=600 + k * 60.0)
    ]
    assert _only(feed(alerts, calm), AlertKind.QUEUE_SURGE) == []
    # from 1200: a call every 30 s; the window (t-600, t] holds 15 at 1200 + 15·30 - ...
    surge_times = [1200 + k * 30.0 for k in range(1, 21)]
    surge = [
        entry
        for k, t in enumerate(surge_times)
        for entry in call_flow("q", f"s{k}", arrive=t, answer=t)
    ]
    raised = _only(feed(alerts, surge), AlertKind.QUEUE_SURGE)
    first = raised[0]
    # independent count: arrivals in (t - 600, t] against 1.5 × 10 expected
    all_times = [600 + k * 60.0 for k in range(10)] + surge_times
    expected_at = next(
        t for t in surge_times if sum(1 for a in all_times if t - 600 < a <= t) >= 15
    )
    assert first.type == ALERT_RAISED and first.sim_time == expected_at
    assert first.data.value == 15 and first.data.unit == "calls"  # type: ignore[union-attr]
    assert first.data.detail["expected"] == pytest.approx(10)  # type: ignore[union-attr]
    # when arrivals stop, the window empties and the surge clears by itself
    quiet = _only(alerts.advance(surge_times[-1] + 600), AlertKind.QUEUE_SURGE)
    assert kinds(quiet) == [(ALERT_CLEARED, "queue_surge", "q")]
    cleared_at = quiet[0].sim_time
    left = sum(1 for a in all_times if cleared_at - 600 < a <= cleared_at)
    assert (
        left < 15
        and sum(1 for a in all_times if cleared_at - 1e-6 - 600 < a <= cleared_at - 1e-6) >= 15
    )


def test_a_queue_with_no_forecast_surges_on_the_minimum_count_alone() -> None:
    rule = SurgeRule(min_calls=5, window_s=600)
    thresholds = Thresholds(queue=QueueRules(surge=rule, projection=ProjectionRule(enabled=False)))
    alerts = evaluator(one_queue_centre(), thresholds, _flat_forecast(0))
    entries = [
        entry
        for k in range(5)
        for entry in call_flow("q", f"c{k}", arrive=k * 10.0, answer=k * 10.0)
    ]
    assert [c.sim_time for c in _only(feed(alerts, entries), AlertKind.QUEUE_SURGE)] == [40]


# ---------------------------------------------------------------- the projected breach


def _projection_run(
    arrivals: list[float], handle_s: float, forecast_per_half_hour: float
) -> list[AlertChange]:
    config = one_queue_centre(agents=4, talk_s=handle_s, patience_s=None)
    thresholds = Thresholds(
        queue=QueueRules(
            service_level=ServiceLevelRule(target=0.8, min_calls=10),
            projection=ProjectionRule(every_s=60, min_calls=10),
        ),
        cooldown=Cooldowns(queue_s=0),
    )
    alerts = evaluator(config, thresholds, _flat_forecast(forecast_per_half_hour))
    agents = ["a1", "a2", "a3", "a4"]
    changes = feed(alerts, fcfs_day("q", arrivals, agents, handle_s))
    return changes + alerts.advance(max(alerts.now, 1800.0))


def test_the_projected_breach_fires_before_the_breach_on_a_queue_that_is_falling_behind() -> None:
    # 4 agents, 180 s a call: room for 40 calls in a half-hour; 60 come, one every 30 s
    arrivals = [30.0 * k for k in range(60)]
    changes = _projection_run(arrivals, 180.0, forecast_per_half_hour=60)
    projected = _only(changes, AlertKind.SL_PROJECTED_BREACH)
    breached = _only(changes, AlertKind.SL_BREACHED)
    assert projected and breached
    assert projected[0].type == ALERT_RAISED and breached[0].type == ALERT_RAISED
    assert projected[0].sim_time < breached[0].sim_time
    superseded = [c for c in projected if c.type == ALERT_CLEARED]
    assert (
        isinstance(superseded[0].data, AlertCleared)
        and superseded[0].data.reason.value == "superseded"
    )
    assert superseded[0].sim_time == breached[0].sim_time
    # it was right: the interval's calls, waits worked out by hand (FCFS, 4 agents)
    free = [0.0] * 4
    within = 0
    for t in arrivals:
        k = free.index(min(free))
        start = max(t, free[k])
        within += start - t <= 20
        free[k] = start + 180
    assert within / len(arrivals) < 0.8


def test_the_projected_breach_stays_quiet_on_a_calm_queue() -> None:
    arrivals = [120.0 * k for k in range(15)]  # 15 calls for 4 agents: no one waits
    changes = _projection_run(arrivals, 180.0, forecast_per_half_hour=15)
    assert _only(changes, AlertKind.SL_PROJECTED_BREACH) == []
    assert _only(changes, AlertKind.SL_BREACHED) == []


def test_the_projection_is_ahead_of_the_traffic_it_forecasts() -> None:
    # no calls yet, but the forecast brings 120 calls to 4 agents: a breach is coming
    changes = _projection_run([], 180.0, forecast_per_half_hour=120)
    projected = _only(changes, AlertKind.SL_PROJECTED_BREACH)
    assert projected and projected[0].sim_time == 60  # the first projection
    assert math.isclose(projected[0].data.threshold, 0.8)  # type: ignore[union-attr]
