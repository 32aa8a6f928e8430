"""The tickets an agent follows (TK2) and the satisfaction callback on its line (OB4).

`TicketTrackingSection` holds, for a store with a seat, the agent's own tickets as
`TrackedTicket`s (seeded by `GET /v1/agent/tickets`) and keeps each current from the
ticket loop's events on the feed: its state, status, priority, queue, nearest deadline
and the result the department entered. A result that comes back to the agent (a
`resolve` naming the agent among those notified, as after an escalated complaint) is
also queued in `results` for the desk to announce. A `callback.placed` routed to this
agent is the callback now on its line (`callback`), until its `callback.completed`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from agent_tui.client.parts import NOTHING, TRACKED_TICKETS
from agent_tui.client.sections import StoreSection
from server_stub.protocol.call_facts import BOOKED_KIND
from server_stub.protocol.ticket_tracking import TrackedTicket
from server_stub.protocol.tickets import TicketEventType, TicketField, Transition

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event

RESULTS_KEPT = 10
TRACKED_KEPT = 200  # a shift's tickets; the oldest go first beyond this


@dataclass(frozen=True)
class TicketResult:
    """A department's result on one of the agent's tickets, as the feed brought it."""

    ticket_id: str
    subject: str
    note: str
    at: float


@dataclass(frozen=True)
class PlacedCallback:
    """A satisfaction callback (回访) the server placed to this agent."""

    ticket_id: str
    callback_id: str
    call_id: str | None
    attempt: int
    ticket: dict[str, Any] = field(default_factory=dict)  # callback.placed's `ticket`

    @property
    def subject(self) -> str:
        return str(self.ticket.get("subject") or "")


class TicketTrackingSection(StoreSection):
    name: ClassVar[str] = "ticket_tracking"
    # and a call offered to this agent that is a satisfaction callback (its `callback`)
    handles: ClassVar[frozenset[str]] = frozenset(
        [*(t.value for t in TicketEventType), "call.offered"]
    )

    def __init__(self) -> None:
        self.tickets: dict[str, TrackedTicket] = {}  # own tickets, in the order first seen
        self.results: deque[TicketResult] = deque(maxlen=RESULTS_KEPT)
        self.results_heard = 0  # every result ever folded (the deque keeps the latest)
        self.callback: PlacedCallback | None = None
        self.last_ticket_id: str | None = None  # the ticket the latest event was about

    def load(self, tickets: list[TrackedTicket]) -> frozenset[str]:
        """The tickets as the server has them now (newest first), replacing what was held."""
        self.tickets = {t.id: t for t in reversed(tickets[:TRACKED_KEPT])}
        return frozenset({TRACKED_TICKETS})

    def newest_first(self) -> list[TrackedTicket]:
        return list(reversed(self.tickets.values()))

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        me = store.agent_id
        if not me:
            return NOTHING  # a login without a seat has no desk
        data = event.data
        if event.type == "call.offered":
            return self._callback_offered(event, me)
        ticket_id = str(data.get("ticket_id") or event.ticket_id or "")
        if not ticket_id:
            return NOTHING
        changed = self._callback(event.type, ticket_id, data, me)
        if event.type == TicketEventType.CREATED and event.agent_id == me:
            self._add(TrackedTicket.model_validate({**data, "id": ticket_id}))
            changed = True
        elif ticket_id in self.tickets:
            self._follow(event, ticket_id, data)
            changed = True
        if not changed:
            return NOTHING
        self.last_ticket_id = ticket_id
        return frozenset({TRACKED_TICKETS})

    def _add(self, ticket: TrackedTicket) -> None:
        self.tickets[ticket.id] = ticket
        while len(self.tickets) > TRACKED_KEPT:
            del self.tickets[next(iter(self.tickets))]

    def _follow(self, event: Event, ticket_id: str, data: dict[str, Any]) -> None:
        ticket = self.tickets[ticket_id]
        update: dict[str, Any] = {"updated_at": event.sim_time}
        for name in ("state", "status", "priority", "queue", "due_at"):
            if name in data:
                update[name] = data[name]
        if "reopen_count" in data:
            update["reopen_count"] = data["reopen_count"]
        fields = _mapping(data.get("fields"))
        note = str(fields.get(TicketField.RESOLUTION_NOTE.value) or "")
        if data.get("transition") == Transition.RESOLVE.value and note:
            update["result"] = note
            if "agent" in (data.get("notify") or ("agent",)):
                self.results.append(TicketResult(ticket_id, ticket.subject, note, event.sim_time))
                self.results_heard += 1
        self.tickets[ticket_id] = ticket.model_copy(update=update)

    def _callback_offered(self, event: Event, me: str) -> frozenset[str]:
        """A queue offered this agent a callback placed for another (who was not ready)."""
        callback = _mapping(event.data.get("callback"))
        if event.agent_id != me or not callback.get("callback_id"):
            return NOTHING
        if callback.get("kind") == BOOKED_KIND:
            return NOTHING  # a callback an agent booked: client/booked_callbacks.py
        placed = self.callback
        if placed is not None and placed.callback_id == callback["callback_id"]:
            return NOTHING  # placed to this agent: already on its line
        self.callback = PlacedCallback(
            ticket_id=str(callback.get("ticket_id") or ""),
            callback_id=str(callback["callback_id"]),
            call_id=event.call_id,
            attempt=int(callback.get("attempt") or 1),
            ticket=dict(_mapping(callback.get("ticket"))),
        )
        return frozenset({TRACKED_TICKETS})

    def _callback(self, etype: str, ticket_id: str, data: dict[str, Any], me: str) -> bool:
        """The satisfaction callback on this agent's line: placed to it, then completed."""
        if etype == TicketEventType.CALLBACK_PLACED and data.get("agent_id") == me:
            ticket = _mapping(data.get("ticket"))
            self.callback = PlacedCallback(
                ticket_id=ticket_id,
                callback_id=str(data.get("callback_id") or ""),
                call_id=None if data.get("call_id") is None else str(data["call_id"]),
                attempt=int(data.get("attempt") or 1),
                ticket=dict(ticket),
            )
            return True
        callback = self.callback
        done = etype == TicketEventType.CALLBACK_COMPLETED
        if done and callback is not None and callback.callback_id == data.get("callback_id"):
            self.callback = None
            return True
        return False

    def callback_on(self, call_id: str | None) -> PlacedCallback | None:
        """The satisfaction callback this call is, if it is one."""
        callback = self.callback
        if callback is None or call_id is None or callback.call_id != call_id:
            return None
        return callback


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}
