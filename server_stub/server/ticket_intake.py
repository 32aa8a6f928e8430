"""Opening a ticket in the running centre: one way in, whoever raises it.

`open_ticket` stores the ticket (the next `T000123` id) and logs `ticket.created` as a
journaled `record` command, so the ticket is in the one sequence the feed, the loop and
the reports read; the ticket loop dispatches it as it sees the event. The desk's
`POST /v1/tickets` calls it after its checks, and `SimulatedTickets` for the simulated
floor's wrap-ups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server_stub.protocol.api import Ticket, TicketCreateRequest
from server_stub.protocol.events import EventType

if TYPE_CHECKING:
    from server_stub.server.runtime import CentreRuntime


def open_ticket(runtime: CentreRuntime, request: TicketCreateRequest, created_by: str) -> Ticket:
    """Store and log the ticket `request` asks for; the ticket as the loop left it."""
    now = runtime.now
    ticket = Ticket(
        id=f"T{runtime.store.ticket_count() + 1:06d}",
        request_id=request.request_id,
        customer_id=request.customer_id,
        call_id=request.call_id,
        category=request.category,
        subject=request.subject,
        description=request.description,
        priority=request.priority,
        status="open",
        department=request.department,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    runtime.store.put_ticket(ticket)
    runtime.apply_command(
        "record",
        {
            "type": EventType.TICKET_CREATED.value,
            "call_id": request.call_id,
            "agent_id": created_by,
            "data": {"ticket_id": ticket.id, **ticket.model_dump(mode="json")},
        },
        created_by,
    )
    return runtime.store.ticket(ticket.id) or ticket  # the loop has dispatched it by now
