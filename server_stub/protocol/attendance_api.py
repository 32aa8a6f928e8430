"""Attendance and discipline (SV5) on the REST API: requests and the views answered.

The events and the rows are `server_stub.protocol.supervision`'s (`ViolationRecorded`,
`ViolationView`, `TeamAttendance`…); these are the routes' bodies around them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server_stub.protocol.supervision import (
    NOTE_MAX_CHARS,
    AttendanceRow,
    TeamAttendance,
    ViolationView,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeLabel(_Strict):
    code: str
    label: str


class ViolationRequest(_Strict):
    """A supervisor records a violation: level 1, 2 or 3 (1, 3 or 5 points) and a note."""

    agent_id: str
    level: Literal[1, 2, 3]
    category: str
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)


class ViolationAckRequest(_Strict):
    comment: str = Field(default="", max_length=NOTE_MAX_CHARS)


class ViolationsView(_Strict):
    """The violations a reader may see (a supervisor's teams', an agent's own), newest
    last, and the points per agent in `month` ("YYYY-MM", the centre's local time)."""

    as_of: float
    month: str
    violations: list[ViolationView]
    points: dict[str, int]
    categories: list[CodeLabel] = Field(default_factory=list)


class AttendanceView(_Strict):
    """Attendance per team at `as_of` (the reader's teams; the floor manager's all), the
    late log-ins so far, and the violation points of `month`."""

    as_of: float
    month: str
    teams: list[TeamAttendance]
    late: list[AttendanceRow]
    points: dict[str, int]
    absence_reasons: list[CodeLabel] = Field(default_factory=list)
    violation_categories: list[CodeLabel] = Field(default_factory=list)
