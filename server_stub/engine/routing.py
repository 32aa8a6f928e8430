"""The ACD: queues, the callers waiting in them, which agent gets which call, and the call's
life from offer to end (ring-no-answer, answer, talk, the end of the call).

Waiting callers are per-queue heaps; ready agents are per-queue lanes by skill level
(leastrecent: the best level's longest ready, no comparisons) or heaps (fewestcalls,
random). Entries are deleted lazily (live while the owner still stores its number), so
routing never scans the floor, and compacted when stale entries outnumber live ones.
This is the plain path: `hot_path.py` flattens the commonest sequences for speed and must
log exactly what this logs.
"""

from __future__ import annotations

from typing import Any, Final

from server_stub.centre.schema import CentreConfig
from server_stub.engine.agent_states import AgentStates
from server_stub.engine.distributions import Sampler, make_sampler
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
    Lane,
    Queue,
    StateCounts,
)
from server_stub.engine.scheduler import heapify, heappop, heappush
from server_stub.engine.vocabulary import (
    ANSWERED,
    CONSULT_ENDED,
    ENDED,
    K_CONSULT_RING,
    K_RING,
    K_STATS,
    K_TALK_END,
    OFFER_TIMEOUT,
    OFFERED,
    OUT_ANSWERED,
    OUT_OVERFLOWED,
    OVERFLOWED,
    QUEUE_STATS,
    QUEUED,
    TALKING,
)

DEFAULT_RING_S: Final = 15.0  # a call with no queue (outbound, transferred) rings this long
DEFAULT_TALK_S: Final = 180.0  # a simulated agent with no queue talks this long
# A heap is rebuilt from its live entries when it holds more than 2 × live + this many.
COMPACT_SLACK: Final = 32


