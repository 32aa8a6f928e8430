"""The scenario's caller on a training session's engine: a companion that says its lines.

It watches the session's call (`observe`): the answer, each script step the trainee's
desk reaches (`call.script_step` {next}; the script's start on the answer), holds and the
length of each, tickets, transfers and consults, the end; for each it asks the pure
caller (`caller.react`) what to say, and logs `call.caller_said` {text, trigger, mood}
after the turn's `delay_s` (`due` / `advance`). The trainer moves the mood by hand
(`mood`, through `engine.companion_command`), which logs `training.mood`.
The caller gives up (`hangup_due`): when a hold outlasts its turn's `hangs_up_after_s`,
or right after a line that leaves the caller at the scenario's `hangs_up_at_mood` (or a
turn that says `hangs_up`). The companion cannot end a call itself: the session ends it
(`caller_hangup`) at that instant, so the call ends at the same time however the
session's clock is chopped.
Everything it logs is on the session's own timeline, so a replay of the session's
commands gives the same lines at the same instants.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from server_stub.protocol.call_facts import CALLER_SAID_EVENT, SCRIPT_STEP_EVENT
from server_stub.protocol.events import EventType
from server_stub.protocol.scenario_model import MOODS, Scenario
from server_stub.training.caller import CallerState, initial_state, react

MOOD_EVENT = "training.mood"
Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]

_EVENT_TRIGGERS = {
    EventType.CALL_HELD.value: "on_hold",
    EventType.CALL_RETRIEVED.value: "on_retrieve",
    EventType.TICKET_CREATED.value: "on_ticket",
    EventType.CALL_TRANSFERRED.value: "on_transfer",
}


class ScriptedCaller:
    """The caller of one scenario, on one call (the first that rings in the session)."""

    def __init__(self, scenario: Scenario, start_step: str) -> None:
        self.scenario = scenario
        self.start_step = start_step
        self.state: CallerState = initial_state(scenario)
        self.call_id: str | None = None
        self.queue_id: str | None = None
        self.held_at: float | None = None
        self.pending: list[tuple[float, int, Emission]] = []  # (when, order, line)
        self.said = 0
        self.patience_until: float | None = None  # on hold: hangs up at this instant
        self.gives_up_at: float | None = None  # a line that leaves the caller gone

    def observe(self, entry: tuple[Any, ...]) -> list[Emission]:
        at, kind, call_id, _agent, queue_id, data = entry
        if kind == EventType.CALL_ARRIVED and self.call_id is None:
            self.call_id, self.queue_id = call_id, queue_id
            return []
        if call_id is None or call_id != self.call_id or self.state.hung_up:
            return []
        if kind in (EventType.CALL_ENDED, EventType.CALL_TRANSFERRED):
            self.patience_until = self.gives_up_at = None  # not the trainee's caller now
        if kind == EventType.CALL_ENDED and data.get("by") == "caller":
            self.state = replace(self.state, hung_up=True)
            return []
        if kind == EventType.CALL_ANSWERED:
            self._trigger("on_answer", at)
            self._trigger(self.start_step, at)
        elif kind == SCRIPT_STEP_EVENT and isinstance(data.get("next"), str):
            self._trigger(data["next"], at)
        elif kind == EventType.CALL_HELD:
            self.held_at = at
            self._trigger("on_hold", at)
        elif kind == EventType.CALL_RETRIEVED:
            self.patience_until = None
            if self.held_at is not None:
                self.state = self.state.held_for(at - self.held_at)
                self.held_at = None
            self._trigger("on_retrieve", at)
        elif kind == EventType.CALL_OFFERED and data.get("consult_from"):
            self._trigger("on_consult", at)
        elif kind in _EVENT_TRIGGERS:
            self._trigger(_EVENT_TRIGGERS[kind], at)
        elif kind == EventType.CALL_ENDED:
            self._trigger("on_end", at)
        return self.advance(at)

    def _trigger(self, trigger: str, at: float) -> None:
        turn, self.state = react(self.scenario, trigger, self.state)
        if turn is None:
            return
        if trigger == "on_hold" and turn.hangs_up_after_s is not None:
            self.patience_until = at + turn.hangs_up_after_s
        if self.state.hung_up and self.gives_up_at is None:
            self.gives_up_at = at + turn.delay_s  # says its last line, then hangs up
            self.state = replace(self.state, hung_up=False)  # until the call has ended
        if turn.says is None:
            return
        line = {"text": turn.says, "trigger": trigger, "mood": self.state.mood_name}
        self.said += 1
        emission: Emission = (CALLER_SAID_EVENT, self.call_id, None, self.queue_id, line)
        self.pending.append((at + turn.delay_s, self.said, emission))

    def hangup_due(self) -> float:
        """When the caller hangs up if nothing changes first (inf: not now)."""
        whens = [w for w in (self.patience_until, self.gives_up_at) if w is not None]
        return min(whens, default=math.inf)

    def due(self) -> float:
        return min((when for when, _, _ in self.pending), default=math.inf)

    def advance(self, now: float) -> list[Emission]:
        ready = sorted(entry for entry in self.pending if entry[0] <= now)
        self.pending = [entry for entry in self.pending if entry[0] > now]
        return [emission for _, _, emission in ready]

    def mood(self, *, now: float, step: int) -> tuple[str, list[Emission]]:
        """The trainer makes the caller angrier (negative) or calmer (positive)."""
        mood = min(max(self.state.mood + step, 0), len(MOODS) - 1)
        self.state = replace(self.state, mood=mood)
        name = MOODS[mood]
        limit = self.scenario.customer.hangs_up_at_mood
        if limit is not None and mood <= MOODS.index(limit) and self.gives_up_at is None:
            self.gives_up_at = now  # pushed too far: the caller hangs up
        return name, [(MOOD_EVENT, self.call_id, None, self.queue_id, {"mood": name})]
