"""Metrics of a time window, folded from the engine's events as they come (or from a log).

`MetricsFold` takes events one batch at a time (`engine.subscribe_batches(fold.add_batch)`)
and keeps only what is still open: calls waiting or not yet resolved, each agent's state;
`window_metrics(log, ...)` is the same fold applied to a list. One definition of each figure.

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

from collections.abc import Iterable, Mapping, Sequence
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


class MetricsFold:
    """Metrics of calls arriving in [start, end) and of agent time inside [start, end), folded
    event by event in log order. Feed it past the window's end so late outcomes are seen.

    `sl_target_s` is one target for every queue or a map queue id → target (queues not
    in the map use 20 s). Centre-wide, each call uses the target of its first queue.
    Memory holds the open calls and the agents, never the events already folded.
    """

    def __init__(
        self, start: float, end: float, sl_target_s: float | Mapping[str, float] = 20.0
    ) -> None:
        self.start = start
        self.end = end
        if isinstance(sl_target_s, int | float):
            self._targets: Mapping[str, float] = {}
            self._default_target = float(sl_target_s)
        else:
            self._targets = sl_target_s
            self._default_target = 20.0
        self._tallies: dict[str, _Tally] = {}
        self._overall = _Tally()
        # call id → (queue id, arrival time, counted in window) of the offer it is waiting in
        self._in_queue: dict[str, tuple[str, float, bool]] = {}
        # call id → (first arrival time, first queue's target) for counted calls not yet resolved
        self._overall_open: dict[str, tuple[float, float]] = {}
        # calls that reached a queue and have not ended (so each counts once centre-wide)
        self._seen_calls: set[str] = set()
        # agent id → (state, since); time before an agent's first event is logged out
        self._agent_state: dict[str, tuple[str, float]] = {}
        self._working_s = 0.0
        self._ready_s = 0.0

    @property
    def calls_held(self) -> int:
        """Calls the fold still keeps something of (waiting, unresolved, or not yet ended)."""
        return len(self._in_queue.keys() | self._overall_open.keys() | self._seen_calls)

    def add_batch(self, _first_seq: int, entries: Sequence[LogEntry]) -> None:
        """A batch subscriber: fold each entry (see `Engine.subscribe_batches`)."""
        add = self.add
        for entry in entries:
            add(entry)

    def add(self, entry: LogEntry) -> None:
        """Fold one event; events must come in log order."""
        at, event_type, call_id, agent_id, queue_id, data = entry
        if event_type == "agent.state_changed":
            if agent_id is not None:
                self._agent_time(agent_id, at, data["to"])
        elif event_type == "call.queued":
            if call_id is None or queue_id is None:
                return
            current = self._in_queue.get(call_id)
            if current is None or current[0] != queue_id:
                self._arrive(call_id, queue_id, at)
        elif event_type == "call.answered" or event_type == "call.abandoned":
            if call_id is not None:
                self._leave_queue(call_id, at, answered=event_type == "call.answered")
        elif event_type == "call.overflowed":
            if call_id is None:
                return
            offer = self._in_queue.get(call_id)
            if offer is None and queue_id is not None:
                self._arrive(call_id, queue_id, at)  # full on arrival: offered and overflowed
            offer = self._in_queue.pop(call_id, None)
            if offer is not None and offer[2]:
                self._tally_for(offer[0]).overflowed += 1
            moves_on = isinstance(data, Mapping) and data.get("action") == "queue"
            if not moves_on and self._overall_open.pop(call_id, None) is not None:
                self._overall.overflowed += 1
        elif event_type == "call.ended" and call_id is not None:
            self._seen_calls.discard(call_id)  # it will reach no queue again

    def result(self) -> WindowMetrics:
        """The window's metrics from what was folded so far (agents' time runs to `end`)."""
        start, end = self.start, self.end
        working_s, ready_s = self._working_s, self._ready_s
        for state, since in self._agent_state.values():
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
            overall=self._overall.result(occupancy),
            queues={
                queue_id: tally.result(None) for queue_id, tally in sorted(self._tallies.items())
            },
        )

    def _target(self, queue_id: str) -> float:
        return self._targets.get(queue_id, self._default_target)

    def _tally_for(self, queue_id: str) -> _Tally:
        tally = self._tallies.get(queue_id)
        if tally is None:
            tally = self._tallies[queue_id] = _Tally()
        return tally

    def _arrive(self, call_id: str, queue_id: str, at: float) -> None:
        counted = self.start <= at < self.end
        self._in_queue[call_id] = (queue_id, at, counted)
        if counted:
            self._tally_for(queue_id).offered += 1
        if call_id not in self._seen_calls:
            self._seen_calls.add(call_id)
            if counted:
                self._overall.offered += 1
                self._overall_open[call_id] = (at, self._target(queue_id))

    def _leave_queue(self, call_id: str, at: float, *, answered: bool) -> None:
        offer = self._in_queue.pop(call_id, None)
        if offer is None:
            return  # an outbound call or a consult: no queue offer
        offer_queue, arrived_at, counted = offer
        if counted:
            tally = self._tally_for(offer_queue)
            if answered:
                tally.answer(at - arrived_at, self._target(offer_queue))
            else:
                tally.abandon(at - arrived_at)
        first = self._overall_open.pop(call_id, None)
        if first is not None:
            if answered:
                self._overall.answer(at - first[0], first[1])
            else:
                self._overall.abandon(at - first[0])

    def _agent_time(self, agent_id: str, at: float, to: str) -> None:
        """The agent's time in its last state, clipped to the window, then its new state."""
        start, end = self.start, self.end
        state, since = self._agent_state.get(agent_id, ("logged_out", start))
        lo = since if since > start else start
        hi = at if at < end else end
        if hi > lo:
            if state in _WORKING_STATES:
                self._working_s += hi - lo
            elif state == "ready":
                self._ready_s += hi - lo
        self._agent_state[agent_id] = (to, at)


def window_metrics(
    log: Iterable[LogEntry],
    start: float,
    end: float,
    sl_target_s: float | Mapping[str, float] = 20.0,
) -> WindowMetrics:
    """Metrics of calls arriving in [start, end) and of agent time inside [start, end):
    `MetricsFold` applied to a whole log."""
    fold = MetricsFold(start, end, sl_target_s)
    for entry in log:
        fold.add(entry)
    return fold.result()
