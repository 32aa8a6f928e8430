"""Alerts (SV4): a deterministic evaluator over the event log, with time made explicit.

`AlertEngine` folds events (`apply`), says when the next time-based threshold may trip
(`due`) and moves time on (`advance`); each returns the `AlertChange`s that happened, each
stamped with the sim time at which its condition was met (not the time of the call), so
the engine can run it on one timer at `due()`, and a replay of the same log gives the
same alerts whichever way time was chopped. Work due at an instant is done before the
events of that instant (`apply` first advances to the event's time).

Rules (thresholds from `Thresholds`; see docs/architecture.md "Supervision (core)"):

- agent: time in state on the team's ladder (not ready by reason, idle), and on the
  ladder of the call's queue (call, hold, wrap-up past the queue's limit). The reason
  `login` (the instant between logging in and going ready) is never counted;
- team: the share of its logged-in agents that are not ready;
- queue: the longest wait of a caller in the queue (not ringing); a surge (arrivals in
  the last `window_s` against the forecast); the service level of the half-hour so far
  (answered within T ÷ calls decided: answered, abandoned, overflowed or waiting past T)
  below target; and the half-hour's service level *projected* below target (every
  `every_s` from the interval start, by `projection.project_interval`).

Each alert (one per kind and subject) has a severity that only rises while it is
active (an escalation is a new `alert.raised` and drops the acknowledgement), clears
when its condition ends (interval alerts at the half-hour, a projected breach when the
real breach is raised), and is not raised again within the cooldown after it cleared.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from heapq import heappop, heappush
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.events import Event
from server_stub.protocol.supervision import (
    ALERT_ACKNOWLEDGED,
    ALERT_CLEARED,
    ALERT_RAISED,
    ALERT_SUBJECT,
    AlertAcknowledged,
    AlertCleared,
    AlertKind,
    AlertRaised,
    AlertSnapshot,
    AlertUnit,
    ClearReason,
    ResolvedQueueRules,
    ServiceLevelRule,
    Severity,
    StateLadder,
    Steps,
    SubjectKind,
    Thresholds,
    alert_text,
    ladder_steps,
    severity_rank,
)
from server_stub.supervision.clock import SLOT_S, CentreClock
from server_stub.supervision.directory import FloorDirectory, QueueFacts
from server_stub.supervision.entries import as_entry
from server_stub.supervision.projection import QueueNow, SlProjection, project_interval
from server_stub.supervision.workload import Forecast

_STAFFED = frozenset({"ready", "reserved", "busy", "wrap_up"})
_OCCUPIED = frozenset({"reserved", "busy", "wrap_up"})
_LOGIN_REASON = "login"
_RATIO_SLACK = 1e-9

# Kinds of work due, in the order they are done at the same instant.
_ROLL = 0
_PAST_TARGET = 1
_AGENT = 2
_QUEUE = 3
_TEAM = 4
_PROJECT = 5

_AGENT_KINDS = (
    AlertKind.NOT_READY_TOO_LONG,
    AlertKind.IDLE_TOO_LONG,
    AlertKind.CALL_TOO_LONG,
    AlertKind.HOLD_TOO_LONG,
    AlertKind.WRAPUP_OVER_LIMIT,
)

AlertKey = tuple[AlertKind, str]
Detail = dict[str, float | int | str | None]


class AlertError(Exception):
    """A command on alerts that cannot be done: `code` is stable (`no_such_alert`)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class AlertChange:
    """One alert event to append to the log: `type` is alert.raised / cleared /
    acknowledged, `data` its shape (`event_data()` is the log's `data` dict)."""

    type: str
    sim_time: float
    alert_id: str
    agent_id: str | None
    queue_id: str | None
    team_id: str | None
    data: AlertRaised | AlertCleared | AlertAcknowledged

    def event_data(self) -> dict[str, Any]:
        return self.data.model_dump(mode="json")


@dataclass(frozen=True)
class QueueLive:
    """A queue as the evaluator sees it now (for boards and tests)."""

    queue_id: str
    interval_start: float
    waiting: int  # in the queue, not ringing
    ringing: int
    longest_wait_s: float
    offered: int  # arrived this interval
    hits: int  # answered within T
    misses: int  # answered late, abandoned, overflowed, or waiting past T
    service_level: float | None  # hits ÷ (hits + misses)
    arrivals_in_window: int  # in the surge window
    expected_in_window: float
    projection: SlProjection | None


