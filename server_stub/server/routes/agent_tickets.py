"""The agent's ticket tracking (TK2): its own tickets, or its caller's, as it follows them.

`GET /v1/agent/tickets` lists the tickets the agent recorded, newest first; with
`customer_id`, the tickets of that customer the agent may read (its caller's: the scope
rule of `GET /v1/tickets`). Each carries its workflow state, nearest deadline and the
department's result, read from the ticket loop and the log, so the desk shows at once
what the feed then keeps current.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import Ticket
from server_stub.protocol.ticket_tracking import TrackedTicket
from server_stub.protocol.tickets import TicketEventType, TicketField, Transition
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope

router = APIRouter(tags=["tickets"])

AgentScope = Annotated[Scope, Depends(scoped("agent"))]
TRACKED_MAX = 200


def tracked(ticket: Ticket, runtime: CentreRuntime) -> TrackedTicket:
    """The ticket with where the loop has it now and the last result entered."""
    loop = runtime.tickets
    extra: dict[str, object] = {}
    record = loop.record(ticket.id)
    if record is not None:
        view = loop.view(ticket.id, runtime.now)
        due = record.clocks.due_at(loop.calendar)  # what the loop's events say, too
        extra = {
            "status": view["status"],
            "state": view["state"],
            "queue": view["queue"],
            "due_at": None if due is None or math.isinf(due) else loop.sim_time(due),
            "reopen_count": view["reopen_count"],
        }
    notes = [
        event.data["fields"].get(TicketField.RESOLUTION_NOTE.value)
        for event in runtime.store.events_for_ticket(ticket.id)
        if event.type == TicketEventType.TRANSITIONED
        and event.data.get("transition") == Transition.RESOLVE.value
        and isinstance(event.data.get("fields"), dict)
    ]
    result = next((note for note in reversed(notes) if note), None)
    return TrackedTicket.model_validate({**ticket.model_dump(), **extra, "result": result})


@router.get("/agent/tickets", response_model=list[TrackedTicket])
async def my_tickets(
    scope: AgentScope,
    runtime: RuntimeDep,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> list[TrackedTicket]:
    """The agent's own tickets (or its caller's, with `customer_id`), newest first."""
    runtime.catch_up()
    user = scope.principal.user_id
    if customer_id is None:
        tickets = runtime.store.tickets_created_by(user, TRACKED_MAX)
    else:
        tickets = scope.readable_tickets(runtime.store.tickets_for_customer(customer_id))
        if any(t.created_by != user for t in tickets):
            scope.audit_read("tickets.list", customer_id)
    return [tracked(ticket, runtime) for ticket in tickets[:TRACKED_MAX]]
