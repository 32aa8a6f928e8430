"""SLA clocks: a target in business seconds, running and paused spans, what is left.

A clock is a value: `pause`, `resume` and `stop` return a new clock, so a ticket's clocks
can be rebuilt from its events on replay. It keeps the instants it ran between, never a
figure measured on one calendar, so after a calendar change the same clock answers on
the new calendar (`due_at(new_calendar)`): that is how every deadline is recomputed.

Plain typed classes, no I/O: the engine may compile this module with mypyc.
"""

from __future__ import annotations

from enum import StrEnum

from server_stub.workflow.business_calendar import BusinessCalendar


class ClockKind(StrEnum):
    FIRST_RESPONSE = "first_response"  # from entering a step's queue until a worker accepts
    RESOLUTION = "resolution"  # from creation (or a reopen) until resolved


class SlaClock:
    """A deadline clock. `spans` are the closed (start, end) instants it ran; it runs now
    from `running_since` unless that is None (paused or stopped)."""

    def __init__(
        self,
        kind: ClockKind,
        target_s: float,
        running_since: float | None,
        spans: tuple[tuple[float, float], ...] = (),
        stopped: bool = False,
    ) -> None:
        if target_s <= 0:
            raise ValueError(f"an SLA target must be positive ({target_s})")
        self.kind = kind
        self.target_s = target_s
        self.running_since = running_since
        self.spans = spans
        self.stopped = stopped

    @staticmethod
    def start(kind: ClockKind, target_minutes: float, at: float) -> SlaClock:
        return SlaClock(kind, target_minutes * 60.0, at)

    @property
    def running(self) -> bool:
        return self.running_since is not None

    # -------------------------------------------------------------- changes (new clocks)

    def pause(self, at: float) -> SlaClock:
        if self.running_since is None:
            return self
        span = (self.running_since, max(at, self.running_since))
        return SlaClock(self.kind, self.target_s, None, (*self.spans, span), self.stopped)

    def resume(self, at: float) -> SlaClock:
        if self.running_since is not None or self.stopped:
            return self
        return SlaClock(self.kind, self.target_s, at, self.spans, False)

    def stop(self, at: float) -> SlaClock:
        paused = self.pause(at)
        return SlaClock(self.kind, self.target_s, None, paused.spans, True)

    def with_target(self, target_minutes: float) -> SlaClock:
        """The same clock against another target (a priority raised by escalation)."""
        return SlaClock(
            self.kind, target_minutes * 60.0, self.running_since, self.spans, self.stopped
        )

    # -------------------------------------------------------------- questions

    def used_s(self, calendar: BusinessCalendar) -> float:
        """Business seconds of the closed spans."""
        return sum(calendar.seconds_between(start, end) for start, end in self.spans)

    def elapsed_s(self, calendar: BusinessCalendar, at: float) -> float:
        """Business seconds the clock has run by `at` (a past `at` counts up to it only)."""
        used = sum(calendar.seconds_between(start, min(end, at)) for start, end in self.spans)
        if self.running_since is not None and at > self.running_since:
            used += calendar.seconds_between(self.running_since, at)
        return used

    def remaining_s(self, calendar: BusinessCalendar, at: float) -> float:
        """Business seconds left at `at`; negative once overdue (by that much)."""
        return self.target_s - self.elapsed_s(calendar, at)

    def overdue(self, calendar: BusinessCalendar, at: float) -> bool:
        return self.remaining_s(calendar, at) < 0

    def instant_at(self, calendar: BusinessCalendar, elapsed_s: float) -> float | None:
        """When the clock reaches `elapsed_s` business seconds: in a span it already ran
        (a past instant), or ahead if it runs on from now; None if it is paused or stopped
        short of that point."""
        left = elapsed_s
        for start, end in self.spans:
            ran = calendar.seconds_between(start, end)
            if left <= ran:
                return calendar.add_seconds(start, left)
            left -= ran
        if self.running_since is None:
            return None
        return calendar.add_seconds(self.running_since, left)

    def due_at(self, calendar: BusinessCalendar) -> float | None:
        """The deadline instant (in the past once overdue); None while paused short of it."""
        return self.instant_at(calendar, self.target_s)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SlaClock):
            return NotImplemented
        return (self.kind, self.target_s, self.running_since, self.spans, self.stopped) == (
            other.kind,
            other.target_s,
            other.running_since,
            other.spans,
            other.stopped,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.target_s, self.running_since, self.spans, self.stopped))

    def __repr__(self) -> str:
        state = "stopped" if self.stopped else ("running" if self.running else "paused")
        return f"SlaClock({self.kind.value}, target_s={self.target_s:g}, {state})"
