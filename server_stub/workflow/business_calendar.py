"""Business time on a centre's calendar: add business minutes, count them, open or not.

`BusinessCalendar(spec)` compiles a `CalendarSpec` once. A business second is a real
(elapsed) second at which the local wall clock is inside one of the day's open intervals,
so a day with a daylight-saving change counts what a clock on the wall shows: opening at
02:30 on a day that skips 02:00–03:00 opens at 03:00, and the repeated hour of an autumn
night counts twice if it is open.

Which hours a date has, strongest first: a dated exception (closed, a special opening,
other hours); a configured holiday (closed); China's public holidays (closed) and their
make-up working days (the hours of `makeup_workday_hours`), where the spec turns them on
and chinesecalendar knows the year; otherwise the weekday's hours. A half-day cuts that
day's hours at its `until`. Outside the years chinesecalendar knows, only the weekly hours
and the configured dates apply (`coverage_note` says so once, for the log).

Speed: a year is compiled into its days' open intervals (as instants) and a prefix sum of
open seconds, the first time a year is touched; adding minutes walks the rest of one day,
skips whole years by their totals and whole days by bisection, then walks one day. So a
deadline costs a few microseconds whatever its length, and recomputing 100,000 after a
calendar change is one pass (`bench/ticket_workflow.py`).

Plain typed classes, no I/O: the engine may compile this module with mypyc.
"""

from __future__ import annotations

import calendar as _gregorian
import datetime as dt
from bisect import bisect_left, bisect_right
from zoneinfo import ZoneInfo

import chinese_calendar

from server_stub.workflow.schema import WEEKDAYS, CalendarSpec

Hours = tuple[tuple[int, int], ...]  # (start, end) minutes of the local day

CHINA_YEARS: tuple[int, int] = (
    min(day.year for day in chinese_calendar.holidays),
    max(day.year for day in chinese_calendar.holidays),
)
LAST_YEAR = 9998  # a deadline past this is an error, not an overflow deep in datetime


class CalendarError(ValueError):
    """The calendar cannot answer: it never opens again, or the answer is past year 9998."""


class _YearTable:
    """One local year: each day's open intervals as instants, and open seconds before it."""

    def __init__(
        self,
        year: int,
        starts: list[float],
        days: list[tuple[float, ...]],
        prefix: list[float],
    ) -> None:
        self.year = year
        self.starts = starts  # starts[k] = the first instant of day k; len = days + 1
        self.days = days  # days[k] = (start0, end0, start1, end1, ...), in order
        self.prefix = prefix  # prefix[k] = open seconds of days 0..k-1; len = days + 1
        self.count = len(days)
        self.total = prefix[-1]


