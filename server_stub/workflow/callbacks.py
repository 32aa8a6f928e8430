"""When callbacks may happen (OB3, OB4): a caller's requested time checked against the
calendar, the satisfaction callback's window after resolution, and when a retry falls.

Every time answered here is one at which the centre is open, so an outbound callback is
never placed at closing time or on a holiday. Plain typed code, no I/O.
"""

from __future__ import annotations

from server_stub.protocol.tickets import RefusalCode
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.schema import CallbackPolicy


class CallbackCheck:
    """The answer to a requested callback time: accepted, or refused with the first open
    time after it to offer instead."""

    def __init__(self, accepted: bool, at: float, code: RefusalCode | None, message: str) -> None:
        self.accepted = accepted
        self.at = at  # the accepted time, or the suggestion
        self.code = code
        self.message = message


def check_requested_callback(
    calendar: BusinessCalendar, requested_at: float, now: float
) -> CallbackCheck:
    """OB3: a callback the caller asks for must be in the future and in business hours."""
    if requested_at < now:
        suggestion = calendar.next_open(now)
        return CallbackCheck(
            False, suggestion, RefusalCode.CALLBACK_IN_PAST, "the requested time has passed"
        )
    if not calendar.is_open(requested_at):
        suggestion = calendar.next_open(requested_at)
        return CallbackCheck(
            False,
            suggestion,
            RefusalCode.CALLBACK_OUTSIDE_HOURS,
            "the centre is closed then: offer the next opening instead",
        )
    return CallbackCheck(True, requested_at, None, "")


def satisfaction_callback_window(
    calendar: BusinessCalendar, resolved_at: float, policy: CallbackPolicy
) -> tuple[float, float]:
    """OB4: (earliest, due) for the 回访 of a ticket resolved at `resolved_at`: from the next
    open instant to `within_min` business minutes after resolution."""
    earliest = calendar.next_open(resolved_at)
    due = calendar.add_seconds(resolved_at, policy.within_min * 60.0)
    return earliest, due


def callback_retry_at(
    calendar: BusinessCalendar, attempted_at: float, policy: CallbackPolicy
) -> float:
    """An unanswered callback is tried again `retry_after_min` business minutes later, at an
    open instant (a gap that ends at closing time moves to the next opening)."""
    return calendar.next_open(calendar.add_seconds(attempted_at, policy.retry_after_min * 60.0))