class Routing(AgentStates):
    """Queues and the automatic call distribution among the agents who serve them."""

    def __init__(self, config: CentreConfig, seed: int, *, keep_log: bool) -> None:
        super().__init__(config, seed, keep_log=keep_log)
        self.queues_by_id: dict[str, Queue] = {}
        for qc in config.queues:
            self.queues_by_id[qc.id] = Queue(
                qc,
                make_sampler(qc.talk_time, self._rng_service),
                make_sampler(qc.after_call_work, self._rng_service) if qc.after_call_work else None,
                make_sampler(qc.patience, self._rng_callers) if qc.patience else None,
            )
        for agent in self.agents_by_id.values():
            for queue in self.queues_by_id.values():
                level = agent.config.skills.get(queue.config.skill, 0)
                if level > 0:
                    agent.queues.append(queue)
                    agent.levels[queue.id] = level
                    queue.agents.append(agent)
                    if level not in queue.lane_levels:
                        queue.lane_levels.append(level)
        for queue in self.queues_by_id.values():
            queue.lane_levels.sort(reverse=True)
        # Agents serving the same queues share one state-count dict: a state change is one
        # update, not one per queue; a queue's counts are the sum over its groups.
        groups: dict[tuple[str, ...], StateCounts] = {}
        for agent in self.agents_by_id.values():
            key = tuple(queue.id for queue in agent.queues)
            counts = groups.get(key)
            if counts is None:
                counts = groups[key] = agent.state_counts
                for queue in agent.queues:
                    queue.count_groups.append(counts)
            agent.state_counts = counts
            counts.logged_out += 1
        self.calls: dict[str, Call] = {}  # calls in progress (arrived, not ended), by id
        # call.ended data by (by, reason, outcome), shared
        self._end_data: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._queued_first_data: dict[int, dict[str, Any]] = {}  # straight to an agent

    # ------------------------------------------------------------------ hooks

    def _start_patience(self, call: Call, queue: Queue) -> None:
        """The caller starts waiting in `queue`: how long it will (callers)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ agents

    def _make_ready(self, agent: Agent) -> None:
        agent.call = None
        agent.leg = None
        agent.direction = None
        agent.wrapup_deadline = None
        self._set_state(agent, READY)
        call = self._take_waiting_call(agent)
        if call is not None:
            self._offer(call, agent)
        else:
            self._wait_ready(agent)

    def _take_waiting_call(self, agent: Agent) -> Call | None:
        """The best caller waiting in the agent's queues (priority, then the queue's, then
        the longest waiting), taken out of its queue; None if nobody waits."""
        best: tuple[int, int, float, int] | None = None
        best_queue: Queue | None = None
        for queue in agent.queues:
            waiting = queue.waiting
            while waiting and waiting[0][3].wait_seq != waiting[0][2]:
                heappop(waiting)  # abandoned or moved: drop the stale entry
            if waiting:
                head = waiting[0]
                key = (head[0], -queue.priority, head[1], head[2])
                if best is None or key < best:
                    best = key
                    best_queue = queue
        if best_queue is None:
            return None
        call = heappop(best_queue.waiting)[3]
        call.wait_seq = 0
        best_queue.waiting_count -= 1
        call.offer_queue = best_queue
        return call

    def _wait_ready(self, agent: Agent) -> None:
        """Nobody waits: the agent joins the ready heap of each of its queues."""
        now = self.now
        seq = self._next_id()
        agent.ready_seq = seq
        for queue in agent.queues:
            lanes = queue.lanes
            if lanes is not None:
                lanes[agent.levels[queue.id]].entries.append((seq, agent))
                queue.lane_entries += 1
                if queue.lane_entries > 2 * len(queue.agents) + COMPACT_SLACK:
                    _compact_lanes(queue, lanes)
                continue
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
            ready = queue.ready
            heappush(ready, ready_key)
            if len(ready) > 2 * len(queue.agents) + COMPACT_SLACK:
                queue.ready = _live_ready(ready)

    def _pop_ready_agent(self, queue: Queue) -> Agent | None:
        """The agent the queue's strategy picks among its READY agents (and remove it), or None."""
        lanes = queue.lanes
        if lanes is not None:  # leastrecent: the best level's longest ready
            return _pop_lane(queue, lanes)
        ready = queue.ready
        if queue.strategy == "random":
            live = _live_ready(ready)
            queue.ready = live
            if not live:
                return None
            chosen: Agent = live[self._rng_misc.randrange(len(live))][-1]
            return chosen
        while ready:
            entry = heappop(ready)
            agent: Agent = entry[-1]
            if agent.ready_seq == entry[-2]:
                return agent
        return None

    # ------------------------------------------------------------------ queues

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
        agent = self._pop_ready_agent(queue) if queue.ready or queue.lane_entries else None
        if agent is not None:
            priority = call.priority
            data = self._queued_first_data.get(priority)
            if data is None:
                data = self._queued_first_data[priority] = {"position": 1, "priority": priority}
            self._out.append((now, QUEUED, call.id, None, queue.id, data))
            call.offer_queue = queue
            if not agent.simulated:
                self._start_patience(call, queue)  # a human may let it ring
            self._offer(call, agent)
            return
        position = queue.waiting_count + 1
        if position > queue.max_length:
            self._overflow(call, queue)
            return
        queue.waiting_count = position
        priority = call.priority
        self._out.append(
            (now, QUEUED, call.id, None, queue.id, {"position": position, "priority": priority})
        )
        self._wait_in(call, queue)
        self._start_patience(call, queue)

    def _wait_in(self, call: Call, queue: Queue) -> None:
        """The caller's entry in the queue's waiting heap (highest priority, then oldest)."""
        seq = self._next_id()
        call.wait_seq = seq
        waiting = queue.waiting
        assert call.queued_at is not None
        heappush(waiting, (-call.priority, call.queued_at, seq, call))
        if len(waiting) > 2 * queue.waiting_count + COMPACT_SLACK:
            live = [entry for entry in waiting if entry[3].wait_seq == entry[2]]
            heapify(live)
            queue.waiting = live

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
        self._wait_in(call, queue)
        self._start_patience(call, queue)

    # ------------------------------------------------------------------ offer, answer, talk

    def _offer(self, call: Call, agent: Agent) -> None:
        """The call rings at the agent; a simulated agent answers at once."""
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
            ring_s = queue.ring_timeout_s if queue is not None else DEFAULT_RING_S
            call.step_seq = self._at(now + ring_s, K_RING, call)

    @staticmethod
    def _offered_data(call: Call, waited_s: float) -> dict[str, Any]:
        """What `call.offered` says of the caller."""
        return {
            "waited_s": waited_s,
            "customer_id": call.customer_id,
            "tier": call.tier,
            "ani": call.ani,
            "ivr_path": call.ivr_path,
        }

    def _answer(self, call: Call, agent: Agent) -> None:
        call.abandon_seq = 0
        call.step_seq = 0
        call.state = CALL_CONNECTED
        now = self.now
        call.answered_at = now
        queue = call.queue
        waited = now - (call.queued_at if call.queued_at is not None else now)
        self._count_answer(call, waited)
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
            talk_s = call.talk_s if call.talk_s >= 0.0 else talk()
            call.step_seq = self._at(now + talk_s, K_TALK_END, call)

    def _count_answer(self, call: Call, waited: float) -> None:
        """The answer counts for the queue that offered it (once: not for a transfer)."""
        offer_queue = call.offer_queue
        if offer_queue is not None:
            offer_queue.answered += 1
            if waited <= offer_queue.sl_target_s:
                offer_queue.answered_in_sl += 1
            call.offer_queue = None

    def _talk_sampler(self, call: Call, agent: Agent) -> Sampler:
        if call.queue is not None:
            return call.queue.talk
        if agent.queues:
            return agent.queues[0].talk
        return _default_talk

    def _on_talk_end(self, call: Call, seq: int) -> None:
        """A simulated agent's caller is done talking: the call ends, the agent wraps up."""
        if call.step_seq != seq:
            return
        call.step_seq = 0
        agent = call.agent
        assert agent is not None
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

    def _end_call(self, call: Call, by: str, reason: str, outcome: str) -> None:
        """The call is over: it leaves the calls in progress (an agent may still wrap it up)."""
        if call.wait_seq:
            call.wait_seq = 0
            if call.queue is not None:
                call.queue.waiting_count -= 1
        call.abandon_seq = 0
        call.step_seq = 0
        call.state = CALL_ENDED
        self.calls.pop(call.id, None)
        queue = call.queue
        self._emit(
            ENDED,
            call.id,
            call.agent.id if call.agent is not None else None,
            queue.id if queue is not None else None,
            self._ended_data(by, reason, outcome),
        )

    def _ended_data(self, by: str, reason: str, outcome: str) -> dict[str, Any]:
        key = (by, reason, outcome)
        data = self._end_data.get(key)
        if data is None:
            data = self._end_data[key] = {"by": by, "reason": reason, "outcome": outcome}
        return data

    # ------------------------------------------------------------------ no answer

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
        self._consult_ended(call, target, "no_answer")
        target.call = None
        target.direction = None
        self._set_state(target, NOT_READY, "ring_no_answer")

    def _consult_ended(self, call: Call, target: Agent, reason: str) -> None:
        """The consulted party is off the line (`reason`: cancelled, declined, no_answer,
        hung_up); both desks follow the call, so both hear it."""
        owner = call.agent
        data = {
            "from_agent": owner.id if owner is not None else None,
            "to_agent": target.id,
            "reason": reason,
        }
        queue_id = call.queue.id if call.queue is not None else None
        self._emit(CONSULT_ENDED, call.id, target.id, queue_id, data)

    def _consult_ring(self, call: Call) -> None:
        """A consulted human's phone rings until it answers or the queue's ring time passes."""
        ring_s = call.queue.ring_timeout_s if call.queue is not None else DEFAULT_RING_S
        call.step_seq = self._at(self.now + ring_s, K_CONSULT_RING, call)

    # ------------------------------------------------------------------ statistics

    def _on_stats(self, _payload: Any, _seq: int) -> None:
        self._at(self.now + float(self.config.centre.stats_interval_s), K_STATS, None)
        for queue in self.queues_by_id.values():
            self._emit(QUEUE_STATS, None, None, queue.id, self._queue_stats(queue))

    def _queue_stats(self, queue: Queue) -> dict[str, Any]:
        now = self.now
        sl_target = queue.sl_target_s
        longest = 0.0
        waiting_past_target = 0
        for _prio, queued_at, seq, call in queue.waiting:
            if call.wait_seq == seq:
                waited = now - queued_at
                longest = max(longest, waited)
                if waited > sl_target:
                    waiting_past_target += 1
        counts = dict.fromkeys(ALL_STATES, 0)
        for group in queue.count_groups:
            for state, agents in group.as_dict().items():
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


