"""The ticket loop on the engine's timeline: every ticket's state, clocks, queue and callback.

`TicketLoop` is an engine companion (architecture.md "Companions on the engine's
timeline"). It sees `ticket.created` (the desk's ticket, recorded by the server) and puts
the ticket into the workflow: its type's route, its clocks in business minutes, its work
queue. From then on every step is an event it logs (`ticket.dispatched`,
`ticket.transitioned`, `ticket.reminder`, `ticket.escalated`, `callback.*`): humans'
transitions come as companion commands (journaled by the server), the simulated
departments' work (`departments.py`), the escalation ladders and the satisfaction
callbacks are its own timers. So a restart that replays the journal rebuilds it exactly
and the clocks go on.

Times: the engine's time `t` is sim time `time_base + t`; the workflow's instants are
POSIX seconds (`epoch + sim time`), what the business calendar reads. Events carry sim
times (`due_at`, `earliest`), as every event of the log does.

A callback that falls due is placed by the server (`callbacks_to_place`, then the
dispatcher's `place_callback` command dials it and tells the loop `callback_placed`):
placing a call is an engine command, which a companion may not run from inside a timer.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from server_stub.engine.errors import EngineError
from server_stub.engine.scheduler import Emission
from server_stub.protocol.tickets import (
    PRIORITY_RANK,
    ActorRole,
    CallbackOutcome,
    TicketEventType,
    TicketField,
    TicketPriority,
    TicketState,
    Transition,
)
from server_stub.workflow import auto_messages
from server_stub.workflow.departments import (
    BOUNCE_REASON,
    DEFAULT_RESOLUTION_NOTE,
    FORWARD_NOTE,
    RESOLUTION_NOTES,
    WAIT_REASON,
    Department,
    WorkOutcome,
    departments_for,
    is_simulated_worker,
)
from server_stub.workflow.lifecycle import Effect, Refusal, apply_transition
from server_stub.workflow.ticket_workflow import Step, TicketClocks, TicketWorkflow
from server_stub.workflow.work_queues import WorkItem, WorkQueues

NAME = "tickets"  # the companion's name on the engine
SYSTEM = "system"
# The status the basic ticket record keeps (protocol.api.TicketStatus) for each state.
STATUS_OF: dict[TicketState, str] = {
    TicketState.NEW: "open",
    TicketState.DISPATCHED: "dispatched",
    TicketState.IN_PROGRESS: "in_progress",
    TicketState.WAITING_CUSTOMER: "in_progress",
    TicketState.WAITING_THIRD_PARTY: "in_progress",
    TicketState.RESOLVED: "resolved",
    TicketState.CALLBACK_PENDING: "resolved",
    TicketState.CLOSED: "closed",
    TicketState.CANCELLED: "closed",
    TicketState.MERGED: "closed",
}
SATISFIED_SHARE = 0.85  # a simulated agent's callback: the customer is satisfied this often
AUTO_CLOSE_REASON = "无需回访,自动关闭 No callback for this type: closed automatically"

_K_RUNG, _K_PICKUP, _K_FINISH, _K_RESUME, _K_CALLBACK, _K_FORGET = range(6)
TERMINAL = frozenset({TicketState.CLOSED, TicketState.CANCELLED, TicketState.MERGED})
_Timer = tuple[float, int, int, str, int]  # (posix, order, kind, key, token)


class CallbackPlan:
    """A satisfaction callback: scheduled, due (waiting for the server to place it), or
    placed (a call is on)."""

    __slots__ = ("agent_id", "attempt", "call_id", "callback_id", "due", "earliest", "state")

    def __init__(self, callback_id: str, attempt: int, earliest: float, due: float) -> None:
        self.callback_id = callback_id
        self.attempt = attempt
        self.earliest = earliest
        self.due = due
        self.state = "scheduled"
        self.call_id: str | None = None
        self.agent_id: str | None = None


class TicketRecord:
    """What the loop keeps of one ticket."""

    __slots__ = (
        "call_id",
        "callback",
        "callbacks_made",
        "clocks",
        "created_by",
        "customer_id",
        "holder",
        "key",
        "rung_token",
        "snapshot",
        "subject",
        "team_id",
        "waited",
        "work_token",
    )

    def __init__(
        self,
        workflow_open: tuple[Any, TicketClocks],
        created_by: str,
        team_id: str | None,
        customer_id: str | None,
        call_id: str | None,
        subject: str,
    ) -> None:
        self.snapshot, self.clocks = workflow_open
        self.created_by = created_by
        self.team_id = team_id
        self.customer_id = customer_id
        self.call_id = call_id
        self.subject = subject
        self.holder: str | None = None  # the worker or user who took it
        self.key: str | None = None  # its place in the work queues
        self.rung_token = 0
        self.work_token = 0
        self.waited = False  # a simulated worker waited on a third party once
        self.callback: CallbackPlan | None = None
        self.callbacks_made = 0


class TicketLoop:
    """The companion. `agent_teams` maps agents to teams (a complaint's team leader);
    `humans` are the agents with a desk; `agent_queues` the call queue a callback waits in
    when its agent is not ready."""

    def __init__(
        self,
        workflow: TicketWorkflow,
        *,
        epoch: float,
        time_base: float = 0.0,
        seed: int = 1,
        agent_teams: Mapping[str, str] | None = None,
        humans: Iterable[str] = (),
        agent_queues: Mapping[str, str] | None = None,
        default_call_queue: str | None = None,
        wire_call_id: Callable[[str], str] = lambda call_id: call_id,
    ) -> None:
        self.workflow = workflow
        self.calendar = workflow.calendar
        self.epoch = epoch
        self.time_base = time_base
        self.agent_teams = dict(agent_teams or {})
        self.humans = frozenset(humans)
        self.agent_queues = dict(agent_queues or {})
        self.default_call_queue = default_call_queue
        self.wire_call_id = wire_call_id
        self.tickets: dict[str, TicketRecord] = {}
        self.queues = WorkQueues()
        self.departments: dict[str, Department] = departments_for(workflow.config, seed)
        self._rng = next(iter(self.departments.values())).rng if self.departments else None
        self._team_leader_queues = frozenset(
            q.id for q in workflow.config.queues if q.role == "team_leader"
        )
        self._pending_pickups: dict[str, int] = {}
        self._timers: list[_Timer] = []
        self._order = 0
        self._held: dict[str, set[str]] = {}  # holder → the tickets it took and works
        self._callback_calls: dict[str, str] = {}  # call id → ticket id
        self._callback_answered_by: dict[str, str] = {}
        self._due_callbacks: list[str] = []  # ticket ids whose callback waits to be placed
        self._out: list[Emission] = []
        self._now = epoch + time_base

    # ------------------------------------------------------------------ time

    def posix(self, engine_time: float) -> float:
        return self.epoch + self.time_base + engine_time

    def sim_time(self, posix: float) -> float:
        return posix - self.epoch

    # ------------------------------------------------------------------ companion protocol

    def observe(self, entry: tuple[Any, ...]) -> list[Emission]:
        etype = entry[1]
        if etype == "ticket.created":
            self._now = self.posix(entry[0])
            self._open(entry)
        elif entry[2] is not None and entry[2] in self._callback_calls:
            self._now = self.posix(entry[0])
            self._callback_call_event(etype, self._callback_calls[entry[2]], entry)
        return self._drain()

    def due(self) -> float:
        if not self._timers:
            return math.inf
        return self._timers[0][0] - self.epoch - self.time_base

    def advance(self, now: float) -> list[Emission]:
        at = self.posix(now)
        while self._timers and self._timers[0][0] <= at:
            when, _, kind, key, token = heapq.heappop(self._timers)
            self._now = when
            self._fire(kind, key, token)
        self._now = at
        return self._drain()

    # ------------------------------------------------------------------ commands (journaled)

    def transition(
        self,
        *,
        now: float,
        ticket_id: str,
        transition: str,
        fields: dict[str, str],
        actor: str,
        actor_role: str,
    ) -> tuple[dict[str, Any], list[Emission]]:
        """A human's transition; refused (EngineError, nothing logged) as the rules say."""
        self._now = self.posix(now)
        record = self._record(ticket_id)
        result = self._take(record, transition, fields, actor, actor_role)
        if isinstance(result, Refusal):
            self._out.clear()
            raise EngineError(result.code.value, result.message)
        return self.view(ticket_id), self._drain()

    def pull_next(
        self, *, now: float, keys: list[str], actor: str, actor_role: str
    ) -> tuple[dict[str, Any], list[Emission]]:
        """Take the first item of these queues (priority, then deadline) as `actor`."""
        self._now = self.posix(now)
        item = self._first_of(keys)
        if item is None:
            raise EngineError("queue_empty", "nothing is waiting in your work queues")
        record = self.tickets[item.item_id]
        result = self._take(record, Transition.ACCEPT.value, {}, actor, actor_role)
        if isinstance(result, Refusal):
            self._out.clear()
            raise EngineError(result.code.value, result.message)
        return self.view(item.item_id), self._drain()

    def callback_placed(
        self, *, now: float, ticket_id: str, call_id: str, agent_id: str | None, via: str
    ) -> tuple[None, list[Emission]]:
        """The server placed the due callback of `ticket_id` as call `call_id`."""
        self._now = self.posix(now)
        record = self._record(ticket_id)
        plan = record.callback
        if plan is None or plan.state != "due":
            raise EngineError("no_callback_due", f"{ticket_id} has no callback waiting")
        plan.state, plan.call_id, plan.agent_id = "placed", call_id, agent_id
        if ticket_id in self._due_callbacks:
            self._due_callbacks.remove(ticket_id)
        self._callback_calls[call_id] = ticket_id
        self._emit(
            record,
            TicketEventType.CALLBACK_PLACED,
            {
                "callback_id": plan.callback_id,
                "call_id": self.wire_call_id(call_id),
                "agent_id": agent_id,
                "via": via,
                "attempt": plan.attempt,
                "ticket": self._pop_summary(record),
            },
            agent_id=agent_id or record.created_by,
            call_id=self.wire_call_id(call_id),
        )
        return None, self._drain()

    # ------------------------------------------------------------------ reads (not journaled)

    def check(
        self, ticket_id: str, transition: str, fields: Mapping[str, str], actor_role: str
    ) -> Refusal | None:
        """Would this transition be refused now? (The route answers before journaling.)"""
        record = self._record(ticket_id)
        result = apply_transition(
            record.snapshot, transition, fields, actor_role, self._now, self.workflow.policy
        )
        return result if isinstance(result, Refusal) else None

    def callbacks_to_place(self) -> list[str]:
        """Tickets whose callback is due and not yet placed, oldest first."""
        return list(self._due_callbacks)

    def callback_target(self, ticket_id: str) -> tuple[str, str | None, str | None]:
        """(agent who took the call, the call queue to use otherwise, customer id)."""
        record = self._record(ticket_id)
        queue = self.agent_queues.get(record.created_by, self.default_call_queue)
        return record.created_by, queue, record.customer_id

    def keys_for_queue(self, queue_id: str, teams: Iterable[str] | None = None) -> list[str]:
        """The work-queue keys of a step: a team leader's queue is one per team."""
        if queue_id not in self._team_leader_queues:
            return [queue_id]
        if teams is None:
            return [k for k in self.queues.queues() if k.split("@")[0] == queue_id]
        return [f"{queue_id}@{team}" for team in teams]

    def queue_items(self, keys: Iterable[str], limit: int = 50) -> list[WorkItem]:
        items: list[WorkItem] = []
        for key in keys:
            items += self.queues.in_order(key, limit)
        items.sort(key=_pull_order)
        return items[:limit]

    def held_by(self, holder: str) -> list[TicketRecord]:
        """The tickets `holder` took and still works (or waits on), earliest deadline first."""
        records = [self.tickets[t] for t in self._held.get(holder, ()) if t in self.tickets]
        return sorted(records, key=lambda r: r.clocks.due_at(self.calendar) or math.inf)

    def queue_size(self, keys: Iterable[str]) -> int:
        return sum(self.queues.size(k) for k in keys)

    def business_seconds_until(self, due_sim: float, sim_now: float) -> float:
        """Business seconds from `sim_now` to `due_sim`; negative once it has passed."""
        now, due = self.epoch + sim_now, self.epoch + due_sim
        if due >= now:
            return self.calendar.seconds_between(now, due)
        return -self.calendar.seconds_between(due, now)

    def record(self, ticket_id: str) -> TicketRecord | None:
        return self.tickets.get(ticket_id)

    def view(self, ticket_id: str, sim_now: float | None = None) -> dict[str, Any]:
        """The ticket's workflow state at `sim_now` (the last event's time by default), with
        its deadlines in sim time and what is left of each clock in business seconds
        (negative: overdue by that much)."""
        record = self._record(ticket_id)
        at = self._now if sim_now is None else self.epoch + sim_now
        t = record.snapshot
        clocks: dict[str, Any] = {}
        for ladder in record.clocks.ladders():
            clock = ladder.clock
            due = clock.due_at(self.calendar)
            clocks[clock.kind.value] = {
                "target_min": clock.target_s / 60.0,
                "due_at": None if due is None else self.sim_time(due),
                "remaining_s": clock.remaining_s(self.calendar, at),
                "running": clock.running,
                "stopped": clock.stopped,
            }
        plan = record.callback
        return {
            **_basics(record),
            "route": list(t.route),
            "step": t.step,
            "reopen_count": t.reopen_count,
            "callback_attempts": t.callback_attempts,
            "close_reason": None if t.close_reason is None else t.close_reason.value,
            "clocks": clocks,
            "callback": None
            if plan is None
            else {
                "callback_id": plan.callback_id,
                "state": plan.state,
                "attempt": plan.attempt,
                "earliest": self.sim_time(plan.earliest),
                "due_at": self.sim_time(plan.due),
                "call_id": None if plan.call_id is None else self.wire_call_id(plan.call_id),
            },
        }

    # ------------------------------------------------------------------ opening a ticket

    def _open(self, entry: tuple[Any, ...]) -> None:
        data = entry[5]
        ticket_id = str(data.get("ticket_id") or data.get("id"))
        type_id = str(data.get("category"))
        if ticket_id in self.tickets or self.workflow.config.ticket_type(type_id) is None:
            return  # a category the workflow has no type for stays a plain record
        created_by = str(entry[3] or data.get("created_by"))
        priority = TicketPriority(str(data.get("priority", "normal")))
        record = TicketRecord(
            self.workflow.open(ticket_id, type_id, priority, self._now),
            created_by,
            self.agent_teams.get(created_by),
            data.get("customer_id"),
            data.get("call_id"),
            str(data.get("subject", "")),
        )
        self.tickets[ticket_id] = record
        self._schedule_rung(record)
        fields = {TicketField.QUEUE.value: data["department"]} if data.get("department") else {}
        result = self._take(record, Transition.DISPATCH.value, fields, SYSTEM, SYSTEM)
        if isinstance(result, Refusal) and fields:  # not a work queue: the type's default
            self._take(record, Transition.DISPATCH.value, {}, SYSTEM, SYSTEM)
        resolution = record.clocks.resolution
        due = None if resolution is None else resolution.clock.due_at(self.calendar)
        self._message(record, auto_messages.registered(ticket_id, due, self.calendar.tz))
        ticket_type = self.workflow.config.ticket_type(type_id)
        if ticket_type is not None and not ticket_type.callback:
            self._message(record, auto_messages.thanked(ticket_id))

    def _message(self, record: TicketRecord, message: tuple[str, str, str]) -> None:
        """An automatic message to the customer, into the outbox (the log)."""
        channel, template, text = message
        self._emit(
            record,
            TicketEventType.MESSAGE,
            {
                "channel": channel,
                "template": template,
                "text": text,
                "customer_id": record.customer_id,
            },
        )

    # ------------------------------------------------------------------ one transition

    def _take(
        self,
        record: TicketRecord,
        transition: str,
        fields: Mapping[str, str],
        actor: str,
        actor_role: str,
    ) -> Step | Refusal:
        at = self._now
        step = self.workflow.take(
            record.snapshot, record.clocks, transition, fields, actor_role, at
        )
        if isinstance(step, Refusal):
            return step
        applied = step.applied
        ticket_id = record.snapshot.ticket_id
        if Effect.DEQUEUE in applied.effects or Effect.ENQUEUE in applied.effects:
            self.queues.remove(ticket_id)
            record.key = None
        record.snapshot, record.clocks = applied.ticket, step.clocks
        self._change_holder(record, applied.ticket.state, actor)
        if Effect.ENQUEUE in applied.effects and applied.queue is not None:
            record.key = self._key(applied.queue, record.team_id)
            self.queues.put(
                ticket_id,
                record.key,
                PRIORITY_RANK[record.snapshot.priority],
                record.clocks.due_at(self.calendar),
            )
        event = (
            TicketEventType.DISPATCHED
            if applied.ticket.state is TicketState.DISPATCHED
            else TicketEventType.TRANSITIONED
        )
        self._emit(
            record,
            event,
            {
                "transition": applied.transition.value,
                "from": applied.from_state.value,
                "to": applied.ticket.state.value,
                "actor": actor,
                "actor_role": actor_role,
                "fields": dict(fields),
                "notify": [role.value for role in applied.notify],
            },
        )
        message = auto_messages.after_step(
            ticket_id,
            applied.transition,
            applied.ticket.state,
            applied.ticket.close_reason,
            fields.get(TicketField.RESOLUTION_NOTE.value),
        )
        if message is not None:
            self._message(record, message)
        self._schedule_rung(record)
        if applied.ticket.state in TERMINAL:
            self._push(at + self.workflow.policy.reopen_window_s, _K_FORGET, ticket_id, 0)
        self._follow_effects(record, step)
        if record.key is not None:
            self._offer(record.key.split("@")[0])
        return step

    def _follow_effects(self, record: TicketRecord, step: Step) -> None:
        effects = step.applied.effects
        if step.applied.transition is Transition.COMPLETE_CALLBACK and record.callback:
            self._emit(
                record,
                TicketEventType.CALLBACK_COMPLETED,
                {
                    "callback_id": record.callback.callback_id,
                    "outcome": step.applied.fields[TicketField.CALLBACK_OUTCOME.value]
                    if step.applied.fields
                    else None,
                    "attempt": record.callback.attempt,
                },
            )
        if Effect.CANCEL_CALLBACK in effects or record.snapshot.state not in (
            TicketState.RESOLVED,
            TicketState.CALLBACK_PENDING,
        ):
            self._drop_callback(record)
        if Effect.ESCALATE_REOPEN in effects:
            self._emit(
                record,
                TicketEventType.ESCALATED,
                {
                    "clock": None,
                    "action": "reopened_again",
                    "recipients": [ActorRole.AGENT.value, ActorRole.TEAM_LEADER.value],
                    "reopen_count": record.snapshot.reopen_count,
                    "label": "再次重开,上报组长 Reopened again: the lead takes a look",
                },
            )
        if Effect.REQUEST_CALLBACK in effects and step.callback_window is not None:
            window = step.callback_window
            scheduled = self._take(record, Transition.SCHEDULE_CALLBACK.value, {}, SYSTEM, SYSTEM)
            if not isinstance(scheduled, Refusal):
                self._plan_callback(record, window)
        elif Effect.RETRY_CALLBACK in effects and step.callback_window is not None:
            self._plan_callback(record, step.callback_window)
        elif Effect.AUTO_CLOSE in effects:
            fields = {TicketField.REASON.value: AUTO_CLOSE_REASON}
            self._take(record, Transition.CLOSE.value, fields, SYSTEM, SYSTEM)

    def _change_holder(self, record: TicketRecord, state: TicketState, actor: str) -> None:
        if state is TicketState.IN_PROGRESS and record.holder is None:
            record.holder = actor
            self._held.setdefault(actor, set()).add(record.snapshot.ticket_id)
            return
        if state in (TicketState.IN_PROGRESS, TicketState.WAITING_THIRD_PARTY):
            return
        if state is TicketState.WAITING_CUSTOMER:
            return
        holder, record.holder = record.holder, None
        record.work_token += 1  # a simulated worker's timers on it are void
        if holder is not None:
            self._held.get(holder, set()).discard(record.snapshot.ticket_id)
        if holder is not None and is_simulated_worker(holder):
            self._release(holder)

    def _key(self, queue_id: str, team_id: str | None) -> str:
        if queue_id in self._team_leader_queues and team_id is not None:
            return f"{queue_id}@{team_id}"
        return queue_id

    # ------------------------------------------------------------------ events

    def _emit(
        self,
        record: TicketRecord,
        etype: TicketEventType,
        extra: dict[str, Any],
        *,
        agent_id: str | None = None,
        call_id: str | None = None,
    ) -> None:
        t = record.snapshot
        due = record.clocks.due_at(self.calendar)
        data: dict[str, Any] = {
            **_basics(record),
            "due_at": None if due is None else self.sim_time(due),
            "actor": SYSTEM,  # a transition names its own actor
            **extra,
        }
        self._out.append(
            (
                etype.value,
                call_id if call_id is not None else record.call_id,
                agent_id if agent_id is not None else record.created_by,
                t.queue,
                data,
            )
        )

    def _drain(self) -> list[Emission]:
        out, self._out = self._out, []
        return out

    def _pop_summary(self, record: TicketRecord) -> dict[str, Any]:
        """What the desk shows of the ticket when its callback rings (the screen pop)."""
        t = record.snapshot
        return {
            "ticket_id": t.ticket_id,
            "type": t.type_id,
            "subject": record.subject,
            "customer_id": record.customer_id,
            "priority": t.priority.value,
            "reopen_count": t.reopen_count,
        }

    # ------------------------------------------------------------------ timers

    def _push(self, at: float, kind: int, key: str, token: int) -> None:
        self._order += 1
        heapq.heappush(self._timers, (at, self._order, kind, key, token))

    def _fire(self, kind: int, key: str, token: int) -> None:
        if kind == _K_PICKUP:
            self._pickup(key.split("|")[0], key.split("|")[1])
            return
        record = self.tickets.get(key)
        if record is None:
            return
        if kind == _K_RUNG and token == record.rung_token:
            self._fire_rungs(record)
        elif kind == _K_FINISH and token == record.work_token:
            self._finish(record)
        elif kind == _K_RESUME and token == record.work_token:
            self._resume(record)
        elif kind == _K_FORGET and record.snapshot.state in TERMINAL:
            # past its reopen window a closed ticket is history: the log keeps it, memory not
            if record.snapshot.updated_at <= self._now - self.workflow.policy.reopen_window_s:
                del self.tickets[key]
        elif kind == _K_CALLBACK and self._callback_is(record, token, "scheduled"):
            assert record.callback is not None
            record.callback.state = "due"
            self._due_callbacks.append(key)

    def _schedule_rung(self, record: TicketRecord) -> None:
        record.rung_token += 1
        planned = self.workflow.next_timer(record.clocks)
        if planned is not None:
            self._push(
                max(planned.at, self._now), _K_RUNG, record.snapshot.ticket_id, record.rung_token
            )

    def _fire_rungs(self, record: TicketRecord) -> None:
        before = record.snapshot.priority
        snapshot, clocks, fired = self.workflow.fire_due(record.snapshot, record.clocks, self._now)
        record.snapshot, record.clocks = snapshot, clocks
        ticket_id = snapshot.ticket_id
        if snapshot.priority != before or fired:
            self.queues.update(
                ticket_id,
                priority=PRIORITY_RANK[snapshot.priority],
                due=clocks.due_at(self.calendar),
            )
        for one in fired:
            order = one.order
            event = (
                TicketEventType.REMINDER if order.action == "remind" else TicketEventType.ESCALATED
            )
            self._emit(
                record,
                event,
                {
                    "clock": one.rung.kind.value,
                    "rung": one.rung.index,
                    "action": order.action,
                    "at_percent": one.rung.rung.at_percent,
                    "label": one.rung.rung.label,
                    "recipients": [r.value for r in order.recipients],
                    "new_priority": None
                    if order.new_priority is None
                    else order.new_priority.value,
                    "reassign_to": order.reassign_to,
                },
            )
            if order.reassign_to is not None and record.snapshot.state in (
                TicketState.DISPATCHED,
                TicketState.IN_PROGRESS,
            ):
                fields = {
                    TicketField.QUEUE.value: order.reassign_to,
                    TicketField.REASON.value: one.rung.rung.label or "escalation",
                }
                self._take(record, Transition.REASSIGN.value, fields, SYSTEM, SYSTEM)
        self._schedule_rung(record)

    # ------------------------------------------------------------------ simulated departments

    def _offer(self, queue_id: str) -> None:
        """Free workers of a simulated department come for the items waiting in it."""
        department = self.departments.get(queue_id)
        if department is None:
            return
        waiting = self.queue_size(self.keys_for_queue(queue_id))
        pending = self._pending_pickups.get(queue_id, 0)
        while department.free and waiting > pending:
            worker = department.take_worker()
            assert worker is not None
            pending += 1
            at = self.calendar.add_seconds(self._now, department.pickup_delay_s())
            self._push(at, _K_PICKUP, f"{queue_id}|{worker}", 0)
        self._pending_pickups[queue_id] = pending

    def _pickup(self, queue_id: str, worker: str) -> None:
        self._pending_pickups[queue_id] = self._pending_pickups.get(queue_id, 1) - 1
        department = self.departments[queue_id]
        item = self._first_of(self.keys_for_queue(queue_id))
        if item is None:
            department.release(worker)
            return
        record = self.tickets[item.item_id]
        result = self._take(record, Transition.ACCEPT.value, {}, worker, SYSTEM)
        if isinstance(result, Refusal):
            department.release(worker)
            return
        self._start_work(record, department)

    def _start_work(self, record: TicketRecord, department: Department) -> None:
        record.work_token += 1
        at = self.calendar.add_seconds(self._now, department.work_time_s())
        self._push(at, _K_FINISH, record.snapshot.ticket_id, record.work_token)

    def _finish(self, record: TicketRecord) -> None:
        t = record.snapshot
        queue_id = t.queue
        department = self.departments.get(queue_id or "")
        worker = record.holder
        if department is None or worker is None or t.state is not TicketState.IN_PROGRESS:
            return
        outcome = department.outcome(record.waited)
        last_step = t.step + 1 >= len(t.route)
        if outcome is WorkOutcome.WAIT_THIRD_PARTY:
            record.waited = True
            fields = {TicketField.REASON.value: WAIT_REASON}
            self._take(record, Transition.WAIT_THIRD_PARTY.value, fields, worker, SYSTEM)
            department.release(worker)
            record.work_token += 1
            at = self.calendar.add_seconds(self._now, department.third_party_wait_s())
            self._push(at, _K_RESUME, t.ticket_id, record.work_token)
            self._offer(department.queue_id)
            return
        if outcome is WorkOutcome.BOUNCE:
            name, fields = Transition.BOUNCE, {TicketField.REASON.value: BOUNCE_REASON}
        elif last_step:
            note = RESOLUTION_NOTES.get(department.queue_id, DEFAULT_RESOLUTION_NOTE)
            name, fields = Transition.RESOLVE, {TicketField.RESOLUTION_NOTE.value: note}
        else:
            name, fields = Transition.FORWARD, {TicketField.NOTE.value: FORWARD_NOTE}
        self._take(record, name.value, fields, worker, SYSTEM)
        department.release(worker)
        self._offer(department.queue_id)

    def _resume(self, record: TicketRecord) -> None:
        if record.snapshot.state is not TicketState.WAITING_THIRD_PARTY:
            return
        holder = record.holder or SYSTEM
        self._take(record, Transition.RESUME.value, {}, holder, SYSTEM)
        department = self.departments.get(record.snapshot.queue or "")
        if department is not None and record.holder is not None:
            self._start_work(record, department)

    def _release(self, worker: str) -> None:
        queue_id = worker.split("#")[0]
        department = self.departments.get(queue_id)
        if department is not None:
            department.release(worker)
            self._offer(queue_id)

    def _first_of(self, keys: Iterable[str]) -> WorkItem | None:
        heads = [item for item in (self.queues.peek(k) for k in keys) if item is not None]
        return min(heads, key=_pull_order) if heads else None

    # ------------------------------------------------------------------ callbacks

    def _plan_callback(self, record: TicketRecord, window: tuple[float, float]) -> None:
        record.callbacks_made += 1
        attempt = record.snapshot.callback_attempts + 1
        ticket_id = record.snapshot.ticket_id
        plan = CallbackPlan(f"{ticket_id}-CB{record.callbacks_made}", attempt, *window)
        record.callback = plan
        self._push(plan.earliest, _K_CALLBACK, ticket_id, record.callbacks_made)
        self._emit(
            record,
            TicketEventType.CALLBACK_SCHEDULED,
            {
                "callback_id": plan.callback_id,
                "kind": "satisfaction",
                "customer_id": record.customer_id,
                "earliest": self.sim_time(plan.earliest),
                "due_at": self.sim_time(plan.due),
                "attempt": attempt,
                "note": "回访满意度 Satisfaction callback",
            },
        )

    @staticmethod
    def _callback_is(record: TicketRecord, token: int, state: str) -> bool:
        plan = record.callback
        return plan is not None and token == record.callbacks_made and plan.state == state

    def _drop_callback(self, record: TicketRecord) -> None:
        plan = record.callback
        if plan is None:
            return
        record.callback = None
        ticket_id = record.snapshot.ticket_id
        if ticket_id in self._due_callbacks:
            self._due_callbacks.remove(ticket_id)
        if plan.call_id is not None:
            self._callback_calls.pop(plan.call_id, None)
            self._callback_answered_by.pop(plan.call_id, None)

    def _callback_call_event(self, etype: str, ticket_id: str, entry: tuple[Any, ...]) -> None:
        """A callback call answered by a simulated agent ends with a drawn outcome; one
        the customer never picked up (gave up in the queue) is a no-answer. A human agent
        enters the outcome itself."""
        call_id = str(entry[2])
        if etype == "call.answered" and entry[3] is not None:
            self._callback_answered_by[call_id] = str(entry[3])
            plan = self.tickets[ticket_id].callback
            if plan is not None and plan.agent_id is None:
                plan.agent_id = str(entry[3])  # from the queue: whoever answered enters it
            return
        if etype not in ("call.ended", "call.abandoned"):
            return
        agent = self._callback_answered_by.pop(call_id, None)
        self._callback_calls.pop(call_id, None)
        record = self.tickets[ticket_id]
        if record.snapshot.state is not TicketState.CALLBACK_PENDING:
            return
        if agent is not None and agent in self.humans:
            return
        if agent is None:
            outcome = CallbackOutcome.NO_ANSWER
        else:
            draw = self._rng.random() if self._rng is not None else 0.0
            satisfied = draw < SATISFIED_SHARE
            outcome = CallbackOutcome.SATISFIED if satisfied else CallbackOutcome.NOT_SATISFIED
        fields = {TicketField.CALLBACK_OUTCOME.value: outcome.value}
        self._take(record, Transition.COMPLETE_CALLBACK.value, fields, agent or SYSTEM, SYSTEM)

    # ------------------------------------------------------------------ lookups

    def _record(self, ticket_id: str) -> TicketRecord:
        record = self.tickets.get(ticket_id)
        if record is None:
            raise EngineError("no_such_ticket", f"no ticket {ticket_id!r} in the workflow")
        return record


def _basics(record: TicketRecord) -> dict[str, Any]:
    """What every event of a ticket and its view say of it."""
    t = record.snapshot
    return {
        "ticket_id": t.ticket_id,
        "type": t.type_id,
        "state": t.state.value,
        "status": STATUS_OF[t.state],
        "priority": t.priority.value,
        "queue": t.queue,
        "holder": record.holder,
        "team_id": record.team_id,
        "created_by": record.created_by,
    }


def _pull_order(item: WorkItem) -> tuple[int, float, int]:
    return (-item.priority, item.due, item.order)
