"""Attendance and discipline on the engine's timeline: the roster's book and the ledger.

`AttendanceRegister` is a companion that only folds (it logs nothing): every log-in into
the `AttendanceBook` of today's roster, every `supervisor.violation_recorded` and
`agent.violation_acknowledged` into the `ViolationLedger`. Violation ids are numbered in
log order (`v1`, `v2`…), so a replay gives the same ones.
"""

from __future__ import annotations

import math
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.supervision import VIOLATION_RECORDED
from server_stub.supervision.attendance import AttendanceBook, build_roster
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.config import Code, RosterConfig, SupervisionConfig
from server_stub.supervision.discipline import ViolationLedger

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
LogEntry = tuple[float, str, str | None, str | None, str | None, Any]


class AttendanceRegister:
    def __init__(self, centre: CentreConfig, supervision: SupervisionConfig | None) -> None:
        self.clock = CentreClock(centre.centre.epoch)
        roster = supervision.roster if supervision is not None else RosterConfig()
        self.book = AttendanceBook(
            build_roster(centre, roster, self.clock), grace_s=roster.grace_min * 60.0
        )
        self.ledger = ViolationLedger(self.clock)
        self.categories: list[Code] = (
            list(supervision.violations.categories) if supervision is not None else []
        )
        self.absence_reasons: list[Code] = list(roster.absence_reasons)
        self._violations_seen = 0

    def next_violation_id(self) -> str:
        return f"v{self._violations_seen + 1}"

    def observe(self, entry: LogEntry) -> list[Emission]:
        at, kind, call_id, agent_id, queue_id, data = entry
        if not isinstance(data, dict):
            return []
        if kind == VIOLATION_RECORDED:
            self._violations_seen += 1
        self.book.apply_entry(at, kind, call_id, agent_id, queue_id, data)
        self.ledger.apply_entry(at, kind, call_id, agent_id, queue_id, data)
        return []

    def due(self) -> float:
        return math.inf

    def advance(self, now: float) -> list[Emission]:
        return []
