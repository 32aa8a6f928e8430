"""The projected service level: per-caller chances and the look-ahead chain, checked
against bare simulations of M/M/N+M written here and against Erlang A."""

from __future__ import annotations

import itertools
import math
import random
from collections import deque

import pytest

from server_stub.erlang import erlang_a
from server_stub.supervision.projection import (
    QueueNow,
    chain_outlook,
    project_interval,
    served_within,
)


def _served_in_time(
    rng: random.Random, ahead: int, remaining: float, nmu: float, theta: float
) -> bool:
    """One caller with `ahead` callers in front, every agent busy: answered in time?"""
    t = 0.0
    while True:
        total = nmu + ahead * theta + theta
        t += rng.expovariate(total)
        if t > remaining:
            return False
        pick = rng.random() * total
        if pick < nmu:  # an agent frees up
            if ahead == 0:
                return True
            ahead -= 1
        elif pick < nmu + ahead * theta:  # someone ahead gives up
            ahead -= 1
        else:  # our caller gives up
            return False


@pytest.mark.parametrize(
    ("ahead", "remaining", "nmu", "theta"),
    [(0, 20, 0.08, 1 / 180), (3, 20, 0.08, 1 / 180), (10, 15, 0.5, 1 / 60), (4, 30, 0.2, 0.0)],
)
def test_a_waiting_callers_chance_matches_a_simulation(
    ahead: int, remaining: float, nmu: float, theta: float
) -> None:
    rng = random.Random(3)
    runs = 40_000
    share = sum(_served_in_time(rng, ahead, remaining, nmu, theta) for _ in range(runs)) / runs
    exact = served_within(ahead, remaining, nmu, theta)[ahead]
    assert exact == pytest.approx(share, abs=4 * math.sqrt(share * (1 - share) / runs) + 1e-3)


def test_chances_fall_with_callers_ahead_and_are_zero_with_no_time_or_no_agents() -> None:
    chances = served_within(20, 20, 0.1, 1 / 120)
    assert all(b < a for a, b in itertools.pairwise(chances))
    assert served_within(3, 0, 0.1, 0.01) == [0.0] * 4
    assert served_within(3, 20, 0.0, 0.01) == [0.0] * 4


def _simulate_hits(
    rng: random.Random,
    *,
    arrival_rate: float,
    agents: int,
    service_rate: float,
    abandon_rate: float,
    capacity: int,
    in_system: int,
    horizon_s: float,
    target_s: float,
) -> tuple[int, int]:
    """Arrivals in [0, horizon) and how many of them are answered within `target`: FCFS
    M/M/N+M with `capacity` places, from `in_system` callers (served first, then waiting).
    Events in time order: an arrival, an agent finishing, a waiting caller giving up."""
    rate, mu, theta, horizon, target = arrival_rate, service_rate, abandon_rate, horizon_s, target_s
    busy_until: list[float | None] = [
        rng.expovariate(mu) if k < min(in_system, agents) else None for k in range(agents)
    ]
    line: list[tuple[float, float, bool]] = [  # (arrived, gives up at, counted)
        (0.0, rng.expovariate(theta) if theta else math.inf, False)
        for _ in range(max(0, in_system - agents))
    ]
    upcoming: deque[float] = deque()
    t = rng.expovariate(rate)
    while t < horizon:
        upcoming.append(t)
        t += rng.expovariate(rate)
    arrivals = hits = 0
    while upcoming or any(counted for _, _, counted in line):
        next_arrival = upcoming[0] if upcoming else math.inf
        finishing = [(until, k) for k, until in enumerate(busy_until) if until is not None]
        next_finish, agent = min(finishing) if finishing else (math.inf, -1)
        next_give_up, leaver = min(
            ((give_up, i) for i, (_, give_up, _) in enumerate(line)), default=(math.inf, -1)
        )
        now = min(next_arrival, next_finish, next_give_up)
        if now == next_give_up:
            line.pop(leaver)  # a miss if counted
        elif now == next_finish:
            if line:
                arrived, _, counted = line.pop(0)
                hits += counted and now - arrived <= target
                busy_until[agent] = now + rng.expovariate(mu)
            else:
                busy_until[agent] = None
        else:
            upcoming.popleft()
            arrivals += 1
            idle = [k for k, until in enumerate(busy_until) if until is None]
            if idle:
                hits += 1
                busy_until[idle[0]] = now + rng.expovariate(mu)
            elif len(line) < capacity:
                line.append((now, now + (rng.expovariate(theta) if theta else math.inf), True))
            # else: the queue is full and the caller overflows, a miss
    return arrivals, hits


