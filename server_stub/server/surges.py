"""The day's surges (supervision.yaml `day.surges`) as extra callers the engine is given.

A surge multiplies a queue's arrivals by `factor` between two times of the day, which the
forecast does not know: that is what makes the supervisor's surge and predicted-breach
alerts fire in the demo. The engine's own arrivals stay as they are; `SurgeCallers`
draws the extra ones, (factor − 1) × the forecast rate, as a Poisson stream from its own
seed, and the runtime places each one as an `inject_call` command at its time, journaled
like every other command, so a restart replays them and draws none twice
(`skip_until`).
"""

from __future__ import annotations

import math
import random
from collections import deque

from server_stub.supervision.clock import SLOT_S, CentreClock
from server_stub.supervision.dayplan import DayPlan
from server_stub.supervision.workload import Forecast

SURGE_ACTOR = "surge"  # the journal's actor of the callers a surge adds


class SurgeCallers:
    """The extra callers of every surge of the day, in time order: (sim time, queue id)."""

    def __init__(self, plan: DayPlan, forecast: Forecast, clock: CentreClock, seed: int) -> None:
        rng = random.Random(seed * 7919 + 17)  # its own stream: the engine's stays as it was
        arrivals: list[tuple[float, str]] = []
        for surge in plan.surges:
            arrivals += _poisson(
                surge.queue_id, surge.start_s, surge.end_s, surge.factor - 1.0, forecast, clock, rng
            )
        arrivals.sort()
        self._due: deque[tuple[float, str]] = deque(arrivals)

    def __len__(self) -> int:
        return len(self._due)

    def next_at(self) -> float:
        return self._due[0][0] if self._due else math.inf

    def take_until(self, t: float) -> list[tuple[float, str]]:
        """The callers due at or before `t`, in order (each is given out once)."""
        due = self._due
        taken = []
        while due and due[0][0] <= t:
            taken.append(due.popleft())
        return taken

    def skip_until(self, t: float) -> None:
        """A replayed run has placed every caller up to `t` already (they are journaled)."""
        self.take_until(t)


def _poisson(
    queue_id: str,
    start: float,
    end: float,
    extra: float,
    forecast: Forecast,
    clock: CentreClock,
    rng: random.Random,
) -> list[tuple[float, str]]:
    """Arrivals at `extra` × the forecast rate over [start, end): the rate is constant
    within each half-hour, so each piece is an exponential stream of its own."""
    out: list[tuple[float, str]] = []
    t = start
    while t < end and extra > 0:
        piece_end = min(end, clock.interval_start(t) + SLOT_S)
        if piece_end <= t:
            piece_end = min(end, t + SLOT_S)
        rate = extra * forecast.rate(queue_id, t)
        if rate > 0:
            at = t + rng.expovariate(rate)
            while at < piece_end:
                out.append((at, queue_id))
                at += rng.expovariate(rate)
        t = piece_end
    return [(at, q) for at, q in out if math.isfinite(at)]
