"""The supervision file (`supervision.yaml`): thresholds, roster, discipline, the day's events.

One file beside the centre file, versioned text like it. Sections:

- `thresholds`: `server_stub.protocol.supervision.Thresholds` (what the alerts and the
  agents board's ladder use; sent to clients as it is);
- `roster`: who is expected today beyond the centre's shifts, who is away and why, the
  grace for a late log-in, and the absence reasons;
- `violations`: the violation categories a supervisor picks from (SV5);
- `staffing`: shrinkage and occupancy cap for the staffing calculator;
- `day`: what happens today that the plan did not foresee, for the engine to apply:
  traffic surges (a factor on a queue's arrivals for a time window), agents who log in
  late, and agents who do not come. Times are "HH:MM" on the epoch's day.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server_stub.protocol.supervision import Thresholds

HHMM = r"^\d{2}:\d{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Code(_Strict):
    code: str = Field(min_length=1)
    label: str


class PlannedAbsence(_Strict):
    """An agent on today's roster who is known not to come (leave, sickness, training)."""

    agent: str
    reason: str
    note: str = ""


class ExtraShift(_Strict):
    """An agent expected today who has no shift in the centre file (a human's seat)."""

    agent: str
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)


class RosterConfig(_Strict):
    grace_min: float = Field(default=5, ge=0)
    absence_reasons: list[Code] = Field(default_factory=list)
    absences: list[PlannedAbsence] = Field(default_factory=list)
    extra: list[ExtraShift] = Field(default_factory=list)
    off: list[str] = Field(default_factory=list, description="on a day off: not expected")


class ViolationsConfig(_Strict):
    categories: list[Code] = Field(default_factory=list)


class StaffingConfig(_Strict):
    shrinkage: float = Field(default=0.0, ge=0, lt=1)
    max_occupancy: float | None = Field(default=None, gt=0, le=1)


class SurgeSpec(_Strict):
    queue: str
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    factor: float = Field(gt=0)
    note: str = ""


class LateLogin(_Strict):
    agent: str
    at: str = Field(pattern=HHMM)


class DayConfig(_Strict):
    surges: list[SurgeSpec] = Field(default_factory=list)
    late_logins: list[LateLogin] = Field(default_factory=list)
    no_shows: list[str] = Field(default_factory=list)


class SupervisionConfig(_Strict):
    supervision: Literal[1] = 1
    thresholds: Thresholds = Thresholds()
    roster: RosterConfig = RosterConfig()
    violations: ViolationsConfig = ViolationsConfig()
    staffing: StaffingConfig = StaffingConfig()
    day: DayConfig = DayConfig()
