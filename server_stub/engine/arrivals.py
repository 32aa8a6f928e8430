"""Poisson arrivals with a piecewise-constant half-hourly rate that repeats every day."""

from __future__ import annotations

import math
import random

DAY_S = 86400.0
SLOT_S = 1800.0


class ArrivalStream:
    """Arrival times for one queue: `calls_per_day` spread by 48 half-hourly weights.

    Sim time t falls in profile slot ((t + day_offset_s) mod 86400) // 1800, where
    `day_offset_s` is the epoch's time of day (weights start at 00:00 local time).
    The next arrival inverts the integrated rate (exact for a piecewise-constant rate).
    """

    __slots__ = (
        "_draw",
        "_slot_end",
        "_slot_rate",
        "day_offset_s",
        "queue_id",
        "rates",
        "rng",
        "total_rate",
    )

    def __init__(
        self,
        queue_id: str,
        calls_per_day: float,
        weights: list[float],
        day_offset_s: float,
        rng: random.Random,
    ) -> None:
        total = float(sum(weights))
        self.queue_id = queue_id
        self.rng = rng
        self.day_offset_s = day_offset_s
        # calls per second in each slot
        self.rates = [calls_per_day * w / total / SLOT_S if total > 0 else 0.0 for w in weights]
        self.total_rate = sum(self.rates)
        # expovariate(1.0) inlined (its own formula, so the same draws bit for bit)
        self._draw = rng.random
        # the slot of the last arrival (absolute end, rate): most gaps stay inside it
        self._slot_end = -1.0
        self._slot_rate = 0.0

    def next_after(self, t: float) -> float:
        """The next arrival strictly after `t` (inf if the rate is zero all day)."""
        if self.total_rate <= 0:
            return float("inf")
        # a unit-rate exponential, spent against the rate integral
        budget = -math.log(1.0 - self._draw())
        rate = self._slot_rate
        if t < self._slot_end and rate > 0:
            arrival = t + budget / rate
            if arrival <= self._slot_end:
                return arrival
        rates = self.rates
        offset = self.day_offset_s
        while True:
            clock = (t + offset) % DAY_S
            slot = int(clock // SLOT_S)
            if slot >= 48:  # float edge at exactly the day's end
                slot = 0
            slot_left = SLOT_S - (clock - slot * SLOT_S)
            if slot_left <= 0:
                slot_left = SLOT_S
            rate = rates[slot]
            if rate > 0 and budget <= rate * slot_left:
                self._slot_end = t + slot_left
                self._slot_rate = rate
                return t + budget / rate
            budget -= rate * slot_left
            t += slot_left
