"""The supervisor's parts on the engine's timeline: alerts, the queues board, actions.

`attach_supervision(engine, config, supervision)` attaches `AlertCompanion` (the
`AlertEngine` of SV4 on the engine's clock) as "alerts", `QueueBoardCompanion` as
"queue_board" and `ActionsRegistry` (pinned broadcasts, monitoring sessions) as
"actions". They see every event at its instant and the first two log their own, so every
supervisor's screen and the stored log agree, and a restart by replay gives the same
alerts (docs/architecture.md "Companions on the engine's timeline"). A supervisor's
acknowledgement is a companion command (`engine.companion_command("alerts",
"acknowledge", {...})`), journaled by the server like every other command.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from server_stub.centre.schema import CentreConfig
from server_stub.engine.errors import EngineError
from server_stub.protocol.supervision import (
    ALERT_ACKNOWLEDGED,
    ALERT_CLEARED,
    ALERT_RAISED,
    AlertSnapshot,
    Thresholds,
)
from server_stub.supervision.actions import ActionsRegistry
from server_stub.supervision.alerts import AlertChange, AlertEngine, AlertError
from server_stub.supervision.board import QueueBoardCompanion
from server_stub.supervision.config import SupervisionConfig
from server_stub.supervision.register import AttendanceRegister
from server_stub.supervision.workload import Forecast

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
LogEntry = tuple[float, str, str | None, str | None, str | None, Any]

ALERT_TYPES = frozenset({ALERT_RAISED, ALERT_CLEARED, ALERT_ACKNOWLEDGED})
HISTORY_KEPT = 500  # alert events the route's history holds (the log holds them all)
ALERTS, QUEUE_BOARD, ACTIONS = "alerts", "queue_board", "actions"
REGISTER = "register"  # attendance and discipline (SV5)


class _Attachable(Protocol):
    def attach(self, name: str, companion: Any) -> None: ...


@dataclass(frozen=True)
class HistoryEntry:
    """One alert event as the history shows it."""

    sim_time: float
    type: str
    data: dict[str, Any]


class AlertCompanion:
    """`AlertEngine` as a companion: it folds every event but its own kind's."""

    def __init__(self, alerts: AlertEngine) -> None:
        self.alerts = alerts
        self.history: deque[HistoryEntry] = deque(maxlen=HISTORY_KEPT)

    def observe(self, entry: LogEntry) -> list[Emission]:
        at, event_type, call_id, agent_id, queue_id, data = entry
        if event_type in ALERT_TYPES:
            return []  # its own output, never its input
        changes = self.alerts.apply_entry(
            at, event_type, call_id, agent_id, queue_id, data if isinstance(data, dict) else {}
        )
        return self._emissions(changes)

    def due(self) -> float:
        when = self.alerts.due()
        return math.inf if when is None else when

    def advance(self, now: float) -> list[Emission]:
        return self._emissions(self.alerts.advance(max(now, self.alerts.now)))

    def acknowledge(
        self, *, now: float, alert_id: str, by: str, note: str = ""
    ) -> tuple[str, list[Emission]]:
        """A supervisor acknowledges an active alert; refused (nothing logged) if it is not."""
        try:
            changes = self.alerts.acknowledge(alert_id, by, now, note)
        except AlertError as error:
            raise EngineError(error.code, error.message) from error
        return alert_id, self._emissions(changes)

    def active(self) -> list[AlertSnapshot]:
        return self.alerts.active()

    def _emissions(self, changes: list[AlertChange]) -> list[Emission]:
        out: list[Emission] = []
        for change in changes:
            data = change.event_data()
            self.history.append(HistoryEntry(change.sim_time, change.type, data))
            out.append((change.type, None, change.agent_id, change.queue_id, data))
        return out


@dataclass(frozen=True)
class SupervisionParts:
    """What `attach_supervision` put on the engine, for the routes to read."""

    alerts: AlertCompanion
    board: QueueBoardCompanion
    actions: ActionsRegistry
    register: AttendanceRegister


def attach_supervision(
    engine: _Attachable, config: CentreConfig, supervision: SupervisionConfig | None
) -> SupervisionParts:
    """Attach the alerts and the queues board to `engine` (thresholds from `supervision`,
    the built-in ones without it)."""
    thresholds = supervision.thresholds if supervision is not None else Thresholds()
    forecast = Forecast.from_centre(config)
    alerts = AlertCompanion(AlertEngine.for_centre(config, thresholds, forecast))
    board = QueueBoardCompanion(config, alerts.alerts.thresholds, forecast)
    actions = ActionsRegistry()
    engine.attach(ALERTS, alerts)
    engine.attach(QUEUE_BOARD, board)
    engine.attach(ACTIONS, actions)
    register = AttendanceRegister(config, supervision)
    engine.attach(REGISTER, register)
    return SupervisionParts(alerts=alerts, board=board, actions=actions, register=register)