def _pop_lane(queue: Queue, lanes: list[Lane]) -> Agent | None:
    """The first live entry of the best level's lane, taken out (stale ones passed go too)."""
    for level in queue.lane_levels:
        lane = lanes[level]
        entries = lane.entries
        head = lane.head
        count = len(entries)
        while head < count:
            seq, agent = entries[head]
            head += 1
            if agent.ready_seq == seq:
                queue.lane_entries -= head - lane.head
                if head == count:
                    entries.clear()
                    head = 0
                elif head > COMPACT_SLACK and 2 * head > count:
                    del entries[:head]
                    head = 0
                lane.head = head
                return agent
        queue.lane_entries -= count - lane.head
        entries.clear()
        lane.head = 0
    return None


def _compact_lanes(queue: Queue, lanes: list[Lane]) -> None:
    """Keep only the live entries of each lane, in their order."""
    total = 0
    for lane in lanes:
        live = [e for e in lane.entries[lane.head :] if e[1].ready_seq == e[0]]
        lane.entries = live
        lane.head = 0
        total += len(live)
    queue.lane_entries = total


def _live_ready(ready: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The live entries of a ready heap, as a heap."""
    live = [entry for entry in ready if entry[-1].ready_seq == entry[-2]]
    heapify(live)
    return live


def _default_talk() -> float:
    return DEFAULT_TALK_S
