"""The centre's clock: sim time ↔ local time of day, half-hour intervals, dates and months.

Sim time 0 is the centre's `epoch` (CentreInfo.epoch, an ISO time with its UTC offset);
times of day in config files ("10:04") are on the epoch's day, so one before the epoch's
time of day is a negative sim time (a shift that began before the simulation opened).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

DAY_S = 86400.0
SLOT_S = 1800.0  # the half-hour interval of forecasts, staffing and service-level alerts
SLOTS_PER_DAY = 48

_HHMM = re.compile(r"^(\d{2}):(\d{2})$")


def parse_hhmm(text: str) -> float:
    """Seconds after midnight of "HH:MM" (00:00 to 24:00); ValueError otherwise."""
    match = _HHMM.match(text)
    if match is None:
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    return float(hours * 3600 + minutes * 60)


class CentreClock:
    """Converts between sim seconds and the centre's local clock."""

    def __init__(self, epoch: str) -> None:
        self.epoch = datetime.fromisoformat(epoch)
        self.day_offset_s = float(
            self.epoch.hour * 3600 + self.epoch.minute * 60 + self.epoch.second
        )

    def local_s(self, t: float) -> float:
        """Seconds after midnight of the epoch's day (beyond 86400 on later days)."""
        return self.day_offset_s + t

    def slot(self, t: float) -> int:
        """The half-hour of the day (0 = 00:00–00:30) that sim time `t` falls in."""
        return math.floor(self.local_s(t) / SLOT_S) % SLOTS_PER_DAY

    def interval_start(self, t: float) -> float:
        """Sim time at which the half-hour holding `t` began."""
        return math.floor(self.local_s(t) / SLOT_S) * SLOT_S - self.day_offset_s

    def sim_at(self, hhmm: str, day: int = 0) -> float:
        """Sim time of "HH:MM" on the epoch's day (+ `day` days)."""
        return parse_hhmm(hhmm) - self.day_offset_s + day * DAY_S

    def label(self, t: float) -> str:
        """ "HH:MM" of sim time `t` (local)."""
        minutes = math.floor(self.local_s(t) / 60.0) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def local_datetime(self, t: float) -> datetime:
        return self.epoch + timedelta(seconds=t)

    def date(self, t: float) -> str:
        return self.local_datetime(t).date().isoformat()

    def month(self, t: float) -> str:
        """ "YYYY-MM" of sim time `t` (local)."""
        return self.local_datetime(t).strftime("%Y-%m")
