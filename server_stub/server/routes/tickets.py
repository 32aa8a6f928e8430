"""Tickets: create idempotently, read with workflow state and history, take transitions.

A ticket is for a customer the caller may read and may name only a call it is on or
handled (`scope.py`): what a client writes never widens what it sees. `request_id`s are
per user: a retry with the same body gets the same ticket, the same id with another body
is 409 `request_id_reused`, and another user's ids are none of this user's business.

A ticket created enters the ticket loop at once (`workflow/ticket_loop.py`: its type's
department, its deadlines); `GET /v1/tickets/{id}` shows where it is and its whole
history from the log; `POST /v1/tickets/{id}/transitions` takes a whitelisted transition
in the caller's role for that ticket (`ticket_access.py`), journaled like every command.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import Ticket, TicketCreateRequest
from server_stub.protocol.workflow_api import TicketDetail, TransitionRequest
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found, request_id_reused
from server_stub.server.routes.centre import ticket_categories
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope
from server_stub.server.ticket_access import refusal_error, role_for, ticket_detail
from server_stub.server.ticket_intake import open_ticket
from server_stub.workflow.ticket_loop import NAME as TICKET_LOOP

router = APIRouter(tags=["tickets"])

TicketWriter = Annotated[Scope, Depends(scoped("agent", "supervisor", "admin"))]
TicketReader = Annotated[
    Scope, Depends(scoped("agent", "supervisor", "evaluator", "admin", "department"))
]
CustomerTicketsReader = Annotated[
    Scope, Depends(scoped("agent", "supervisor", "evaluator", "admin"))
]
TicketWorker = Annotated[Scope, Depends(scoped("agent", "supervisor", "admin", "department"))]
# What a retry must repeat: the fields of the request that the ticket keeps.
REQUEST_FIELDS = (
    "customer_id",
    "call_id",
    "category",
    "subject",
    "description",
    "priority",
    "department",
)


@router.post("/tickets", response_model=Ticket, status_code=201)
async def create_ticket(
    body: TicketCreateRequest, scope: TicketWriter, runtime: RuntimeDep
) -> Ticket:
    user = scope.principal
    existing = runtime.store.ticket_by_request(body.request_id, created_by=user.user_id)
    if existing is not None:
        if any(getattr(existing, f) != getattr(body, f) for f in REQUEST_FIELDS):
            raise request_id_reused("ticket")
        return existing  # a retry: the same ticket, never a second one
    if runtime.store.customer(body.customer_id) is None:
        raise not_found("customer", body.customer_id)
    if body.category not in {c.code for c in ticket_categories(runtime.config)}:
        raise ApiError(422, "unknown_category", f"{body.category!r} is not a ticket category")
    runtime.catch_up()
    scope.check_customer(body.customer_id, action="ticket.create")
    if body.call_id is not None:
        scope.check_ticket_call(body.call_id)
    return open_ticket(runtime, body, created_by=user.user_id)


def readable_ticket(ticket_id: str, scope: Scope, runtime: CentreRuntime) -> Ticket:
    """The ticket, if the caller may read it (a department user: one of its queues')."""
    runtime.catch_up()
    ticket = runtime.store.ticket(ticket_id)
    if ticket is None:
        raise not_found("ticket", ticket_id)
    record = runtime.tickets.record(ticket_id)
    scope.check_workflow_ticket(ticket, record.snapshot.route if record is not None else ())
    return ticket


def detail_of(ticket: Ticket, scope: Scope, runtime: CentreRuntime) -> TicketDetail:
    events = runtime.store.events_for_ticket(ticket.id)
    return ticket_detail(ticket, runtime.tickets, scope.principal, events, runtime.now)


@router.get("/tickets/{ticket_id}", response_model=TicketDetail)
async def read_ticket(ticket_id: str, scope: TicketReader, runtime: RuntimeDep) -> TicketDetail:
    """The ticket, where it is in the workflow (clocks in business time), and its history."""
    return detail_of(readable_ticket(ticket_id, scope, runtime), scope, runtime)


@router.post("/tickets/{ticket_id}/transitions", response_model=TicketDetail)
async def take_transition(
    ticket_id: str, body: TransitionRequest, scope: TicketWorker, runtime: RuntimeDep
) -> TicketDetail:
    """Take a whitelisted transition with the fields it requires, in the caller's role."""
    ticket = readable_ticket(ticket_id, scope, runtime)
    record = runtime.tickets.record(ticket_id)
    if record is None:
        raise ApiError(
            409,
            "not_in_workflow",
            f"{ticket_id} is no longer in the workflow (closed past its reopen window, or of "
            "an earlier simulated day): open a new ticket linked to it",
        )
    role = role_for(scope.principal, record, body.transition)
    refusal = runtime.tickets.check(ticket_id, body.transition, body.fields, role.value)
    if refusal is not None:
        raise refusal_error(refusal)
    args = {
        "ticket_id": ticket_id,
        "transition": body.transition,
        "fields": body.fields,
        "actor": scope.principal.user_id,
        "actor_role": role.value,
    }
    await runtime.command(
        "companion",
        {"name": TICKET_LOOP, "method": "transition", "args": args},
        scope.principal.user_id,
    )
    return detail_of(runtime.store.ticket(ticket_id) or ticket, scope, runtime)


@router.get("/tickets", response_model=list[Ticket])
async def tickets_for_customer(
    customer_id: Annotated[str, Query(min_length=1, max_length=64)],
    scope: CustomerTicketsReader,
    runtime: RuntimeDep,
) -> list[Ticket]:
    """The customer's tickets the caller may read (an agent: its own, or all of the
    customer on its current call)."""
    runtime.catch_up()
    tickets = scope.readable_tickets(runtime.store.tickets_for_customer(customer_id))
    if any(t.created_by != scope.principal.user_id for t in tickets):
        scope.audit_read("tickets.list", customer_id)
    return tickets
