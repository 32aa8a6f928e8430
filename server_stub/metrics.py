"""Metrics of a time window, derived in one pass from the engine's event log.

Definitions are DESIGN.md "Metrics". A call counts in the window in which it
arrived at the queue (its `call.queued`, or `call.overflowed` when the queue was
full on arrival), whatever happens to it later; run the log past the window's
end so that late answers and abandons are seen. A call the log leaves
unresolved counts as offered and `waiting`, and against the service level.

- offered = answered + abandoned + overflowed + waiting
- service_level = answered within the queue's target ÷ offered
- p_wait = share of offered not answered at the moment of arrival
- asa_s = mean wait of answered calls (arrival at the queue → `call.answered`)
- mean_wait_all_s = mean time in queue of answered and abandoned calls
- p_abandon = abandoned ÷ offered
- occupancy = agent time busy or in wrap-up ÷ (that + ready), centre-wide only;
  ringing (reserved) counts on neither side.

Per queue, a call counts once per queue it reaches (a re-queue after a ring with
no answer is the same offer); centre-wide ("overall"), once per call, from its
first queue to its final outcome, so an overflow to another queue is not an outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

LogEntry = tuple[float, str, str | None, str | None, str | None, Any]

# Waits shorter than this are "answered on arrival": float noise, not queueing.
_ON_ARRIVAL_S = 1e-9
_WORKING_STATES = frozenset({"busy", "wrap_up"})


@dataclass(frozen=True)
class QueueMetrics:
    """Counts and ratios of one queue (or the whole centre) over a window.

    Ratios are None when there is nothing to divide by (no calls, no agent time).
    """

    offered: int
    answered: int
    abandoned: int
    overflowed: int
    waiting: int  # still in queue when the log ends
    answered_within_target: int
    service_level: float | None
    p_wait: float | None
    asa_s: float | None
    mean_wait_all_s: float | None
    p_abandon: float | None
    occupancy: float | None


@dataclass(frozen=True)
class WindowMetrics:
    start: float
    end: float
    overall: QueueMetrics
    queues: dict[str, QueueMetrics]


class _Tally:
    """Running sums for one queue or the centre."""

    __slots__ = (
        "abandoned",
        "abandoned_wait_s",
        "answered",
        "answered_on_arrival",
        "answered_wait_s",
        "offered",
        "overflowed",
        "within_target",
    )

    def __init__(self) -> None:
        self.offered = 0
        self.answered = 0
        self.abandoned = 0
        self.overflowed = 0
        self.within_target = 0
        self.answered_on_arrival = 0
        self.answered_wait_s = 0.0
        self.abandoned_wait_s = 0.0

    def answer(self, wait_s: float, target_s: float) -> None:
        self.answered += 1
        self.answered_wait_s += wait_s
        if wait_s <= target_s:
            self.within_target += 1
        if wait_s <= _ON_ARRIVAL_S:
            self.answered_on_arrival += 1

    def abandon(self, wait_s: float) -> None:
        self.abandoned += 1
        self.abandoned_wait_s += wait_s

    def result(self, occupancy: float | None) -> QueueMetrics:
        offered = self.offered
        left_queue = self.answered + self.abandoned

        def share(count: int | float, total: int) -> float | None:
            return count / total if total else None

        return QueueMetrics(
            offered=offered,
            answered=self.answered,
            abandoned=self.abandoned,
            overflowed=self.overflowed,
            waiting=offered - left_queue - self.overflowed,
            answered_within_target=self.within_target,
            service_level=share(self.within_target, offered),
            p_wait=share(offered - self.answered_on_arrival, offered),
            asa_s=share(self.answered_wait_s, self.answered),
            mean_wait_all_s=share(self.answered_wait_s + self.abandoned_wait_s, left_queue),
            p_abandon=share(self.abandoned, offered),
            occupancy=occupancy,
        )


def window_metrics(
    log: Iterable[LogEntry],
    start: float,
    end: float,
    sl_target_s: float | Mapping[str, float] = 20.0,
) -> WindowMetrics:
    """Metrics of calls arriving in [start, end) and of agent time inside [start, end).

    `sl_target_s` is one target for every queue or a map queue id → target (queues not
    in the map use 20 s). Centre-wide, each call uses the target of its first queue.
    """
    targets: Mapping[str, float] = {} if isinstance(sl_target_s, int | float) else sl_target_s
    default_target = float(sl_target_s) if isinstance(sl_target_s, int | float) else 20.0

    tallies: dict[str, _Tally] = {}
    overall = _Tally()
    # call id → (queue id, arrival time, counted in window) of the offer it is waiting in
    in_queue: dict[str, tuple[str, float, bool]] = {}
    # call id → (first arrival time, first queue's target) for counted calls not yet resolved
    overall_open: dict[str, tuple[float, float]] = {}
    seen_calls: set[str] = set()
    # agent id → (state, since); time before an agent's first event is logged out
    agent_state: dict[str, tuple[str, float]] = {}
    working_s = 0.0
    ready_s = 0.0

    def tally_for(queue_id: str) -> _Tally:
        tally = tallies.get(queue_id)
        if tally is None:
            tally = tallies[queue_id] = _Tally()
        return tally

    def arrive(call_id: str, queue_id: str, at: float) -> None:
        counted = start <= at < end
        in_queue[call_id] = (queue_id, at, counted)
        if counted:
            tally_for(queue_id).offered += 1
        if call_id not in seen_calls:
            seen_calls.add(call_id)
            if counted:
                overall.offered += 1
                overall_open[call_id] = (at, targets.get(queue_id, default_target))

    for at, event_type, call_id, agent_id, queue_id, data in log:
        if event_type == "agent.state_changed":
            if agent_id is None:
                continue
            state, since = agent_state.get(agent_id, ("logged_out", start))
            lo = since if since > start else start
            hi = at if at < end else end
            if hi > lo:
                if state in _WORKING_STATES:
                    working_s += hi - lo
                elif state == "ready":
                    ready_s += hi - lo
            agent_state[agent_id] = (data["to"], at)
        elif event_type == "call.queued":
            if call_id is None or queue_id is None:
                continue
            current = in_queue.get(call_id)
            if current is None or current[0] != queue_id:
                arrive(call_id, queue_id, at)
        elif event_type == "call.answered":
            if call_id is None:
                continue
            offer = in_queue.pop(call_id, None)
            if offer is None:
                continue  # an outbound call or a consult: no queue offer
            offer_queue, arrived_at, counted = offer
            if counted:
                tally_for(offer_queue).answer(
                    at - arrived_at, targets.get(offer_queue, default_target)
                )
            first = overall_open.pop(call_id, None)
            if first is not None:
                overall.answer(at - first[0], first[1])
        elif event_type == "call.abandoned":
            if call_id is None:
                continue
            offer = in_queue.pop(call_id, None)
            if offer is None:
                continue
            offer_queue, arrived_at, counted = offer
            if counted:
                tally_for(offer_queue).abandon(at - arrived_at)
            first = overall_open.pop(call_id, None)
            if first is not None:
                overall.abandon(at - first[0])
        elif event_type == "call.overflowed":
            if call_id is None:
                continue
            offer = in_queue.get(call_id)
            if offer is None and queue_id is not None:
                arrive(call_id, queue_id, at)  # full on arrival: offered and overflowed at once
            offer = in_queue.pop(call_id, None)
            if offer is not None and offer[2]:
                tally_for(offer[0]).overflowed += 1
            moves_on = isinstance(data, Mapping) and data.get("action") == "queue"
            if not moves_on and overall_open.pop(call_id, None) is not None:
                overall.overflowed += 1

    for state, since in agent_state.values():
        lo = since if since > start else start
        if end > lo:
            if state in _WORKING_STATES:
                working_s += end - lo
            elif state == "ready":
                ready_s += end - lo
    agent_time = working_s + ready_s
    occupancy = working_s / agent_time if agent_time > 0 else None
    return WindowMetrics(
        start=start,
        end=end,
        overall=overall.result(occupancy),
        queues={queue_id: tally.result(None) for queue_id, tally in sorted(tallies.items())},
    )
