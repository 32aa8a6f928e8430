"""SLA clocks: business time used and left, paused in the waiting states, recomputed on a
changed calendar."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.loader import load_default_workflow
from server_stub.workflow.schema import Holiday
from server_stub.workflow.sla import ClockKind, SlaClock

TZ = ZoneInfo("Asia/Shanghai")


@cache
def demo_calendar() -> BusinessCalendar:
    return BusinessCalendar(load_default_workflow().calendar)


def at(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=TZ).timestamp()


def test_a_clock_counts_business_minutes_and_says_when_it_is_due() -> None:
    clock = SlaClock.start(ClockKind.RESOLUTION, 120, at(2026, 11, 24, 11, 0))  # Tuesday
    calendar = demo_calendar()
    assert clock.due_at(calendar) == at(2026, 11, 24, 14, 0)  # lunch does not count
    assert clock.elapsed_s(calendar, at(2026, 11, 24, 13, 30)) == 90 * 60
    assert clock.remaining_s(calendar, at(2026, 11, 24, 13, 30)) == 30 * 60
    assert not clock.overdue(calendar, at(2026, 11, 24, 14, 0))
    assert clock.remaining_s(calendar, at(2026, 11, 24, 15, 0)) == -60 * 60
    assert clock.overdue(calendar, at(2026, 11, 24, 15, 0))


def test_waiting_on_the_customer_stops_the_clock_and_moves_the_deadline() -> None:
    calendar = demo_calendar()
    clock = SlaClock.start(ClockKind.RESOLUTION, 120, at(2026, 11, 24, 9, 0))
    paused = clock.pause(at(2026, 11, 24, 10, 0))
    assert paused.due_at(calendar) is None
    assert paused.elapsed_s(calendar, at(2026, 11, 26, 9, 0)) == 60 * 60  # frozen while paused
    resumed = paused.resume(at(2026, 11, 25, 17, 30))
    assert resumed.due_at(calendar) == at(2026, 11, 26, 8, 30)  # 30 min Wed, 30 min Thu
    assert clock.due_at(calendar) == at(2026, 11, 24, 11, 0)  # the original is unchanged


def test_a_stopped_clock_keeps_what_it_used_and_cannot_resume() -> None:
    calendar = demo_calendar()
    stopped = SlaClock.start(ClockKind.FIRST_RESPONSE, 60, at(2026, 11, 24, 9, 0)).stop(
        at(2026, 11, 24, 9, 20)
    )
    assert stopped.stopped and not stopped.running
    assert stopped.resume(at(2026, 11, 24, 10, 0)) is stopped
    assert stopped.elapsed_s(calendar, at(2026, 11, 30, 9, 0)) == 20 * 60


def test_a_holiday_added_to_the_calendar_moves_the_deadline_past_it() -> None:
    workflow = load_default_workflow()
    before = BusinessCalendar(workflow.calendar)
    spec = workflow.calendar.model_copy(
        update={"holidays": (*workflow.calendar.holidays, Holiday(date=dt.date(2026, 11, 25)))}
    )
    after = BusinessCalendar(spec)
    clock = SlaClock.start(ClockKind.RESOLUTION, 540, at(2026, 11, 24, 17, 0))
    assert clock.due_at(before) == at(2026, 11, 25, 17, 0)
    assert clock.due_at(after) == at(2026, 11, 26, 17, 0)


def test_an_overdue_paused_clock_still_says_when_it_was_due() -> None:
    calendar = demo_calendar()
    clock = SlaClock.start(ClockKind.FIRST_RESPONSE, 30, at(2026, 11, 24, 9, 0))
    paused = clock.pause(at(2026, 11, 24, 10, 0))
    assert paused.due_at(calendar) == at(2026, 11, 24, 9, 30)
    assert paused.instant_at(calendar, 90 * 60) is None  # not reached, and not running


def test_a_target_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SlaClock.start(ClockKind.RESOLUTION, 0, 0.0)


@given(
    start=st.floats(at(2026, 11, 20, 0, 0), at(2027, 1, 10, 0, 0)),
    target=st.floats(1, 5000),
    pauses=st.lists(st.tuples(st.floats(0, 2 * 86400), st.floats(0, 3 * 86400)), max_size=4),
)
def test_at_the_due_instant_exactly_the_target_has_elapsed(
    start: float, target: float, pauses: list[tuple[float, float]]
) -> None:
    calendar = demo_calendar()
    clock = SlaClock.start(ClockKind.RESOLUTION, target, start)
    now = start
    for run, wait in pauses:
        now += run
        clock = clock.pause(now)
        now += wait
        clock = clock.resume(now)
    due = clock.due_at(calendar)
    assert due is not None
    assert clock.elapsed_s(calendar, due) == pytest.approx(target * 60, abs=1e-3)
    assert clock.remaining_s(calendar, due) == pytest.approx(0, abs=1e-3)
