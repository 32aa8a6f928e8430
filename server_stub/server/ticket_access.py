"""Who a login is to a ticket, and a ticket as the API shows it (state, history).

A login takes a transition in one of the workflow's actor roles (`protocol.tickets.
ActorRole`): the agent who recorded the ticket (or is on its callback call), the team
leader of that agent's team, a department user of the step's work queue, the floor
manager, the admin (who may stand in for a lead); whoever took the step (its holder) works
it as its department. `actor_roles` lists the ones a login holds for a ticket; a
transition is taken in the first of them that the whitelist allows. Refusals become the
API's error shape with a status that says what kind of problem it is.
"""

from __future__ import annotations

import datetime as dt

from server_stub.protocol.api import Ticket
from server_stub.protocol.events import Event
from server_stub.protocol.tickets import (
    TRANSITIONS,
    ActorRole,
    RefusalCode,
    TicketState,
    Transition,
)
from server_stub.protocol.workflow_api import HistoryEntry, TicketDetail, WorkflowState
from server_stub.server.auth import Principal
from server_stub.server.errors import ApiError
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.callbacks import check_requested_callback
from server_stub.workflow.lifecycle import Refusal
from server_stub.workflow.ticket_loop import TicketLoop, TicketRecord

REFUSAL_STATUS: dict[RefusalCode, int] = {
    RefusalCode.UNKNOWN_TRANSITION: 422,
    RefusalCode.MISSING_FIELD: 422,
    RefusalCode.INVALID_FIELD: 422,
    RefusalCode.UNKNOWN_FIELD: 422,
    RefusalCode.ROLE_NOT_ALLOWED: 403,
}


def refusal_error(refusal: Refusal) -> ApiError:
    return ApiError(REFUSAL_STATUS.get(refusal.code, 409), refusal.code.value, refusal.message)


def actor_roles(principal: Principal, record: TicketRecord) -> list[ActorRole]:
    """The actor roles `principal` holds for this ticket, most specific first."""
    roles: list[ActorRole] = []
    queue = record.snapshot.queue
    works_queue = (
        principal.has("department") and queue is not None and queue in principal.work_queues
    )
    if works_queue or record.holder == principal.user_id:  # whoever took the step works it
        roles.append(ActorRole.DEPARTMENT)
    if principal.has("supervisor") and (
        principal.whole_floor
        or (record.team_id is not None and record.team_id in principal.supervises)
    ):
        roles.append(ActorRole.TEAM_LEADER)
        if principal.whole_floor:
            roles.append(ActorRole.SUPERVISOR)
    on_callback = record.callback is not None and record.callback.agent_id == principal.user_id
    if principal.has("agent") and (record.created_by == principal.user_id or on_callback):
        roles.append(ActorRole.AGENT)
    if principal.has("admin"):
        roles += [r for r in (ActorRole.TEAM_LEADER, ActorRole.SUPERVISOR) if r not in roles]
        roles.append(ActorRole.ADMIN)
    return roles


def role_for(principal: Principal, record: TicketRecord, transition: str) -> ActorRole:
    """The role to take `transition` in, or a 4xx saying why there is none."""
    try:
        spec = TRANSITIONS[Transition(transition)]
    except ValueError:
        known = ", ".join(t.value for t in Transition)
        raise ApiError(
            422, RefusalCode.UNKNOWN_TRANSITION.value, f"no transition {transition!r} ({known})"
        ) from None
    held = actor_roles(principal, record)
    for role in held:
        if role in spec.roles:
            return role
    allowed = ", ".join(sorted(r.value for r in spec.roles))
    mine = ", ".join(r.value for r in held) or "none"
    raise ApiError(
        403,
        RefusalCode.ROLE_NOT_ALLOWED.value,
        f"{transition} is for {allowed}; on {record.snapshot.ticket_id} you are {mine}",
    )


def offered_transitions(principal: Principal, record: TicketRecord) -> list[str]:
    """The transitions this login may take on the ticket in its state now."""
    held = set(actor_roles(principal, record))
    state: TicketState = record.snapshot.state
    return [
        spec.name.value
        for spec in TRANSITIONS.values()
        if state in spec.from_states and not held.isdisjoint(spec.roles)
    ]


def history(events: list[Event]) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for event in events:
        data = event.data
        fields = data.get("fields")
        entries.append(
            HistoryEntry(
                seq=event.seq,
                sim_time=event.sim_time,
                type=event.type,
                actor=data.get("actor") or event.agent_id,
                actor_role=data.get("actor_role"),
                transition=data.get("transition"),
                from_state=data.get("from"),
                to_state=data.get("to") or data.get("state"),
                queue=data.get("queue") or event.queue_id,
                fields={str(k): str(v) for k, v in fields.items()}
                if isinstance(fields, dict)
                else {},
                data={k: v for k, v in data.items() if k not in ("fields", "ticket_id")},
            )
        )
    return entries


def ticket_detail(
    ticket: Ticket,
    loop: TicketLoop,
    principal: Principal,
    events: list[Event],
    sim_now: float,
) -> TicketDetail:
    record = loop.record(ticket.id)
    workflow: WorkflowState | None = None
    status = ticket.status
    if record is not None:
        view = loop.view(ticket.id, sim_now)
        status = view["status"]
        workflow = WorkflowState.model_validate(
            {**view, "transitions": offered_transitions(principal, record)}
        )
    return TicketDetail.model_validate(
        {
            **ticket.model_dump(),
            "status": status,
            "workflow": workflow,
            "history": history(events),
        }
    )


def check_callback_time(
    calendar: BusinessCalendar, epoch: float, due_at: float, sim_now: float
) -> None:
    """OB3: a callback a caller asks for must be ahead and when the centre is open; the
    refusal (422) offers the next opening, on the centre's clock and as a sim time."""
    check = check_requested_callback(calendar, epoch + due_at, epoch + sim_now)
    if check.accepted or check.code is None:
        return
    local = dt.datetime.fromtimestamp(check.at, calendar.tz).strftime("%Y-%m-%d %H:%M")
    said = check.message
    if check.code == RefusalCode.CALLBACK_OUTSIDE_HOURS:  # the day's hours, in the words
        said = f"the centre is closed then ({opening_hours(calendar, epoch + due_at)})"
    raise ApiError(
        422,
        check.code.value,
        f"{said}: the next opening is {local}",
        details=[{"loc": ["body", "due_at"], "suggested_due_at": check.at - epoch}],
    )


def opening_hours(calendar: BusinessCalendar, at: float) -> str:
    """The centre's hours on the local day of `at`, in words: `2026-12-05 closed 休息` or
    `2026-12-03 open 09:00–12:00, 13:00–18:00` (a holiday's name with it)."""
    day = dt.datetime.fromtimestamp(at, calendar.tz).date()
    hours = calendar.hours_on(day)
    label = calendar.label_on(day)
    named = f"{day.isoformat()}{f' {label}' if label else ''}"
    if not hours:
        return f"{named} closed 休息"
    spans = ", ".join(f"{_clock(start)}–{_clock(end)}" for start, end in hours)
    return f"{named} open {spans}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
