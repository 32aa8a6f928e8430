"""The ticket workflow as one object the engine calls: rules, clocks, ladders, callbacks.

`TicketWorkflow(config)` compiles a workflow file's calendar and rules. For each ticket
the engine keeps a `TicketSnapshot` and a `TicketClocks`; `open` makes both, `take`
applies a transition (the lifecycle's effects turned into clock changes, plus when a
callback falls), `next_timer` is the one escalation timer to set, and `fire_due` fires
the rungs that are due and says what each asks for. A calendar change is a new
`TicketWorkflow` over the new config: the same clocks answer on it (`due_at`).

Values in, values out; no I/O, no clock reads: the engine may compile this with mypyc.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from server_stub.protocol.tickets import TicketPriority
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.callbacks import callback_retry_at, satisfaction_callback_window
from server_stub.workflow.escalation import (
    ClockLadder,
    EscalationOrder,
    PlannedRung,
    due_rungs,
    escalation_order,
    next_escalation,
    rungs_for,
    target_minutes,
)
from server_stub.workflow.lifecycle import (
    Effect,
    LifecyclePolicy,
    Refusal,
    TicketSnapshot,
    TransitionApplied,
    apply_transition,
    build_policy,
    new_ticket,
)
from server_stub.workflow.schema import TicketTypeConfig, WorkflowConfig
from server_stub.workflow.sla import ClockKind, SlaClock


class TicketClocks:
    """A ticket's two clocks with their ladder progress; None before a clock first starts."""

    def __init__(
        self, first_response: ClockLadder | None = None, resolution: ClockLadder | None = None
    ) -> None:
        self.first_response = first_response
        self.resolution = resolution

    def ladders(self) -> list[ClockLadder]:
        return [c for c in (self.first_response, self.resolution) if c is not None]

    def due_at(self, calendar: BusinessCalendar) -> float | None:
        """The earliest deadline of the running clocks: an item's place in its work queue."""
        dues: list[float] = []
        for ladder in self.ladders():
            due = ladder.clock.due_at(calendar) if ladder.clock.running else None
            if due is not None:
                dues.append(due)
        return min(dues) if dues else None


class Step:
    """A transition taken: the rules' result, the clocks after it, and when a callback
    requested by it may be placed (`callback_window` = (earliest, due))."""

    def __init__(
        self,
        applied: TransitionApplied,
        clocks: TicketClocks,
        callback_window: tuple[float, float] | None,
    ) -> None:
        self.applied = applied
        self.clocks = clocks
        self.callback_window = callback_window


class Fired:
    """One rung fired: which, and what it asks the centre to do."""

    def __init__(self, rung: PlannedRung, order: EscalationOrder) -> None:
        self.rung = rung
        self.order = order


