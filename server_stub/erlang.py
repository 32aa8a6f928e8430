"""Queueing formulas for one queue: Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M).

Used to validate the simulation (tests/sim) and by the `simulate --erlang` command.
Definitions follow DESIGN.md "Metrics": SL(T) = answered within T ÷ offered.
Everything is computed with recursions, running products or in log space, so
that hundreds of agents never overflow a float.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A term of A(x, y) below this share of the running sum no longer changes a double.
_NEGLIGIBLE = 1e-17


@dataclass(frozen=True)
class ErlangCResult:
    """M/M/N with an infinite queue and infinitely patient callers."""

    p_wait: float  # share of callers who find every agent busy
    service_level: float  # answered within T ÷ offered
    asa_s: float  # mean wait of answered calls (every call is answered)
    occupancy: float  # a / N


@dataclass(frozen=True)
class ErlangAResult:
    """M/M/N+M: exponential patience with mean `patience_s` (Garnett, Mandelbaum, Reiman 2002)."""

    p_wait: float  # share of callers who find every agent busy
    p_abandon: float  # abandoned ÷ offered
    service_level: float  # answered within T ÷ offered (abandons count against it)
    asa_s: float  # mean wait of answered calls
    mean_wait_all_s: float  # mean time in queue of every caller, abandoners included
    occupancy: float  # carried load ÷ N = λ(1 − P(abandon))·AHT / N


def erlang_b(n: int, a: float) -> float:
    """Blocking probability of M/M/n/n with offered load `a` erlangs.

    B₀ = 1, B_k = a·B_{k−1} / (k + a·B_{k−1}): every step stays in [0, 1].
    """
    if n < 0 or a < 0:
        raise ValueError("erlang_b needs n >= 0 and a >= 0")
    blocking = 1.0
    for k in range(1, n + 1):
        blocking = a * blocking / (k + a * blocking)
    return blocking


def _check_inputs(arrivals_per_hour: float, aht_s: float, agents: int) -> None:
    if arrivals_per_hour < 0:
        raise ValueError("arrivals_per_hour must be >= 0")
    if aht_s <= 0:
        raise ValueError("aht_s must be > 0")
    if agents < 1:
        raise ValueError("agents must be >= 1")


def erlang_c(arrivals_per_hour: float, aht_s: float, agents: int, target_s: float) -> ErlangCResult:
    """P(wait), service level within `target_s`, ASA and occupancy of M/M/N.

    With a load of N erlangs or more the queue grows without bound: P(wait) = 1,
    SL = 0, ASA = inf.
    """
    _check_inputs(arrivals_per_hour, aht_s, agents)
    load = arrivals_per_hour / 3600.0 * aht_s
    if load >= agents:
        return ErlangCResult(p_wait=1.0, service_level=0.0, asa_s=math.inf, occupancy=1.0)
    blocking = erlang_b(agents, load)
    p_wait = agents * blocking / (agents - load * (1.0 - blocking))
    spare = agents - load
    return ErlangCResult(
        p_wait=p_wait,
        service_level=1.0 - p_wait * math.exp(-spare * target_s / aht_s),
        asa_s=p_wait * aht_s / spare,
        occupancy=load / agents,
    )


def _log_a_terms(x: float, y: float) -> list[float]:
    """log of the terms y^j / Π_{k=1..j}(x + k), j = 0, 1, … until they no longer count.

    The ratio of consecutive terms, y / (x + j), falls with j, so once it is below 1
    and a term is negligible against the sum so far, every later term is too.
    """
    log_y = math.log(y)
    log_terms = [0.0]
    log_term = 0.0
    log_peak = 0.0  # the largest term bounds the sum from below
    j = 0
    while True:
        j += 1
        log_term += log_y - math.log(x + j)
        log_terms.append(log_term)
        log_peak = max(log_peak, log_term)
        if y < x + j and log_term - log_peak < math.log(_NEGLIGIBLE) - math.log(j + 1):
            return log_terms


def erlang_a(
    arrivals_per_hour: float,
    aht_s: float,
    agents: int,
    patience_s: float,
    target_s: float = 20.0,
) -> ErlangAResult:
    """Erlang A: M/M/N+M with exponential patience of mean `patience_s`.

    P(wait) and P(abandon) are Garnett–Mandelbaum–Reiman's formulas (DESIGN.md).
    SL and ASA come from the state a caller finds on arrival (PASTA): with j callers
    ahead, the caller is served with probability x/(x+j+1) (the phase rates telescope),
    the time to service given it happens is a sum of Exp(Nμ + kθ), k = 1..j+1, and
    1 − e^{−θV} of that sum is Beta(j+1, x+1); so P(served within T) uses the
    regularised incomplete beta I_z(j+1, x+1), z = 1 − e^{−θT}, built up in j with
    I_z(a+1, b) = I_z(a, b) − z^a (1−z)^b / (a·B(a, b)) from I_z(1, b) = 1 − (1−z)^b.
    """
    _check_inputs(arrivals_per_hour, aht_s, agents)
    if patience_s <= 0:
        raise ValueError("patience_s must be > 0")
    arrival_rate = arrivals_per_hour / 3600.0
    service_rate = 1.0 / aht_s
    abandon_rate = 1.0 / patience_s
    load = arrival_rate * aht_s
    if arrival_rate == 0:
        return ErlangAResult(0.0, 0.0, 1.0, 0.0, 0.0, 0.0)

    rho = arrival_rate / (agents * service_rate)
    x = agents * service_rate / abandon_rate
    y = arrival_rate / abandon_rate
    log_terms = _log_a_terms(x, y)
    log_peak = max(log_terms)
    log_a = log_peak + math.log(math.fsum(math.exp(t - log_peak) for t in log_terms))
    blocking = erlang_b(agents, load)
    inverse_a = math.exp(-log_a)  # 1/A(x, y); underflows harmlessly to 0 when A is huge
    # P(wait) = A·π_N = A·E_B / (1 + (A − 1)·E_B), divided through by A.
    p_wait = blocking / (inverse_a + blocking * (1.0 - inverse_a))
    p_abandon = p_wait * (inverse_a / rho + 1.0 - 1.0 / rho)

    # Given a caller waits, P(j callers ahead) = term_j / A.
    log_z = math.log(-math.expm1(-abandon_rate * target_s)) if target_s > 0 else -math.inf
    log_one_minus_z = -abandon_rate * target_s
    b = x + 1.0
    incomplete_beta = -math.expm1(b * log_one_minus_z)  # I_z(1, b)
    served_within_target = 0.0
    served_wait_sum = 0.0
    harmonic = 0.0  # Σ_{k=1..j+1} 1/(x + k)
    for j, log_term in enumerate(log_terms):
        share_ahead = math.exp(log_term - log_a)
        p_served = x / (x + j + 1)
        harmonic += 1.0 / (x + j + 1)
        served_within_target += share_ahead * p_served * max(incomplete_beta, 0.0)
        served_wait_sum += share_ahead * p_served * harmonic / abandon_rate
        a_param = j + 1.0  # step I_z(a, b) to I_z(a + 1, b)
        if target_s > 0:
            incomplete_beta -= math.exp(
                math.lgamma(a_param + b)
                - math.lgamma(a_param + 1.0)
                - math.lgamma(b)
                + a_param * log_z
                + b * log_one_minus_z
            )
    p_answered = 1.0 - p_abandon
    return ErlangAResult(
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=(1.0 - p_wait) + p_wait * served_within_target,
        asa_s=p_wait * served_wait_sum / p_answered if p_answered > 0 else math.inf,
        # Abandons happen at rate θ per waiting caller (Little): P(abandon) = θ·E[time in queue].
        mean_wait_all_s=p_abandon * patience_s,
        occupancy=load * p_answered / agents,
    )
