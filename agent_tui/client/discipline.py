"""Violations (SV5) in the client store: the agent's own on its desk, a team's on the monitor.

`DisciplineSection` holds the last `ViolationsView` the server gave (`GET
/v1/agent/violations` for an agent, `/v1/supervision/violations` for a supervisor) and
folds the feed into it: an acknowledgement is applied as it is; a new violation marks the
view `stale`, because its month and points are the server's to say (the centre's local
month), so the screen showing it reads the view again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from agent_tui.client.parts import DISCIPLINE, NOTHING
from agent_tui.client.sections import StoreSection
from server_stub.protocol.attendance_api import ViolationsView
from server_stub.protocol.supervision import (
    VIOLATION_ACKNOWLEDGED,
    VIOLATION_RECORDED,
    ViolationView,
)

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event


class DisciplineSection(StoreSection):
    name: ClassVar[str] = "discipline"
    handles: ClassVar[frozenset[str]] = frozenset({VIOLATION_RECORDED, VIOLATION_ACKNOWLEDGED})

    def __init__(self) -> None:
        self.view: ViolationsView | None = None
        self.stale = False

    def load(self, view: ViolationsView) -> frozenset[str]:
        self.view, self.stale = view, False
        return frozenset({DISCIPLINE})

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        if event.type == VIOLATION_RECORDED:
            self.stale = True
            return frozenset({DISCIPLINE})
        view = self.view
        violation_id = event.data.get("violation_id")
        if view is None:
            return NOTHING
        updated = [
            v.model_copy(
                update={"acknowledged_at": event.sim_time, "comment": event.data.get("comment", "")}
            )
            if v.violation_id == violation_id and v.acknowledged_at is None
            else v
            for v in view.violations
        ]
        self.view = view.model_copy(update={"violations": updated})
        return frozenset({DISCIPLINE})

    def unacknowledged(self, agent_id: str) -> list[ViolationView]:
        """The agent's violations it has not acknowledged yet, oldest first."""
        if self.view is None:
            return []
        return [
            v for v in self.view.violations if v.agent_id == agent_id and v.acknowledged_at is None
        ]

    def points(self, agent_id: str) -> int:
        """The agent's points in the view's month."""
        return self.view.points.get(agent_id, 0) if self.view is not None else 0
