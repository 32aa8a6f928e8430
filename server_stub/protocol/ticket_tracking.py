"""The desk's ticket tracking on the wire (TK2): a ticket as the agent follows it.

`GET /v1/agent/tickets` answers with `TrackedTicket`s: the agent's own tickets, or (with
`customer_id`) the tickets of the caller it is on, each with where the ticket is in the
workflow now, its nearest deadline and the result the department entered. The desk keeps
them current from the ticket events on its feed and reads a ticket's full history from
`GET /v1/tickets/{id}`.
"""

from __future__ import annotations

from pydantic import Field

from server_stub.protocol.api import Ticket


class TrackedTicket(Ticket):
    """A ticket with its workflow state now (None: no longer in the workflow)."""

    state: str | None = Field(default=None, description="protocol.tickets.TicketState")
    queue: str | None = None
    due_at: float | None = Field(
        default=None, description="sim time of the nearest running deadline; None if none"
    )
    result: str | None = Field(default=None, description="the last resolution note entered")
    reopen_count: int = 0
