"""Each agent's shift today (ST3), folded from the log on the engine's timeline (a companion).

`ShiftCompanion` sees every event and keeps, per agent that logged in today, the time in
each state (`protocol.agent_shift` defines them), the talk, hold and wrap-up of its handled
calls, its login and its surveys (IN8); `shift(agent_id, now)` answers
`GET /v1/agent/shift`. Calls handled, AHT and occupancy are the board's fold (`AgentDay`),
so the agent's own view and the supervisor's board cannot disagree: the talk, hold and
wrap-up split is closed exactly when `AgentDay` counts a call handled. It logs nothing;
memory is one entry per agent.
"""

from __future__ import annotations

import math
from typing import Any

from server_stub.protocol.agent_shift import (
    HELD,
    RINGING,
    SHIFT_STATES,
    TALKING,
    AgentShift,
    StateTime,
    SurveyTally,
)
from server_stub.protocol.events import EventType
from server_stub.protocol.supervision_board import AgentDay, day_start
from server_stub.supervision.clock import CentreClock

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
LogEntry = tuple[float, str, str | None, str | None, str | None, Any]

SHIFT = "agent_shift"  # the companion's name on the engine
_SURVEY_FIELD = {
    EventType.CALL_SURVEY_OFFERED.value: "offered",
    EventType.CALL_SURVEY_SCORED.value: "scored",
    EventType.CALL_SURVEY_ABANDONED.value: "hung_up",
}
_SPLIT = {TALKING: 0, HELD: 1, "wrap_up": 2}  # which part of a call a state's time is


def shift_state(state: str, leg: object) -> str:
    """The shift's name for an engine state (and, when busy, the agent's leg)."""
    if state == "busy":
        return HELD if leg == "held" else TALKING
    return RINGING if state == "reserved" else state


class _AgentShift:
    """One agent's day; mutable, updated at each of its state changes."""

    __slots__ = (
        "day",
        "handled",
        "login_at",
        "open",
        "reason",
        "since",
        "spells",
        "state",
        "surveys",
    )

    def __init__(self, day: AgentDay, state: str, reason: str | None) -> None:
        self.day = day
        self.state = state  # the shift's name (`shift_state`)
        self.reason = reason if state == "not_ready" else None
        self.since = day.since
        self.login_at: float | None = None
        self.spells: dict[tuple[str, str | None], float] = {}
        self.open = [0.0, 0.0, 0.0]  # talk, hold, wrap-up of the call not yet handled
        self.handled = [0.0, 0.0, 0.0]  # the same, of the calls handled
        self.surveys: dict[str, int] = dict.fromkeys(("offered", "scored", "hung_up", "sum"), 0)

    def change(self, at: float, engine_state: str, leg: object, reason: object) -> None:
        if self.state == "logged_out" and engine_state != "logged_out" and self.login_at is None:
            self.login_at = at
        self._close(at)
        before = self.day.handled
        self.day = self.day.changed(at, engine_state)
        if self.day.handled > before:  # the board counts the call handled: so do its parts
            self.handled = [h + o for h, o in zip(self.handled, self.open, strict=True)]
            self.open = [0.0, 0.0, 0.0]
        self.state = shift_state(engine_state, leg)
        self.reason = str(reason) if self.state == "not_ready" and reason is not None else None

    def _close(self, at: float) -> None:
        spell = max(0.0, at - self.since)
        key = (self.state, self.reason)
        if self.state != "logged_out":
            self.spells[key] = self.spells.get(key, 0.0) + spell
        part = _SPLIT.get(self.state)
        if part is not None:
            self.open[part] += spell
        self.since = at


class ShiftCompanion:
    """The companion: `observe` folds, `shift` answers; it has no time of its own."""

    def __init__(self, epoch: str) -> None:
        self.clock = CentreClock(epoch)
        self._day_start = day_start(0.0, self.clock.day_offset_s)
        self._agents: dict[str, _AgentShift] = {}

    def observe(self, entry: LogEntry) -> list[Emission]:
        at, event_type, _call_id, agent_id, _queue_id, data = entry
        if agent_id is None:
            return []
        self._roll(at)
        if event_type == EventType.AGENT_STATE_CHANGED and isinstance(data, dict):
            self._agent(agent_id).change(
                at, str(data.get("to")), data.get("leg"), data.get("reason")
            )
        elif event_type in _SURVEY_FIELD:
            surveys = self._agent(agent_id).surveys
            surveys[_SURVEY_FIELD[event_type]] += 1
            if isinstance(data, dict) and isinstance(data.get("score"), int):
                surveys["sum"] += data["score"]
        return []

    def due(self) -> float:
        return math.inf

    def advance(self, now: float) -> list[Emission]:
        return []

    def shift(self, agent_id: str, now: float, seq: int = 0) -> AgentShift:
        """The agent's figures at `now`: the spell under way counts up to `now`."""
        self._roll(now)
        agent = self._agent(agent_id)
        spells = dict(agent.spells)
        if agent.state != "logged_out":
            key = (agent.state, agent.reason)
            spells[key] = spells.get(key, 0.0) + max(0.0, now - agent.since)
        order = {state: i for i, state in enumerate(SHIFT_STATES)}
        states = [
            StateTime(state=state, reason=reason, seconds=seconds)
            for (state, reason), seconds in sorted(
                spells.items(), key=lambda item: order.get(item[0][0], len(order))
            )
        ]
        talk, hold, wrap = agent.handled
        surveys = agent.surveys
        return AgentShift(
            agent_id=agent_id,
            as_of=now,
            seq=seq,
            day_start=self._day_start,
            login_at=agent.login_at,
            logged_in_s=sum(spells.values()),
            states=states,
            calls_handled=agent.day.handled,
            talk_s=talk,
            hold_s=hold,
            wrapup_s=wrap,
            occupancy=agent.day.occupancy(now),
            surveys=SurveyTally(
                offered=surveys["offered"],
                scored=surveys["scored"],
                hung_up=surveys["hung_up"],
                score_sum=surveys["sum"],
            ),
        )

    def _agent(self, agent_id: str) -> _AgentShift:
        agent = self._agents.get(agent_id)
        if agent is None:
            day = AgentDay(agent_id=agent_id, since=self._day_start)
            agent = self._agents[agent_id] = _AgentShift(day, "logged_out", None)
        return agent

    def _roll(self, at: float) -> None:
        """After local midnight, every agent's day starts again in the state it is in."""
        today = day_start(at, self.clock.day_offset_s)
        if today == self._day_start:
            return
        self._day_start = today
        for agent_id, old in self._agents.items():
            fresh = _AgentShift(
                AgentDay(agent_id=agent_id, state=old.day.state, since=today),
                old.state,
                old.reason,
            )
            fresh.login_at = today if old.state != "logged_out" else None
            self._agents[agent_id] = fresh
