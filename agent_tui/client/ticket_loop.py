"""The ticket loop as this login's feed tells it: the store section the back office reads.

It folds the ticket loop's events (`protocol.tickets.TicketEventType`): how many it has
heard (a change the work queues must be re-read for) and the latest reminders and
escalations, newest first, bounded so that a long shift does not grow it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from agent_tui.client.parts import TICKET_LOOP
from agent_tui.client.sections import StoreSection
from server_stub.protocol.tickets import TicketEventType

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event

ESCALATIONS_KEPT = 20


@dataclass(frozen=True, slots=True)
class Escalation:
    """A reminder or an escalation of a ticket, as the feed said it."""

    seq: int
    sim_time: float
    ticket_id: str
    kind: str  # ticket.reminder or ticket.escalated
    action: str  # remind, alert, notify_lead, reassign, raise_priority, reopened_again
    label: str


class TicketLoopSection(StoreSection):
    name: ClassVar[str] = "ticket_loop"
    handles: ClassVar[frozenset[str]] = frozenset(t.value for t in TicketEventType)

    def __init__(self) -> None:
        self.heard = 0
        self.escalations: deque[Escalation] = deque(maxlen=ESCALATIONS_KEPT)

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        self.heard += 1
        if event.type in (TicketEventType.REMINDER, TicketEventType.ESCALATED):
            data = event.data
            self.escalations.appendleft(
                Escalation(
                    seq=event.seq,
                    sim_time=event.sim_time,
                    ticket_id=str(data.get("ticket_id", "")),
                    kind=event.type,
                    action=str(data.get("action", "")),
                    label=str(data.get("label") or ""),
                )
            )
        return frozenset({TICKET_LOOP})
