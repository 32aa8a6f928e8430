"""The supervisor's boards in the store: queue figures, agents' days, their calls, alerts,
and what the supervisor's actions left open (pinned broadcasts, monitoring sessions).

`FloorBoardSection` is seeded from `GET /v1/supervision/board`, `/alerts` and
`/broadcasts`, then folds the feed: `supervision.queue_board` (a queue's figures, as the
server computed them), `agent.state_changed` (an agent's day: `AgentDay.changed`, the
server's own fold), `call.offered` (the queue and tier of an agent's call), the alert
events, broadcasts and monitoring, and `agent.screen` (what each agent's desk shows).
Events the board's seed already holds (seq ≤ its seq) are skipped, so nothing is counted
twice.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, ClassVar

from agent_tui.client.parts import ALERTS, BOARD, NOTHING, SCREENS
from agent_tui.client.sections import StoreSection
from server_stub.protocol.desk_screen import DeskScreenState
from server_stub.protocol.supervision import (
    ALERT_ACKNOWLEDGED,
    ALERT_CLEARED,
    ALERT_RAISED,
    AlertSnapshot,
    Thresholds,
)
from server_stub.protocol.supervision_actions import (
    BARGED,
    MESSAGE_WITHDRAWN,
    MONITOR_ENDED,
    MONITOR_STARTED,
    Broadcast,
    Broadcasts,
    MonitorSession,
)
from server_stub.protocol.supervision_board import (
    QUEUE_BOARD,
    AgentDay,
    AlertHistoryItem,
    AlertsView,
    QueueBoardFigures,
    SupervisionBoard,
)

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event

HISTORY_KEPT = 200
_ACTION_EVENTS = frozenset(
    {"supervisor.message", MESSAGE_WITHDRAWN, MONITOR_STARTED, MONITOR_ENDED, BARGED, "call.ended"}
)
_NO_CALL = frozenset({"ready", "not_ready", "logged_out"})


class FloorBoardSection(StoreSection):
    name: ClassVar[str] = "floor_board"
    handles: ClassVar[frozenset[str]] = frozenset(
        {
            QUEUE_BOARD,
            "agent.state_changed",
            "call.offered",
            ALERT_RAISED,
            ALERT_CLEARED,
            ALERT_ACKNOWLEDGED,
            "supervisor.message",
            MESSAGE_WITHDRAWN,
            MONITOR_STARTED,
            MONITOR_ENDED,
            BARGED,
            "call.ended",
            "agent.screen",
        }
    )

    def __init__(self) -> None:
        self.queues: dict[str, QueueBoardFigures] = {}
        self.queues_as_of = 0.0
        self.days: dict[str, AgentDay] = {}
        self.calls: dict[str, tuple[str | None, str | None]] = {}  # agent → (queue, tier)
        self.alerts: dict[str, AlertSnapshot] = {}  # active, by alert id
        self.history: deque[AlertHistoryItem] = deque(maxlen=HISTORY_KEPT)
        self.broadcasts: dict[str, Broadcast] = {}  # pinned now, by broadcast id
        self.monitors: dict[str, MonitorSession] = {}  # listening now, by monitor id
        self.screens: dict[str, DeskScreenState] = {}  # each agent's desk, as last published
        self.thresholds: Thresholds | None = None  # the ladders that colour time in state
        self.seq = 0  # events up to here are in the seed
        self.loaded = False

    # -- seeds -------------------------------------------------------------------------

    def load_board(self, board: SupervisionBoard) -> frozenset[str]:
        self.queues = {q.queue_id: q for q in board.queues}
        self.queues_as_of = board.as_of
        # A day as it was is kept (the same object): the board redraws rows by identity.
        known = self.days
        self.days = {
            row.status.agent_id: known[row.status.agent_id]
            if known.get(row.status.agent_id) == row.day
            else row.day
            for row in board.agents
        }
        self.calls = {
            row.status.agent_id: (row.call_queue, row.call_tier)
            for row in board.agents
            if row.status.call_id is not None
        }
        self.thresholds = board.thresholds
        self.seq = max(self.seq, board.seq)
        self.loaded = True
        return frozenset({BOARD})

    def load_alerts(self, view: AlertsView) -> frozenset[str]:
        self.alerts = {a.alert_id: a for a in view.active}
        self.history = deque(view.history, maxlen=HISTORY_KEPT)
        return frozenset({ALERTS})

    def load_broadcasts(self, broadcasts: Broadcasts) -> frozenset[str]:
        self.broadcasts = {b.broadcast_id: b for b in broadcasts.active}
        return frozenset({BOARD})

    def load_screen(self, agent_id: str, screen: DeskScreenState) -> frozenset[str]:
        self.screens[agent_id] = screen
        return frozenset({SCREENS})

    def monitor_of(self, agent_id: str, by: str) -> MonitorSession | None:
        """The session in which `by` listens to `agent_id`, if any."""
        return next(
            (m for m in self.monitors.values() if m.agent_id == agent_id and m.by == by), None
        )

    # -- reading -----------------------------------------------------------------------

    def active_alerts(self) -> list[AlertSnapshot]:
        """Most severe first, then oldest first (the server's order)."""
        rank = {"critical": 0, "warning": 1, "info": 2}
        return sorted(self.alerts.values(), key=lambda a: (rank.get(a.severity, 3), a.raised_at))

    # -- folding -----------------------------------------------------------------------

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        if event.seq and event.seq <= self.seq:
            return NOTHING
        kind = event.type
        if kind == QUEUE_BOARD:
            figures = QueueBoardFigures.model_validate(event.data)
            self.queues[figures.queue_id] = figures
            self.queues_as_of = event.sim_time
            return frozenset({BOARD})
        if kind == "agent.state_changed":
            return self._on_state(event)
        if kind in _ACTION_EVENTS:
            return self._on_action(event)
        if kind == "agent.screen":
            if event.agent_id is None or not self.loaded:
                return NOTHING
            self.screens[event.agent_id] = DeskScreenState.model_validate(event.data)
            return frozenset({SCREENS})
        if kind == "call.offered":
            if event.agent_id is None or not self.loaded:
                return NOTHING  # not a supervisor's store
            tier = event.data.get("tier")
            self.calls[event.agent_id] = (event.queue_id, tier if isinstance(tier, str) else None)
            return frozenset({BOARD})
        return self._on_alert(event)

    def _on_state(self, event: Event) -> frozenset[str]:
        agent_id = event.agent_id
        if agent_id is None or not self.loaded:
            return NOTHING
        to = str(event.data.get("to"))
        day = self.days.get(agent_id) or AgentDay(agent_id=agent_id, since=event.sim_time)
        self.days[agent_id] = day.changed(event.sim_time, to)
        if to in _NO_CALL:
            self.calls.pop(agent_id, None)
        return frozenset({BOARD})

    def _on_action(self, event: Event) -> frozenset[str]:
        if not self.loaded:
            return NOTHING  # not a supervisor's store
        data, kind = event.data, event.type
        if kind == "supervisor.message":
            if not data.get("pinned"):
                return NOTHING
            broadcast_id = str(data.get("broadcast_id"))
            self.broadcasts[broadcast_id] = Broadcast.from_message(data, event.sim_time)
        elif kind == MESSAGE_WITHDRAWN:
            self.broadcasts.pop(str(data.get("broadcast_id")), None)
        elif kind == MONITOR_STARTED:
            session = MonitorSession.from_event(data, event.sim_time)
            self.monitors[session.monitor_id] = session
        elif kind == BARGED:
            known = self.monitors.get(str(data.get("monitor_id")))
            if known is None:
                return NOTHING
            self.monitors[known.monitor_id] = known.model_copy(update={"barged": True})
        elif kind == MONITOR_ENDED:
            self.monitors.pop(str(data.get("monitor_id")), None)
        else:  # call.ended: its monitoring ends with it
            ended = [m for m, s in self.monitors.items() if s.call_id == event.call_id]
            if not ended:
                return NOTHING
            for monitor_id in ended:
                del self.monitors[monitor_id]
        return frozenset({BOARD})

    def _on_alert(self, event: Event) -> frozenset[str]:
        data = event.data
        alert_id = data.get("alert_id")
        if not isinstance(alert_id, str):
            return NOTHING
        self.history.append(AlertHistoryItem(sim_time=event.sim_time, type=event.type, data=data))
        if event.type == ALERT_RAISED:
            self.alerts[alert_id] = AlertSnapshot.model_validate(data)
        elif event.type == ALERT_CLEARED:
            self.alerts.pop(alert_id, None)
        else:
            known = self.alerts.get(alert_id)
            if known is not None:
                self.alerts[alert_id] = known.model_copy(
                    update={"acknowledged_by": data.get("by"), "acknowledged_at": event.sim_time}
                )
        return frozenset({ALERTS})
