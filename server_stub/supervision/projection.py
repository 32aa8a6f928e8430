"""The interval's service level, projected from the live queue (M/M/N+M from its state now).

The projected service level of the current half-hour is

    (hits so far + Σ P(hit) of each caller still undecided + expected hits of callers
     still to come) ÷ (calls decided so far + callers undecided + callers still to come)

- a caller waiting for w s with j callers ahead is answered within the target T with
  P = x/(x+j+1) · I_z(j+1, x+1), x = Nμ/θ, z = 1 − e^{−θ(T−w)} (Erlang A's per-state
  result, see `server_stub.erlang`); without abandonment, P(Gamma(j+1, Nμ) ≤ T − w);
  a caller ringing at an agent counts as answered;
- callers still to come arrive at rate λ until the interval ends. For the first
  `horizon_s` the queue is the birth-death chain of M/M/N+M with room for `capacity`
  callers, started from the number in the system now (uniformised: exact for the model);
  each arrival is a hit with the per-state probability above (1 if an agent is free, 0 if
  the queue is full). Beyond the horizon, the steady-state Erlang A (or C) service level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

from server_stub.erlang import erlang_a, erlang_c

# Probability mass below this at the edge of the chain's support is dropped.
_NEGLIGIBLE_MASS = 1e-11
# The first ceiling of the chain: this many callers waiting above the agents; and the
# probability mass that may be dropped over a ceiling before it is raised (a service
# level is wanted to a few decimals, not to the last bit: a projected SL is then off
# by 1e-4 at most).
_FIRST_ROOM = 10
_ESCAPE_TOLERANCE = 1e-4


def served_within(
    max_ahead: int, remaining_s: float, service_rate: float, abandon_rate: float
) -> list[float]:
    """P(answered within `remaining_s` more seconds) for a waiting caller with j = 0 ..
    `max_ahead` callers ahead, all agents busy; `service_rate` is Nμ (completions per
    second of the whole group), `abandon_rate` θ is one caller's (0: nobody abandons)."""
    count = max_ahead + 1
    if service_rate <= 0 or remaining_s <= 0 or count <= 0:
        return [0.0] * max(count, 0)
    result: list[float] = []
    if abandon_rate <= 0:
        # Service after j+1 completions of a Poisson process of rate Nμ.
        mean = service_rate * remaining_s
        log_mean = math.log(mean)
        cdf = 0.0  # P(fewer than j+1 completions) = Σ_{k≤j} pmf(k)
        for j in range(count):
            cdf += math.exp(-mean + j * log_mean - math.lgamma(j + 1.0))
            result.append(max(0.0, min(1.0, 1.0 - cdf)))
        return result
    x = service_rate / abandon_rate
    b = x + 1.0
    log_one_minus_z = -abandon_rate * remaining_s
    log_z = math.log(-math.expm1(log_one_minus_z))
    incomplete_beta = -math.expm1(b * log_one_minus_z)  # I_z(1, b)
    for j in range(count):
        a = j + 1.0
        result.append(max(0.0, x / (x + a) * incomplete_beta))
        # I_z(a + 1, b) = I_z(a, b) − z^a (1 − z)^b / (a · B(a, b))
        incomplete_beta -= math.exp(
            math.lgamma(a + b)
            - math.lgamma(a + 1.0)
            - math.lgamma(b)
            + a * log_z
            + b * log_one_minus_z
        )
    return result


@dataclass(frozen=True)
class ChainOutlook:
    """Callers expected to arrive in a look-ahead, and how many of them are hits."""

    arrivals: float
    hits: float


def chain_outlook(
    *,
    arrival_rate: float,
    agents: int,
    service_rate: float,
    abandon_rate: float,
    capacity: int,
    in_system: int,
    horizon_s: float,
    target_s: float,
) -> ChainOutlook:
    """Expected arrivals and hits (answered within `target_s`) in the next `horizon_s` of
    M/M/N+M with `capacity` waiting places, from `in_system` callers (served + waiting).

    ∫₀ʰ p(u) du = (1/Λ) Σ_k P(Poisson(Λh) > k) · v_k with v_k = v₀ Pᵏ, P = I + Q/Λ. The
    chain is first run below a ceiling a few callers above the agents (Λ is the fastest
    rate below it, so a calm queue takes few steps); if more than 1e-4 of the probability
    would climb over it, again with a ceiling twice as high, up to the queue's capacity.
    """
    if horizon_s <= 0 or arrival_rate <= 0:
        return ChainOutlook(0.0, 0.0)
    top = agents + capacity  # the most callers the system holds
    start = max(0, min(in_system, top))
    hit_if_waiting = served_within(capacity - 1, target_s, agents * service_rate, abandon_rate)
    hit = [1.0] * agents + hit_if_waiting[:capacity] + [0.0]  # full: the caller overflows
    ceiling = min(top, max(start, agents) + _FIRST_ROOM)
    while True:
        hits = _hits_below(
            arrival_rate, agents, service_rate, abandon_rate, top, ceiling, start, horizon_s, hit
        )
        if hits is not None:
            return ChainOutlook(arrival_rate * horizon_s, hits)
        ceiling = min(top, agents + 2 * (ceiling - agents) + _FIRST_ROOM)


