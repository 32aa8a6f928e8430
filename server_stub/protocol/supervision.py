"""Supervision on the wire: alert, attendance and discipline events, thresholds, the ladder.

What the server's supervision core (`server_stub.supervision`) emits and what the
supervisor's workspace reads, defined once so that both sides agree:

- event types and their `data` shapes: `alert.raised` / `alert.cleared` /
  `alert.acknowledged` (SV4), `supervisor.violation_recorded` /
  `agent.violation_acknowledged` and `supervisor.attendance_noted` (SV5);
- `Thresholds`: the alert thresholds of a centre with its per-queue and per-team
  overrides, as loaded from `supervision.yaml` and as sent to a client;
- the time-in-state colour ladder: `Steps`, `StateLadder`, `state_severity`. The
  agents board colours a row with the same function the alerts use, so a red row
  and a critical alert always mean the same thing.

Nothing here imports from outside `server_stub.protocol` (the desk imports it).
"""

from __future__ import annotations

import itertools
import math
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# ---------------------------------------------------------------------------
# Event types (the `type` of an `Event`)

ALERT_RAISED = "alert.raised"  # also when an active alert escalates (previous_severity set)
ALERT_CLEARED = "alert.cleared"
ALERT_ACKNOWLEDGED = "alert.acknowledged"
VIOLATION_RECORDED = "supervisor.violation_recorded"
VIOLATION_ACKNOWLEDGED = "agent.violation_acknowledged"
ATTENDANCE_NOTED = "supervisor.attendance_noted"

# A threshold is reached when the measured time is at least the step, within this much:
# `since + step - since` is not always exactly `step` in floating point.
TOLERANCE_S = 1e-6


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


_RANK: dict[str, int] = {"info": 1, "warning": 2, "critical": 3}


def severity_rank(severity: Severity | None) -> int:
    """0 for none, then info < warning < critical."""
    return 0 if severity is None else _RANK[severity.value]


# ---------------------------------------------------------------------------
# The ladder: durations that raise a severity


class Steps(_Strict):
    """A ladder of durations (seconds). The severity is the highest step reached; a step
    is reached at exactly its value. No steps (`{}`) means never."""

    info_s: float | None = Field(default=None, ge=0)
    warning_s: float | None = Field(default=None, ge=0)
    critical_s: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ascending(self) -> Steps:
        given = [s for s in (self.info_s, self.warning_s, self.critical_s) if s is not None]
        if any(b <= a for a, b in itertools.pairwise(given)):
            raise ValueError("steps must rise: info_s < warning_s < critical_s")
        return self

    def _steps(self) -> list[tuple[float, Severity]]:
        pairs = (
            (self.info_s, Severity.INFO),
            (self.warning_s, Severity.WARNING),
            (self.critical_s, Severity.CRITICAL),
        )
        return [(at, severity) for at, severity in pairs if at is not None]

    def severity(self, seconds: float) -> Severity | None:
        reached: Severity | None = None
        for at, severity in self._steps():
            if seconds + TOLERANCE_S >= at:
                reached = severity
        return reached

    def threshold_of(self, severity: Severity) -> float | None:
        """The step at which `severity` begins (None if this ladder has no such step)."""
        return next((at for at, s in self._steps() if s is severity), None)

    def next_after(self, seconds: float) -> float | None:
        """The first step not yet reached at `seconds` (None if every step is reached)."""
        return next((at for at, _ in self._steps() if seconds + TOLERANCE_S < at), None)

    def shifted(self, by_s: float) -> Steps:
        """The same ladder, every step `by_s` later (wrap-up steps past a limit)."""
        return Steps(
            info_s=None if self.info_s is None else self.info_s + by_s,
            warning_s=None if self.warning_s is None else self.warning_s + by_s,
            critical_s=None if self.critical_s is None else self.critical_s + by_s,
        )


class StateLadder(_Strict):
    """The ladder of one agent in one context (its team, the queue of its call), resolved
    from `Thresholds.ladder_for`. `wrapup` is absolute time in wrap-up (limit included)."""

    not_ready: Steps
    not_ready_by_reason: dict[str, Steps] = Field(default_factory=dict)
    idle: Steps
    talk: Steps
    hold: Steps
    wrapup: Steps


