"""When a callback is for, as the agent types it: a date and a time on the centre's clock.

`parse_when(text, now)` reads `2026-12-03 10:30`, `12-03 10:30` (this year), `10:30`
(today), `明天 10:30` / `tomorrow 10:30`, `今天 15:00` / `today 15:00`, `后天 9:00`, with
a full-width colon too, and answers a date-time in the zone of `now` (the centre's), or a
`ValueError` whose words say what to type. Whether the centre is open then is the
server's check (its calendar), which names the day's opening hours when it refuses.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

EXAMPLES = "2026-12-03 10:30 · 明天 10:30 · tomorrow 10:30"
DAY_WORDS: dict[str, int] = {
    "today": 0,
    "今天": 0,
    "tomorrow": 1,
    "明天": 1,
    "后天": 2,
}
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$")


def parse_when(text: str, now: datetime) -> datetime:
    """The date-time `text` names, in `now`'s zone; it must be after `now`."""
    words = text.replace("：", ":").replace("／", "/").strip().lower().split()
    if not words:
        raise ValueError(f"When? A date and a time, e.g. {EXAMPLES}.")
    *day_words, clock = words
    moment = _clock(clock)
    day = _day(" ".join(day_words), now.date()) if day_words else now.date()
    when = datetime.combine(day, moment, tzinfo=now.tzinfo)
    if when <= now:
        raise ValueError(f"{when:%Y-%m-%d %H:%M} has passed: a time after now, e.g. {EXAMPLES}.")
    return when


def suggested(now: datetime) -> datetime:
    """What the dialog offers: an hour from now, on the next quarter hour."""
    ahead = now + timedelta(hours=1)
    minutes = -ahead.minute % 15
    return (ahead + timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def when_text(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M}"


def _clock(text: str) -> time:
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time of day: HH:MM, e.g. {EXAMPLES}.")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of day: HH:MM from 00:00 to 23:59.")
    return time(hour, minute)


def _day(text: str, today: date) -> date:
    offset = DAY_WORDS.get(text)
    if offset is not None:
        return today + timedelta(days=offset)
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date: YYYY-MM-DD, e.g. {EXAMPLES}.")
    year = int(match[1]) if match[1] else today.year
    try:
        return date(year, int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{text!r} is not a date on the calendar.") from None