class TicketWorkflow:
    def __init__(self, config: WorkflowConfig) -> None:
        self.config = config
        self.calendar = BusinessCalendar(config.calendar)
        self.policy: LifecyclePolicy = build_policy(config)
        self._types: dict[str, TicketTypeConfig] = {t.id: t for t in config.types}

    def ticket_type(self, type_id: str) -> TicketTypeConfig:
        found = self._types.get(type_id)
        if found is None:
            raise KeyError(f"unknown ticket type {type_id!r} ({', '.join(self._types)})")
        return found

    # ------------------------------------------------------------------ tickets

    def open(
        self, ticket_id: str, type_id: str, priority: TicketPriority, at: float
    ) -> tuple[TicketSnapshot, TicketClocks]:
        """A new ticket and its clocks (the resolution clock runs from now)."""
        ticket, effects = new_ticket(ticket_id, type_id, priority, at)
        return ticket, self._clocks_after(ticket, TicketClocks(), effects, at)

    def take(
        self,
        ticket: TicketSnapshot,
        clocks: TicketClocks,
        transition: str,
        fields: Mapping[str, str],
        actor_role: str,
        at: float,
    ) -> Step | Refusal:
        result = apply_transition(ticket, transition, fields, actor_role, at, self.policy)
        if isinstance(result, Refusal):
            return result
        after = self._clocks_after(result.ticket, clocks, result.effects, at)
        window: tuple[float, float] | None = None
        if Effect.REQUEST_CALLBACK in result.effects:
            window = satisfaction_callback_window(self.calendar, at, self.config.callback)
        elif Effect.RETRY_CALLBACK in result.effects:
            retry = callback_retry_at(self.calendar, at, self.config.callback)
            window = (retry, retry)
        return Step(result, after, window)

    def next_timer(self, clocks: TicketClocks) -> PlannedRung | None:
        """The one instant the engine should wake this ticket at (None: no rung ahead)."""
        return next_escalation(clocks.ladders(), self.calendar)

    def fire_due(
        self, ticket: TicketSnapshot, clocks: TicketClocks, now: float
    ) -> tuple[TicketSnapshot, TicketClocks, list[Fired]]:
        """Fire every rung due by `now`, in order. A raised priority changes the ticket and
        retargets both clocks (their progress kept); a reassignment is left to the caller,
        which takes `reassign` with `order.reassign_to` as the queue."""
        fired: list[Fired] = []
        priority = ticket.priority
        ladders: dict[ClockKind, ClockLadder] = {}
        for ladder in clocks.ladders():
            due = due_rungs(ladder, self.calendar, now)
            for planned in due:
                order = escalation_order(planned.rung, priority)
                if order.new_priority is not None:
                    priority = order.new_priority
                fired.append(Fired(planned, order))
            ladders[ladder.clock.kind] = ClockLadder(
                ladder.clock, ladder.rungs, ladder.fired + len(due)
            )
        after = TicketClocks(
            ladders.get(ClockKind.FIRST_RESPONSE), ladders.get(ClockKind.RESOLUTION)
        )
        if priority != ticket.priority:
            ticket = _with_priority(ticket, priority, now)
            after = self._retarget(ticket, after)
        fired.sort(key=lambda f: f.rung.at)
        return ticket, after, fired

    # ------------------------------------------------------------------ clocks from effects

    def _start(self, ticket: TicketSnapshot, kind: ClockKind, at: float) -> ClockLadder:
        ticket_type = self.ticket_type(ticket.type_id)
        minutes = target_minutes(ticket_type, ticket.priority, kind)
        return ClockLadder(
            SlaClock.start(kind, minutes, at), rungs_for(self.config, ticket_type, kind)
        )

    def _clocks_after(
        self,
        ticket: TicketSnapshot,
        clocks: TicketClocks,
        effects: tuple[Effect, ...],
        at: float,
    ) -> TicketClocks:
        first, resolution = clocks.first_response, clocks.resolution
        for effect in effects:
            if effect is Effect.START_RESOLUTION:
                resolution = self._start(ticket, ClockKind.RESOLUTION, at)
            elif effect is Effect.START_FIRST_RESPONSE:
                first = self._start(ticket, ClockKind.FIRST_RESPONSE, at)
            elif effect is Effect.STOP_FIRST_RESPONSE and first is not None:
                first = _changed(first, first.clock.stop(at))
            elif effect is Effect.PAUSE_CLOCKS:
                first = _paused(first, at)
                resolution = _paused(resolution, at)
            elif effect is Effect.RESUME_CLOCKS:
                first = _resumed(first, at)
                resolution = _resumed(resolution, at)
            elif effect is Effect.STOP_CLOCKS:
                first = None if first is None else _changed(first, first.clock.stop(at))
                if resolution is not None:
                    resolution = _changed(resolution, resolution.clock.stop(at))
        return TicketClocks(first, resolution)

    def _retarget(self, ticket: TicketSnapshot, clocks: TicketClocks) -> TicketClocks:
        ticket_type = self.ticket_type(ticket.type_id)
        retargeted: list[ClockLadder | None] = []
        for ladder in (clocks.first_response, clocks.resolution):
            if ladder is None:
                retargeted.append(None)
                continue
            minutes = target_minutes(ticket_type, ticket.priority, ladder.clock.kind)
            retargeted.append(_changed(ladder, ladder.clock.with_target(minutes)))
        return TicketClocks(retargeted[0], retargeted[1])


def _changed(ladder: ClockLadder, clock: SlaClock) -> ClockLadder:
    return ClockLadder(clock, ladder.rungs, ladder.fired)


def _paused(ladder: ClockLadder | None, at: float) -> ClockLadder | None:
    return None if ladder is None else _changed(ladder, ladder.clock.pause(at))


def _resumed(ladder: ClockLadder | None, at: float) -> ClockLadder | None:
    return None if ladder is None else _changed(ladder, ladder.clock.resume(at))


def _with_priority(ticket: TicketSnapshot, priority: TicketPriority, at: float) -> TicketSnapshot:
    return replace(ticket, priority=priority, updated_at=at)
