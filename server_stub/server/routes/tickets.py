"""Tickets, basic (TK1 first step): create idempotently, read, list by customer.

A ticket is for a customer the caller may read and may name only a call it is on or
handled (`scope.py`): what a client writes never widens what it sees. `request_id`s are
per user: a retry with the same body gets the same ticket, the same id with another body
is 409 `request_id_reused`, and another user's ids are none of this user's business.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import Ticket, TicketCreateRequest
from server_stub.protocol.events import EventType
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found, request_id_reused
from server_stub.server.routes.centre import ticket_categories
from server_stub.server.scope import Scope

router = APIRouter(tags=["tickets"])

TicketWriter = Annotated[Scope, Depends(scoped("agent", "supervisor", "admin"))]
TicketReader = Annotated[Scope, Depends(scoped("agent", "supervisor", "evaluator", "admin"))]
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
    now = runtime.now
    ticket = Ticket(
        id=f"T{runtime.store.ticket_count() + 1:06d}",
        request_id=body.request_id,
        customer_id=body.customer_id,
        call_id=body.call_id,
        category=body.category,
        subject=body.subject,
        description=body.description,
        priority=body.priority,
        status="open",
        department=body.department,
        created_by=user.user_id,
        created_at=now,
        updated_at=now,
    )
    runtime.store.put_ticket(ticket)
    # Into the log as well, so the ticket is in the one sequence the feed and reports read.
    await runtime.command(
        "record",
        {
            "type": EventType.TICKET_CREATED.value,
            "call_id": body.call_id,
            "agent_id": user.user_id,
            "data": {"ticket_id": ticket.id, **ticket.model_dump(mode="json")},
        },
        user.user_id,
    )
    return ticket


@router.get("/tickets/{ticket_id}", response_model=Ticket)
async def read_ticket(ticket_id: str, scope: TicketReader, runtime: RuntimeDep) -> Ticket:
    runtime.catch_up()
    ticket = runtime.store.ticket(ticket_id)
    if ticket is None:
        raise not_found("ticket", ticket_id)
    scope.check_ticket(ticket)
    return ticket


@router.get("/tickets", response_model=list[Ticket])
async def tickets_for_customer(
    customer_id: Annotated[str, Query(min_length=1, max_length=64)],
    scope: TicketReader,
    runtime: RuntimeDep,
) -> list[Ticket]:
    """The customer's tickets the caller may read (an agent: its own, or all of the
    customer on its current call)."""
    runtime.catch_up()
    tickets = scope.readable_tickets(runtime.store.tickets_for_customer(customer_id))
    if any(t.created_by != scope.principal.user_id for t in tickets):
        scope.audit_read("tickets.list", customer_id)
    return tickets