def ladder_steps(state: str, reason: str | None, ladder: StateLadder) -> Steps | None:
    """The ladder that applies to an agent in `state` (with `reason` when not ready)."""
    if state == "not_ready":
        if reason is not None and reason in ladder.not_ready_by_reason:
            return ladder.not_ready_by_reason[reason]
        return ladder.not_ready
    if state == "ready":
        return ladder.idle
    if state == "busy":
        return ladder.talk
    if state == "wrap_up":
        return ladder.wrapup
    return None


def state_severity(
    state: str, reason: str | None, seconds: float, ladder: StateLadder
) -> Severity | None:
    """How worrying `seconds` in `state` is: None (fine), info, warning or critical.

    `seconds` is the time in the state, except for `busy`, where it is the time on the
    current call (holds and conferences included). Shared by the alerts and the board.
    """
    steps = ladder_steps(state, reason, ladder)
    return steps.severity(seconds) if steps is not None else None


# ---------------------------------------------------------------------------
# Thresholds: centre defaults, per-queue and per-team overrides


class AgentLadders(_Strict):
    """Time-in-state ladders that depend on the agent's team. None: inherit."""

    not_ready: Steps | None = None
    not_ready_by_reason: dict[str, Steps] = Field(default_factory=dict)
    idle: Steps | None = None


class CallLadders(_Strict):
    """Ladders that depend on the queue of the agent's call. None: inherit.
    `wrapup_over_limit` counts seconds past the queue's wrap-up limit."""

    talk: Steps | None = None
    hold: Steps | None = None
    wrapup_over_limit: Steps | None = None


class SurgeRule(_Strict):
    """Arrivals in the last `window_s` against the forecast for the same time."""

    enabled: bool = True
    factor: float = Field(default=1.5, gt=1)
    critical_factor: float | None = Field(default=2.0, gt=1)
    min_calls: int = Field(default=8, ge=1)
    window_s: float = Field(default=600, gt=0)

    @model_validator(mode="after")
    def _critical_above(self) -> SurgeRule:
        if self.critical_factor is not None and self.critical_factor <= self.factor:
            raise ValueError("critical_factor must be above factor")
        return self


class ServiceLevelRule(_Strict):
    """The interval's service level: `target` share within the queue's sl_target_s."""

    enabled: bool = True
    target: float = Field(default=0.8, gt=0, le=1)
    critical_below: float | None = Field(default=None, ge=0, lt=1)
    min_calls: int = Field(default=10, ge=1)
    clear_margin: float = Field(default=0.0, ge=0, lt=1)

    @model_validator(mode="after")
    def _critical_under_target(self) -> ServiceLevelRule:
        if self.critical_below is not None and self.critical_below >= self.target:
            raise ValueError("critical_below must be under target")
        return self


class ProjectionRule(_Strict):
    """When and how the interval's service level is projected (see docs/architecture.md,
    "Supervision (core)")."""

    enabled: bool = True
    every_s: float = Field(default=60, gt=0)
    min_calls: int = Field(default=10, ge=1)
    prior_calls: float = Field(default=10, ge=0)
    rate_window_s: float = Field(default=600, gt=0)
    horizon_s: float = Field(default=300, ge=0)
    clear_margin: float = Field(default=0.02, ge=0, lt=1)


class QueueRules(_Strict):
    """Queue alerts. None: inherit; a rule given replaces the inherited rule as a whole."""

    longest_wait: Steps | None = None
    surge: SurgeRule | None = None
    service_level: ServiceLevelRule | None = None
    projection: ProjectionRule | None = None


class ShareRule(_Strict):
    """Share of a team's logged-in agents that are not ready."""

    enabled: bool = True
    warning: float | None = Field(default=0.35, gt=0, le=1)
    critical: float | None = Field(default=0.5, gt=0, le=1)
    min_agents: int = Field(default=4, ge=1)
    ignore_reasons: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _critical_above(self) -> ShareRule:
        if self.warning is not None and self.critical is not None and self.critical <= self.warning:
            raise ValueError("critical must be above warning")
        return self


class TeamRules(_Strict):
    not_ready_share: ShareRule | None = None


