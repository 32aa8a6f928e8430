"""Store sections: parts of the client store that one feature owns, apart from the core.

A section (tickets the agent follows, the floor's alerts, a training session…) folds the
events it names into state of its own and says which parts of the store changed. The
store hands each event to its core handlers, then to every section that names the event's
type. A feature adds its section class to `SECTION_TYPES` and its part names to
`parts.py`, and keeps everything else in its own module, so features grow apart.
"""

from __future__ import annotations

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
_features_added = False


def _add_feature_sections() -> None:
    """The features' own sections, first in line; imported on first use, because their
    modules import StoreSection from here."""
    global _features_added
    if _features_added:
        return
    _features_added = True
    from agent_tui.client.ticket_loop import TicketLoopSection

    SECTION_TYPES[:0] = [TicketLoopSection]


def new_sections() -> dict[str, StoreSection]:
    _add_feature_sections()
    return {section_type.name: section_type() for section_type in SECTION_TYPES}