@pytest.mark.parametrize(
    ("rate", "agents", "aht", "patience", "capacity", "in_system"),
    [
        (0.05, 10, 180, 240, 30, 8),  # calm
        (0.08, 10, 180, 240, 30, 14),  # overloaded, a queue already
        (0.06, 5, 120, 0, 8, 9),  # no abandonment, a small room that fills
    ],
)
def test_the_look_ahead_chain_matches_a_simulation_from_the_same_state(
    rate: float, agents: int, aht: float, patience: float, capacity: int, in_system: int
) -> None:
    horizon = 600.0
    state = {
        "arrival_rate": rate,
        "agents": agents,
        "service_rate": 1 / aht,
        "abandon_rate": 1 / patience if patience else 0.0,
        "capacity": capacity,
        "in_system": in_system,
        "horizon_s": horizon,
        "target_s": 20.0,
    }
    outlook = chain_outlook(**state)  # type: ignore[arg-type]
    rng = random.Random(17)
    runs = 1500
    samples = [_simulate_hits(rng, **state) for _ in range(runs)]  # type: ignore[arg-type]
    mean_hits = sum(h for _, h in samples) / runs
    sd = math.sqrt(sum((h - mean_hits) ** 2 for _, h in samples) / (runs - 1))
    assert outlook.arrivals == pytest.approx(rate * horizon)
    assert outlook.hits == pytest.approx(mean_hits, abs=4 * sd / math.sqrt(runs))


def test_over_a_long_look_ahead_the_chain_gives_erlang_a() -> None:
    rate, agents, aht, patience = 200 / 3600, 14, 180.0, 300.0
    outlook = chain_outlook(
        arrival_rate=rate,
        agents=agents,
        service_rate=1 / aht,
        abandon_rate=1 / patience,
        capacity=120,
        in_system=10,  # near the steady state's mean
        horizon_s=40_000,
        target_s=20,
    )
    steady = erlang_a(200, aht, agents, patience, 20).service_level
    assert outlook.hits / outlook.arrivals == pytest.approx(steady, abs=2e-3)


def _queue(**changes: object) -> QueueNow:
    values: dict[str, object] = {
        "now": 1000.0,
        "interval_end": 1800.0,
        "target_s": 20.0,
        "hits": 0,
        "misses": 0,
        "waiting": [],
        "ringing_undecided": 0,
        "agents": 10,
        "busy": 0,
        "arrival_rate": 0.0,
        "aht_s": 180.0,
        "patience_s": 240.0,
        "capacity": 30,
        "horizon_s": 300.0,
    }
    values.update(changes)
    return QueueNow(**values)  # type: ignore[arg-type]


def test_with_nothing_more_to_come_the_projection_is_the_service_level_so_far() -> None:
    projection = project_interval(_queue(hits=30, misses=10))
    assert projection.service_level == pytest.approx(0.75)
    assert project_interval(_queue()).service_level is None


def test_each_waiting_caller_counts_with_its_own_chance_and_a_ringing_one_as_answered() -> None:
    waiting = [(5.0, True), (12.0, False), (3.0, True)]  # the middle one is of the last interval
    projection = project_interval(
        _queue(hits=8, misses=2, waiting=waiting, ringing_undecided=1, busy=10)
    )
    group, theta = 10 / 180.0, 1 / 240.0
    first = served_within(0, 15.0, group, theta)[0]
    third = served_within(2, 17.0, group, theta)[2]
    assert projection.expected_offered == pytest.approx(10 + 2 + 1)
    assert projection.service_level == pytest.approx((8 + first + third + 1) / 13)


def test_with_no_agents_no_caller_to_come_is_answered() -> None:
    projection = project_interval(_queue(hits=20, agents=0, arrival_rate=0.05))
    arrivals = 0.05 * 800
    assert projection.expected_offered == pytest.approx(20 + arrivals)
    assert projection.service_level == pytest.approx(20 / (20 + arrivals))


def test_beyond_the_look_ahead_callers_to_come_get_the_steady_service_level() -> None:
    rate = 0.05
    projection = project_interval(_queue(now=0.0, arrival_rate=rate, horizon_s=0.0, busy=6))
    steady = erlang_a(rate * 3600, 180, 10, 240, 20).service_level
    assert projection.service_level == pytest.approx(steady)