class Cooldowns(_Strict):
    """After an alert clears, the same alert on the same subject waits this long."""

    agent_s: float = Field(default=300, ge=0)
    queue_s: float = Field(default=600, ge=0)
    team_s: float = Field(default=600, ge=0)


class QueueThresholds(_Strict):
    call: CallLadders = CallLadders()
    queue: QueueRules = QueueRules()


class TeamThresholds(_Strict):
    agent: AgentLadders = AgentLadders()
    team: TeamRules = TeamRules()


BUILTIN_AGENT = AgentLadders(
    not_ready=Steps(warning_s=600, critical_s=1200),
    idle=Steps(info_s=1200),
)
BUILTIN_CALL = CallLadders(
    talk=Steps(warning_s=900, critical_s=1800),
    hold=Steps(warning_s=120, critical_s=300),
    wrapup_over_limit=Steps(warning_s=0, critical_s=60),
)
BUILTIN_LONGEST_WAIT = Steps(warning_s=60, critical_s=120)
DEFAULT_WRAPUP_LIMIT_S = 60.0


class ResolvedQueueRules(_Strict):
    longest_wait: Steps
    surge: SurgeRule
    service_level: ServiceLevelRule
    projection: ProjectionRule


def _first(*values: Steps | None) -> Steps:
    for value in values:
        if value is not None:
            return value
    return Steps()


class Thresholds(_Strict):
    """Every alert threshold of a centre. The top-level sections are the centre's
    defaults (over built-in ones); `queues` and `teams` override them by id. A ladder or
    rule given replaces the inherited one as a whole; `not_ready_by_reason` merges by
    reason. `wrapup_limits_s` is filled from the centre file's queues, not written."""

    agent: AgentLadders = AgentLadders()
    call: CallLadders = CallLadders()
    queue: QueueRules = QueueRules()
    team: TeamRules = TeamRules()
    cooldown: Cooldowns = Cooldowns()
    queues: dict[str, QueueThresholds] = Field(default_factory=dict)
    teams: dict[str, TeamThresholds] = Field(default_factory=dict)
    wrapup_limits_s: dict[str, float] = Field(default_factory=dict)

    def ladder_for(self, team_id: str | None, queue_id: str | None) -> StateLadder:
        team = self.teams.get(team_id) if team_id is not None else None
        queue = self.queues.get(queue_id) if queue_id is not None else None
        team_agent = team.agent if team is not None else None
        queue_call = queue.call if queue is not None else None
        by_reason = dict(BUILTIN_AGENT.not_ready_by_reason)
        by_reason.update(self.agent.not_ready_by_reason)
        if team_agent is not None:
            by_reason.update(team_agent.not_ready_by_reason)
        limit = self.wrapup_limit_s(queue_id)
        over_limit = _first(
            queue_call.wrapup_over_limit if queue_call else None,
            self.call.wrapup_over_limit,
            BUILTIN_CALL.wrapup_over_limit,
        )
        return StateLadder(
            not_ready=_first(
                team_agent.not_ready if team_agent else None,
                self.agent.not_ready,
                BUILTIN_AGENT.not_ready,
            ),
            not_ready_by_reason=by_reason,
            idle=_first(
                team_agent.idle if team_agent else None, self.agent.idle, BUILTIN_AGENT.idle
            ),
            talk=_first(queue_call.talk if queue_call else None, self.call.talk, BUILTIN_CALL.talk),
            hold=_first(queue_call.hold if queue_call else None, self.call.hold, BUILTIN_CALL.hold),
            wrapup=over_limit.shifted(limit),
        )

    def wrapup_limit_s(self, queue_id: str | None) -> float:
        if queue_id is not None and queue_id in self.wrapup_limits_s:
            return self.wrapup_limits_s[queue_id]
        return DEFAULT_WRAPUP_LIMIT_S

    def queue_rules(self, queue_id: str) -> ResolvedQueueRules:
        own = self.queues.get(queue_id)
        rules = own.queue if own is not None else QueueRules()
        centre = self.queue
        return ResolvedQueueRules(
            longest_wait=_first(rules.longest_wait, centre.longest_wait, BUILTIN_LONGEST_WAIT),
            surge=rules.surge or centre.surge or SurgeRule(),
            service_level=rules.service_level or centre.service_level or ServiceLevelRule(),
            projection=rules.projection or centre.projection or ProjectionRule(),
        )

    def team_rule(self, team_id: str | None) -> ShareRule:
        own = self.teams.get(team_id) if team_id is not None else None
        rule = own.team.not_ready_share if own is not None else None
        return rule or self.team.not_ready_share or ShareRule()


