"""Store sections: parts of the client store that one feature owns, apart from the core.

A section (tickets the agent follows, the floor's alerts, a training session…) folds the
events it names into state of its own and says which parts of the store changed. The
store hands each event to its core handlers, then to every section that names the event's
type. A feature adds its section class to `SECTION_TYPES` and its part names to
`parts.py`, and keeps everything else in its own module, so features grow apart.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event


class StoreSection:
    """One feature's state in the store. Subclasses set `name` and `handles`."""

    name: ClassVar[str] = ""
    handles: ClassVar[frozenset[str]] = frozenset()  # the event types it folds

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        """Fold one event (of a type in `handles`); return the parts that changed."""
        raise NotImplementedError


# Every section a store is made with, in the order they see events.
SECTION_TYPES: list[type[StoreSection]] = []
# Features' sections as "module:Class", added to SECTION_TYPES when the first store is made:
# their modules import this one, so this one cannot import them at its top.
FEATURE_SECTIONS: tuple[str, ...] = (
    "agent_tui.client.ticket_loop:TicketLoopSection",
    "agent_tui.client.floor_board:FloorBoardSection",
    "agent_tui.client.supervisor_notices:SupervisorNoticesSection",
    "agent_tui.client.discipline:DisciplineSection",
    "agent_tui.client.ticket_tracking:TicketTrackingSection",
    "agent_tui.client.call_parties:CallPartiesSection",
    "agent_tui.client.booked_callbacks:BookedCallbackSection",
)
_features_added = False


def new_sections() -> dict[str, StoreSection]:
    global _features_added
    if not _features_added:
        _features_added = True
        for name in FEATURE_SECTIONS:
            module, _, cls = name.partition(":")
            SECTION_TYPES.append(getattr(importlib.import_module(module), cls))
    return {section_type.name: section_type() for section_type in SECTION_TYPES}