class _Agent:
    __slots__ = (
        "agent_id",
        "call_id",
        "call_queue",
        "call_since",
        "held_since",
        "queues",
        "reason",
        "since",
        "state",
        "team_id",
        "version",
    )

    def __init__(self, agent_id: str, team_id: str | None, queues: tuple[str, ...]) -> None:
        self.agent_id = agent_id
        self.team_id = team_id
        self.queues = queues
        self.state = "logged_out"
        self.reason: str | None = None
        self.since = 0.0
        self.call_since: float | None = None
        self.held_since: float | None = None
        self.call_queue: str | None = None
        self.call_id: str | None = None
        self.version = 0


class _Caller:
    __slots__ = ("counts", "decided", "priority", "queued_at", "ringing")

    def __init__(self, queued_at: float, priority: int) -> None:
        self.queued_at = queued_at
        self.priority = priority
        self.counts = True  # arrived in the current interval: its outcome counts for the SL
        self.decided = False  # already counted as a hit or a miss
        self.ringing = False


class _Arrivals:
    """Arrival times at a queue in a trailing window, oldest first."""

    __slots__ = ("head", "times")

    def __init__(self) -> None:
        self.times: list[float] = []
        self.head = 0

    def add(self, t: float) -> None:
        self.times.append(t)

    def forget_until(self, cutoff: float) -> None:
        """Drop arrivals at or before `cutoff`."""
        self.head = bisect_right(self.times, cutoff, lo=self.head)
        if self.head > 256 and self.head * 2 > len(self.times):
            del self.times[: self.head]
            self.head = 0

    def count_after(self, cutoff: float) -> int:
        return len(self.times) - bisect_right(self.times, cutoff, lo=self.head)

    def first_after(self, cutoff: float) -> float | None:
        index = bisect_right(self.times, cutoff, lo=self.head)
        return self.times[index] if index < len(self.times) else None


class _Queue:
    __slots__ = (
        "arrivals",
        "callers",
        "checks_due",
        "facts",
        "hits",
        "misses",
        "offered",
        "projection",
        "rules",
    )

    def __init__(self, facts: QueueFacts, rules: ResolvedQueueRules) -> None:
        self.facts = facts
        self.rules = rules
        self.callers: dict[str, _Caller] = {}
        self.arrivals = _Arrivals()
        self.hits = 0
        self.misses = 0
        self.offered = 0
        self.projection: SlProjection | None = None
        self.checks_due: set[tuple[float, str]] = set()  # (time, check) already due


class _Team:
    __slots__ = ("logged_in", "not_ready")

    def __init__(self) -> None:
        self.logged_in = 0
        self.not_ready = 0


class _Active:
    __slots__ = (
        "acknowledged_at",
        "acknowledged_by",
        "agent_id",
        "alert_id",
        "detail",
        "kind",
        "queue_id",
        "raised_at",
        "severity",
        "since",
        "subject_id",
        "team_id",
        "threshold",
        "unit",
        "value",
    )

    def __init__(
        self,
        alert_id: str,
        kind: AlertKind,
        subject_id: str,
        severity: Severity,
        raised_at: float,
        since: float,
        value: float,
        threshold: float,
        unit: AlertUnit,
        detail: Detail,
        ids: tuple[str | None, str | None, str | None],
    ) -> None:
        self.alert_id = alert_id
        self.kind = kind
        self.subject_id = subject_id
        self.severity = severity
        self.raised_at = raised_at
        self.since = since
        self.value = value
        self.threshold = threshold
        self.unit: AlertUnit = unit
        self.detail = detail
        self.agent_id, self.queue_id, self.team_id = ids
        self.acknowledged_by: str | None = None
        self.acknowledged_at: float | None = None

    def ids(self) -> dict[str, Any]:
        """The `AlertIds` fields of every event about this alert."""
        return {
            "alert_id": self.alert_id,
            "kind": self.kind,
            "subject": ALERT_SUBJECT[self.kind],
            "subject_id": self.subject_id,
            "agent_id": self.agent_id,
            "queue_id": self.queue_id,
            "team_id": self.team_id,
        }

    def raised(self, previous: Severity | None) -> AlertRaised:
        return AlertRaised(
            **self.ids(),
            severity=self.severity,
            previous_severity=previous,
            raised_at=self.raised_at,
            since=self.since,
            value=self.value,
            threshold=self.threshold,
            unit=self.unit,
            detail=dict(self.detail),
            text=alert_text(
                self.kind, self.subject_id, self.value, self.threshold, self.unit, self.detail
            ),
        )

    def snapshot(self) -> AlertSnapshot:
        return AlertSnapshot(
            **self.raised(None).model_dump(),
            acknowledged_by=self.acknowledged_by,
            acknowledged_at=self.acknowledged_at,
        )


