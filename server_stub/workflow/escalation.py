"""Escalation ladders (TK4, TK5): which rung of which clock fires next, when, and what it does.

A ladder is data (`schema.Rung`: at N % of the target plus M business minutes, an action).
Rungs fire in order; a ticket keeps how many of each clock's rungs have fired. The engine
asks `next_escalation` for the one instant to set a timer at; when it fires, `due_rungs`
says which rungs are due (several may be, after a pause or a calendar change) and
`escalation_order` what each does. A complaint's way up (agent → team leader → complaint
group) is its route (`TicketTypeConfig.via`), not a ladder: see `lifecycle`.

Plain typed classes, no I/O: the engine may compile this module with mypyc.
"""

from __future__ import annotations

from collections.abc import Sequence

from server_stub.protocol.tickets import ActorRole, TicketPriority
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.schema import Rung, TicketTypeConfig, WorkflowConfig
from server_stub.workflow.sla import ClockKind, SlaClock


def rung_offset_s(rung: Rung, target_s: float) -> float:
    """Business seconds into the clock at which `rung` fires."""
    return target_s * rung.at_percent / 100.0 + rung.after_min * 60.0


class ClockLadder:
    """One clock with its ladder and how many of its rungs have fired."""

    def __init__(self, clock: SlaClock, rungs: Sequence[Rung], fired: int = 0) -> None:
        self.clock = clock
        self.rungs = tuple(rungs)
        self.fired = fired


class PlannedRung:
    """The next rung of a clock to fire, and when."""

    def __init__(self, kind: ClockKind, index: int, rung: Rung, at: float) -> None:
        self.kind = kind
        self.index = index
        self.rung = rung
        self.at = at

    def __repr__(self) -> str:
        return f"PlannedRung({self.kind.value}#{self.index} {self.rung.action} at {self.at:.0f})"


def next_rung(ladder: ClockLadder, calendar: BusinessCalendar) -> PlannedRung | None:
    """The clock's next unfired rung and its instant; None when all fired or the clock is
    paused or stopped (a paused clock reaches nothing)."""
    clock = ladder.clock
    if ladder.fired >= len(ladder.rungs) or clock.stopped or not clock.running:
        return None
    rung = ladder.rungs[ladder.fired]
    at = clock.instant_at(calendar, rung_offset_s(rung, clock.target_s))
    if at is None:
        return None
    return PlannedRung(clock.kind, ladder.fired, rung, at)


def next_escalation(
    ladders: Sequence[ClockLadder], calendar: BusinessCalendar
) -> PlannedRung | None:
    """The earliest next rung over a ticket's clocks: the one timer the engine sets."""
    best: PlannedRung | None = None
    for ladder in ladders:
        planned = next_rung(ladder, calendar)
        if planned is not None and (best is None or planned.at < best.at):
            best = planned
    return best


def due_rungs(ladder: ClockLadder, calendar: BusinessCalendar, now: float) -> list[PlannedRung]:
    """Every unfired rung of the clock due by `now`, in ladder order."""
    due: list[PlannedRung] = []
    clock = ladder.clock
    if clock.stopped:
        return due
    elapsed = clock.elapsed_s(calendar, now)
    for index in range(ladder.fired, len(ladder.rungs)):
        rung = ladder.rungs[index]
        offset = rung_offset_s(rung, clock.target_s)
        if offset > elapsed:
            break
        at = clock.instant_at(calendar, offset)
        due.append(PlannedRung(clock.kind, index, rung, now if at is None else at))
    return due


class EscalationOrder:
    """What a fired rung asks of the centre: whom to tell, and a change to make (if any)."""

    def __init__(
        self,
        action: str,
        recipients: tuple[ActorRole, ...],
        new_priority: TicketPriority | None = None,
        reassign_to: str | None = None,
    ) -> None:
        self.action = action
        self.recipients = recipients
        self.new_priority = new_priority
        self.reassign_to = reassign_to


_RAISED: dict[TicketPriority, TicketPriority] = {
    TicketPriority.LOW: TicketPriority.NORMAL,
    TicketPriority.NORMAL: TicketPriority.HIGH,
    TicketPriority.HIGH: TicketPriority.URGENT,
    TicketPriority.URGENT: TicketPriority.URGENT,
}


def escalation_order(rung: Rung, priority: TicketPriority) -> EscalationOrder:
    """A reminder goes to the step's holder; an alert to the holder and the team leader;
    `notify_lead` to the team leader; `reassign` moves the step to `rung.to`;
    `raise_priority` lifts the ticket one level (urgent stays urgent) and tells the lead."""
    holder = ActorRole.DEPARTMENT
    lead = ActorRole.TEAM_LEADER
    if rung.action == "remind":
        return EscalationOrder("remind", (holder,))
    if rung.action == "alert":
        return EscalationOrder("alert", (holder, lead))
    if rung.action == "notify_lead":
        return EscalationOrder("notify_lead", (lead,))
    if rung.action == "reassign":
        return EscalationOrder("reassign", (holder, lead), reassign_to=rung.to)
    raised = _RAISED[priority]
    return EscalationOrder(
        "raise_priority", (holder, lead), new_priority=raised if raised != priority else None
    )


def rungs_for(
    config: WorkflowConfig, ticket_type: TicketTypeConfig, kind: ClockKind
) -> tuple[Rung, ...]:
    """A clock's ladder: the type's own where it has one, else the workflow's default."""
    ladder = ticket_type.escalation if ticket_type.escalation is not None else config.escalation
    return ladder.first_response if kind is ClockKind.FIRST_RESPONSE else ladder.resolution


def target_minutes(
    ticket_type: TicketTypeConfig, priority: TicketPriority, kind: ClockKind
) -> float:
    """The type's target for a priority, in business minutes (the loader requires all four
    priorities)."""
    targets = ticket_type.targets[priority]
    if kind is ClockKind.FIRST_RESPONSE:
        return targets.first_response_min
    return targets.resolution_min
