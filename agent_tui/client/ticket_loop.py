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
from server_stub.protocol.tickets import TicketEventType, TicketField, Transition

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
        result = _result_for_team_leader(event, store)
        if result is not None:
            self.escalations.appendleft(result)
        elif event.type in (TicketEventType.REMINDER, TicketEventType.ESCALATED):
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


def _result_for_team_leader(event: Event, store: ClientStore) -> Escalation | None:
    """TK5: the department's result of an escalated complaint goes back to the team
    leader (and the agent, whose desk announces it): a line in the escalations panel."""
    data = event.data
    resolved = data.get("transition") == Transition.RESOLVE.value
    if event.type != TicketEventType.TRANSITIONED or not resolved:
        return None
    if "team_leader" not in (data.get("notify") or ()) or "supervisor" not in store.roles:
        return None
    fields = data.get("fields")
    note = fields.get(TicketField.RESOLUTION_NOTE.value) if isinstance(fields, dict) else None
    return Escalation(
        seq=event.seq,
        sim_time=event.sim_time,
        ticket_id=str(data.get("ticket_id", "")),
        kind=event.type,
        action="result",
        label=f"结果 Result: {note}" if note else "结果 Result in 已有结果",
    )