class BusinessCalendar:
    """A compiled `CalendarSpec`. Instants are POSIX seconds; see the module docstring."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.tz = ZoneInfo(spec.timezone)
        self._week: list[Hours] = [tuple(spec.week.get(day, ())) for day in WEEKDAYS]
        self._makeup: Hours = tuple(spec.week.get(spec.makeup_workday_hours, ()))
        self._dated: dict[dt.date, Hours] = {}
        self._labels: dict[dt.date, str] = {}
        for holiday in spec.holidays:
            self._dated[holiday.date] = ()
            self._labels[holiday.date] = holiday.label
        for exception in spec.exceptions:
            self._dated[exception.date] = tuple(exception.hours)
            self._labels[exception.date] = exception.label
        self._half_days: dict[dt.date, int] = {}
        for half in spec.half_days:
            self._half_days[half.date] = half.until
            self._labels[half.date] = half.label
        self._china = spec.china_public_holidays
        dated_years = [d.year for d in (*self._dated, *self._half_days)]
        if self._china:
            dated_years.append(CHINA_YEARS[1])
        # After this year every year follows the weekly hours alone.
        self._last_dated_year = max(dated_years, default=0)
        self._week_open = sum(end - start for day in self._week for start, end in day)
        self._years: dict[int, _YearTable] = {}
        self._last: _YearTable | None = None  # the year last located: most queries stay in it

    # ------------------------------------------------------------------ which hours a date has

    def hours_on(self, day: dt.date) -> Hours:
        """The open intervals of a local date, in minutes of that day."""
        hours = self._dated.get(day)
        if hours is not None:
            return hours
        hours = self._week[day.weekday()]
        if self._china and CHINA_YEARS[0] <= day.year <= CHINA_YEARS[1]:
            if day in chinese_calendar.holidays:
                hours = ()
            elif day in chinese_calendar.workdays:
                hours = self._makeup
        until = self._half_days.get(day)
        if until is not None:
            hours = tuple((start, min(end, until)) for start, end in hours if start < until)
        return hours

    def label_on(self, day: dt.date) -> str:
        """Why a date is special ("春节 Spring Festival", a configured label), or ""."""
        label = self._labels.get(day)
        if label is not None:
            return label
        if self._china and CHINA_YEARS[0] <= day.year <= CHINA_YEARS[1]:
            name = chinese_calendar.holidays.get(day)
            if name is not None:
                return _china_name(name)
            name = chinese_calendar.workdays.get(day)
            if name is not None:
                return "调休 " + _china_name(name)
        return ""

    def coverage_note(self) -> str | None:
        """What to say once in the log: which years China's holidays are known for."""
        if not self._china:
            return None
        first, last = CHINA_YEARS
        return (
            f"China's public holidays and make-up working days are known for {first}–{last} "
            f"(chinesecalendar {chinese_calendar.__version__}); other years use the weekly "
            "hours and the configured holidays only"
        )

    def uses_china_data(self, year: int) -> bool:
        return self._china and CHINA_YEARS[0] <= year <= CHINA_YEARS[1]

    # ------------------------------------------------------------------ the arithmetic

    def add_seconds(self, start: float, seconds: float) -> float:
        """The earliest instant at which `seconds` business seconds have passed since
        `start`. Zero returns `start` itself, open or not."""
        if seconds < 0:
            raise ValueError(f"business time to add must not be negative ({seconds})")
        if seconds == 0:
            return start
        table, k = self._locate(start)
        remaining = seconds
        intervals = table.days[k]
        for i in range(0, len(intervals), 2):
            end = intervals[i + 1]
            if end <= start:
                continue
            begin = max(intervals[i], start)
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        k += 1
        while True:
            if k >= table.count:
                table = self._next_year(table)
                k = 0
            left_in_year = table.total - table.prefix[k]
            if remaining > left_in_year:
                remaining -= left_in_year
                k = table.count
                continue
            # start from a day with open time, so that a remainder lost to float rounding
            # still lands on an open instant
            k = bisect_right(table.prefix, table.prefix[k], k) - 1
            target = table.prefix[k] + remaining
            j = bisect_left(table.prefix, target, k + 1) - 1
            return _walk_day(table.days[j], target - table.prefix[j])

    def seconds_between(self, start: float, end: float) -> float:
        """Business seconds in `[start, end)`; 0 when `end` is not after `start`."""
        if end <= start:
            return 0.0
        table_a, k_a = self._locate(start)
        table_b, k_b = self._locate(end)
        before_a = table_a.prefix[k_a] + _open_before(table_a.days[k_a], start)
        before_b = table_b.prefix[k_b] + _open_before(table_b.days[k_b], end)
        total = before_b - before_a
        for year in range(table_a.year, table_b.year):
            total += self._year(year).total
        return max(total, 0.0)

    def is_open(self, at: float) -> bool:
        table, k = self._locate(at)
        intervals = table.days[k]
        return any(intervals[i] <= at < intervals[i + 1] for i in range(0, len(intervals), 2))

    def next_open(self, at: float) -> float:
        """`at` if open, else the instant the calendar next opens."""
        table, k = self._locate(at)
        intervals = table.days[k]
        for i in range(0, len(intervals), 2):
            if at < intervals[i + 1]:
                return max(at, intervals[i])
        k += 1
        while True:
            if k >= table.count:
                table = self._next_year(table)
                k = 0
            # the first day from k on with open time: where the prefix first grows
            j = bisect_right(table.prefix, table.prefix[k], k) - 1
            if j < table.count:
                return table.days[j][0]
            k = table.count

    # ------------------------------------------------------------------ compiled years

    def _locate(self, at: float) -> tuple[_YearTable, int]:
        """The year table and day index holding the instant `at`."""
        table = self._last
        if table is None or not table.starts[0] <= at < table.starts[-1]:
            table = self._year(dt.datetime.fromtimestamp(at, self.tz).year)
            self._last = table
        return table, bisect_right(table.starts, at) - 1

    def _next_year(self, table: _YearTable) -> _YearTable:
        year = table.year + 1
        if year > LAST_YEAR:
            raise CalendarError(f"the answer lies beyond the year {LAST_YEAR}")
        if year > self._last_dated_year and self._week_open == 0:
            raise CalendarError("the calendar has no open hours after this date")
        return self._year(year)

    def _year(self, year: int) -> _YearTable:
        table = self._years.get(year)
        if table is None:
            table = self._build_year(year)
            self._years[year] = table
        return table

    def _build_year(self, year: int) -> _YearTable:
        first = dt.date(year, 1, 1)
        count = 366 if _gregorian.isleap(year) else 365
        days: list[tuple[float, ...]] = []
        prefix: list[float] = [0.0]
        starts: list[float] = [self._local_midnight(first)]
        for offset in range(count):
            day = first + dt.timedelta(days=offset)
            starts.append(self._local_midnight(day + dt.timedelta(days=1)))
            intervals = self._day_intervals(day, starts[-2], starts[-1])
            days.append(intervals)
            prefix.append(prefix[-1] + _open_in(intervals))
        return _YearTable(year, starts, days, prefix)

    def _local_midnight(self, day: dt.date) -> float:
        # fold=0: a midnight that a spring change skips maps to the change itself
        return dt.datetime(day.year, day.month, day.day, tzinfo=self.tz).timestamp()

    def _offset(self, at: float) -> int:
        delta = dt.datetime.fromtimestamp(at, self.tz).utcoffset()
        return 0 if delta is None else int(delta.total_seconds())

    def _day_intervals(self, day: dt.date, day_start: float, day_end: float) -> tuple[float, ...]:
        """The instants at which the wall clock of `day` is inside its open hours."""
        hours = self.hours_on(day)
        if not hours:
            return ()
        first_offset = self._offset(day_start)
        last_offset = self._offset(day_end - 1)
        spans: list[tuple[float, float, int]] = [(day_start, day_end, first_offset)]
        if first_offset != last_offset:  # a daylight-saving change inside this day
            change = self._offset_change(day_start, day_end - 1, first_offset)
            spans = [(day_start, change, first_offset), (change, day_end, last_offset)]
        naive_midnight = _gregorian.timegm(day.timetuple())  # the wall clock's 00:00, as UTC
        pieces: list[tuple[float, float]] = []
        for span_start, span_end, offset in spans:
            for start_min, end_min in hours:
                begin = max(span_start, float(naive_midnight + start_min * 60 - offset))
                end = min(span_end, float(naive_midnight + end_min * 60 - offset))
                if begin < end:
                    pieces.append((begin, end))
        pieces.sort()
        merged: list[float] = []
        for begin, end in pieces:
            if merged and begin <= merged[-1]:
                merged[-1] = max(merged[-1], end)
            else:
                merged.extend((begin, end))
        return tuple(merged)

    def _offset_change(self, low: float, high: float, low_offset: int) -> float:
        """The first whole second in (low, high] whose UTC offset is not `low_offset`."""
        lo, hi = int(low), int(high)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._offset(mid) == low_offset:
                lo = mid
            else:
                hi = mid
        return float(hi)


