"""A brute-force business calendar for the tests: one minute at a time, no tables.

It restates the hours rule from the spec and chinesecalendar's public API (not the
dictionaries the calendar reads), and asks the wall clock of every minute whether it is
open, so it shares no arithmetic with `BusinessCalendar`.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import chinese_calendar

from server_stub.workflow.schema import WEEKDAYS, CalendarSpec


class MinuteWalk:
    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.tz = ZoneInfo(spec.timezone)
        self._hours: dict[dt.date, tuple[tuple[int, int], ...]] = {}

    def hours(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        if day not in self._hours:
            self._hours[day] = self._compute_hours(day)
        return self._hours[day]

    def _compute_hours(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        spec = self.spec
        for exception in spec.exceptions:
            if exception.date == day:
                return tuple(exception.hours)
        if any(holiday.date == day for holiday in spec.holidays):
            return ()
        hours = tuple(spec.week.get(WEEKDAYS[day.weekday()], ()))
        if spec.china_public_holidays:
            try:
                on_holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:  # a year the library does not know: weekly hours
                name = None
            if name is not None:
                hours = () if on_holiday else tuple(spec.week.get(spec.makeup_workday_hours, ()))
        for half in spec.half_days:
            if half.date == day:
                hours = tuple((s, min(e, half.until)) for s, e in hours if s < half.until)
        return hours

    def open_at(self, instant: float) -> bool:
        """Whether the wall clock at `instant` is inside the open hours of its date."""
        local = dt.datetime.fromtimestamp(instant, self.tz)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.hours(local.date()))

    def add(self, start: float, minutes: float, limit_minutes: int = 400_000) -> float:
        """Walk minute by minute until `minutes` open minutes have passed."""
        need = minutes * 60.0
        if need == 0:
            return start
        t = start
        boundary = math.floor(start / 60) * 60 + 60  # the open state is constant per minute
        for _ in range(limit_minutes):
            if self.open_at(math.floor(t / 60) * 60):
                span = boundary - t
                if need <= span:
                    return t + need
                need -= span
            t = boundary
            boundary += 60
        raise AssertionError("the oracle walked too far")

    def between(self, start: float, end: float) -> float:
        """Open seconds in [start, end), minute by minute."""
        total = 0.0
        t = start
        while t < end:
            boundary = min(math.floor(t / 60) * 60 + 60, end)
            if self.open_at(math.floor(t / 60) * 60):
                total += boundary - t
            t = boundary
        return total

    def next_open(self, start: float, limit_minutes: int = 400_000) -> float:
        t = start
        for _ in range(limit_minutes):
            if self.open_at(math.floor(t / 60) * 60):
                return t
            t = math.floor(t / 60) * 60 + 60
        raise AssertionError("the oracle walked too far")
