"""The discrete-event core: timers, the event log, callers, the ACD and simulated agents.

Hot-path rules: the log holds plain tuples; timers are heap tuples
(time, seq, kind, payload) cancelled lazily (a timer is live only while its
owner still stores its seq); waiting callers and ready agents are per-queue
heaps with the same lazy deletion, so routing never scans the floor.
"""

from __future__ import annotations

import gc
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import datetime
from heapq import heapify, heappop, heappush
from itertools import accumulate, count
from typing import Any

from server_stub.centre.schema import CentreConfig, Shift
from server_stub.engine.arrivals import DAY_S, ArrivalStream
from server_stub.engine.distributions import Sampler, make_sampler
from server_stub.engine.errors import EngineError
from server_stub.engine.ivr import IvrStep, ivr_paths
from server_stub.engine.model import (
    ALL_STATES,
    BUSY,
    CALL_CONNECTED,
    CALL_ENDED,
    CALL_QUEUED,
    CALL_RINGING,
    LOGGED_OUT,
    NOT_READY,
    READY,
    RESERVED,
    WRAP_UP,
    Agent,
    Call,
    Queue,
)
from server_stub.protocol.events import CallLeg, CallOutcome, Direction, EventType

LogEntry = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]
Subscriber = Callable[[int, LogEntry], None]

ARRIVED = EventType.CALL_ARRIVED.value
IVR_STEP = EventType.CALL_IVR_STEP.value
QUEUED = EventType.CALL_QUEUED.value
OFFERED = EventType.CALL_OFFERED.value
OFFER_TIMEOUT = EventType.CALL_OFFER_TIMEOUT.value
ANSWERED = EventType.CALL_ANSWERED.value
HELD = EventType.CALL_HELD.value
RETRIEVED = EventType.CALL_RETRIEVED.value
TRANSFERRED = EventType.CALL_TRANSFERRED.value
CONFERENCED = EventType.CALL_CONFERENCED.value
ABANDONED = EventType.CALL_ABANDONED.value
OVERFLOWED = EventType.CALL_OVERFLOWED.value
ENDED = EventType.CALL_ENDED.value
WRAPUP_COMPLETED = EventType.CALL_WRAPUP_COMPLETED.value
STATE_CHANGED = EventType.AGENT_STATE_CHANGED.value
QUEUE_STATS = EventType.QUEUE_STATS.value

TALKING = CallLeg.TALKING.value
HELD_LEG = CallLeg.HELD.value
CONFERENCE = CallLeg.CONFERENCE.value
INBOUND = Direction.INBOUND.value
OUTBOUND = Direction.OUTBOUND.value
OUT_ANSWERED = CallOutcome.ANSWERED.value
OUT_ABANDONED = CallOutcome.ABANDONED.value
OUT_OVERFLOWED = CallOutcome.OVERFLOWED.value
OUT_SELF_SERVICE = CallOutcome.SELF_SERVICE.value

# timer kinds (index into Engine._handlers)
K_INIT = 0
K_ARRIVAL = 1
K_IVR = 2
K_ABANDON = 3
K_RING = 4
K_TALK_END = 5
K_WRAP_END = 6
K_SHIFT = 7
K_BREAK_END = 8
K_STATS = 9
K_CONNECT = 10
K_CONSULT_RING = 11

DEFAULT_WRAPUP_LIMIT_S = 60.0


def _clock_s(hhmm: str) -> float:
    hours, minutes = hhmm.split(":")
    return (int(hours) * 60 + int(minutes)) * 60.0


