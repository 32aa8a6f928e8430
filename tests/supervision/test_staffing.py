"""The staffing calculator: Erlang C/A figures, fewest agents, forecast, shrinkage."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import Distribution
from server_stub.engine import Engine
from server_stub.engine.distributions import make_sampler
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.staffing import (
    arrivals_per_slot,
    interval_figures,
    required_agents,
    staffing_plan,
    with_shrinkage,
)
from server_stub.supervision.workload import distribution_mean, forecast_calls

HALF_HOUR = 1800.0


def test_interval_figures_match_the_published_erlang_c_check() -> None:
    # 200 calls an hour is 100 in a half-hour; AHT 180 s; 14 agents; T = 20 s
    figures = interval_figures(100, 180, 14, target_s=20)
    assert figures.model == "erlang_c"
    assert figures.p_wait == pytest.approx(0.1741319, abs=5e-8)
    assert figures.service_level == pytest.approx(0.8883500, abs=5e-8)
    assert figures.asa_s == pytest.approx(7.8359, abs=5e-5)
    assert figures.occupancy == pytest.approx(10 / 14)
    assert figures.p_abandon == 0.0


def test_interval_figures_match_the_published_erlang_a_check() -> None:
    figures = interval_figures(100, 180, 14, target_s=20, patience_s=300)
    assert figures.model == "erlang_a"
    assert figures.p_wait == pytest.approx(0.14526, abs=5e-6)
    assert figures.p_abandon == pytest.approx(0.013984, abs=5e-7)


def test_no_agents_answer_nothing() -> None:
    figures = interval_figures(10, 180, 0, patience_s=300)
    assert (figures.service_level, figures.p_abandon, figures.p_wait) == (0.0, 1.0, 1.0)


def test_the_published_centre_needs_14_agents_for_88_percent_and_13_for_80() -> None:
    # SL(14) = 0.888 (published); one agent fewer must fall below it
    assert required_agents(100, 180, target_s=20, sl_goal=0.8883) == 14
    assert interval_figures(100, 180, 13).service_level < 0.8
    assert required_agents(100, 180, target_s=20, sl_goal=0.8) == 14
    assert required_agents(0, 180) == 0


def _fewest_by_scan(calls: float, aht: float, goal: float, patience: float | None) -> int:
    agents = 1
    while interval_figures(calls, aht, agents, patience_s=patience).service_level < goal:
        agents += 1
    return agents


@settings(max_examples=40, deadline=None)
@given(
    calls=st.floats(min_value=1, max_value=400),
    aht=st.floats(min_value=30, max_value=600),
    goal=st.floats(min_value=0.5, max_value=0.95),
    patience=st.one_of(st.none(), st.floats(min_value=30, max_value=900)),
)
def test_required_agents_is_the_fewest_a_scan_from_one_finds(
    calls: float, aht: float, goal: float, patience: float | None
) -> None:
    assert required_agents(calls, aht, sl_goal=goal, patience_s=patience) == _fewest_by_scan(
        calls, aht, goal, patience
    )


def test_abandonment_never_needs_more_agents_than_erlang_c() -> None:
    for calls in (10, 50, 100, 300):
        c = required_agents(calls, 240, sl_goal=0.8)
        a = required_agents(calls, 240, sl_goal=0.8, patience_s=120)
        assert a <= c


def test_an_occupancy_cap_adds_agents_when_it_binds() -> None:
    load = 300 * 240 / HALF_HOUR  # 40 erlangs
    capped = required_agents(300, 240, sl_goal=0.5, max_occupancy=0.8)
    assert capped == math.ceil(load / 0.8)
    assert required_agents(300, 240, sl_goal=0.5) < capped


def test_shrinkage_turns_agents_on_the_phones_into_agents_to_schedule() -> None:
    assert with_shrinkage(14, 0.0) == 14
    assert with_shrinkage(14, 0.3) == 20  # 14 / 0.7 = 20 exactly
    assert with_shrinkage(15, 0.3) == 22
    with pytest.raises(ValueError):
        with_shrinkage(10, 1.0)


@pytest.mark.parametrize(
    "dist",
    [
        Distribution(dist="exponential", mean_s=180),
        Distribution(dist="exponential", mean_s=60, min_s=30),
        Distribution(dist="lognormal", mean_s=180, sd_s=120, min_s=20),
        Distribution(dist="lognormal", mean_s=30, sd_s=20, min_s=5),
        Distribution(dist="uniform", mean_s=100, sd_s=80, min_s=50),
        Distribution(dist="fixed", mean_s=40, min_s=60),
    ],
)
def test_distribution_mean_is_what_the_engine_draws_on_average(dist: Distribution) -> None:
    draw = make_sampler(dist, random.Random(11))
    samples = [draw() for _ in range(100_000)]
    mean = sum(samples) / len(samples)
    sd = math.sqrt(sum((x - mean) ** 2 for x in samples) / (len(samples) - 1))
    assert distribution_mean(dist) == pytest.approx(
        mean, abs=4 * sd / math.sqrt(len(samples)) + 1e-9
    )


def test_each_staffing_row_is_the_fewest_agents_that_meet_the_target() -> None:
    config = load_default_centre()
    rows = staffing_plan(config, sl_goals={"vip": 0.9}, slots=[20, 21], shrinkage=0.3)
    assert [(r.queue_id, r.start) for r in rows[:2]] == [("enquiry", "10:00"), ("enquiry", "10:30")]
    forecast = forecast_calls(config)
    for row in rows:
        goal = 0.9 if row.queue_id == "vip" else 0.8
        queue = next(q for q in config.queues if q.id == row.queue_id)
        assert row.calls == pytest.approx(forecast[row.queue_id][row.slot])
        for agents, patience in ((row.agents_erlang_c, None), (row.agents_erlang_a, 1.0)):
            assert agents is not None
            patience_s = queue.patience.mean_s if patience and queue.patience else None
            meets = interval_figures(
                row.calls, row.aht_s, agents, target_s=queue.sl_target_s, patience_s=patience_s
            )
            short = interval_figures(
                row.calls, row.aht_s, agents - 1, target_s=queue.sl_target_s, patience_s=patience_s
            )
            assert meets.service_level >= goal > short.service_level
        assert row.scheduled_erlang_c == math.ceil(row.agents_erlang_c / 0.7 - 1e-9)


def test_staffing_plan_takes_actual_arrivals_instead_of_the_forecast() -> None:
    config = load_default_centre()
    clock = CentreClock(config.centre.epoch)
    counts = arrivals_per_slot({"enquiry": [0.0, 10.0, 1799.0, 1800.0]}, clock)
    assert counts["enquiry"][20] == 3 and counts["enquiry"][21] == 1  # sim 0 is 10:00
    rows = staffing_plan(config, arrivals=counts, slots=[20, 21])
    assert [(r.calls, r.agents_erlang_c) for r in rows] == [
        (3.0, required_agents(3, rows[0].aht_s)),
        (1.0, required_agents(1, rows[0].aht_s)),
    ]


def test_the_forecast_is_what_reaches_each_queue_in_an_engine_day() -> None:
    config = load_default_centre()
    hours = 4
    engine = Engine(config, seed=21, keep_log=True)
    engine.advance_to(hours * 3600.0 + 300)  # callers still in the IVR arrive after the end
    first_queue: dict[str, tuple[float, str]] = {}
    for at, event_type, call_id, _agent, queue_id, _data in engine.log:
        if event_type in ("call.queued", "call.overflowed") and call_id and queue_id:
            first_queue.setdefault(call_id, (at, queue_id))
    arrived = Counter(q for at, q in first_queue.values() if at < hours * 3600.0)
    forecast = forecast_calls(config, with_customers=False)  # Engine() without customers
    for queue in config.queues:
        expected = sum(forecast[queue.id][20 : 20 + 2 * hours])
        assert arrived[queue.id] == pytest.approx(expected, abs=4 * math.sqrt(expected) + 3)
