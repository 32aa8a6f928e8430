"""Draws paced to frames: a board that follows a whole floor draws at most once a frame.

The feed brings a floor's events in many small bursts (one per step of the engine), and
each draw of a 2,000-row board costs milliseconds and a repaint: drawn once per burst, the
draws alone would fill the event loop and everything waits behind them. `DrawPacer` lets
the first change after a quiet spell be drawn at once and makes the ones that follow
within the frame wait for its end, together.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

FRAME_S = 1 / 30  # what the eye takes as live; well inside the board's 50 ms budget


class DrawPacer:
    """`started()` and `drawn()` around each draw; `delay()` before scheduling the next.
    A frame is at least `frame_s` and at least as long as the last draw took, so drawing
    never takes more than half the loop, however slow the machine."""

    def __init__(
        self, frame_s: float = FRAME_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.frame_s = frame_s
        self._clock = clock
        self._began = -math.inf
        self._ended = -math.inf

    def delay(self) -> float:
        """Seconds to wait before the next draw (0: draw now)."""
        took = max(0.0, self._ended - self._began)
        return max(0.0, self._ended + max(self.frame_s - took, took) - self._clock())

    def started(self) -> None:
        self._began = self._clock()

    def drawn(self) -> None:
        self._ended = self._clock()