class EngineCore:
    """Timers, log, callers, routing and simulated agents. Human commands live in `commands.py`."""

    def __init__(
        self,
        config: CentreConfig,
        seed: int,
        customers: Sequence[tuple[str, str, str]] | None = None,
        *,
        emit_queue_stats: bool = True,
    ) -> None:
        _check_config(config)
        self.config = config
        self.seed = seed
        self.now = 0.0
        self.log: list[LogEntry] = []
        self._subscribers: list[Subscriber] = []
        self._notified = 0  # log entries already handed to subscribers
        # `data` dicts of the commonest agent.state_changed events are shared: read-only for all
        self._shared_state_data: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        self._busy_talking_data: dict[str, dict[str, Any]] = {}
        # call.ended data by (by, reason, outcome); the hot path's one kept at hand
        self._hangup_data: dict[str, Any] = {
            "by": "caller",
            "reason": "hangup",
            "outcome": OUT_ANSWERED,
        }
        self._end_data: dict[tuple[str, str, str], dict[str, Any]] = {
            ("caller", "hangup", OUT_ANSWERED): self._hangup_data
        }
        # the hot path's plain state data by one str key (no tuple to build and hash):
        # to READY by `from`, and READY to RESERVED by direction
        self._to_ready_data: dict[str, dict[str, Any]] = {}
        self._ready_to_reserved_data: dict[str | None, dict[str, Any]] = {}
        self._queued_first_data: dict[int, dict[str, Any]] = {}  # straight to an agent
        # wrap-up state data before its deadline is set (copied: faster than a 7-key literal)
        self._wrapup_templates: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._append = self.log.append
        self._timers: list[tuple[float, int, int, Any]] = []
        self._next_seq = count(1).__next__
        self._call_numbers = count(1).__next__
        self._emit_queue_stats = emit_queue_stats

        # one stream per purpose, so that e.g. a human's dial does not shift the arrivals
        self._rng_callers = random.Random(f"{seed}/callers")
        self._rng_service = random.Random(f"{seed}/service")
        self._rng_misc = random.Random(f"{seed}/misc")

        epoch = datetime.fromisoformat(config.centre.epoch)
        self.day_offset_s = float(epoch.hour * 3600 + epoch.minute * 60 + epoch.second)

        self.queues_by_id: dict[str, Queue] = {}
        for qc in config.queues:
            self.queues_by_id[qc.id] = Queue(
                qc,
                make_sampler(qc.talk_time, self._rng_service),
                make_sampler(qc.after_call_work, self._rng_service) if qc.after_call_work else None,
                make_sampler(qc.patience, self._rng_callers) if qc.patience else None,
            )
        self.agents_by_id: dict[str, Agent] = {}
        for ac in config.agents:
            agent = Agent(ac)
            for queue in self.queues_by_id.values():
                level = ac.skills.get(queue.config.skill, 0)
                if level > 0:
                    agent.queues.append(queue)
                    agent.levels[queue.id] = level
                    queue.agents.append(agent)
            self.agents_by_id[ac.id] = agent
        # Agents serving the same queues share one state-count dict: a state change is one
        # update, not one per queue; a queue's counts are the sum over its groups.
        groups: dict[tuple[str, ...], dict[str, int]] = {}
        for agent in self.agents_by_id.values():
            key = tuple(queue.id for queue in agent.queues)
            counts = groups.get(key)
            if counts is None:
                counts = groups[key] = agent.state_counts
                for queue in agent.queues:
                    queue.count_groups.append(counts)
            agent.state_counts = counts
            counts[LOGGED_OUT] += 1
        self.calls: dict[str, Call] = {}

        tiers = config.tiers
        self._tier_names = list(tiers)
        self._single_tier = self._tier_names[0] if len(tiers) == 1 else None
        self._tier_cum = list(accumulate([t.share for t in tiers.values()]))
        self._tier_priority = {name: t.priority for name, t in tiers.items()}
        self._tier_route = {name: t.route_to for name, t in tiers.items() if t.route_to}
        # unknown callers cannot be recognised, so they get the least-priority tier
        self._unknown_tier = min(tiers, key=lambda n: tiers[n].priority) if tiers else None
        self._customers = list(customers) if customers is not None else None
        self._known_share = config.customers.known_caller_share
        self._wrapup_codes = [c.code for c in config.wrapup_codes]
        # one shared (read-only) wrapup_completed data dict per code, picked by index
        self._wrapup_data = [
            {"code": code, "notes": "", "script_path": []} for code in self._wrapup_codes
        ]
        # rng.randrange(n) is getrandbits(n.bit_length()) redrawn until below n: inlined
        self._wrapup_bits = len(self._wrapup_codes).bit_length()
        self._getrandbits_misc = self._rng_misc.getrandbits

        self._ivr_paths: dict[str, list[IvrStep]] = ivr_paths(config.ivr)

        self._handlers: list[Callable[[Any, int], None]] = [
            self._on_init,
            self._on_arrival,
            self._on_ivr_step,
            self._on_abandon,
            self._on_ring_timeout,
            self._on_talk_end,
            self._on_wrap_end,
            self._on_shift,
            self._on_break_end,
            self._on_stats,
            self._on_connect,
            self._on_consult_ring_timeout,
        ]
        # sim time 0: log agents in and start the arrival streams (on the first advance_to)
        heappush(self._timers, (0.0, 0, K_INIT, None))

    # ------------------------------------------------------------------ clock and log

    def advance_to(self, t: float) -> None:
        """Process every timer due at or before `t` (by time, then creation); then now = t."""
        if not math.isfinite(t):
            raise EngineError("invalid_time", f"cannot advance to {t}")
        if t < self.now:
            raise EngineError("invalid_time", f"time {t} is before now ({self.now})")
        timers = self._timers
        handlers = self._handlers
        # The log only grows and holds no cycles: the cyclic GC would rescan it again and again
        # (a third of the run time on a busy day), so it is paused while time moves.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            if self._subscribers:
                flush = self._flush
                while timers and timers[0][0] <= t:
                    when, seq, kind, payload = heappop(timers)
                    if kind == K_ABANDON and payload.abandon_seq != seq:
                        continue  # a patience timer whose caller was answered or left
                    self.now = when
                    handlers[kind](payload, seq)
                    flush()
            else:
                while timers and timers[0][0] <= t:
                    when, seq, kind, payload = heappop(timers)
                    if kind == K_ABANDON and payload.abandon_seq != seq:
                        continue  # most patience timers are stale: skip the call
                    self.now = when
                    handlers[kind](payload, seq)
        finally:
            if gc_was_enabled:
                gc.enable()
        self.now = t

    def next_timer_time(self) -> float:
        """When the next timer is due (inf if none); may be a cancelled timer, which is harmless."""
        return self._timers[0][0] if self._timers else math.inf

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call `fn(seq, entry)` for every event appended from now on; returns an unsubscribe.

        Subscribers hear of events after the timer or command that caused them, in log order.
        """
        self._flush()
        if not self._subscribers:
            self._notified = len(self.log)
        self._subscribers.append(fn)

        def unsubscribe() -> None:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

        return unsubscribe

    def _flush(self) -> None:
        """Hand the events appended since the last flush to the subscribers."""
        log = self.log
        subscribers = self._subscribers
        while self._notified < len(log):
            entry = log[self._notified]
            self._notified += 1
            for fn in subscribers:
                fn(self._notified, entry)

    def _emit(
        self,
        etype: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        data: dict[str, Any],
    ) -> None:
        self._append((self.now, etype, call_id, agent_id, queue_id, data))

    def _at(self, when: float, kind: int, payload: Any) -> int:
        seq = self._next_seq()
        heappush(self._timers, (when, seq, kind, payload))
        return seq

    # ------------------------------------------------------------------ start

    def _on_init(self, _payload: Any, _seq: int) -> None:
        for agent in self.agents_by_id.values():
            if not agent.simulated:
                continue  # humans log in themselves
            shift_name = agent.config.shift
            if shift_name is None:
                self._login(agent)
            else:
                self._start_shift_timers(agent, self.config.shifts[shift_name])
        for qc in self.config.queues:
            if qc.arrivals is None or qc.arrivals.calls_per_day <= 0:
                continue
            stream = ArrivalStream(
                qc.id,
                qc.arrivals.calls_per_day,
                self.config.arrival_profiles[qc.arrivals.profile],
                self.day_offset_s,
                random.Random(f"{self.seed}/arrivals/{qc.id}"),
            )
            first = stream.next_after(0.0)
            if first < math.inf:
                self._at(first, K_ARRIVAL, stream)
        if self._emit_queue_stats:
            self._at(self.config.centre.stats_interval_s, K_STATS, None)

    def _login(self, agent: Agent) -> None:
        self._set_state(agent, NOT_READY, "login")
        self._make_ready(agent)

    # ------------------------------------------------------------------ agent state

    def _set_state(self, agent: Agent, to: str, reason: str | None = None) -> None:
        frm = agent.state
        if frm is not to:
            counts = agent.state_counts
            counts[frm] -= 1
            counts[to] += 1
            if frm is READY:
                agent.ready_seq = 0
        agent.state = to
        agent.reason = reason
        agent.since = self.now
        call = agent.call
        if call is not None:
            call_id: str | None = call.id
            queue_id = call.queue.id if call.queue is not None else None
        else:
            call_id = queue_id = None
        pending = agent.pending
        leg = agent.leg
        direction = agent.direction
        deadline = agent.wrapup_deadline
        if reason is None and pending is None and leg is None and deadline is None:
            data = self._plain_state_data(frm, to, direction)
        else:
            data = {
                "from": frm,
                "to": to,
                "reason": reason,
                "pending": pending,
                "leg": leg,
                "direction": direction,
                "wrapup_deadline": deadline,
            }
        self._append((self.now, STATE_CHANGED, call_id, agent.id, queue_id, data))

    def _plain_state_data(self, frm: str, to: str, direction: str | None) -> dict[str, Any]:
        """The common state change (no reason, pending, leg or deadline), one shared dict each."""
        key = (frm, to, direction)
        data = self._shared_state_data.get(key)
        if data is None:
            data = self._shared_state_data[key] = {
                "from": frm,
                "to": to,
                "reason": None,
                "pending": None,
                "leg": None,
                "direction": direction,
                "wrapup_deadline": None,
            }
        return data

    def _make_ready(self, agent: Agent) -> None:
        """The agent is free: take the best waiting call among its queues, else wait as READY."""
        agent.call = None
        agent.leg = None
        agent.direction = None
        agent.wrapup_deadline = None
        # _set_state(agent, READY), inlined: this runs once per call
        now = self.now
        frm = agent.state
        agent_queues = agent.queues
        if frm is not READY:
            counts = agent.state_counts
            counts[frm] -= 1
            counts[READY] += 1
        agent.state = READY
        agent.reason = None
        agent.since = now
        pending = agent.pending
        if pending is None:
            data = self._to_ready_data.get(frm)
            if data is None:
                data = self._to_ready_data[frm] = self._plain_state_data(frm, READY, None)
        else:
            data = {
                "from": frm,
                "to": READY,
                "reason": None,
                "pending": pending,
                "leg": None,
                "direction": None,
                "wrapup_deadline": None,
            }
        self._append((now, STATE_CHANGED, None, agent.id, None, data))
        best: tuple[int, int, float, int] | None = None
        best_queue: Queue | None = None
        for queue in agent_queues:
            waiting = queue.waiting
            while waiting and waiting[0][3].wait_seq != waiting[0][2]:
                heappop(waiting)  # abandoned or moved: drop the stale entry
            if waiting:
                head = waiting[0]
                key = (head[0], -queue.priority, head[1], head[2])
                if best is None or key < best:
                    best = key
                    best_queue = queue
        if best_queue is not None:
            call = heappop(best_queue.waiting)[3]
            call.wait_seq = 0
            best_queue.waiting_count -= 1
            call.offer_queue = best_queue
            if agent.simulated and call.queue is not None and call.consult_agent is None:
                self._offer_to_simulated(call, agent)
            else:
                self._offer(call, agent)
            return
        seq = self._next_seq()
        agent.ready_seq = seq
        for queue in agent_queues:
            if queue.strategy == "fewestcalls":
                ready_key: tuple[Any, ...] = (
                    -agent.levels[queue.id],
                    agent.calls_handled,
                    now,
                    seq,
                    agent,
                )
            else:
                ready_key = (-agent.levels[queue.id], now, seq, agent)
            heappush(queue.ready, ready_key)

    def _pop_ready_agent(self, queue: Queue) -> Agent | None:
        """The agent the queue's strategy picks among its READY agents (and remove it), or None."""
        ready = queue.ready
        if queue.strategy == "random":
            live = [e for e in ready if e[-1].ready_seq == e[-2]]
            if not live:
                ready.clear()
                return None
            heapify(live)
            queue.ready = live
            chosen: Agent = live[self._rng_misc.randrange(len(live))][-1]
            return chosen
        while ready:
            entry = heappop(ready)
            agent: Agent = entry[-1]
            if agent.ready_seq == entry[-2]:
                return agent
        return None

    def _after_call(self, agent: Agent) -> None:
        """Wrap-up is over: the pending state if one was set, else READY."""
        pending = agent.pending
        if pending is None:
            self._make_ready(agent)
            return
        agent.pending = None
        agent.call = None
        agent.leg = None
        agent.direction = None
        agent.wrapup_deadline = None
        self._set_state(agent, pending["state"], pending["reason"])
        if agent.pending_break_s is not None and pending["state"] == NOT_READY:
            agent.break_seq = self._at(self.now + agent.pending_break_s, K_BREAK_END, agent)
        agent.pending_break_s = None

    def _start_wrapup(self, agent: Agent, call: Call) -> None:
        """The agent is done talking on `call` (which may live on elsewhere): wrap up or move on."""
        agent.leg = None
        agent.call = call
        queue = call.queue
        if agent.simulated:
            acw = queue.acw if queue is not None else None
            if acw is None:
                self._after_call(agent)
                return
            deadline = self.now + acw()
        else:
            limit = queue.config.wrapup_limit_s if queue is not None else self._wrapup_limit(agent)
            deadline = self.now + limit
        agent.wrapup_deadline = deadline
        self._set_state(agent, WRAP_UP)
        agent.wrap_seq = self._at(deadline, K_WRAP_END, agent)

    def _wrapup_limit(self, agent: Agent) -> float:
        if agent.queues:
            return agent.queues[0].config.wrapup_limit_s
        return DEFAULT_WRAPUP_LIMIT_S

    def _on_wrap_end(self, agent: Agent, seq: int) -> None:
        if agent.wrap_seq != seq:
            return
        agent.wrap_seq = 0
        call = agent.call
        codes = self._wrapup_codes
        if agent.simulated and codes:
            count = len(codes)
            bits = self._wrapup_bits
            getrandbits = self._getrandbits_misc
            pick = getrandbits(bits)  # exactly what rng.randrange(count) draws
            while pick >= count:
                pick = getrandbits(bits)
            data = self._wrapup_data[pick]
        else:
            data = {"code": "auto", "notes": "", "script_path": []}  # over-ran the limit
        if call is not None:
            call_id: str | None = call.id
            queue_id = call.queue.id if call.queue is not None else None
        else:
            call_id = queue_id = None
        self._append((self.now, WRAPUP_COMPLETED, call_id, agent.id, queue_id, data))
        if agent.pending is None:
            self._make_ready(agent)
        else:
            self._after_call(agent)

    # ------------------------------------------------------------------ shifts

    def _start_shift_timers(self, agent: Agent, shift: Shift) -> None:
        clock = self.day_offset_s % DAY_S
        start = _clock_s(shift.start)
        end = _clock_s(shift.end)
        length = (end - start) % DAY_S or DAY_S
        on_shift = (clock - start) % DAY_S < length
        if on_shift:
            self._login(agent)
        self._at((start - clock) % DAY_S or DAY_S, K_SHIFT, (agent, "start", None))
        self._at((end - clock) % DAY_S or DAY_S, K_SHIFT, (agent, "end", None))
        for brk in shift.breaks:
            self._at((_clock_s(brk.at) - clock) % DAY_S, K_SHIFT, (agent, "break", brk))

    def _on_shift(self, payload: tuple[Agent, str, Any], _seq: int) -> None:
        agent, action, brk = payload
        self._at(self.now + DAY_S, K_SHIFT, payload)  # the same time tomorrow
        state = agent.state
        if action == "start":
            if state is LOGGED_OUT:
                self._login(agent)
            elif agent.pending is not None and agent.pending["state"] == LOGGED_OUT:
                agent.pending = None  # still on yesterday's last call: simply stay
        elif action == "end":
            agent.break_seq = 0
            if state is READY or state is NOT_READY:
                self._set_state(agent, LOGGED_OUT, "shift_end")
            elif state is not LOGGED_OUT:
                agent.pending = {"state": LOGGED_OUT, "reason": "shift_end"}
                agent.pending_break_s = None
        else:  # break
            if state is READY:
                self._set_state(agent, NOT_READY, brk.reason)
                agent.break_seq = self._at(self.now + brk.minutes * 60.0, K_BREAK_END, agent)
            elif state is RESERVED or state is BUSY or state is WRAP_UP:
                agent.pending = {"state": NOT_READY, "reason": brk.reason}
                agent.pending_break_s = brk.minutes * 60.0

    def _on_break_end(self, agent: Agent, seq: int) -> None:
        if agent.break_seq != seq:
            return
        agent.break_seq = 0
        if agent.state is NOT_READY:
            self._make_ready(agent)

    # ------------------------------------------------------------------ callers

    def _on_arrival(self, stream: ArrivalStream, _seq: int) -> None:
        now = self.now
        heappush(self._timers, (stream.next_after(now), self._next_seq(), K_ARRIVAL, stream))
        rng = self._rng_callers
        customers = self._customers
        customer_id: str | None = None
        if customers is not None and customers and rng.random() < self._known_share:
            customer_id, tier, ani = customers[rng.randrange(len(customers))]
            tier_name: str | None = tier
        else:
            ani = str(13_000_000_000 + int(rng.random() * 7_000_000_000))  # 1[3-9]xxxxxxxxx
            if customers is None and self._single_tier is not None:
                tier_name = self._single_tier
            elif customers is None:
                names = self._tier_names
                tier_name = names[
                    min(
                        bisect_right(self._tier_cum, rng.random() * self._tier_cum[-1]),
                        len(names) - 1,
                    )
                ]
            else:
                tier_name = self._unknown_tier
        call_id = f"c{self._call_numbers()}"
        call = Call(
            call_id,
            ani,
            customer_id,
            tier_name,
            self._tier_priority.get(tier_name, 0) if tier_name is not None else 0,
            now,
            INBOUND,
        )
        self.calls[call_id] = call
        queue_id = stream.queue_id
        self._append(
            (
                now,
                ARRIVED,
                call_id,
                None,
                queue_id,
                {"ani": ani, "customer_id": customer_id, "tier": tier_name},
            )
        )
        steps = self._ivr_paths.get(queue_id) if self._ivr_paths else None
        if steps:
            call.ivr_steps = steps
            call.step_seq = self._at(now + steps[0].duration_s, K_IVR, call)
        elif self._tier_route:
            self._route(call, queue_id)
        else:
            self._enter_queue(call, self.queues_by_id[queue_id])

    def _route(self, call: Call, dialled_queue_id: str) -> None:
        """Tier routing: a tier's route_to takes its callers whatever they chose in the IVR."""
        target = self._tier_route.get(call.tier) if call.tier is not None else None
        self._enter_queue(call, self.queues_by_id[target or dialled_queue_id])

    def _on_ivr_step(self, call: Call, seq: int) -> None:
        if call.step_seq != seq:
            return
        call.step_seq = 0
        steps = call.ivr_steps
        assert steps is not None
        step = steps[call.ivr_index]
        if step.share > 0 and self._rng_callers.random() < step.share:
            call.ivr_path.append([step.node_id, step.self_service_key])
            self._emit(
                IVR_STEP,
                call.id,
                None,
                None,
                {
                    "node": step.node_id,
                    "key": step.self_service_key,
                    "self_service": step.self_service_name or step.node_id,
                },
            )
            self._end_call(call, "caller", "self_service", OUT_SELF_SERVICE)
            return
        call.ivr_path.append([step.node_id, step.key])
        self._emit(IVR_STEP, call.id, None, None, {"node": step.node_id, "key": step.key})
        call.ivr_index += 1
        if call.ivr_index < len(steps):
            call.step_seq = self._at(self.now + steps[call.ivr_index].duration_s, K_IVR, call)
            return
        dialled = self._ivr_queue_of(steps)
        self._route(call, dialled)

    def _ivr_queue_of(self, steps: list[IvrStep]) -> str:
        last = steps[-1]
        ivr = self.config.ivr
        assert ivr is not None
        for option in ivr.nodes[last.node_id].options:
            if option.key == last.key and option.queue is not None:
                return option.queue
        raise AssertionError("IVR path does not end at a queue")  # paths are built to end at one

    def _enter_queue(self, call: Call, queue: Queue) -> None:
        """A caller reaches a queue: straight to a ready agent, else wait, else overflow."""
        call.queue = queue
        call.priority = queue.priority + call.tier_priority
        call.state = CALL_QUEUED
        now = self.now
        if call.queued_at is None:
            call.queued_at = now
        call.agent = None
        queue.offered += 1
        agent = self._pop_ready_agent(queue) if queue.ready else None
        if agent is not None:
            priority = call.priority
            data = self._queued_first_data.get(priority)
            if data is None:
                data = self._queued_first_data[priority] = {"position": 1, "priority": priority}
            self._append((now, QUEUED, call.id, None, queue.id, data))
            call.offer_queue = queue
            if not agent.simulated:
                self._start_patience(call, queue)
                self._offer(call, agent)
            elif call.consult_agent is None:
                self._offer_to_simulated(call, agent)
            else:
                self._offer(call, agent)
            return
        position = queue.waiting_count + 1
        if position > queue.max_length:
            self._overflow(call, queue)
            return
        queue.waiting_count = position
        priority = call.priority
        self._append(
            (now, QUEUED, call.id, None, queue.id, {"position": position, "priority": priority})
        )
        next_seq = self._next_seq
        seq = next_seq()
        call.wait_seq = seq
        heappush(queue.waiting, (-priority, call.queued_at, seq, call))
        patience = queue.patience
        if patience is not None and call.abandon_seq == 0:
            seq = next_seq()
            heappush(self._timers, (now + patience(), seq, K_ABANDON, call))
            call.abandon_seq = seq

    def _start_patience(self, call: Call, queue: Queue) -> None:
        patience = queue.patience
        if patience is not None and call.abandon_seq == 0:
            seq = self._next_seq()
            heappush(self._timers, (self.now + patience(), seq, K_ABANDON, call))
            call.abandon_seq = seq

    def _overflow(self, call: Call, queue: Queue) -> None:
        queue.overflowed += 1
        overflow = queue.config.overflow
        visited = call.visited
        if visited is None:
            visited = call.visited = {queue.id}
        else:
            visited.add(queue.id)
        target = overflow.target if overflow.action == "queue" else None
        if target is not None and target not in visited:
            self._emit(OVERFLOWED, call.id, None, queue.id, {"action": "queue", "target": target})
            self._enter_queue(call, self.queues_by_id[target])
            return
        action = overflow.action if target is None else "busy"  # a loop of full queues: busy
        self._emit(OVERFLOWED, call.id, None, queue.id, {"action": action, "target": None})
        self._end_call(call, "system", action, OUT_OVERFLOWED)

    def _on_abandon(self, call: Call, seq: int) -> None:
        if call.abandon_seq != seq:
            return
        call.abandon_seq = 0
        queue = call.queue
        assert queue is not None
        queue.abandoned += 1
        waited = self.now - (call.queued_at if call.queued_at is not None else self.now)
        self._emit(ABANDONED, call.id, None, queue.id, {"waited_s": waited})
        agent = call.agent if call.state is CALL_RINGING else None
        self._end_call(call, "caller", "abandoned", OUT_ABANDONED)
        if agent is not None:
            self._make_ready(agent)  # the phone stopped ringing: not the agent's fault

    def _end_call(self, call: Call, by: str, reason: str, outcome: str) -> None:
        if call.wait_seq:
            call.wait_seq = 0
            if call.queue is not None:
                call.queue.waiting_count -= 1
        call.abandon_seq = 0
        call.step_seq = 0
        call.state = CALL_ENDED
        queue = call.queue
        data = self._end_data.get((by, reason, outcome))
        if data is None:
            data = self._end_data[by, reason, outcome] = {
                "by": by,
                "reason": reason,
                "outcome": outcome,
            }
        self._emit(
            ENDED,
            call.id,
            call.agent.id if call.agent is not None else None,
            queue.id if queue is not None else None,
            data,
        )

    # ------------------------------------------------------------------ offer, answer, talk

    def _offer(self, call: Call, agent: Agent) -> None:
        if agent.simulated and call.queue is not None and call.consult_agent is None:
            self._offer_to_simulated(call, agent)
            return
        call.state = CALL_RINGING
        call.agent = agent
        agent.call = call
        agent.direction = call.direction
        queue = call.queue
        queue_id = queue.id if queue is not None else None
        now = self.now
        self._emit(
            OFFERED,
            call.id,
            agent.id,
            queue_id,
            self._offered_data(call, now - (call.queued_at if call.queued_at is not None else now)),
        )
        self._set_state(agent, RESERVED)
        if agent.simulated:
            self._answer(call, agent)
        else:
            ring_s = queue.config.ring_timeout_s if queue is not None else 15.0
            call.step_seq = self._at(now + ring_s, K_RING, call)

    @staticmethod
    def _offered_data(call: Call, waited_s: float) -> dict[str, Any]:
        """What `call.offered` says of the caller (the hot path below builds it inline)."""
        return {
            "waited_s": waited_s,
            "customer_id": call.customer_id,
            "tier": call.tier,
            "ani": call.ani,
            "ivr_path": call.ivr_path,
        }

    def _offer_to_simulated(self, call: Call, agent: Agent) -> None:
        """The hot path, flattened: offered, reserved, answered at once (0 s ring), busy, talk.

        Logs exactly what `_offer` + `_answer` would; kept apart only for speed.
        """
        queue = call.queue
        assert queue is not None
        now = self.now
        append = self._append
        call_id = call.id
        agent_id = agent.id
        queue_id = queue.id
        direction = call.direction
        queued_at = call.queued_at
        waited = now - queued_at if queued_at is not None else 0.0
        call.agent = agent
        agent.call = call
        agent.direction = direction
        append(
            (
                now,
                OFFERED,
                call_id,
                agent_id,
                queue_id,
                {
                    "waited_s": waited,
                    "customer_id": call.customer_id,
                    "tier": call.tier,
                    "ani": call.ani,
                    "ivr_path": call.ivr_path,
                },
            )
        )
        frm = agent.state
        counts = agent.state_counts
        counts[frm] -= 1
        counts[BUSY] += 1
        agent.ready_seq = 0
        agent.reason = None
        agent.since = now
        pending = agent.pending
        if pending is None:
            if frm is READY:
                reserved_data = self._ready_to_reserved_data.get(direction)
                if reserved_data is None:
                    reserved_data = self._ready_to_reserved_data[direction] = (
                        self._plain_state_data(frm, RESERVED, direction)
                    )
            else:
                reserved_data = self._plain_state_data(frm, RESERVED, direction)
        else:
            reserved_data = {
                "from": frm,
                "to": RESERVED,
                "reason": None,
                "pending": pending,
                "leg": None,
                "direction": direction,
                "wrapup_deadline": None,
            }
        append((now, STATE_CHANGED, call_id, agent_id, queue_id, reserved_data))
        call.abandon_seq = 0
        call.state = CALL_CONNECTED
        call.answered_at = now
        offer_queue = call.offer_queue
        if offer_queue is not None:
            offer_queue.answered += 1
            if waited <= offer_queue.config.sl_target_s:
                offer_queue.answered_in_sl += 1
            call.offer_queue = None
        append(
            (
                now,
                ANSWERED,
                call_id,
                agent_id,
                queue_id,
                {"waited_s": waited, "direction": direction},
            )
        )
        agent.leg = TALKING
        agent.state = BUSY
        busy_data = self._busy_talking_data.get(direction) if pending is None else None
        if busy_data is None:
            busy_data = {
                "from": RESERVED,
                "to": BUSY,
                "reason": None,
                "pending": pending,
                "leg": TALKING,
                "direction": direction,
                "wrapup_deadline": None,
            }
            if pending is None:
                self._busy_talking_data[direction] = busy_data
        append((now, STATE_CHANGED, call_id, agent_id, queue_id, busy_data))
        seq = self._next_seq()
        heappush(self._timers, (now + queue.talk(), seq, K_TALK_END, call))
        call.step_seq = seq

    def _answer(self, call: Call, agent: Agent) -> None:
        call.abandon_seq = 0
        call.step_seq = 0
        call.state = CALL_CONNECTED
        now = self.now
        call.answered_at = now
        queue = call.queue
        waited = now - (call.queued_at if call.queued_at is not None else now)
        offer_queue = call.offer_queue
        if offer_queue is not None:
            offer_queue.answered += 1
            if waited <= offer_queue.config.sl_target_s:
                offer_queue.answered_in_sl += 1
            call.offer_queue = None
        self._emit(
            ANSWERED,
            call.id,
            agent.id,
            queue.id if queue is not None else None,
            {"waited_s": waited, "direction": call.direction},
        )
        agent.leg = TALKING
        self._set_state(agent, BUSY)
        if agent.simulated:
            talk = queue.talk if queue is not None else self._talk_sampler(call, agent)
            seq = self._next_seq()
            heappush(self._timers, (now + talk(), seq, K_TALK_END, call))
            call.step_seq = seq

    def _talk_sampler(self, call: Call, agent: Agent) -> Sampler:
        if call.queue is not None:
            return call.queue.talk
        if agent.queues:
            return agent.queues[0].talk
        return lambda: 180.0

    def _on_talk_end(self, call: Call, seq: int) -> None:
        """A simulated agent's caller is done talking: the call ends, the agent wraps up."""
        if call.step_seq != seq:
            return
        call.step_seq = 0
        agent = call.agent
        assert agent is not None
        queue = call.queue
        acw = queue.acw if queue is not None else None
        if (
            acw is None
            or queue is None
            or not agent.simulated
            or call.consult_agent is not None
            or call.wait_seq
        ):
            self._talk_end_general(call, agent)
            return
        # The hot path, flattened: logs exactly what `_end_call` + `_start_wrapup` would.
        now = self.now
        append = self._append
        call_id = call.id
        agent_id = agent.id
        queue_id = queue.id
        call.abandon_seq = 0
        call.state = CALL_ENDED
        append((now, ENDED, call_id, agent_id, queue_id, self._hangup_data))
        agent.calls_handled += 1
        agent.leg = None
        agent.call = call
        deadline = now + acw()
        agent.wrapup_deadline = deadline
        frm = agent.state
        if frm is not WRAP_UP:
            counts = agent.state_counts
            counts[frm] -= 1
            counts[WRAP_UP] += 1
            if frm is READY:
                agent.ready_seq = 0
        agent.state = WRAP_UP
        agent.reason = None
        agent.since = now
        direction = agent.direction
        if agent.pending is None:
            template = self._wrapup_templates.get((frm, direction))
            if template is None:
                template = self._wrapup_templates[frm, direction] = {
                    "from": frm,
                    "to": WRAP_UP,
                    "reason": None,
                    "pending": None,
                    "leg": None,
                    "direction": direction,
                    "wrapup_deadline": None,
                }
            state_data = template.copy()
            state_data["wrapup_deadline"] = deadline
        else:
            state_data = {
                "from": frm,
                "to": WRAP_UP,
                "reason": None,
                "pending": agent.pending,
                "leg": None,
                "direction": direction,
                "wrapup_deadline": deadline,
            }
        append((now, STATE_CHANGED, call_id, agent_id, queue_id, state_data))
        seq = self._next_seq()
        heappush(self._timers, (deadline, seq, K_WRAP_END, agent))
        agent.wrap_seq = seq

    def _talk_end_general(self, call: Call, agent: Agent) -> None:
        """Talk end off the hot path: consults, humans, no after-call work."""
        self._end_call(call, "caller", "hangup", OUT_ANSWERED)
        if call.consult_agent is not None:
            self._release_consulted(call, wrap=True)
        agent.calls_handled += 1
        self._start_wrapup(agent, call)

    def _release_consulted(self, call: Call, *, wrap: bool) -> None:
        """The call left its second agent (consult or conference): wrap up or back to ready."""
        other = call.consult_agent
        if other is None:
            return
        call.consult_agent = None
        call.consult_state = None
        other.leg = None
        if wrap and other.state is BUSY:
            other.calls_handled += 1
            self._start_wrapup(other, call)
        else:
            self._make_ready(other)

    def _on_ring_timeout(self, call: Call, seq: int) -> None:
        """A human did not answer: not ready, and the call goes back to the head of its queue."""
        if call.step_seq != seq:
            return
        call.step_seq = 0
        agent = call.agent
        assert agent is not None
        self._offer_failed(call, agent, "ring_no_answer")

    def _offer_failed(self, call: Call, agent: Agent, reason: str) -> None:
        now = self.now
        self._emit(
            OFFER_TIMEOUT,
            call.id,
            agent.id,
            call.queue.id if call.queue is not None else None,
            {
                "waited_s": now - (call.queued_at if call.queued_at is not None else now),
                "reason": reason,
            },
        )
        agent.call = None
        agent.direction = None
        self._set_state(agent, NOT_READY, reason)
        self._requeue_head(call)

    def _requeue_head(self, call: Call) -> None:
        """Back in its queue keeping its original enqueue time, hence ahead of later callers."""
        call.agent = None
        queue = call.queue
        if queue is None:  # e.g. an outbound call transferred to someone who did not answer
            self._end_call(call, "system", "transfer_failed", OUT_ANSWERED)
            return
        call.state = CALL_QUEUED
        if call.queued_at is None:
            call.queued_at = self.now
        agent = self._pop_ready_agent(queue)
        if agent is not None:
            call.offer_queue = queue
            self._offer(call, agent)
            return
        queue.waiting_count += 1
        seq = self._next_seq()
        call.wait_seq = seq
        heappush(queue.waiting, (-call.priority, call.queued_at, seq, call))
        self._start_patience(call, queue)

    def _on_connect(self, call: Call, seq: int) -> None:
        """An outbound call is picked up at the far end."""
        if call.step_seq != seq:
            return
        call.step_seq = 0
        agent = call.agent
        assert agent is not None
        self._answer(call, agent)

    def _on_consult_ring_timeout(self, call: Call, seq: int) -> None:
        if call.step_seq != seq:
            return
        call.step_seq = 0
        target = call.consult_agent
        if target is None:
            return
        call.consult_agent = None
        call.consult_state = None
        self._emit(
            OFFER_TIMEOUT,
            call.id,
            target.id,
            None,
            {"waited_s": 0.0, "reason": "ring_no_answer", "consult": True},
        )
        target.call = None
        target.direction = None
        self._set_state(target, NOT_READY, "ring_no_answer")

    # ------------------------------------------------------------------ statistics

    def _on_stats(self, _payload: Any, _seq: int) -> None:
        self._at(self.now + self.config.centre.stats_interval_s, K_STATS, None)
        for queue in self.queues_by_id.values():
            self._emit(QUEUE_STATS, None, None, queue.id, self._queue_stats(queue))

    def _queue_stats(self, queue: Queue) -> dict[str, Any]:
        now = self.now
        sl_target = queue.config.sl_target_s
        longest = 0.0
        waiting_past_target = 0
        for _prio, queued_at, seq, call in queue.waiting:
            if call.wait_seq == seq:
                waited = now - queued_at
                longest = max(longest, waited)
                if waited > sl_target:
                    waiting_past_target += 1
        groups = queue.count_groups
        counts = groups[0].copy() if groups else dict.fromkeys(ALL_STATES, 0)
        for group in groups[1:]:
            for state, agents in group.items():
                counts[state] += agents
        offered_for_sl = queue.answered + queue.abandoned + queue.overflowed + waiting_past_target
        return {
            "waiting": queue.waiting_count,
            "longest_wait_s": longest,
            "agents_ready": counts[READY],
            "agents_busy": counts[RESERVED] + counts[BUSY] + counts[WRAP_UP],
            "agents_not_ready": counts[NOT_READY],
            "agents_logged_in": sum(counts[s] for s in ALL_STATES if s != LOGGED_OUT),
            "offered": queue.offered,
            "answered": queue.answered,
            "abandoned": queue.abandoned,
            "overflowed": queue.overflowed,
            "service_level": queue.answered_in_sl / offered_for_sl if offered_for_sl else None,
        }


