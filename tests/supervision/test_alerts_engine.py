"""Alerts from real engine runs: the interval's figures against an independent fold of the
log (server_stub.metrics), a surge and a predicted breach that come true, a calm day that
stays quiet, the demo day, and the same alerts however time is chopped."""

from __future__ import annotations

import math
import random

import pytest

from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig, Distribution
from server_stub.engine import Engine
from server_stub.metrics import window_metrics
from server_stub.protocol.supervision import ALERT_RAISED, AlertKind, Thresholds
from server_stub.supervision.alerts import AlertChange, AlertEngine
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.dayplan import day_plan
from server_stub.supervision.loader import load_default_supervision
from server_stub.supervision.staffing import required_agents
from server_stub.supervision.workload import Forecast
from tests.supervision.helpers import one_queue_centre

HALF_HOUR = 1800.0


def _centre(calls_per_half_hour: float, agents: int) -> CentreConfig:
    config = one_queue_centre(agents=agents, calls_per_day=calls_per_half_hour * 48, patience_s=240)
    queue = config.queues[0].model_copy(
        update={"after_call_work": None, "talk_time": Distribution(dist="exponential", mean_s=180)}
    )
    return config.model_copy(update={"queues": [queue]})


def _run(engine: Engine, alerts: AlertEngine, until: float) -> list[AlertChange]:
    changes: list[AlertChange] = []
    unsubscribe = engine.subscribe(lambda _seq, entry: changes.extend(alerts.apply_entry(*entry)))
    engine.advance_to(until)
    changes.extend(alerts.advance(until))
    unsubscribe()
    return changes


def _raised(changes: list[AlertChange], kind: AlertKind) -> list[AlertChange]:
    return [c for c in changes if c.type == ALERT_RAISED and c.data.kind is kind]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_intervals_figures_equal_an_independent_fold_of_the_log(seed: int) -> None:
    config = _centre(calls_per_half_hour=50, agents=6)  # 5 erlangs on 6 agents: queues form
    engine = Engine(config, seed, keep_log=True)
    alerts = AlertEngine.for_centre(config)
    for end in (HALF_HOUR, 2 * HALF_HOUR):
        just_before = math.nextafter(end, -math.inf)
        _run(engine, alerts, just_before)
        live = alerts.queue_live("q")
        start = end - HALF_HOUR
        metrics = window_metrics(engine.log, start, end, {"q": 20.0}).queues["q"]
        waiting_past_target = _waiting_past(engine.log, "q", start, end, just_before, 20.0)
        assert live.interval_start == start
        assert live.offered == metrics.offered
        assert live.hits == metrics.answered_within_target
        assert live.hits + live.misses == (
            metrics.answered + metrics.abandoned + metrics.overflowed + waiting_past_target
        )
        assert live.misses > 0  # the check is not empty


def _waiting_past(
    log: list, queue_id: str, start: float, end: float, now: float, target: float
) -> int:
    """Callers who joined `queue_id` in [start, end) and are still unresolved at `now`
    after waiting more than `target`."""
    joined: dict[str, float] = {}
    for at, event_type, call_id, _agent, queue, _data in log:
        if queue != queue_id or call_id is None:
            continue
        if event_type == "call.queued" and call_id not in joined:
            joined[call_id] = at
        elif event_type in ("call.answered", "call.abandoned", "call.overflowed"):
            joined.pop(call_id, None)
    return sum(1 for at in joined.values() if start <= at < end and now - at > target)


def test_twice_the_forecast_raises_a_surge_and_a_predicted_breach_that_comes_true() -> None:
    plan = _centre(calls_per_half_hour=40, agents=1)
    staffed = required_agents(40, 180, sl_goal=0.8, patience_s=240)  # enough for the plan
    actual = _centre(calls_per_half_hour=80, agents=staffed)
    engine = Engine(actual, seed=4, keep_log=True)
    alerts = AlertEngine.for_centre(actual, Thresholds(), Forecast.from_centre(plan))
    changes = _run(engine, alerts, 2 * HALF_HOUR)
    surges = _raised(changes, AlertKind.QUEUE_SURGE)
    assert surges and surges[0].sim_time < 15 * 60
    breaches = _raised(changes, AlertKind.SL_BREACHED)
    assert breaches
    first_breach = breaches[0]
    interval = math.floor(first_breach.sim_time / HALF_HOUR) * HALF_HOUR
    predicted = [
        c
        for c in _raised(changes, AlertKind.SL_PROJECTED_BREACH)
        if interval <= c.sim_time < first_breach.sim_time
    ]
    assert predicted, "the breach came without a warning"
    lead = first_breach.sim_time - predicted[0].sim_time
    assert lead >= 60
    metrics = window_metrics(engine.log, interval, interval + HALF_HOUR, {"q": 20.0})
    assert metrics.queues["q"].service_level is not None
    assert metrics.queues["q"].service_level < 0.8  # the prediction was right


