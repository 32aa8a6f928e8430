"""The business calendar: known answers a centre would check by hand, and properties
against a brute-force minute walk over holidays, half-days, make-up days and DST."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server_stub.workflow.business_calendar import (
    CHINA_YEARS,
    BusinessCalendar,
    CalendarError,
    add_business_minutes,
    business_minutes_between,
    is_open,
    next_open,
)
from server_stub.workflow.schema import CalendarSpec
from tests.workflow.calendar_oracle import MinuteWalk

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
OFFICE = {day: ["08:00-12:00", "13:00-18:00"] for day in WEEKDAYS} | {"sat": ["09:00-12:00"]}


def office(**extra: Any) -> BusinessCalendar:
    data: dict[str, Any] = {
        "timezone": "Asia/Shanghai",
        "week": OFFICE,
        "china_public_holidays": True,
    }
    return BusinessCalendar(CalendarSpec.model_validate(data | extra))


def at(*parts: int, tz: ZoneInfo = SHANGHAI) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=tz)


# ---------------------------------------------------------------- known answers


def test_lunch_break_is_not_counted() -> None:
    assert add_business_minutes(office(), at(2026, 11, 24, 11, 30), 60) == at(2026, 11, 24, 13, 30)


def test_friday_evening_deadline_lands_in_the_saturday_half_day() -> None:
    assert add_business_minutes(office(), at(2026, 11, 27, 17, 30), 60) == at(2026, 11, 28, 9, 30)


def test_saturday_half_day_ends_at_noon_and_sunday_is_closed() -> None:
    assert add_business_minutes(office(), at(2026, 11, 28, 11, 0), 120) == at(2026, 11, 30, 9, 0)


def test_spring_festival_make_up_saturday_keeps_weekday_hours() -> None:
    calendar = office()
    make_up = dt.date(2026, 2, 14)  # a Saturday worked for the Spring Festival (调休)
    assert calendar.hours_on(make_up) == ((480, 720), (780, 1080))
    assert "调休" in calendar.label_on(make_up)
    assert add_business_minutes(calendar, at(2026, 2, 13, 17, 0), 120) == at(2026, 2, 14, 9, 0)


def test_spring_festival_week_is_closed_and_the_clock_resumes_after_it() -> None:
    calendar = office()
    assert calendar.hours_on(dt.date(2026, 2, 18)) == ()  # a Wednesday of the holiday
    assert "春节" in calendar.label_on(dt.date(2026, 2, 18))
    # Sat 02-14 is a make-up day: 60 min from 17:00 lands exactly at its close
    deadline = add_business_minutes(calendar, at(2026, 2, 14, 17, 0), 90)
    assert deadline == at(2026, 2, 24, 8, 30)  # 02-15..02-23 off, Tue 02-24 back at 08:00


def test_national_day_holiday_pushes_a_deadline_past_the_golden_week() -> None:
    deadline = add_business_minutes(office(), at(2026, 9, 30, 17, 0), 90)
    assert deadline == at(2026, 10, 8, 8, 30)


def test_a_deadline_ending_exactly_at_closing_time_is_closing_time() -> None:
    assert add_business_minutes(office(), at(2026, 11, 24, 17, 0), 60) == at(2026, 11, 24, 18, 0)


def test_china_holidays_off_keeps_the_weekly_hours() -> None:
    calendar = BusinessCalendar(CalendarSpec(timezone="Asia/Shanghai", week=OFFICE))
    assert calendar.hours_on(dt.date(2026, 10, 1)) == ((480, 720), (780, 1080))
    assert calendar.coverage_note() is None


def test_dated_exceptions_close_a_day_open_a_special_day_and_change_hours() -> None:
    calendar = office(
        exceptions=[
            {"date": "2026-11-25", "closed": True, "label": "系统升级 Upgrade"},
            {"date": "2026-11-29", "hours": ["10:00-16:00"], "label": "促销日 Sale"},
            {"date": "2026-11-26", "hours": ["08:00-12:00", "14:00-20:00"]},
        ]
    )
    assert calendar.hours_on(dt.date(2026, 11, 25)) == ()
    assert calendar.label_on(dt.date(2026, 11, 25)) == "系统升级 Upgrade"
    assert calendar.hours_on(dt.date(2026, 11, 29)) == ((600, 960),)  # a Sunday opening
    assert add_business_minutes(calendar, at(2026, 11, 24, 17, 0), 120) == at(2026, 11, 26, 9, 0)
    assert add_business_minutes(calendar, at(2026, 11, 28, 11, 30), 60) == at(2026, 11, 29, 10, 30)


def test_an_exception_beats_a_china_public_holiday() -> None:
    calendar = office(exceptions=[{"date": "2026-10-03", "hours": ["09:00-12:00"]}])
    assert calendar.hours_on(dt.date(2026, 10, 3)) == ((540, 720),)


def test_half_day_cuts_the_days_hours_and_a_configured_holiday_closes() -> None:
    calendar = office(
        half_days=[{"date": "2026-12-31", "until": "12:00", "label": "跨年 New Year's Eve"}],
        holidays=[{"date": "2027-01-01", "label": "元旦 New Year's Day"}],
    )
    assert calendar.hours_on(dt.date(2026, 12, 31)) == ((480, 720),)
    # 60 min left on 12-31, Jan 1 off, Sat Jan 2 09:00-12:00 takes the other 60
    assert add_business_minutes(calendar, at(2026, 12, 31, 11, 0), 120) == at(2027, 1, 2, 10, 0)


def test_years_china_data_does_not_cover_fall_back_to_weekly_hours_and_say_so() -> None:
    calendar = office()
    beyond = dt.date(CHINA_YEARS[1] + 1, 10, 1)
    assert not calendar.uses_china_data(beyond.year)
    expected = OFFICE.get(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[beyond.weekday()])
    assert bool(calendar.hours_on(beyond)) == bool(expected)
    note = calendar.coverage_note()
    assert note is not None and f"{CHINA_YEARS[0]}–{CHINA_YEARS[1]}" in note


def test_zero_minutes_is_the_start_even_when_closed() -> None:
    sunday_night = at(2026, 11, 29, 22, 0)
    assert add_business_minutes(office(), sunday_night, 0) == sunday_night


def test_sub_minute_start_keeps_its_seconds() -> None:
    start = dt.datetime(2026, 11, 24, 10, 0, 30, 500_000, tzinfo=SHANGHAI)
    assert add_business_minutes(office(), start, 1) == start + dt.timedelta(minutes=1)


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    assert add_business_minutes(office(), at(2026, 11, 24, 6, 15), 30) == at(2026, 11, 24, 8, 30)
    assert add_business_minutes(office(), at(2026, 11, 24, 12, 20), 30) == at(2026, 11, 24, 13, 30)


def test_is_open_and_next_open() -> None:
    calendar = office()
    assert is_open(calendar, at(2026, 11, 24, 9, 0))
    assert not is_open(calendar, at(2026, 11, 24, 12, 0))  # lunch starts at 12:00 sharp
    assert next_open(calendar, at(2026, 11, 24, 12, 0)) == at(2026, 11, 24, 13, 0)
    assert next_open(calendar, at(2026, 11, 24, 9, 0)) == at(2026, 11, 24, 9, 0)
    assert next_open(calendar, at(2026, 2, 15, 9, 0)) == at(2026, 2, 24, 8, 0)


def test_huge_durations_skip_whole_years_and_invert_exactly() -> None:
    calendar = office()
    start = at(2026, 11, 24, 9, 0)
    for minutes in (1_000_000, 10_000_000):
        deadline = add_business_minutes(calendar, start, minutes)
        assert business_minutes_between(calendar, start, deadline) == pytest.approx(minutes)
        assert calendar.is_open(deadline.timestamp() - 1)


def test_a_calendar_that_never_opens_says_so() -> None:
    calendar = BusinessCalendar(CalendarSpec(timezone="Asia/Shanghai"))
    with pytest.raises(CalendarError, match="no open hours"):
        add_business_minutes(calendar, at(2026, 11, 24, 9, 0), 1)
    with pytest.raises(CalendarError):
        next_open(calendar, at(2026, 11, 24, 9, 0))


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(office(), at(2026, 11, 24, 9, 0), -1)
    with pytest.raises(ValueError, match="aware"):
        add_business_minutes(office(), dt.datetime(2026, 11, 24, 9, 0), 1)


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("America/New_York", dt.date(2026, 3, 8), 23),
        ("America/New_York", dt.date(2026, 11, 1), 25),
        ("Europe/London", dt.date(2026, 3, 29), 23),
        ("Europe/London", dt.date(2026, 10, 25), 25),
        ("Asia/Shanghai", dt.date(2026, 3, 8), 24),
    ],
)
def test_a_round_the_clock_day_has_the_hours_the_wall_clock_shows(
    zone: str, day: dt.date, hours: int
) -> None:
    tz = ZoneInfo(zone)
    calendar = BusinessCalendar(
        CalendarSpec(timezone=zone, week={d: ((0, 1440),) for d in (*WEEKDAYS, "sat", "sun")})
    )
    start = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    end = start.replace(day=day.day + 1)
    assert business_minutes_between(calendar, start, end) == hours * 60


def test_opening_inside_the_skipped_spring_hour_opens_when_the_clock_jumps() -> None:
    tz = ZoneInfo("America/New_York")
    spec = CalendarSpec(timezone="America/New_York", week={"sun": ((150, 300),)})  # 02:30-05:00
    calendar = BusinessCalendar(spec)
    opened = next_open(calendar, dt.datetime(2026, 3, 8, 0, 0, tzinfo=tz))
    assert opened == dt.datetime(2026, 3, 8, 3, 0, tzinfo=tz)  # 02:00 EST became 03:00 EDT
    assert business_minutes_between(calendar, opened, opened + dt.timedelta(hours=3)) == 120


def test_the_repeated_autumn_hour_counts_twice_when_open() -> None:
    tz = ZoneInfo("Europe/London")
    spec = CalendarSpec(timezone="Europe/London", week={"sun": ((0, 90),)})  # 00:00-01:30
    calendar = BusinessCalendar(spec)
    start = dt.datetime(2026, 10, 25, 0, 0, tzinfo=tz)
    assert business_minutes_between(calendar, start, start + dt.timedelta(hours=5)) == 120


# ---------------------------------------------------------------- properties

ZONES = ("Asia/Shanghai", "Europe/London", "America/New_York")
EVERY_DAY = (*WEEKDAYS, "sat", "sun")
WEEKS: dict[str, dict[str, list[str]]] = {
    "office": OFFICE,
    # open across the hours the UK and US clocks change in, to hit every DST edge
    "nights": {day: ["00:30-03:00", "05:00-06:00", "22:00-24:00"] for day in EVERY_DAY},
    "round_the_clock": {day: ["00:00-24:00"] for day in EVERY_DAY},
    "weekends_only": {"sat": ["10:00-16:00"], "sun": ["01:15-02:45"]},
}
# windows around the tricky dates: Spring Festival with its make-up Saturdays, the spring
# DST changes (US 03-08, UK 03-29), Golden Week with 09-20/10-10, the autumn changes
# (UK 10-25, US 11-01), and the end of chinesecalendar's data
WINDOWS = (
    dt.datetime(2026, 2, 10, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 26, tzinfo=dt.UTC),
    dt.datetime(2026, 9, 17, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 22, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 26, tzinfo=dt.UTC),
)


@st.composite
def calendars(draw: st.DrawFn) -> CalendarSpec:
    data: dict[str, Any] = {
        "timezone": draw(st.sampled_from(ZONES)),
        "week": WEEKS[draw(st.sampled_from(sorted(WEEKS)))],
        "china_public_holidays": draw(st.booleans()),
        "makeup_workday_hours": draw(st.sampled_from(("mon", "sat"))),
    }
    window = draw(st.sampled_from(WINDOWS)).date()
    offsets = draw(st.lists(st.integers(0, 20), max_size=4, unique=True))
    dates = [window + dt.timedelta(days=k) for k in offsets]
    kinds = draw(st.lists(st.sampled_from(("holiday", "half", "closed", "hours")), min_size=4))
    for day, kind in zip(dates, kinds, strict=False):
        if kind == "holiday":
            data.setdefault("holidays", []).append({"date": day})
        elif kind == "half":
            data.setdefault("half_days", []).append({"date": day, "until": "01:45"})
        elif kind == "closed":
            data.setdefault("exceptions", []).append({"date": day, "closed": True})
        else:
            data.setdefault("exceptions", []).append({"date": day, "hours": ["01:10-23:50"]})
    return CalendarSpec.model_validate(data)


starts = st.builds(
    lambda window, seconds: window.timestamp() + seconds,
    st.sampled_from(WINDOWS),
    st.floats(0, 21 * 86400, allow_nan=False),
)
durations = st.one_of(
    st.just(0.0),
    st.integers(1, 3000).map(float),
    st.floats(0.001, 3000, allow_nan=False),
)
brute_force = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@brute_force
@given(spec=calendars(), start=starts, minutes=durations)
def test_adding_business_minutes_agrees_with_a_minute_walk(
    spec: CalendarSpec, start: float, minutes: float
) -> None:
    expected = MinuteWalk(spec).add(start, minutes)
    assert BusinessCalendar(spec).add_seconds(start, minutes * 60) == pytest.approx(
        expected, abs=1e-4
    )


@brute_force
@given(spec=calendars(), start=starts, span=st.floats(0, 6 * 86400, allow_nan=False))
def test_counting_business_minutes_agrees_with_a_minute_walk(
    spec: CalendarSpec, start: float, span: float
) -> None:
    expected = MinuteWalk(spec).between(start, start + span)
    assert BusinessCalendar(spec).seconds_between(start, start + span) == pytest.approx(
        expected, abs=1e-4
    )


@brute_force
@given(spec=calendars(), start=starts)
def test_is_open_and_next_open_agree_with_a_minute_walk(spec: CalendarSpec, start: float) -> None:
    oracle = MinuteWalk(spec)
    calendar = BusinessCalendar(spec)
    assert calendar.is_open(start) == oracle.open_at(start)
    assert calendar.next_open(start) == pytest.approx(oracle.next_open(start), abs=1e-6)


@given(
    spec=calendars(),
    start=starts,
    minutes=st.floats(0, 200_000, allow_nan=False),
    more=st.floats(0, 5_000, allow_nan=False),
)
def test_counting_inverts_adding_and_adding_is_monotone(
    spec: CalendarSpec, start: float, minutes: float, more: float
) -> None:
    calendar = BusinessCalendar(spec)
    deadline = calendar.add_seconds(start, minutes * 60)
    assert calendar.seconds_between(start, deadline) == pytest.approx(minutes * 60, abs=1e-3)
    assert calendar.add_seconds(start, (minutes + more) * 60) >= deadline
    # adding in two steps lands where adding at once does
    assert calendar.add_seconds(deadline, more * 60) == pytest.approx(
        calendar.add_seconds(start, (minutes + more) * 60), abs=1e-3
    )
