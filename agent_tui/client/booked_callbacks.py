"""The callback an agent booked for a caller, now on a desk's line (issue 9, OB3).

When a booked callback falls due the server dials it from the desk of the agent who
booked it (`callback.placed`, kind `requested`, naming that agent) or, when that agent
is not ready, queues it and a queue offers it to someone (`call.offered` with the
callback on its screen pop). Either way `BookedCallbackSection.on_line` is that callback
until another takes its place; `callback_on(call_id)` says whether a call is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from agent_tui.client.parts import BOOKED_CALLBACK, NOTHING
from agent_tui.client.sections import StoreSection
from server_stub.protocol.call_facts import BOOKED_KIND

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event


@dataclass(frozen=True)
class BookedCallCard:
    """What the desk shows of a booked callback on its line."""

    callback_id: str
    call_id: str
    booked_by: str
    number: str
    note: str
    due_at: float | None


class BookedCallbackSection(StoreSection):
    name: ClassVar[str] = "booked_callbacks"
    handles: ClassVar[frozenset[str]] = frozenset({"callback.placed", "call.offered"})

    def __init__(self) -> None:
        self.on_line: BookedCallCard | None = None

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        me = store.agent_id
        if not me or event.agent_id != me:
            return NOTHING
        data = event.data if event.type == "callback.placed" else event.data.get("callback")
        if not isinstance(data, dict) or data.get("kind") != BOOKED_KIND or not event.call_id:
            return NOTHING
        card = _card(data, event.call_id)
        if card == self.on_line:
            return NOTHING  # dialled from this desk: the placing said it already
        self.on_line = card
        return frozenset({BOOKED_CALLBACK})

    def callback_on(self, call_id: str | None) -> BookedCallCard | None:
        card = self.on_line
        return (
            card if card is not None and call_id is not None and card.call_id == call_id else None
        )


def _card(data: dict[str, Any], call_id: str) -> BookedCallCard:
    due = data.get("due_at")
    return BookedCallCard(
        callback_id=str(data.get("callback_id") or ""),
        call_id=call_id,
        booked_by=str(data.get("booked_by") or ""),
        number=str(data.get("number") or ""),
        note=str(data.get("note") or ""),
        due_at=float(due) if isinstance(due, int | float) else None,
    )
