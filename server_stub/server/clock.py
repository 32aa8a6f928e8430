"""The real-time clock and its driver: sim time = anchor + wall time elapsed × speed.

`RealTimeClock` says where the simulation should be now; `ClockDriver` is the asyncio task
that keeps the engine there, sleeping until the next timer is due (at most a second, so
that speed changes and statistics are never late) or until something wakes it. The
driver moves the engine a slice at a time (`step()` says whether it is still behind) and
lets the event loop run between slices, so a fast clock never holds up a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

log = logging.getLogger("centre")

MAX_SLEEP_S = 1.0  # the driver wakes at least this often (speed changes, stats)


class RealTimeClock:
    """Sim time on the wall clock. `speed` 0 pauses it; `anchor` re-bases it (after a step,
    a speed change or a restart) so that time never jumps."""

    def __init__(self, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.speed = speed
        self._monotonic = monotonic
        self._anchor_sim = 0.0
        self._anchor_mono = monotonic()

    def anchor(self, sim_time: float) -> None:
        self._anchor_sim = sim_time
        self._anchor_mono = self._monotonic()

    def now(self) -> float:
        """Where the simulation should be now."""
        return self._anchor_sim + (self._monotonic() - self._anchor_mono) * self.speed

    def seconds_until(self, sim_time: float) -> float:
        """Wall seconds until the clock reaches `sim_time` (never negative)."""
        if self.speed <= 0:
            return MAX_SLEEP_S
        return max(0.0, (sim_time - self.now()) / self.speed)


class ClockDriver:
    """The task that moves the engine along the clock: `step()` moves it one slice on and
    says whether it is still behind, `next_due()` says when the next timer fires (sim
    time). Never dies of a bug in one step."""

    def __init__(
        self, clock: RealTimeClock, step: Callable[[], bool], next_due: Callable[[], float]
    ) -> None:
        self._clock = clock
        self._step = step
        self._next_due = next_due
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="centre-driver")

    def wake(self) -> None:
        """Something changed (a command, the speed): look at the timers again now."""
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            if self._clock.speed <= 0:
                await self._wake.wait()
                continue
            try:
                behind = self._step()
            except Exception:  # the driver must survive a bug in one step; the log says what
                log.exception("engine step failed")
                behind = False
            if behind:
                await asyncio.sleep(0)  # the next slice after whatever else is waiting
                continue
            sleep_s = min(MAX_SLEEP_S, self._clock.seconds_until(self._next_due()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=sleep_s)
