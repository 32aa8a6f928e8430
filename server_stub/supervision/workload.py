"""Workload of a queue from the centre file: mean handle time, patience, forecast arrivals.

The forecast is what the plan expects to reach each queue per half-hour: the queue's
`calls_per_day` spread by its arrival profile, less the callers who finish in the IVR
(each IVR node's self-service share on the queue's path), with callers of a tier that
has `route_to` moved to that queue. Overflows are load, not forecast: they are left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from server_stub.centre.schema import CentreConfig, Distribution, QueueConfig
from server_stub.engine.ivr import ivr_paths
from server_stub.supervision.clock import SLOT_S, SLOTS_PER_DAY, CentreClock


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def distribution_mean(dist: Distribution) -> float:
    """The mean of what the engine draws from `dist`, its floor `min_s` included."""
    mean = dist.mean_s
    floor = dist.min_s
    if dist.dist == "fixed":
        return max(floor, mean)
    if dist.dist == "exponential":
        # E[max(c, X)] = c + E[(X - c)+] = c + mean·e^(-c/mean)
        return floor + mean * math.exp(-floor / mean)
    if dist.dist == "lognormal":
        sd = dist.sd_s if dist.sd_s is not None else mean
        sigma2 = math.log(1.0 + (sd * sd) / (mean * mean))
        if floor <= 0:
            return mean
        mu = math.log(mean) - sigma2 / 2.0
        sigma = math.sqrt(sigma2)
        log_floor = math.log(floor)
        below = _normal_cdf((log_floor - mu) / sigma)
        above_mean = mean * _normal_cdf((mu + sigma2 - log_floor) / sigma)
        return floor * below + above_mean
    # uniform on mean ± half, then max(floor, 0, draw)
    half = dist.sd_s if dist.sd_s is not None else mean
    low, high = mean - half, mean + half
    cut = max(floor, 0.0)
    if cut <= low:
        return mean
    if cut >= high:
        return cut
    return (cut * (cut - low) + (high * high - cut * cut) / 2.0) / (high - low)


def queue_aht_s(queue: QueueConfig) -> float:
    """Mean handle time: talk plus after-call work, as the engine draws them."""
    acw = distribution_mean(queue.after_call_work) if queue.after_call_work else 0.0
    return distribution_mean(queue.talk_time) + acw


def queue_patience_s(queue: QueueConfig) -> float | None:
    """Mean patience of the queue's callers (None: they never abandon)."""
    return distribution_mean(queue.patience) if queue.patience else None


def forecast_calls(config: CentreConfig, *, with_customers: bool = True) -> dict[str, list[float]]:
    """Expected calls reaching each queue in each of the 48 half-hours of the day.

    `with_customers`: the engine runs with a customer base (as the server does), so a
    caller it does not recognise gets the lowest-priority tier; without one, every caller's
    tier is drawn by the tiers' shares.
    """
    calls = {q.id: [0.0] * SLOTS_PER_DAY for q in config.queues}
    paths = ivr_paths(config.ivr)
    route_share = _route_shares(config, with_customers)
    for queue in config.queues:
        arrivals = queue.arrivals
        if arrivals is None or arrivals.calls_per_day <= 0:
            continue
        weights = config.arrival_profiles[arrivals.profile]
        total = sum(weights)
        if total <= 0:
            continue
        passing = 1.0
        for step in paths.get(queue.id, []):
            passing *= 1.0 - step.share
        for slot, weight in enumerate(weights):
            reaching = arrivals.calls_per_day * weight / total * passing
            stays = reaching
            for target, share in route_share.items():
                if target != queue.id:
                    calls[target][slot] += reaching * share
                    stays -= reaching * share
            calls[queue.id][slot] += stays
    return calls


def _route_shares(config: CentreConfig, with_customers: bool) -> dict[str, float]:
    """Queue id → share of all callers whose tier routes them there."""
    tiers = config.tiers
    if not tiers:
        return {}
    unknown = min(tiers, key=lambda name: tiers[name].priority)
    known = config.customers.known_caller_share if with_customers else 1.0
    shares: dict[str, float] = {}
    for name, tier in tiers.items():
        if tier.route_to is None:
            continue
        share = known * tier.share + ((1.0 - known) if name == unknown else 0.0)
        shares[tier.route_to] = shares.get(tier.route_to, 0.0) + share
    return shares


class Forecast:
    """Expected calls per queue and half-hour, as a rate over sim time."""

    def __init__(self, calls_per_slot: Mapping[str, Sequence[float]], clock: CentreClock) -> None:
        for queue_id, calls in calls_per_slot.items():
            if len(calls) != SLOTS_PER_DAY:
                raise ValueError(f"{queue_id}: {len(calls)} half-hours, not {SLOTS_PER_DAY}")
        self._calls = {queue_id: list(calls) for queue_id, calls in calls_per_slot.items()}
        self.clock = clock

    @classmethod
    def from_centre(cls, config: CentreConfig, *, with_customers: bool = True) -> Forecast:
        clock = CentreClock(config.centre.epoch)
        return cls(forecast_calls(config, with_customers=with_customers), clock)

    def calls_in_slot(self, queue_id: str, slot: int) -> float:
        calls = self._calls.get(queue_id)
        return calls[slot % SLOTS_PER_DAY] if calls is not None else 0.0

    def rate(self, queue_id: str, t: float) -> float:
        """Forecast calls per second at sim time `t`."""
        return self.calls_in_slot(queue_id, self.clock.slot(t)) / SLOT_S

    def expected(self, queue_id: str, start: float, end: float) -> float:
        """Forecast calls arriving in [start, end)."""
        if queue_id not in self._calls or end <= start:
            return 0.0
        total = 0.0
        t = start
        while t < end:
            boundary = self.clock.interval_start(t) + SLOT_S
            if boundary <= t:  # float edge exactly on a boundary
                boundary = t + SLOT_S
            upto = min(end, boundary)
            total += self.rate(queue_id, t) * (upto - t)
            t = upto
        return total
