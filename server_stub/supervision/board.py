"""The queues board's figures, folded from the log on the engine's timeline (a companion).

`QueueBoardCompanion` sees every event (`observe`) and, every `every_s` of sim time (the
centre's `stats_interval_s`), logs one `supervision.queue_board` event per queue with its
figures (`protocol.supervision_board.QueueBoardFigures`). The figures are in the log, so
every supervisor's board, a replay and a report read the same numbers, and the client
draws them as they come without computing any of its own. Definitions are the protocol
module's; the Erlang figures are the staffing calculator's (`staffing.required_agents`)
for the half-hour's forecast, beside the agents the queue has now.
"""

from __future__ import annotations

import math
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.supervision import Thresholds
from server_stub.protocol.supervision_board import (
    QUEUE_BOARD,
    AgentCounts,
    AgentDay,
    CallCounts,
    QueueBoardFigures,
    day_start,
)
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.directory import FloorDirectory
from server_stub.supervision.staffing import required_agents
from server_stub.supervision.workload import Forecast

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
LogEntry = tuple[float, str, str | None, str | None, str | None, Any]

_STATE_FIELD = {
    "ready": "ready",
    "reserved": "ringing",
    "busy": "busy",
    "wrap_up": "wrap_up",
    "not_ready": "not_ready",
}


class _Window:
    """Running counts of one queue over one window (mutable; frozen into `CallCounts`)."""

    __slots__ = ("abandoned", "answer_wait_s", "answered", "offered", "overflowed", "within")

    def __init__(self) -> None:
        self.offered = self.answered = self.within = self.abandoned = self.overflowed = 0
        self.answer_wait_s = 0.0

    def counts(self) -> CallCounts:
        return CallCounts(
            offered=self.offered,
            answered=self.answered,
            answered_within_target=self.within,
            abandoned=self.abandoned,
            overflowed=self.overflowed,
            answer_wait_s=self.answer_wait_s,
        )


class _QueueFold:
    __slots__ = ("callers", "interval", "name", "ringing", "target_s", "today")

    def __init__(self, name: str, target_s: float) -> None:
        self.name = name
        self.target_s = target_s
        self.callers: dict[str, float] = {}  # call id → when it joined, in queue order
        self.ringing: set[str] = set()
        self.interval = _Window()
        self.today = _Window()