# ---------------------------------------------------------------------------
# Alert events


class AlertKind(StrEnum):
    CALL_TOO_LONG = "call_too_long"
    HOLD_TOO_LONG = "hold_too_long"
    WRAPUP_OVER_LIMIT = "wrapup_over_limit"
    NOT_READY_TOO_LONG = "not_ready_too_long"
    IDLE_TOO_LONG = "idle_too_long"
    TEAM_NOT_READY_SHARE = "team_not_ready_share"
    LONGEST_WAIT = "longest_wait"
    QUEUE_SURGE = "queue_surge"
    SL_BREACHED = "sl_breached"
    SL_PROJECTED_BREACH = "sl_projected_breach"


class SubjectKind(StrEnum):
    AGENT = "agent"
    QUEUE = "queue"
    TEAM = "team"


class ClearReason(StrEnum):
    RESOLVED = "resolved"  # the condition ended
    INTERVAL_ENDED = "interval_ended"  # an interval alert at the half-hour boundary
    SUPERSEDED = "superseded"  # a projected breach that became a real one


AlertUnit = Literal["s", "ratio", "calls"]

ALERT_SUBJECT: dict[AlertKind, SubjectKind] = {
    AlertKind.CALL_TOO_LONG: SubjectKind.AGENT,
    AlertKind.HOLD_TOO_LONG: SubjectKind.AGENT,
    AlertKind.WRAPUP_OVER_LIMIT: SubjectKind.AGENT,
    AlertKind.NOT_READY_TOO_LONG: SubjectKind.AGENT,
    AlertKind.IDLE_TOO_LONG: SubjectKind.AGENT,
    AlertKind.TEAM_NOT_READY_SHARE: SubjectKind.TEAM,
    AlertKind.LONGEST_WAIT: SubjectKind.QUEUE,
    AlertKind.QUEUE_SURGE: SubjectKind.QUEUE,
    AlertKind.SL_BREACHED: SubjectKind.QUEUE,
    AlertKind.SL_PROJECTED_BREACH: SubjectKind.QUEUE,
}

ALERT_TITLES: dict[AlertKind, str] = {
    AlertKind.CALL_TOO_LONG: "通话过长 Call too long",
    AlertKind.HOLD_TOO_LONG: "保持过长 Hold too long",
    AlertKind.WRAPUP_OVER_LIMIT: "话后处理超时 Wrap-up over its limit",
    AlertKind.NOT_READY_TOO_LONG: "未就绪过长 Not ready too long",
    AlertKind.IDLE_TOO_LONG: "空闲过长 Idle too long",
    AlertKind.TEAM_NOT_READY_SHARE: "班组未就绪过多 Too many of the team not ready",
    AlertKind.LONGEST_WAIT: "最长等待超限 Longest wait over its limit",
    AlertKind.QUEUE_SURGE: "话务激增 Queue surge",
    AlertKind.SL_BREACHED: "服务水平未达标 Service level breached",
    AlertKind.SL_PROJECTED_BREACH: "服务水平预计未达标 Service level about to breach",
}


class AlertIds(_Strict):
    """What every alert event says of its alert: which, of what, and the ids a feed
    filters on (the agent's team, the queue)."""

    alert_id: str
    kind: AlertKind
    subject: SubjectKind
    subject_id: str
    agent_id: str | None = None
    queue_id: str | None = None
    team_id: str | None = None


class AlertRaised(AlertIds):
    """`alert.raised`: a new alert, or an active one that escalated (`previous_severity`).

    `value` and `threshold` are in `unit`: seconds for time in state and waits, a ratio
    for service levels and shares, calls for a surge. `since` is when the condition began
    (the state, the wait, the interval); `raised_at` when this alert first fired.
    """

    severity: Severity
    previous_severity: Severity | None = None
    raised_at: float
    since: float
    value: float
    threshold: float
    unit: AlertUnit
    detail: dict[str, float | int | str | None] = Field(default_factory=dict)
    text: str = ""