def _hits_below(
    arrival_rate: float,
    agents: int,
    service_rate: float,
    abandon_rate: float,
    top: int,
    ceiling: int,
    start: int,
    horizon_s: float,
    hit: list[float],
) -> float | None:
    """Expected hits of the chain kept at or below `ceiling`; None if it would not stay."""
    # a bound on the total rate of every state up to the ceiling (rates grow with the state)
    uniform_rate = (
        arrival_rate + min(ceiling, agents) * service_rate + max(ceiling - agents, 0) * abandon_rate
    )
    # State n lives at index n + 1: one zero on each side, so that shifted slices line up.
    pad = [0.0]
    states = range(ceiling + 1)
    hits_at = pad + hit[: ceiling + 1] + pad
    up = pad + [arrival_rate / uniform_rate if n < top else 0.0 for n in states] + pad
    down = (
        pad
        + [
            (min(n, agents) * service_rate + max(n - agents, 0) * abandon_rate) / uniform_rate
            for n in states
        ]
        + pad
    )
    stay = [1.0 - u - d for u, d in zip(up, down, strict=True)]
    edge = ceiling + 1  # the index of the ceiling state
    climbs = up[edge] if ceiling < top else 0.0
    up[edge] = 0.0  # mass over the ceiling is checked below, not carried

    mean_jumps = uniform_rate * horizon_s
    last_step = int(mean_jumps + 8.0 * math.sqrt(mean_jumps) + 10.0)
    log_mean = math.log(mean_jumps)
    vector = [0.0] * (ceiling + 3)
    vector[start + 1] = 1.0
    low = high = start + 1  # the support, as indexes
    cdf = 0.0
    weighted_hits = 0.0  # Σ_k P(Poisson > k) · (v_k · hit)
    escaped = 0.0
    for k in range(last_step + 1):
        cdf += math.exp(-mean_jumps + k * log_mean - math.lgamma(k + 1.0))
        tail = 1.0 - cdf
        if tail <= 0.0:
            break
        weighted_hits += tail * sum(map(mul, vector[low : high + 1], hits_at[low : high + 1]))
        if high == edge:
            escaped += vector[edge] * climbs  # dropped: it would climb over the ceiling
            if escaped > _ESCAPE_TOLERANCE:
                return None
        low = max(1, low - 1)
        high = min(edge, high + 1)
        vector[low : high + 1] = [
            here * s + below * u + above * d
            for here, s, below, u, above, d in zip(
                vector[low : high + 1],
                stay[low : high + 1],
                vector[low - 1 : high],
                up[low - 1 : high],
                vector[low + 1 : high + 2],
                down[low + 1 : high + 2],
                strict=True,
            )
        ]
        while low < high and vector[low] < _NEGLIGIBLE_MASS:
            vector[low] = 0.0
            low += 1
        while high > low and vector[high] < _NEGLIGIBLE_MASS:
            vector[high] = 0.0
            high -= 1
    return arrival_rate / uniform_rate * weighted_hits


def steady_service_level(
    arrival_rate: float, agents: int, aht_s: float, patience_s: float | None, target_s: float
) -> float:
    """Erlang A's (or, with no abandonment, Erlang C's) service level in steady state."""
    if agents <= 0:
        return 0.0
    per_hour = arrival_rate * 3600.0
    if patience_s is None:
        return erlang_c(per_hour, aht_s, agents, target_s).service_level
    return erlang_a(per_hour, aht_s, agents, patience_s, target_s).service_level


@dataclass(frozen=True)
class QueueNow:
    """A queue at the moment of a projection.

    `waiting`: every caller in the queue now, in the order agents will take them, as
    (seconds waited, counts for this interval and is still undecided).
    """

    now: float
    interval_end: float
    target_s: float
    hits: int
    misses: int
    waiting: Sequence[tuple[float, bool]]
    ringing_undecided: int
    agents: int
    busy: int
    arrival_rate: float
    aht_s: float
    patience_s: float | None
    capacity: int
    horizon_s: float


@dataclass(frozen=True)
class SlProjection:
    at: float
    service_level: float | None  # None: nothing offered or expected in the interval
    expected_offered: float
    expected_hits: float
    hits: int
    decided: int
    agents: int
    arrival_rate: float


def project_interval(queue: QueueNow) -> SlProjection:
    """The expected service level of the interval at its end, from the queue now."""
    service_rate = 1.0 / queue.aht_s
    abandon_rate = 1.0 / queue.patience_s if queue.patience_s else 0.0
    group_rate = queue.agents * service_rate
    undecided_hits = float(queue.ringing_undecided)
    undecided = queue.ringing_undecided
    for ahead, (waited, counts) in enumerate(queue.waiting):
        if not counts:
            continue
        undecided += 1
        left = queue.target_s - waited
        undecided_hits += served_within(ahead, left, group_rate, abandon_rate)[ahead]

    remaining = max(0.0, queue.interval_end - queue.now)
    horizon = min(remaining, queue.horizon_s)
    in_system = (queue.agents if queue.waiting else min(queue.busy, queue.agents)) + len(
        queue.waiting
    )
    outlook = chain_outlook(
        arrival_rate=queue.arrival_rate,
        agents=queue.agents,
        service_rate=service_rate,
        abandon_rate=abandon_rate,
        capacity=queue.capacity,
        in_system=in_system,
        horizon_s=horizon,
        target_s=queue.target_s,
    )
    later = remaining - horizon
    later_arrivals = queue.arrival_rate * later
    later_hits = (
        later_arrivals
        * steady_service_level(
            queue.arrival_rate, queue.agents, queue.aht_s, queue.patience_s, queue.target_s
        )
        if later_arrivals > 0
        else 0.0
    )
    decided = queue.hits + queue.misses
    offered = decided + undecided + outlook.arrivals + later_arrivals
    hits = queue.hits + undecided_hits + outlook.hits + later_hits
    return SlProjection(
        at=queue.now,
        service_level=hits / offered if offered > 0 else None,
        expected_offered=offered,
        expected_hits=hits,
        hits=queue.hits,
        decided=decided,
        agents=queue.agents,
        arrival_rate=queue.arrival_rate,
    )