class AlertEngine:
    """The alert evaluator of one centre. Feed it the log in order; see the module doc."""

    def __init__(
        self,
        directory: FloorDirectory,
        thresholds: Thresholds,
        forecast: Forecast,
        clock: CentreClock,
        *,
        start_s: float = 0.0,
    ) -> None:
        self.directory = directory
        self.thresholds = thresholds
        self.forecast = forecast
        self.clock = clock
        self.start_s = start_s
        self.now = start_s
        self._cooldown = {
            SubjectKind.AGENT: thresholds.cooldown.agent_s,
            SubjectKind.QUEUE: thresholds.cooldown.queue_s,
            SubjectKind.TEAM: thresholds.cooldown.team_s,
        }
        self._agents: dict[str, _Agent] = {}
        self._queue_agents: dict[str, list[_Agent]] = {qid: [] for qid in directory.queues}
        for facts in directory.agents.values():
            agent = _Agent(facts.agent_id, facts.team_id, facts.queues)
            self._agents[facts.agent_id] = agent
            for queue_id in facts.queues:
                self._queue_agents[queue_id].append(agent)
        self._queues = {
            qid: _Queue(facts, thresholds.queue_rules(qid))
            for qid, facts in directory.queues.items()
        }
        self._teams: dict[str, _Team] = {tid: _Team() for tid in directory.teams}
        self._queue_checks = {
            "wait": self._check_longest_wait,
            "level": self._check_service_level,
            "surge": self._check_surge,
        }
        self._ladders: dict[tuple[str | None, str | None], StateLadder] = {}
        self._active: dict[AlertKey, _Active] = {}
        self._by_id: dict[str, AlertKey] = {}
        self._cleared_at: dict[AlertKey, float] = {}
        self._alert_numbers = 0
        self._out: list[AlertChange] = []
        self._due: list[tuple[float, int, int, Any]] = []
        self._due_numbers = 0
        self._floor_cache: tuple[float, int, dict[str, tuple[int, int]]] | None = None
        self._events_seen = 0
        self._interval_start = clock.interval_start(start_s)
        self._push(self._interval_start + SLOT_S, _ROLL, None)
        # The first projection waits one step: at the start, no one has logged in yet.
        for queue_id, queue in self._queues.items():
            projection = queue.rules.projection
            if projection.enabled and start_s + projection.every_s < self._interval_start + SLOT_S:
                self._push(start_s + projection.every_s, _PROJECT, queue_id)

    @classmethod
    def for_centre(
        cls,
        config: CentreConfig,
        thresholds: Thresholds | None = None,
        forecast: Forecast | None = None,
        *,
        start_s: float = 0.0,
    ) -> AlertEngine:
        """An evaluator for a centre file; thresholds get the queues' wrap-up limits."""
        limits = {q.id: q.wrapup_limit_s for q in config.queues}
        base = thresholds if thresholds is not None else Thresholds()
        merged = base.model_copy(update={"wrapup_limits_s": {**limits, **base.wrapup_limits_s}})
        return cls(
            FloorDirectory.from_centre(config),
            merged,
            forecast if forecast is not None else Forecast.from_centre(config),
            CentreClock(config.centre.epoch),
            start_s=start_s,
        )

    # ------------------------------------------------------------------ the three calls

    def apply(self, event: Event) -> list[AlertChange]:
        return self.apply_entry(*as_entry(event))

    def apply_entry(
        self,
        sim_time: float,
        event_type: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        data: dict[str, Any],
    ) -> list[AlertChange]:
        """Fold one event (the engine's log tuple, unpacked). Alert events are ignored:
        acknowledgements come through `acknowledge`."""
        if sim_time < self.now:
            raise ValueError(f"event at {sim_time} is before now ({self.now})")
        self._run_due(sim_time)
        self.now = sim_time
        self._events_seen += 1
        if event_type == "agent.state_changed":
            if agent_id is not None:
                self._on_state(agent_id, call_id, queue_id, data)
        elif queue_id is not None and call_id is not None:
            queue = self._queues.get(queue_id)
            if queue is not None:
                self._on_call(queue, event_type, call_id, data)
        return self._take()

    def due(self) -> float | None:
        """The next sim time at which a time-based threshold may trip (None: nothing due)."""
        return self._due[0][0] if self._due else None

    def advance(self, now: float) -> list[AlertChange]:
        """Do everything due at or before `now`; then time is `now`."""
        if now < self.now:
            raise ValueError(f"time {now} is before now ({self.now})")
        self._run_due(now)
        self.now = now
        return self._take()

    def acknowledge(self, alert_id: str, by: str, now: float, note: str = "") -> list[AlertChange]:
        """A supervisor acknowledges an active alert at `now` (after what is due by then)."""
        self._run_due(max(now, self.now))
        self.now = max(now, self.now)
        key = self._by_id.get(alert_id)
        active = self._active.get(key) if key is not None else None
        if active is None:
            self._take()
            raise AlertError("no_such_alert", f"no active alert {alert_id!r}")
        active.acknowledged_by = by
        active.acknowledged_at = self.now
        self._emit(
            ALERT_ACKNOWLEDGED,
            active,
            AlertAcknowledged(**active.ids(), by=by, note=note),
        )
        return self._take()

    # ------------------------------------------------------------------ queries

    def active(self) -> list[AlertSnapshot]:
        """Active alerts, most severe first, then oldest first."""
        alerts = sorted(
            self._active.values(), key=lambda a: (-severity_rank(a.severity), a.raised_at)
        )
        return [a.snapshot() for a in alerts]

    def queue_live(self, queue_id: str) -> QueueLive:
        queue = self._queues[queue_id]
        waiting = [c for c in queue.callers.values() if not c.ringing]
        window = queue.rules.surge.window_s
        decided = queue.hits + queue.misses
        window_start = max(self.now - window, self.start_s)
        return QueueLive(
            queue_id=queue_id,
            interval_start=self._interval_start,
            waiting=len(waiting),
            ringing=len(queue.callers) - len(waiting),
            longest_wait_s=max((self.now - c.queued_at for c in waiting), default=0.0),
            offered=queue.offered,
            hits=queue.hits,
            misses=queue.misses,
            service_level=queue.hits / decided if decided else None,
            arrivals_in_window=queue.arrivals.count_after(self.now - window),
            expected_in_window=self.forecast.expected(queue_id, window_start, self.now),
            projection=queue.projection,
        )

    # ------------------------------------------------------------------ time

    def _push(self, when: float, kind: int, payload: Any) -> None:
        self._due_numbers += 1
        heappush(self._due, (when, kind, self._due_numbers, payload))

    def _run_due(self, until: float) -> None:
        due = self._due
        while due and due[0][0] <= until:
            when, kind, _, payload = heappop(due)
            self.now = max(self.now, when)
            if kind == _ROLL:
                self._on_roll()
            elif kind == _PAST_TARGET:
                self._on_past_target(payload[0], payload[1])
            elif kind == _AGENT:
                agent = self._agents[payload[0]]
                if agent.version == payload[1]:
                    self._check_agent(agent)
            elif kind == _QUEUE:
                queue_id, check = payload
                queue = self._queues[queue_id]
                queue.checks_due.discard((when, check))
                self._queue_checks[check](queue)
            elif kind == _TEAM:
                self._check_team(payload)
            else:
                self._project(self._queues[payload])

    def _take(self) -> list[AlertChange]:
        out = self._out
        self._out = []
        return out

    # ------------------------------------------------------------------ raising and clearing

    def _emit(
        self, event_type: str, active: _Active, data: AlertRaised | AlertCleared | AlertAcknowledged
    ) -> None:
        self._out.append(
            AlertChange(
                event_type,
                self.now,
                active.alert_id,
                active.agent_id,
                active.queue_id,
                active.team_id,
                data,
            )
        )

    def _want(
        self,
        key: AlertKey,
        severity: Severity,
        *,
        since: float,
        value: float,
        threshold: float,
        unit: AlertUnit,
        detail: Detail,
        ids: tuple[str | None, str | None, str | None],
        recheck: tuple[int, Any] | None,
    ) -> None:
        """The condition of `key` holds at `severity`: raise, escalate, or wait out the
        cooldown (then `recheck` is due when it ends; None: a regular check will come)."""
        active = self._active.get(key)
        if active is not None:
            if severity_rank(severity) > severity_rank(active.severity):
                previous = active.severity
                active.severity = severity
                active.value = value
                active.threshold = threshold
                active.detail = detail
                active.acknowledged_by = None
                active.acknowledged_at = None
                self._emit(ALERT_RAISED, active, active.raised(previous))
            return
        cleared = self._cleared_at.get(key)
        if cleared is not None:
            ready_at = cleared + self._cooldown[ALERT_SUBJECT[key[0]]]
            if self.now < ready_at:
                if recheck is not None and recheck[0] == _QUEUE:
                    queue_id, check = recheck[1]
                    self._queue_check_at(self._queues[queue_id], ready_at, check)
                elif recheck is not None:
                    self._push(ready_at, recheck[0], recheck[1])
                return
        self._alert_numbers += 1
        active = _Active(
            f"al{self._alert_numbers}",
            key[0],
            key[1],
            severity,
            self.now,
            since,
            value,
            threshold,
            unit,
            detail,
            ids,
        )
        self._active[key] = active
        self._by_id[active.alert_id] = key
        self._emit(ALERT_RAISED, active, active.raised(None))

    def _clear(self, key: AlertKey, reason: ClearReason) -> None:
        active = self._active.pop(key, None)
        if active is None:
            return
        del self._by_id[active.alert_id]
        self._cleared_at[key] = self.now
        self._emit(
            ALERT_CLEARED,
            active,
            AlertCleared(
                **active.ids(),
                reason=reason,
                raised_at=active.raised_at,
                lasted_s=self.now - active.raised_at,
            ),
        )

    # ------------------------------------------------------------------ agents and teams

    def _ladder(self, team_id: str | None, queue_id: str | None) -> StateLadder:
        key = (team_id, queue_id)
        ladder = self._ladders.get(key)
        if ladder is None:
            ladder = self._ladders[key] = self.thresholds.ladder_for(team_id, queue_id)
        return ladder

    def _counts_as_not_ready(self, agent: _Agent) -> bool:
        if agent.state != "not_ready" or agent.reason == _LOGIN_REASON:
            return False
        rule = self.thresholds.team_rule(agent.team_id)
        return agent.reason not in rule.ignore_reasons

    def _on_state(
        self, agent_id: str, call_id: str | None, queue_id: str | None, data: dict[str, Any]
    ) -> None:
        agent = self._agents.get(agent_id)
        if agent is None:  # not in the centre file: centre-wide ladders, no team
            agent = self._agents[agent_id] = _Agent(agent_id, None, ())
        team = self._teams.get(agent.team_id) if agent.team_id is not None else None
        if team is not None:
            team.logged_in -= agent.state != "logged_out"
            team.not_ready -= self._counts_as_not_ready(agent)
        new_state = str(data.get("to"))
        reason = data.get("reason")
        if new_state != agent.state or (new_state == "not_ready" and reason != agent.reason):
            agent.since = self.now
        if new_state == "busy":
            if agent.state != "busy":
                agent.call_since = self.now
            if data.get("leg") == "held":
                if agent.held_since is None:
                    agent.held_since = self.now
            else:
                agent.held_since = None
        else:
            agent.call_since = None
            agent.held_since = None
        if new_state in _OCCUPIED:
            if queue_id is not None or agent.state not in _OCCUPIED:
                agent.call_queue = queue_id
            if call_id is not None or agent.state not in _OCCUPIED:
                agent.call_id = call_id
        else:
            agent.call_queue = None
            agent.call_id = None
        agent.state = new_state
        agent.reason = reason if isinstance(reason, str) else None
        agent.version += 1
        if team is not None:
            team.logged_in += agent.state != "logged_out"
            team.not_ready += self._counts_as_not_ready(agent)
        self._check_agent(agent)
        if agent.team_id is not None and team is not None:
            self._check_team(agent.team_id)

    def _agent_conditions(self, agent: _Agent) -> dict[AlertKind, tuple[float, Steps]]:
        """Each agent alert that applies in the agent's state: (since when, ladder)."""
        ladder = self._ladder(agent.team_id, agent.call_queue)
        state = agent.state
        found: dict[AlertKind, tuple[float, Steps]] = {}
        if state == "not_ready":
            if agent.reason != _LOGIN_REASON:
                found[AlertKind.NOT_READY_TOO_LONG] = (
                    agent.since,
                    ladder_steps(state, agent.reason, ladder) or Steps(),
                )
        elif state == "ready":
            found[AlertKind.IDLE_TOO_LONG] = (agent.since, ladder.idle)
        elif state == "busy":
            if agent.call_since is not None:
                found[AlertKind.CALL_TOO_LONG] = (agent.call_since, ladder.talk)
            if agent.held_since is not None:
                found[AlertKind.HOLD_TOO_LONG] = (agent.held_since, ladder.hold)
        elif state == "wrap_up":
            found[AlertKind.WRAPUP_OVER_LIMIT] = (agent.since, ladder.wrapup)
        return found

    def _check_agent(self, agent: _Agent) -> None:
        conditions = self._agent_conditions(agent)
        ids = (agent.agent_id, agent.call_queue, agent.team_id)
        for kind in _AGENT_KINDS:
            key = (kind, agent.agent_id)
            condition = conditions.get(kind)
            active = self._active.get(key)
            if condition is None:
                if active is not None:
                    self._clear(key, ClearReason.RESOLVED)
                continue
            since, steps = condition
            if active is not None and active.since != since:
                self._clear(key, ClearReason.RESOLVED)  # a new spell of the state
            elapsed = self.now - since
            severity = steps.severity(elapsed)
            if severity is not None:
                detail: Detail = {"state": agent.state}
                if kind is AlertKind.NOT_READY_TOO_LONG:
                    detail["reason"] = agent.reason
                    detail["reason_label"] = self.directory.reason_label(agent.reason)
                if agent.call_id is not None:
                    detail["call_id"] = agent.call_id
                self._want(
                    key,
                    severity,
                    since=since,
                    value=elapsed,
                    threshold=steps.threshold_of(severity) or 0.0,
                    unit="s",
                    detail=detail,
                    ids=ids,
                    recheck=(_AGENT, (agent.agent_id, agent.version)),
                )
            step = steps.next_after(elapsed)
            if step is not None:
                self._push(since + step, _AGENT, (agent.agent_id, agent.version))

    def _check_team(self, team_id: str) -> None:
        team = self._teams.get(team_id)
        if team is None:
            return
        rule = self.thresholds.team_rule(team_id)
        key = (AlertKind.TEAM_NOT_READY_SHARE, team_id)
        share = team.not_ready / team.logged_in if team.logged_in else 0.0
        severity: Severity | None = None
        if rule.enabled and team.logged_in >= rule.min_agents:
            if rule.critical is not None and share + _RATIO_SLACK >= rule.critical:
                severity = Severity.CRITICAL
            elif rule.warning is not None and share + _RATIO_SLACK >= rule.warning:
                severity = Severity.WARNING
        if severity is None:
            self._clear(key, ClearReason.RESOLVED)
            return
        self._want(
            key,
            severity,
            since=self.now,
            value=share,
            threshold=rule.warning if rule.warning is not None else rule.critical or 0.0,
            unit="ratio",
            detail={"not_ready": team.not_ready, "logged_in": team.logged_in},
            ids=(None, None, team_id),
            recheck=(_TEAM, team_id),
        )

    # ------------------------------------------------------------------ calls and queues

    def _arrive(self, queue: _Queue, call_id: str, priority: int) -> _Caller:
        caller = _Caller(self.now, priority)
        queue.callers[call_id] = caller
        queue.offered += 1
        queue.arrivals.add(self.now)
        crossing = math.nextafter(self.now + queue.facts.sl_target_s, math.inf)
        self._push(crossing, _PAST_TARGET, (queue.facts.queue_id, call_id))
        return caller

    def _decide(self, queue: _Queue, caller: _Caller, hit: bool) -> None:
        if caller.counts and not caller.decided:
            caller.decided = True
            if hit:
                queue.hits += 1
            else:
                queue.misses += 1

    def _on_call(self, queue: _Queue, event_type: str, call_id: str, data: dict[str, Any]) -> None:
        callers = queue.callers
        if event_type == "call.queued":
            if call_id in callers:
                return
            priority = data.get("priority", 0)
            self._arrive(queue, call_id, priority if isinstance(priority, int) else 0)
        elif event_type == "call.offered":
            caller = callers.get(call_id)
            if caller is None:
                return
            caller.ringing = True
        elif event_type == "call.offer_timeout":
            caller = callers.get(call_id)
            if caller is None:
                return
            caller.ringing = False
        elif event_type == "call.answered":
            caller = callers.pop(call_id, None)
            if caller is None:
                return  # outbound, or a consult: no queue offer
            self._decide(queue, caller, self.now - caller.queued_at <= queue.facts.sl_target_s)
        elif event_type in ("call.abandoned", "call.ended"):
            caller = callers.pop(call_id, None)
            if caller is None:
                return
            self._decide(queue, caller, False)
        elif event_type == "call.overflowed":
            caller = callers.pop(call_id, None)
            if caller is None:  # the queue was full on arrival: offered and overflowed at once
                caller = self._arrive(queue, call_id, 0)
                del callers[call_id]
            self._decide(queue, caller, False)
        else:
            return
        self._check_queue(queue)

    def _on_past_target(self, queue_id: str, call_id: str) -> None:
        queue = self._queues[queue_id]
        caller = queue.callers.get(call_id)
        if caller is None or not caller.counts or caller.decided:
            return
        if self.now - caller.queued_at <= queue.facts.sl_target_s:
            self._push(math.nextafter(self.now, math.inf), _PAST_TARGET, (queue_id, call_id))
            return
        self._decide(queue, caller, False)
        self._check_service_level(queue)

    def _check_queue(self, queue: _Queue) -> None:
        self._check_longest_wait(queue)
        self._check_service_level(queue)
        self._check_surge(queue)

    def _check_longest_wait(self, queue: _Queue) -> None:
        queue_id = queue.facts.queue_id
        key = (AlertKind.LONGEST_WAIT, queue_id)
        oldest = min((c.queued_at for c in queue.callers.values() if not c.ringing), default=None)
        steps = queue.rules.longest_wait
        if oldest is None:
            self._clear(key, ClearReason.RESOLVED)
            return
        elapsed = self.now - oldest
        severity = steps.severity(elapsed)
        if severity is None:
            self._clear(key, ClearReason.RESOLVED)
        else:
            self._want(
                key,
                severity,
                since=oldest,
                value=elapsed,
                threshold=steps.threshold_of(severity) or 0.0,
                unit="s",
                detail={"waiting": sum(1 for c in queue.callers.values() if not c.ringing)},
                ids=(None, queue_id, None),
                recheck=(_QUEUE, (queue_id, "wait")),
            )
        step = steps.next_after(elapsed)
        if step is not None:
            self._queue_check_at(queue, oldest + step, "wait")

    def _check_service_level(self, queue: _Queue) -> None:
        queue_id = queue.facts.queue_id
        key = (AlertKind.SL_BREACHED, queue_id)
        rule = queue.rules.service_level
        decided = queue.hits + queue.misses
        if not rule.enabled or decided < rule.min_calls:
            self._clear(key, ClearReason.RESOLVED)
            return
        self._against_target(
            key,
            queue.hits / decided,
            rule,
            rule.clear_margin,
            {"hits": queue.hits, "decided": decided, "target_s": queue.facts.sl_target_s},
            (_QUEUE, (queue_id, "level")),
        )
        if key in self._active:
            self._clear((AlertKind.SL_PROJECTED_BREACH, queue_id), ClearReason.SUPERSEDED)

    def _check_surge(self, queue: _Queue) -> None:
        queue_id = queue.facts.queue_id
        key = (AlertKind.QUEUE_SURGE, queue_id)
        rule = queue.rules.surge
        window = rule.window_s
        keep = max(window, queue.rules.projection.rate_window_s)
        queue.arrivals.forget_until(self.now - keep)
        count = queue.arrivals.count_after(self.now - window)
        expected = self.forecast.expected(queue_id, max(self.now - window, self.start_s), self.now)
        limit = rule.factor * expected
        # a count against a forecast integral: a hair of float noise must not decide it
        if not rule.enabled or count < rule.min_calls or count + _RATIO_SLACK < limit:
            self._clear(key, ClearReason.RESOLVED)
            return
        critical = (
            rule.critical_factor is not None
            and count + _RATIO_SLACK >= rule.critical_factor * expected
        )
        self._want(
            key,
            Severity.CRITICAL if critical else Severity.WARNING,
            since=self.now,
            value=float(count),
            threshold=max(limit, float(rule.min_calls)),
            unit="calls",
            detail={"expected": round(expected, 2), "window_s": window, "factor": rule.factor},
            ids=(None, queue_id, None),
            recheck=(_QUEUE, (queue_id, "surge")),
        )
        # While it holds, look again when the oldest arrival has left the window: just
        # after oldest + window, so that an arrival at that very instant is counted.
        oldest = queue.arrivals.first_after(self.now - window)
        if oldest is not None:
            self._queue_check_at(queue, math.nextafter(oldest + window, math.inf), "surge")

    def _queue_check_at(self, queue: _Queue, when: float, check: str) -> None:
        """One of the queue's checks ("wait", "level", "surge") is due at `when`: only
        that one runs then, so a stale step of one never sees another mid-instant."""
        # Strictly later than now, so that a check never comes back at the same instant.
        when = max(when, math.nextafter(self.now, math.inf))
        if (when, check) not in queue.checks_due:
            queue.checks_due.add((when, check))
            self._push(when, _QUEUE, (queue.facts.queue_id, check))

    # ------------------------------------------------------------------ intervals and projection

    def _on_roll(self) -> None:
        self._interval_start = self.clock.interval_start(self.now)
        for queue_id, queue in self._queues.items():
            self._clear((AlertKind.SL_BREACHED, queue_id), ClearReason.INTERVAL_ENDED)
            self._clear((AlertKind.SL_PROJECTED_BREACH, queue_id), ClearReason.INTERVAL_ENDED)
            queue.hits = queue.misses = queue.offered = 0
            queue.projection = None
            for caller in queue.callers.values():
                caller.counts = False
            if queue.rules.projection.enabled:
                self._push(self.now, _PROJECT, queue_id)
        self._push(self._interval_start + SLOT_S, _ROLL, None)

    def _floor(self) -> dict[str, tuple[int, int]]:
        """Queue id → (agents on it after the load of higher-priority queues that share
        them, of which occupied); computed once per instant."""
        cache = self._floor_cache
        if cache is not None and cache[0] == self.now and cache[1] == self._events_seen:
            return cache[2]
        staffed: dict[str, int] = dict.fromkeys(self._queues, 0)
        occupied: dict[str, int] = dict.fromkeys(self._queues, 0)
        shared: dict[tuple[str, str], int] = {}
        for queue_id, serving in self._queue_agents.items():
            for agent in serving:
                if agent.state not in _STAFFED:
                    continue
                staffed[queue_id] += 1
                occupied[queue_id] += agent.state in _OCCUPIED
                for also in agent.queues:
                    if also != queue_id:
                        shared[(queue_id, also)] = shared.get((queue_id, also), 0) + 1
        rates = {qid: self._arrival_rate(queue) for qid, queue in self._queues.items()}
        floor: dict[str, tuple[int, int]] = {}
        for queue_id, queue in self._queues.items():
            taken = 0.0
            for other_id, other in self._queues.items():
                both = shared.get((queue_id, other_id), 0)
                if not both or other.facts.priority <= queue.facts.priority:
                    continue
                load = rates[other_id] * other.facts.aht_s
                taken += min(float(both), load * both / staffed[other_id])
            agents = max(0, math.floor(staffed[queue_id] - taken + 0.5))
            busy = max(0, min(agents, math.floor(occupied[queue_id] - taken + 0.5)))
            floor[queue_id] = (agents, busy)
        self._floor_cache = (self.now, self._events_seen, floor)
        return floor

    def _arrival_rate(self, queue: _Queue) -> float:
        """Calls per second expected for the rest of the interval: the forecast scaled by
        what came in the last `rate_window_s` against what was forecast for it, with the
        forecast worth `prior_calls` calls (a Gamma–Poisson mean)."""
        rule = queue.rules.projection
        queue_id = queue.facts.queue_id
        window_start = max(self.now - rule.rate_window_s, self.start_s)
        came = queue.arrivals.count_after(self.now - rule.rate_window_s)
        expected = self.forecast.expected(queue_id, window_start, self.now)
        rate = self.forecast.rate(queue_id, self.now)
        if rate > 0:
            weight = rule.prior_calls + expected
            return rate * ((rule.prior_calls + came) / weight if weight > 0 else 1.0)
        elapsed = self.now - window_start
        return came / elapsed if elapsed > 0 else 0.0

    def _project(self, queue: _Queue) -> None:
        rule = queue.rules.projection
        queue_id = queue.facts.queue_id
        interval_end = self._interval_start + SLOT_S
        if self.now + rule.every_s < interval_end:
            self._push(self.now + rule.every_s, _PROJECT, queue_id)
        agents, busy = self._floor()[queue_id]
        in_line = sorted(
            (c for c in queue.callers.values() if not c.ringing),
            key=lambda c: (-c.priority, c.queued_at),
        )
        facts = queue.facts
        projection = project_interval(
            QueueNow(
                now=self.now,
                interval_end=interval_end,
                target_s=facts.sl_target_s,
                hits=queue.hits,
                misses=queue.misses,
                waiting=[(self.now - c.queued_at, c.counts and not c.decided) for c in in_line],
                ringing_undecided=sum(
                    1 for c in queue.callers.values() if c.ringing and c.counts and not c.decided
                ),
                agents=agents,
                busy=busy,
                arrival_rate=self._arrival_rate(queue),
                aht_s=facts.aht_s,
                patience_s=facts.patience_s,
                capacity=facts.capacity,
                horizon_s=rule.horizon_s,
            )
        )
        queue.projection = projection
        key = (AlertKind.SL_PROJECTED_BREACH, queue_id)
        if (AlertKind.SL_BREACHED, queue_id) in self._active:
            return
        level = projection.service_level
        if level is None or projection.expected_offered < rule.min_calls:
            self._clear(key, ClearReason.RESOLVED)
            return
        detail: Detail = {
            "expected_offered": round(projection.expected_offered, 1),
            "agents": agents,
            "arrivals_per_hour": round(projection.arrival_rate * 3600.0, 1),
            "interval_end": interval_end,
        }
        # no recheck after a cooldown: the next projection looks again
        self._against_target(key, level, queue.rules.service_level, rule.clear_margin, detail, None)

    def _against_target(
        self,
        key: AlertKey,
        level: float,
        rule: ServiceLevelRule,
        clear_margin: float,
        detail: Detail,
        recheck: tuple[int, Any] | None,
    ) -> None:
        """An interval's service level, measured or projected, against the queue's target:
        a warning below it, critical under `critical_below`, cleared at target + margin."""
        if level >= rule.target:
            if level >= rule.target + clear_margin:
                self._clear(key, ClearReason.RESOLVED)
            return
        critical = rule.critical_below is not None and level < rule.critical_below
        self._want(
            key,
            Severity.CRITICAL if critical else Severity.WARNING,
            since=self._interval_start,
            value=level,
            threshold=rule.target,
            unit="ratio",
            detail=detail,
            ids=(None, key[1], None),
            recheck=recheck,
        )