class AlertCleared(AlertIds):
    """`alert.cleared`: the condition ended (or the interval did)."""

    reason: ClearReason
    raised_at: float
    lasted_s: float


class AlertAcknowledged(AlertIds):
    """`alert.acknowledged`: a supervisor saw it (it stays until its condition ends)."""

    by: str
    note: str = ""


class AlertSnapshot(AlertRaised):
    """An active alert as a board lists it."""

    acknowledged_by: str | None = None
    acknowledged_at: float | None = None


def _clock(seconds: float) -> str:
    whole = int(seconds + TOLERANCE_S)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def alert_text(
    kind: AlertKind,
    subject_id: str,
    value: float,
    threshold: float,
    unit: AlertUnit,
    detail: dict[str, float | int | str | None] | None = None,
) -> str:
    """One line for a board or a log: bilingual title, subject, the figure and its limit."""
    if unit == "s":
        figure = f"{_clock(value)} ≥ {_clock(threshold)}"
    elif unit == "ratio":
        relation = "≥" if kind is AlertKind.TEAM_NOT_READY_SHARE else "<"
        # whole percents, rounded down: 79.6 % is not yet 80 %
        shown = math.floor(value * 100 + 1e-9)
        figure = f"{shown}% {relation} {math.floor(threshold * 100 + 1e-9)}%"
    else:
        figure = f"{value:.0f} ≥ {threshold:.1f}"
    extra = (detail or {}).get("reason_label") or (detail or {}).get("reason")
    suffix = f" ({extra})" if extra else ""  # the centre's words for a not-ready reason
    return f"{ALERT_TITLES[kind]} · {subject_id} · {figure}{suffix}"


# ---------------------------------------------------------------------------
# Attendance and discipline (SV5)

VIOLATION_POINTS: dict[int, int] = {1: 1, 2: 3, 3: 5}
NOTE_MAX_CHARS = 500


class ViolationRecorded(_Strict):
    """`supervisor.violation_recorded`: a level 1/2/3 violation (1/3/5 points)."""

    violation_id: str = Field(min_length=1, max_length=64)
    agent_id: str
    team_id: str | None = None
    level: Literal[1, 2, 3]
    points: int
    category: str
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)
    by: str

    @model_validator(mode="after")
    def _points_follow_level(self) -> ViolationRecorded:
        if self.points != VIOLATION_POINTS[self.level]:
            raise ValueError(
                f"a level {self.level} violation is worth {VIOLATION_POINTS[self.level]} points"
            )
        return self


class ViolationAcknowledged(_Strict):
    """`agent.violation_acknowledged`: the agent has seen the record."""

    violation_id: str
    agent_id: str
    comment: str = Field(default="", max_length=NOTE_MAX_CHARS)


class ViolationView(ViolationRecorded):
    """A violation as the agent and the supervisor list it."""

    recorded_at: float
    month: str  # YYYY-MM, local time of the centre
    acknowledged_at: float | None = None
    comment: str = ""


class AttendanceNoted(_Strict):
    """`supervisor.attendance_noted`: why an expected agent is not here."""

    agent_id: str
    team_id: str | None = None
    reason: str
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)
    by: str


class AttendanceStatus(StrEnum):
    UPCOMING = "upcoming"  # the shift has not started
    EXPECTED = "expected"  # started, within the grace, not logged in yet
    PRESENT = "present"  # logged in by the end of the grace
    LATE = "late"  # logged in after the grace
    ABSENT = "absent"  # not logged in, with a reason (roster or a supervisor's note)
    MISSING = "missing"  # not logged in after the grace, no reason known


class AttendanceRow(_Strict):
    agent_id: str
    name: str
    team_id: str
    shift: str | None
    expected_at: float  # sim time the shift starts (negative: before the opening)
    ends_at: float
    status: AttendanceStatus
    first_login_at: float | None = None
    late_by_s: float | None = None
    reason: str | None = None
    note: str = ""


class TeamAttendance(_Strict):
    """A team at a moment: counts over shifts that have started, and every row."""

    team_id: str
    expected: int
    present: int  # present + late
    absent: int  # absent + missing
    late: int
    missing: int
    rows: list[AttendanceRow]