def _check_config(config: CentreConfig) -> None:
    """References the schema cannot check alone; the loader reports these with file and line too."""
    queue_ids = {q.id for q in config.queues}
    for queue in config.queues:
        if queue.overflow.action == "queue" and queue.overflow.target not in queue_ids:
            raise EngineError(
                "invalid_config",
                f"queue {queue.id}: overflow target {queue.overflow.target!r} is no queue",
            )
        if queue.arrivals is not None:
            weights = config.arrival_profiles.get(queue.arrivals.profile)
            if weights is None:
                raise EngineError(
                    "invalid_config",
                    f"queue {queue.id}: arrival profile {queue.arrivals.profile!r} is not defined",
                )
            if len(weights) != 48 or any(w < 0 for w in weights):
                raise EngineError(
                    "invalid_config",
                    f"arrival profile {queue.arrivals.profile!r} needs 48 weights >= 0",
                )
    for name, tier in config.tiers.items():
        if tier.route_to is not None and tier.route_to not in queue_ids:
            raise EngineError(
                "invalid_config", f"tier {name}: route_to {tier.route_to!r} is no queue"
            )
    for agent in config.agents:
        if agent.shift is not None and agent.shift not in config.shifts:
            raise EngineError(
                "invalid_config", f"agent {agent.id}: shift {agent.shift!r} is not defined"
            )
    if config.ivr is not None:
        nodes = config.ivr.nodes
        if config.ivr.root not in nodes:
            raise EngineError("invalid_config", f"IVR root {config.ivr.root!r} is no node")
        for node_id, node in nodes.items():
            for option in node.options:
                if option.next is not None and option.next not in nodes:
                    raise EngineError(
                        "invalid_config", f"IVR node {node_id}: option {option.key} goes to no node"
                    )
                if option.queue is not None and option.queue not in queue_ids:
                    raise EngineError(
                        "invalid_config",
                        f"IVR node {node_id}: option {option.key} goes to no queue",
                    )
