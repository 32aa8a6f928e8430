"""What supervisors' actions leave open: pinned broadcasts and monitoring sessions.

`ActionsRegistry` is a companion that only folds (it logs nothing): the broadcasts pinned
now (`supervisor.message` with `pinned`, until `supervisor.message_withdrawn`) and the
monitoring sessions running (`supervisor.monitor_started` until `…_ended`, or until the
call ends). Ids are numbered in log order (`b1`, `m1`…), so a replay gives the same ones.
"""

from __future__ import annotations

import math
from typing import Any

from server_stub.protocol.events import EventType
from server_stub.protocol.supervision_actions import (
    BARGED,
    MESSAGE_WITHDRAWN,
    MONITOR_ENDED,
    MONITOR_STARTED,
    Broadcast,
    MonitorSession,
)

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
LogEntry = tuple[float, str, str | None, str | None, str | None, Any]


class ActionsRegistry:
    def __init__(self) -> None:
        self.broadcasts: dict[str, Broadcast] = {}
        self.monitors: dict[str, MonitorSession] = {}
        self._broadcasts_seen = 0
        self._monitors_seen = 0

    def next_broadcast_id(self) -> str:
        return f"b{self._broadcasts_seen + 1}"

    def next_monitor_id(self) -> str:
        return f"m{self._monitors_seen + 1}"

    def observe(self, entry: LogEntry) -> list[Emission]:
        at, kind, call_id, _agent_id, _queue_id, data = entry
        if not isinstance(data, dict):
            return []
        if kind == EventType.SUPERVISOR_MESSAGE and data.get("pinned"):
            self._broadcasts_seen += 1
            broadcast_id = str(data["broadcast_id"])
            self.broadcasts[broadcast_id] = Broadcast(
                broadcast_id=broadcast_id,
                text=str(data.get("text", "")),
                team_id=data.get("team_id"),
                sender=str(data.get("sender", "")),
                sender_name=str(data.get("sender_name", "")),
                sent_at=at,
            )
        elif kind == MESSAGE_WITHDRAWN:
            self.broadcasts.pop(str(data.get("broadcast_id")), None)
        elif kind == MONITOR_STARTED:
            self._monitors_seen += 1
            fields = {k: v for k, v in data.items() if k in MonitorSession.model_fields}
            session = MonitorSession.model_validate({**fields, "started_at": at})
            self.monitors[session.monitor_id] = session
        elif kind == BARGED:
            known = self.monitors.get(str(data.get("monitor_id")))
            if known is not None:
                self.monitors[known.monitor_id] = known.model_copy(update={"barged": True})
        elif kind == MONITOR_ENDED:
            self.monitors.pop(str(data.get("monitor_id")), None)
        elif kind == EventType.CALL_ENDED and call_id is not None:
            # A call that ends ends its monitoring (the log says so by the call's end).
            for monitor_id in [m for m, s in self.monitors.items() if s.call_id == call_id]:
                del self.monitors[monitor_id]
        return []

    def due(self) -> float:
        return math.inf

    def advance(self, now: float) -> list[Emission]:
        return []
