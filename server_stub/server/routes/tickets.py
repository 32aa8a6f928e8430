"""Tickets, basic (TK1 first step): create idempotently, read, list by customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import Ticket, TicketCreateRequest
from server_stub.protocol.events import EventType
from server_stub.server.auth import Principal
from server_stub.server.deps import RuntimeDep, require
from server_stub.server.errors import ApiError, not_found, request_id_taken
from server_stub.server.routes.centre import ticket_categories

router = APIRouter(tags=["tickets"])

TicketWriter = Annotated[Principal, Depends(require("agent", "supervisor", "admin"))]
TicketReader = Annotated[Principal, Depends(require("agent", "supervisor", "evaluator", "admin"))]


@router.post("/tickets", response_model=Ticket, status_code=201)
async def create_ticket(
    body: TicketCreateRequest, user: TicketWriter, runtime: RuntimeDep
) -> Ticket:
    existing = runtime.store.ticket_by_request(body.request_id)
    if existing is not None:
        if existing.created_by != user.user_id:
            raise request_id_taken()
        return existing  # a retry: the same ticket, never a second one
    if runtime.store.customer(body.customer_id) is None:
        raise not_found("customer", body.customer_id)
    if body.category not in {c.code for c in ticket_categories(runtime.config)}:
        raise ApiError(422, "unknown_category", f"{body.category!r} is not a ticket category")
    runtime.catch_up()
    now = runtime.engine.now
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
async def read_ticket(ticket_id: str, user: TicketReader, runtime: RuntimeDep) -> Ticket:
    ticket = runtime.store.ticket(ticket_id)
    if ticket is None:
        raise not_found("ticket", ticket_id)
    return ticket


@router.get("/tickets", response_model=list[Ticket])
async def tickets_for_customer(
    customer_id: Annotated[str, Query(min_length=1, max_length=64)],
    user: TicketReader,
    runtime: RuntimeDep,
) -> list[Ticket]:
    return runtime.store.tickets_for_customer(customer_id)