class QueueBoardCompanion:
    """Folds queue outcomes and agents' states; logs every queue's figures every `every_s`."""

    def __init__(
        self,
        config: CentreConfig,
        thresholds: Thresholds,
        forecast: Forecast | None = None,
        *,
        every_s: float | None = None,
    ) -> None:
        self.every_s = float(every_s if every_s is not None else config.centre.stats_interval_s)
        self.clock = CentreClock(config.centre.epoch)
        self.directory = FloorDirectory.from_centre(config)
        self.forecast = forecast if forecast is not None else Forecast.from_centre(config)
        self.thresholds = thresholds
        self._queues = {q.id: _QueueFold(q.name, q.sl_target_s) for q in config.queues}
        self._agent_state: dict[str, str] = {}
        self.agent_days: dict[str, AgentDay] = {}  # today's, per agent that has logged in
        self._now = 0.0
        self._next = self.every_s
        self._interval_start = self.clock.interval_start(0.0)
        self._day_start = day_start(0.0, self.clock.day_offset_s)
        self._required: dict[tuple[str, float], tuple[float, int | None, int | None]] = {}

    # ------------------------------------------------------------------ companion

    def observe(self, entry: LogEntry) -> list[Emission]:
        at, event_type, call_id, agent_id, queue_id, data = entry
        self._roll(at)
        if event_type == "agent.state_changed":
            if agent_id is not None and isinstance(data, dict):
                to = str(data.get("to"))
                self._agent_state[agent_id] = to
                day = self.agent_days.get(agent_id) or AgentDay(
                    agent_id=agent_id, since=self._day_start
                )
                self.agent_days[agent_id] = day.changed(at, to)
            return []
        if call_id is None or queue_id is None:
            return []
        queue = self._queues.get(queue_id)
        if queue is not None and event_type.startswith("call."):
            self._on_call(queue, at, event_type, call_id, data)
        return []

    def due(self) -> float:
        return self._next

    def advance(self, now: float) -> list[Emission]:
        if now < self._next:
            return []
        self._roll(now)
        # The next board is on the grid, however late this one was woken.
        self._next = (math.floor(now / self.every_s) + 1) * self.every_s
        return [
            (QUEUE_BOARD, None, None, figures.queue_id, figures.model_dump(mode="json"))
            for figures in self.figures(now)
        ]

    # ------------------------------------------------------------------ figures

    def agent_day(self, agent_id: str, now: float) -> AgentDay:
        """The agent's day up to its current state (the open spell is `AgentDay`'s to add)."""
        self._roll(now)
        return self.agent_days.get(agent_id) or AgentDay(agent_id=agent_id, since=self._day_start)

    def figures(self, now: float) -> list[QueueBoardFigures]:
        """Every queue's figures at `now` (after the events folded so far)."""
        self._roll(now)
        counts = self._agent_counts()
        return [
            self._queue_figures(queue_id, queue, now, counts[queue_id])
            for queue_id, queue in self._queues.items()
        ]

    def _queue_figures(
        self, queue_id: str, queue: _QueueFold, now: float, agents: AgentCounts
    ) -> QueueBoardFigures:
        waiting = [t for call_id, t in queue.callers.items() if call_id not in queue.ringing]
        longest = now - min(waiting) if waiting else 0.0
        past = sum(1 for t in queue.callers.values() if now - t > queue.target_s)
        forecast, need_c, need_a = self._required_for(queue_id)
        return QueueBoardFigures(
            queue_id=queue_id,
            name=queue.name,
            target_s=queue.target_s,
            sl_goal=self.thresholds.queue_rules(queue_id).service_level.target,
            interval_start=self._interval_start,
            waiting=len(waiting),
            ringing=len(queue.callers) - len(waiting),
            longest_wait_s=longest,
            waiting_past_target=past,
            interval=queue.interval.counts(),
            today=queue.today.counts(),
            agents=agents,
            forecast_calls=forecast,
            aht_s=self.directory.queues[queue_id].aht_s,
            required_erlang_c=need_c,
            required_erlang_a=need_a,
        )

    def _agent_counts(self) -> dict[str, AgentCounts]:
        tallies: dict[str, dict[str, int]] = {q: {} for q in self._queues}
        for agent_id, state in self._agent_state.items():
            state_field = _STATE_FIELD.get(state)
            facts = self.directory.agents.get(agent_id)
            if state_field is None or facts is None:
                continue
            for queue_id in facts.queues:
                tally = tallies[queue_id]
                tally[state_field] = tally.get(state_field, 0) + 1
        return {q: AgentCounts(**tally) for q, tally in tallies.items()}

    def _required_for(self, queue_id: str) -> tuple[float, int | None, int | None]:
        """The half-hour's forecast and the agents it needs (once per queue and interval)."""
        key = (queue_id, self._interval_start)
        cached = self._required.get(key)
        if cached is not None:
            return cached
        facts = self.directory.queues[queue_id]
        calls = self.forecast.calls_in_slot(queue_id, self.clock.slot(self._interval_start))
        goal = self.thresholds.queue_rules(queue_id).service_level.target
        need_c = need_a = None
        if calls > 0 and facts.aht_s > 0:
            need_c = required_agents(calls, facts.aht_s, target_s=facts.sl_target_s, sl_goal=goal)
            if facts.patience_s is not None:
                need_a = required_agents(
                    calls,
                    facts.aht_s,
                    target_s=facts.sl_target_s,
                    sl_goal=goal,
                    patience_s=facts.patience_s,
                )
        # Only the current interval's, for every queue (one queue's must not evict another's).
        required = {k: v for k, v in self._required.items() if k[1] == self._interval_start}
        required[key] = (calls, need_c, need_a)
        self._required = required
        return required[key]

    # ------------------------------------------------------------------ folding

    def _roll(self, at: float) -> None:
        """A new half-hour (or day) starts its counts from zero."""
        self._now = at
        interval = self.clock.interval_start(at)
        if interval != self._interval_start:
            self._interval_start = interval
            for queue in self._queues.values():
                queue.interval = _Window()
        today = day_start(at, self.clock.day_offset_s)
        if today != self._day_start:
            self._day_start = today
            for queue in self._queues.values():
                queue.today = _Window()
            self.agent_days = {
                agent_id: AgentDay(agent_id=agent_id, state=day.state, since=today)
                for agent_id, day in self.agent_days.items()
            }

    def _on_call(
        self, queue: _QueueFold, at: float, event_type: str, call_id: str, data: Any
    ) -> None:
        callers = queue.callers
        windows = (queue.interval, queue.today)
        if event_type == "call.queued":
            if call_id not in callers:  # a re-queue after no answer is the same offer
                callers[call_id] = at
                for window in windows:
                    window.offered += 1
        elif event_type == "call.offered":
            if call_id in callers:
                queue.ringing.add(call_id)
        elif event_type == "call.offer_timeout":
            queue.ringing.discard(call_id)
        elif event_type == "call.answered":
            joined = callers.pop(call_id, None)
            queue.ringing.discard(call_id)
            if joined is None:
                return  # outbound, or a consult: no queue offer
            wait = at - joined
            for window in windows:
                window.answered += 1
                window.answer_wait_s += wait
                if wait <= queue.target_s:
                    window.within += 1
        elif event_type == "call.abandoned":
            queue.ringing.discard(call_id)
            if callers.pop(call_id, None) is not None:
                for window in windows:
                    window.abandoned += 1
        elif event_type == "call.overflowed":
            queue.ringing.discard(call_id)
            if callers.pop(call_id, None) is None:  # full on arrival: offered and overflowed
                for window in windows:
                    window.offered += 1
            for window in windows:
                window.overflowed += 1
        elif event_type == "call.ended":
            queue.ringing.discard(call_id)
            callers.pop(call_id, None)
