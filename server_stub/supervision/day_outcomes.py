"""What a day's log says happened per queue and half-hour: offered, answered, SL, abandons,
occupancy; and the callers who reached each queue, for a what-if to re-run.

One fold serves the live log ("what happened") and every what-if replication's log, so the
two columns of the side-by-side view mean the same thing (DESIGN.md "Metrics"):

- offered: a caller's first arrival at the queue (queued, or turned away because it was
  full) in the half-hour; later outcomes count in the half-hour the caller arrived in;
- SL(T): answered within the queue's T ÷ offered, leaving out callers still waiting at the
  end who have waited less than T (they may still make it);
- abandoned: callers who hung up waiting in the queue;
- occupancy: time busy or in wrap-up ÷ (that + ready + ringing) of the agents with the
  queue's skill, within the half-hour (the boards' definition: ringing is available time).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.supervision_board import AVAILABLE_STATES, WORKING_STATES
from server_stub.supervision.clock import SLOT_S, SLOTS_PER_DAY, CentreClock

LogTuple = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]


@dataclass(frozen=True)
class Caller:
    """A caller who reached a queue: when, where, and who (tier routing and priority)."""

    at: float  # sim time of reaching the queue (after the IVR)
    queue_id: str
    tier: str | None
    customer_id: str | None


@dataclass
class SlotOutcome:
    offered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    overflowed: int = 0
    waiting_short: int = 0  # still waiting at the end, less than T so far
    on_call_s: float = 0.0
    ready_s: float = 0.0  # ready or ringing

    @property
    def service_level(self) -> float | None:
        """SL(T) as defined above; None when no caller counts."""
        counted = self.offered - self.waiting_short
        return self.answered_in_sl / counted if counted > 0 else None

    @property
    def occupancy(self) -> float | None:
        staffed = self.on_call_s + self.ready_s
        return self.on_call_s / staffed if staffed > 0 else None


@dataclass
class DayOutcomes:
    """Per queue, per slot index of the day (0 = 00:00) → its outcome."""

    slots: dict[str, dict[int, SlotOutcome]] = field(default_factory=dict)

    def get(self, queue_id: str, slot: int) -> SlotOutcome:
        return self.slots.get(queue_id, {}).get(slot, SlotOutcome())


def agent_queues(config: CentreConfig) -> dict[str, tuple[str, ...]]:
    """Agent id → the queues whose skill it has."""
    by_skill: dict[str, list[str]] = {}
    for queue in config.queues:
        by_skill.setdefault(queue.skill, []).append(queue.id)
    return {
        agent.id: tuple(q for skill in agent.skills for q in by_skill.get(skill, ()))
        for agent in config.agents
    }


def day_outcomes(
    log: Iterable[LogTuple],
    config: CentreConfig,
    *,
    start: float,
    until: float,
) -> DayOutcomes:
    """Fold the log's events between `start` and `until` (sim times) into `DayOutcomes`."""
    clock = CentreClock(config.centre.epoch)
    targets = {q.id: float(q.sl_target_s) for q in config.queues}
    serves = agent_queues(config)
    out = DayOutcomes({q.id: {} for q in config.queues})
    offers: dict[tuple[str, str], SlotOutcome] = {}  # (call, queue) → the slot it counts in
    waiting: dict[tuple[str, str], float] = {}  # (call, queue) → queued at, still waiting
    agents: dict[str, tuple[str, float]] = {}  # agent → (state, since)

    def slot_of(queue_id: str, t: float) -> SlotOutcome:
        per_queue = out.slots.setdefault(queue_id, {})
        slot = clock.slot(t)
        outcome = per_queue.get(slot)
        if outcome is None:
            outcome = per_queue[slot] = SlotOutcome()
        return outcome

    # Time per agent in each half-hour (local seconds // SLOT_S), working and available;
    # added to the agent's queues once at the end (a state change costs one sum, not one
    # per queue the agent serves).
    offset = clock.day_offset_s
    agent_time: dict[str, tuple[dict[int, float], dict[int, float]]] = {}

    def spend(agent_id: str, state: str, frm: float, to: float) -> None:
        working = state in WORKING_STATES
        if not working and state not in AVAILABLE_STATES:
            return
        sums = agent_time.get(agent_id)
        if sums is None:
            sums = agent_time[agent_id] = ({}, {})
        into = sums[0] if working else sums[1]
        local = max(frm, start) + offset
        end = to + offset
        while local < end:
            index = math.floor(local / SLOT_S)
            piece_end = min(end, (index + 1) * SLOT_S)
            if piece_end <= local:  # a float edge exactly on a boundary
                piece_end = min(end, local + SLOT_S)
            into[index] = into.get(index, 0.0) + (piece_end - local)
            local = piece_end

    for t, kind, call_id, agent_id, queue_id, data in log:
        if t > until:
            break
        if kind == "agent.state_changed" and agent_id is not None:
            before = agents.get(agent_id)
            if before is not None:
                spend(agent_id, before[0], before[1], t)
            agents[agent_id] = (str(data.get("to")), t)
            continue
        if t < start or call_id is None or queue_id is None:
            continue
        key = (call_id, queue_id)
        if kind == "call.queued":
            if key not in offers:
                outcome = offers[key] = slot_of(queue_id, t)
                outcome.offered += 1
                waiting[key] = t
        elif kind == "call.overflowed":
            outcome = offers.get(key) or slot_of(queue_id, t)
            if key not in offers:
                offers[key] = outcome
                outcome.offered += 1
            outcome.overflowed += 1
            waiting.pop(key, None)
        elif kind == "call.answered":
            outcome_or_none = offers.get(key)
            if outcome_or_none is not None and waiting.pop(key, None) is not None:
                outcome_or_none.answered += 1
                if float(data.get("waited_s", 0.0)) <= targets.get(queue_id, 20.0):
                    outcome_or_none.answered_in_sl += 1
        elif kind == "call.abandoned":
            outcome_or_none = offers.get(key)
            if outcome_or_none is not None and waiting.pop(key, None) is not None:
                outcome_or_none.abandoned += 1
    for agent_id, (state, since) in agents.items():
        spend(agent_id, state, since, until)
    for agent_id, (working, available) in agent_time.items():
        for queue_id in serves.get(agent_id, ()):
            per_queue = out.slots.setdefault(queue_id, {})
            for sums, is_working in ((working, True), (available, False)):
                for index, seconds in sums.items():
                    slot = index % SLOTS_PER_DAY
                    found = per_queue.get(slot)
                    if found is None:
                        found = per_queue[slot] = SlotOutcome()
                    if is_working:
                        found.on_call_s += seconds
                    else:
                        found.ready_s += seconds
    for (_call_id, queue_id), queued_at in waiting.items():
        if until - queued_at < targets.get(queue_id, 20.0):
            offers[(_call_id, queue_id)].waiting_short += 1
    return out


def callers_reaching_queues(log: Iterable[LogTuple], *, start: float, until: float) -> list[Caller]:
    """Each inbound caller's first arrival at a queue in [start, until], in time order:
    the arrivals a what-if replays (IVR self-service callers never reach one)."""
    arrived: dict[str, dict[str, Any]] = {}
    reached: set[str] = set()
    callers: list[Caller] = []
    for t, kind, call_id, _agent_id, queue_id, data in log:
        if t > until:
            break
        if call_id is None:
            continue
        if kind == "call.arrived":
            arrived[call_id] = data
        elif kind in ("call.queued", "call.overflowed") and queue_id is not None:
            who = arrived.get(call_id)
            if who is None or call_id in reached or t < start:
                continue
            reached.add(call_id)
            callers.append(Caller(t, queue_id, who.get("tier"), who.get("customer_id")))
    return callers


def arrival_times(callers: Iterable[Caller]) -> dict[str, list[float]]:
    """Queue id → the sim times its callers reached it (`staffing.arrivals_per_slot`)."""
    times: dict[str, list[float]] = {}
    for caller in callers:
        times.setdefault(caller.queue_id, []).append(caller.at)
    return times