def test_a_calm_queue_raises_no_service_level_alert_of_either_kind() -> None:
    config = _centre(calls_per_half_hour=40, agents=9)  # 4 erlangs on 9 agents
    engine = Engine(config, seed=4, keep_log=True)
    changes = _run(engine, AlertEngine.for_centre(config), 4 * HALF_HOUR)
    assert _raised(changes, AlertKind.SL_PROJECTED_BREACH) == []
    assert _raised(changes, AlertKind.SL_BREACHED) == []
    for k in range(4):
        level = window_metrics(engine.log, k * HALF_HOUR, (k + 1) * HALF_HOUR, {"q": 20.0})
        assert level.queues["q"].service_level is not None
        assert level.queues["q"].service_level >= 0.8


@pytest.mark.parametrize("seed", [3, 8])
def test_the_same_log_gives_the_same_alerts_however_time_is_chopped(seed: int) -> None:
    config = _centre(calls_per_half_hour=60, agents=6)
    engine = Engine(config, seed, keep_log=True)
    engine.advance_to(2 * HALF_HOUR)
    log = list(engine.log)

    def replay(chop: random.Random | None) -> list[tuple[float, str, dict]]:
        alerts = AlertEngine.for_centre(config)
        out: list[AlertChange] = []
        for entry in log:
            if chop is not None and chop.random() < 0.3:
                # step time on to somewhere before the event: to what is due, or at random
                due = alerts.due()
                target = due if due is not None and due <= entry[0] else entry[0] * chop.random()
                out.extend(alerts.advance(max(target, alerts.now)))
            out.extend(alerts.apply_entry(*entry))
        out.extend(alerts.advance(2 * HALF_HOUR))
        return [(c.sim_time, c.type, c.event_data()) for c in out]

    once = replay(None)
    assert len(once) > 10
    assert replay(random.Random(seed)) == once
    assert replay(random.Random(seed + 100)) == once


def test_the_demo_day_shows_a_surge_and_a_predicted_breach_in_its_first_quarter_hour() -> None:
    """The demo's `day` (surges, absences) as the engine will apply it, emulated here:
    extra callers at (factor − 1) × the forecast rate, absentees who never log in."""
    config = load_default_centre()
    supervision = load_default_supervision(config)
    clock = CentreClock(config.centre.epoch)
    plan = day_plan(supervision, clock)
    away = plan.stays_out | set(plan.late_logins)
    agents = [
        a.model_copy(update={"simulated": False}) if a.id in away else a for a in config.agents
    ]
    engine = Engine(config.model_copy(update={"agents": agents}), seed=3, keep_log=True)
    forecast = Forecast.from_centre(config)
    alerts = AlertEngine.for_centre(config, supervision.thresholds, forecast)
    changes: list[AlertChange] = []
    engine.subscribe(lambda _seq, entry: changes.extend(alerts.apply_entry(*entry)))
    rng = random.Random(5)
    extra: list[tuple[float, str]] = []
    for surge in plan.surges:
        t = surge.start_s
        while (
            t := t + rng.expovariate(forecast.rate(surge.queue_id, t) * (surge.factor - 1))
        ) < surge.end_s:
            extra.append((t, surge.queue_id))
    for t, queue_id in sorted(extra):
        if t < HALF_HOUR:
            engine.advance_to(t)
            engine.place_call(queue_id)
    engine.advance_to(HALF_HOUR)
    changes.extend(alerts.advance(HALF_HOUR))
    enquiry = [c for c in changes if c.queue_id == "enquiry" and c.type == ALERT_RAISED]
    surge_at = [c.sim_time for c in enquiry if c.data.kind is AlertKind.QUEUE_SURGE]
    predicted_at = [c.sim_time for c in enquiry if c.data.kind is AlertKind.SL_PROJECTED_BREACH]
    breached_at = [c.sim_time for c in enquiry if c.data.kind is AlertKind.SL_BREACHED]
    assert surge_at and surge_at[0] <= 15 * 60
    assert predicted_at and predicted_at[0] <= 15 * 60
    assert not breached_at or predicted_at[0] < breached_at[0]
