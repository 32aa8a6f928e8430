"""The workflow file's schema: calendar, work queues, ticket types, deadlines, escalation.

`loader.py` reads `workflow.yaml` into these models (errors name file, line and field)
and adds the checks that span sections. The pure modules beside it read these models
and never change them. Durations are business minutes unless a name says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from server_stub.centre.schema import Distribution
from server_stub.protocol.tickets import ActorRole, TicketPriority

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _minute_of_day(hours: str, minutes: str, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(f"not a time of day in {text!r}")
    return h * 60 + m


def parse_time_range(value: object) -> object:
    """`"08:00-12:00"` → `(480, 720)`: minutes of the local day; `24:00` ends a day."""
    if not isinstance(value, str):
        return value  # a list pair or bad type: pydantic says what is wrong
    match = _RANGE.match(value)
    if match is None:
        raise ValueError(f"not a time range HH:MM-HH:MM: {value!r}")
    start = _minute_of_day(match[1], match[2], value)
    end = _minute_of_day(match[3], match[4], value)
    if end <= start:
        raise ValueError(f"a time range must end after it starts: {value!r}")
    return (start, end)


def parse_time_of_day(value: object) -> object:
    """`"12:00"` → `720`."""
    if not isinstance(value, str):
        return value
    match = _TIME.match(value)
    if match is None:
        raise ValueError(f"not a time of day HH:MM: {value!r}")
    return _minute_of_day(match[1], match[2], value)


TimeRange = Annotated[tuple[int, int], BeforeValidator(parse_time_range)]
TimeOfDay = Annotated[int, BeforeValidator(parse_time_of_day), Field(ge=0, le=MINUTES_PER_DAY)]


def check_day_hours(hours: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Intervals of one day in order and apart (a lunch break is the gap between two)."""
    for (_, end), (start, _) in pairwise(hours):
        if start < end:
            raise ValueError("the intervals of a day must be in order and must not overlap")
    return hours


DayHours = Annotated[tuple[TimeRange, ...], AfterValidator(check_day_hours)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Holiday(Strict):
    """A configured day off (on top of China's public holidays, or instead of them)."""

    date: dt.date
    label: str = ""


class HalfDay(Strict):
    """A day that closes early: the day's usual hours, cut at `until`."""

    date: dt.date
    until: TimeOfDay
    label: str = ""


class DatedHours(Strict):
    """An exception for one date: closed, a special opening, or different hours."""

    date: dt.date
    closed: bool = False
    hours: DayHours = ()
    label: str = ""

    @model_validator(mode="after")
    def _closed_or_hours(self) -> DatedHours:
        if self.closed == bool(self.hours):
            raise ValueError("an exception is either closed: true or has hours, not both")
        return self


class CalendarSpec(Strict):
    """A centre's business calendar. Weekdays missing from `week` are closed."""

    timezone: str = Field(description="an IANA zone, e.g. Asia/Shanghai")
    week: dict[Weekday, DayHours] = Field(default_factory=dict)
    china_public_holidays: bool = Field(
        default=False,
        description="close on China's public holidays and open on their make-up working days",
    )
    makeup_workday_hours: Weekday = Field(
        default="mon", description="whose hours a make-up working day (调休) keeps"
    )
    holidays: tuple[Holiday, ...] = ()
    half_days: tuple[HalfDay, ...] = ()
    exceptions: tuple[DatedHours, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)"
            ) from None
        return value


EscalationAction = Literal["remind", "alert", "notify_lead", "reassign", "raise_priority"]


class Rung(Strict):
    """One step of an escalation ladder: fires when the clock has used `at_percent` of its
    target plus `after_min` business minutes."""

    at_percent: float = Field(default=100, ge=0, le=1000)
    after_min: float = Field(default=0, ge=0)
    action: EscalationAction
    to: str | None = Field(default=None, description="the work queue, for reassign")
    label: str = ""

    @model_validator(mode="after")
    def _reassign_needs_target(self) -> Rung:
        if (self.action == "reassign") != (self.to is not None):
            raise ValueError("reassign needs `to` (a work queue); other actions take none")
        return self


class Ladder(Strict):
    """Escalation ladders per clock: the first response and the resolution."""

    first_response: tuple[Rung, ...] = ()
    resolution: tuple[Rung, ...] = ()


class Targets(Strict):
    first_response_min: float = Field(gt=0)
    resolution_min: float = Field(gt=0)


class Outcomes(Strict):
    """How a simulated worker's items end; the shares add up to 1. At a step before the
    route's last (a team leader's pre-processing), `resolve` forwards to the next step."""

    resolve: float = Field(ge=0, le=1)
    bounce: float = Field(default=0, ge=0, le=1)
    wait_third_party: float = Field(default=0, ge=0, le=1)


class SimulatedStaff(Strict):
    """Workers the engine simulates for a queue, deterministically for a seed: each takes
    the next item during business hours, works it for `work_time`, then ends it by
    `outcomes` (a third-party wait lasts `third_party_wait`, then it is resumed)."""

    workers: int = Field(ge=0)
    pickup_delay: Distribution | None = None  # from the item's arrival to a worker taking it
    work_time: Distribution
    outcomes: Outcomes
    third_party_wait: Distribution | None = None


QueueRole = Literal["department", "team_leader"]


class WorkQueueConfig(Strict):
    """A workflow step's queue (TK3): a department, or the team leaders' pre-processing."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    role: QueueRole = "department"
    staff: SimulatedStaff | None = None


class TicketTypeConfig(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    department: str = Field(description="the work queue that resolves it")
    via: tuple[str, ...] = Field(
        default=(), description="work queues it passes through first (a complaint: team leader)"
    )
    targets: dict[TicketPriority, Targets]
    escalation: Ladder | None = None  # None: the workflow's default ladder
    callback: bool = True  # a satisfaction callback (回访) after resolution
    notify_on_result: tuple[ActorRole, ...] = (ActorRole.AGENT,)


class ReopenPolicy(Strict):
    window_days: float = Field(default=7, gt=0, description="calendar days after resolution")
    escalate_at: int = Field(default=2, ge=1, description="the reopen that escalates")


class CallbackPolicy(Strict):
    within_min: float = Field(default=240, gt=0, description="business minutes after resolve")
    retries: int = Field(default=3, ge=0, description="K: unanswered attempts retried")
    retry_after_min: float = Field(default=60, gt=0, description="business minutes apart")


class WorkflowConfig(Strict):
    version: Literal[1]
    calendar: CalendarSpec
    queues: tuple[WorkQueueConfig, ...]
    types: tuple[TicketTypeConfig, ...]
    escalation: Ladder = Ladder()
    reopen: ReopenPolicy = ReopenPolicy()
    callback: CallbackPolicy = CallbackPolicy()

    def queue(self, queue_id: str) -> WorkQueueConfig | None:
        return next((q for q in self.queues if q.id == queue_id), None)

    def ticket_type(self, type_id: str) -> TicketTypeConfig | None:
        return next((t for t in self.types if t.id == type_id), None)