def _open_in(intervals: tuple[float, ...]) -> float:
    return sum(intervals[i + 1] - intervals[i] for i in range(0, len(intervals), 2))


def _open_before(intervals: tuple[float, ...], at: float) -> float:
    """Open seconds of a day before the instant `at`."""
    total = 0.0
    for i in range(0, len(intervals), 2):
        start, end = intervals[i], intervals[i + 1]
        if at <= start:
            break
        total += min(at, end) - start
    return total


def _walk_day(intervals: tuple[float, ...], remaining: float) -> float:
    """The instant `remaining` open seconds into a day that has at least that many."""
    for i in range(0, len(intervals), 2):
        span = intervals[i + 1] - intervals[i]
        if remaining <= span:
            return intervals[i] + remaining
        remaining -= span
    return intervals[-1]  # float rounding left a sliver over: the day's last open instant


def _china_name(english: str) -> str:
    """chinesecalendar's English holiday name with its Chinese name before it."""
    for holiday in chinese_calendar.Holiday:
        if holiday.value == english:
            return f"{holiday.chinese} {english}"
    return english


# ---------------------------------------------------------------------- datetime faces


def _instant(moment: dt.datetime) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs an aware datetime (with a time zone)")
    return moment.timestamp()


def add_business_minutes(
    calendar: BusinessCalendar, start: dt.datetime, minutes: float
) -> dt.datetime:
    """The earliest moment at which `minutes` business minutes have passed since `start`,
    in the calendar's time zone. The one function deadlines come from."""
    result = calendar.add_seconds(_instant(start), minutes * 60.0)
    return dt.datetime.fromtimestamp(result, calendar.tz)


def business_minutes_between(
    calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime
) -> float:
    """Business minutes in `[start, end)` (0 when `end` is not after `start`): the inverse
    of `add_business_minutes`."""
    return calendar.seconds_between(_instant(start), _instant(end)) / 60.0


def is_open(calendar: BusinessCalendar, at: dt.datetime) -> bool:
    return calendar.is_open(_instant(at))


def next_open(calendar: BusinessCalendar, at: dt.datetime) -> dt.datetime:
    """`at` if the calendar is open then, else when it next opens."""
    return dt.datetime.fromtimestamp(calendar.next_open(_instant(at)), calendar.tz)
