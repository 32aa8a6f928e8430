"""Erlang B/C/A against published figures, limits and large centres."""

from __future__ import annotations

import math
import random

import pytest

from server_stub.erlang import erlang_a, erlang_b, erlang_c


def test_erlang_b_matches_the_direct_formula_for_a_small_group() -> None:
    load, servers = 3.0, 5
    terms = [load**k / math.factorial(k) for k in range(servers + 1)]
    assert erlang_b(servers, load) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)


def test_erlang_b_stays_finite_for_thousands_of_servers() -> None:
    blocking = erlang_b(5000, 5000.0)
    assert 0.0 < blocking < 0.02


def test_erlang_c_matches_the_published_check() -> None:
    result = erlang_c(200, 180, 14, 20)
    assert result.p_wait == pytest.approx(0.1741319, abs=5e-8)
    assert result.service_level == pytest.approx(0.8883500, abs=5e-8)
    assert result.asa_s == pytest.approx(7.8359, abs=5e-5)
    assert result.occupancy == pytest.approx(10 / 14)


def test_erlang_c_reports_an_unstable_queue_as_never_meeting_its_target() -> None:
    result = erlang_c(400, 180, 20, 20)  # 20 erlangs on 20 agents
    assert result.p_wait == 1.0
    assert result.service_level == 0.0
    assert math.isinf(result.asa_s)


def test_erlang_a_matches_the_published_check() -> None:
    result = erlang_a(200, 180, 14, 300)
    assert result.p_wait == pytest.approx(0.14526, abs=5e-6)
    assert result.p_abandon == pytest.approx(0.013984, abs=5e-7)


@pytest.mark.parametrize(
    ("arrivals_per_hour", "aht_s", "agents"),
    [(200, 180, 14), (40, 150, 2), (1000, 160, 50), (5400, 300, 500)],
)
def test_erlang_a_tends_to_erlang_c_as_patience_grows(
    arrivals_per_hour: float, aht_s: float, agents: int
) -> None:
    limit = erlang_c(arrivals_per_hour, aht_s, agents, 20)
    patient = erlang_a(arrivals_per_hour, aht_s, agents, 1e9, 20)
    assert patient.p_wait == pytest.approx(limit.p_wait, rel=1e-5)
    assert patient.service_level == pytest.approx(limit.service_level, rel=1e-5)
    assert patient.asa_s == pytest.approx(limit.asa_s, rel=1e-4)
    assert patient.p_abandon < 1e-5


def test_erlang_a_works_for_500_agents_even_when_overloaded() -> None:
    result = erlang_a(2500, 734.4, 500, 120)  # 510 erlangs on 500 agents
    assert 0.0 < result.p_abandon < result.p_wait < 1.0
    assert 0.0 < result.service_level < 1.0
    overloaded = erlang_a(20000, 180, 500, 3600)  # twice the capacity: half must leave
    assert overloaded.p_abandon == pytest.approx(0.5, abs=1e-3)
    assert overloaded.occupancy == pytest.approx(1.0, abs=1e-3)


def test_erlang_a_abandon_share_equals_patience_rate_times_mean_time_in_queue() -> None:
    result = erlang_a(200, 180, 14, 300)
    assert result.mean_wait_all_s == pytest.approx(result.p_abandon * 300)
    assert result.asa_s < result.mean_wait_all_s / (1 - result.p_abandon)


def _simulate_mm_n_m(
    arrivals_per_hour: float, aht_s: float, agents: int, patience_s: float, target_s: float
) -> tuple[float, float]:
    """A bare M/M/N+M FCFS simulation: (service level, ASA). Independent of the engine:
    each caller's service start is the earliest free agent after the callers ahead who
    stayed, which is exact for FCFS with abandonment."""
    rng = random.Random(1)
    free_at = [0.0] * agents
    now = 0.0
    answered_within = answered = 0
    served_wait = 0.0
    calls = 400_000
    for _ in range(calls):
        now += rng.expovariate(arrivals_per_hour / 3600)
        earliest = min(range(agents), key=free_at.__getitem__)
        wait = max(0.0, free_at[earliest] - now)
        if wait > rng.expovariate(1 / patience_s):
            continue  # abandoned: frees nothing
        answered += 1
        served_wait += wait
        answered_within += wait <= target_s
        free_at[earliest] = now + wait + rng.expovariate(1 / aht_s)
    return answered_within / calls, served_wait / answered


def test_erlang_a_service_level_and_asa_agree_with_a_direct_simulation() -> None:
    # Our SL/ASA for M/M/N+M are derived (see erlang_a's docstring), not published:
    # check them against a tiny simulation that shares no code with them or the engine.
    result = erlang_a(100, 180, 6, 120, 20)  # 5 erlangs on 6 agents, impatient callers
    service_level, asa_s = _simulate_mm_n_m(100, 180, 6, 120, 20)
    assert service_level == pytest.approx(result.service_level, abs=0.01)
    assert asa_s == pytest.approx(result.asa_s, rel=0.05)
