"""The ticket workflow's REST shapes: a ticket with its workflow state and history, work
queues and their items, a transition request.

`TicketDetail` is a `Ticket` with more fields, so a client that reads a `Ticket` from
`GET /v1/tickets/{id}` keeps working. Times are sim times (seconds from the centre's
epoch), as everywhere on the wire; what is left of a clock is in business seconds.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from server_stub.protocol.api import Ticket


class TransitionRequest(BaseModel):
    """`POST /v1/tickets/{id}/transitions`: a whitelisted transition and its fields
    (`protocol.tickets.TRANSITIONS` says which each one requires)."""

    model_config = ConfigDict(extra="forbid")

    transition: str = Field(min_length=1, max_length=64)
    fields: dict[str, str] = Field(default_factory=dict, max_length=8)


class ClockView(BaseModel):
    target_min: float
    due_at: float | None = Field(description="sim time; None while paused short of it")
    remaining_s: float = Field(description="business seconds left; negative when overdue")
    running: bool
    stopped: bool


class CallbackView(BaseModel):
    callback_id: str
    state: str = Field(description="scheduled, due (being placed) or placed")
    attempt: int
    earliest: float
    due_at: float
    call_id: str | None = None


class WorkflowState(BaseModel):
    """Where a ticket is in the loop now."""

    state: str
    priority: str
    queue: str | None
    route: list[str]
    step: int
    holder: str | None
    team_id: str | None
    reopen_count: int
    callback_attempts: int
    close_reason: str | None
    clocks: dict[str, ClockView]
    callback: CallbackView | None
    transitions: list[str] = Field(
        default_factory=list, description="the transitions the caller may take now"
    )


class HistoryEntry(BaseModel):
    """One step of a ticket, as the event log has it."""

    seq: int
    sim_time: float
    type: str
    actor: str | None = None
    actor_role: str | None = None
    transition: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    queue: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)


class TicketDetail(Ticket):
    """`GET /v1/tickets/{id}`: the ticket, its workflow state, and its full history."""

    workflow: WorkflowState | None = None
    history: list[HistoryEntry] = Field(default_factory=list)


class WorkItemView(BaseModel):
    ticket_id: str
    queue: str
    priority: str
    due_at: float | None
    remaining_s: float | None = Field(
        default=None, description="business seconds to the deadline; negative when overdue"
    )
    type: str
    subject: str
    state: str


class WorkQueueView(BaseModel):
    """A work queue the caller works: its items in the order they will be pulled."""

    id: str = Field(description="the queue (a team leader's: queue@team)")
    queue: str
    name: str
    role: str
    size: int
    items: list[WorkItemView] = Field(default_factory=list)


class TicketFigureRow(BaseModel):
    """One type's or department's tickets, from the log."""

    key: str
    opened: int = Field(description="tickets recorded (types only)")
    resolved: int
    overdue: int = Field(description="tickets whose deadline passed (an alert fired)")
    reopened: int
    reopen_rate: float | None = Field(description="reopened of resolved")
    mean_resolve_business_h: float | None = Field(
        description="creation to first resolution, in business hours on the calendar"
    )
    satisfied: int
    not_satisfied: int
    satisfaction: float | None = Field(description="satisfied of the callbacks answered")


class TicketFiguresView(BaseModel):
    """`GET /v1/workflow/figures`: the caller's tickets by type and by department."""

    by_type: list[TicketFigureRow]
    by_department: list[TicketFigureRow]


class OutboxMessage(BaseModel):
    """An automatic message to a customer (TK8), as the outbox (the log) holds it."""

    seq: int
    sim_time: float
    ticket_id: str
    customer_id: str | None
    channel: str = Field(description="sms or email")
    template: str
    text: str
