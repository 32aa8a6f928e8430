"""Violations (SV5): level 1/2/3 worth 1/3/5 points, a note, the agent's acknowledgement.

`new_violation` checks a supervisor's record before it becomes a
`supervisor.violation_recorded` event; `ViolationLedger` folds those and
`agent.violation_acknowledged` from the log, checks an agent's acknowledgement, and
sums points per agent per month (the month of the record, in the centre's local time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from server_stub.protocol.events import Event
from server_stub.protocol.supervision import (
    VIOLATION_ACKNOWLEDGED,
    VIOLATION_POINTS,
    VIOLATION_RECORDED,
    ViolationAcknowledged,
    ViolationRecorded,
    ViolationView,
)
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.entries import as_entry


class DisciplineError(Exception):
    """A violation or acknowledgement that cannot be recorded; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def new_violation(
    *,
    violation_id: str,
    agent_id: str,
    team_id: str | None,
    level: int,
    category: str,
    note: str,
    by: str,
    categories: Sequence[str] = (),
) -> ViolationRecorded:
    """The data of a `supervisor.violation_recorded` event, or a DisciplineError
    (`invalid_level`, `unknown_category`, `invalid_violation`)."""
    if level not in VIOLATION_POINTS:
        raise DisciplineError("invalid_level", f"a violation is level 1, 2 or 3, not {level}")
    if categories and category not in categories:
        known = ", ".join(categories)
        raise DisciplineError("unknown_category", f"unknown category {category!r} ({known})")
    try:
        return ViolationRecorded(
            violation_id=violation_id,
            agent_id=agent_id,
            team_id=team_id,
            level=level,  # type: ignore[arg-type]  # checked above
            points=VIOLATION_POINTS[level],
            category=category,
            note=note,
            by=by,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise DisciplineError("invalid_violation", f"{field}: {first['msg']}") from None


class ViolationLedger:
    """Every violation of the log, with its acknowledgement."""

    def __init__(self, clock: CentreClock) -> None:
        self.clock = clock
        self._violations: dict[str, ViolationView] = {}

    def apply(self, event: Event) -> None:
        self.apply_entry(*as_entry(event))

    def apply_entry(
        self,
        sim_time: float,
        event_type: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        data: Mapping[str, Any],
    ) -> None:
        if event_type == VIOLATION_RECORDED:
            recorded = ViolationRecorded.model_validate(dict(data))
            self._violations[recorded.violation_id] = ViolationView(
                **recorded.model_dump(), recorded_at=sim_time, month=self.clock.month(sim_time)
            )
        elif event_type == VIOLATION_ACKNOWLEDGED:
            ack = ViolationAcknowledged.model_validate(dict(data))
            current = self._violations.get(ack.violation_id)
            if current is not None and current.acknowledged_at is None:
                self._violations[ack.violation_id] = current.model_copy(
                    update={"acknowledged_at": sim_time, "comment": ack.comment}
                )

    def check_new(self, violation_id: str) -> None:
        if violation_id in self._violations:
            raise DisciplineError(
                "duplicate_violation", f"violation {violation_id!r} is already recorded"
            )

    def check_acknowledgement(
        self, violation_id: str, agent_id: str, comment: str = ""
    ) -> ViolationAcknowledged:
        """The data of `agent.violation_acknowledged`, or a DisciplineError
        (`no_such_violation`, `not_your_violation`, `already_acknowledged`)."""
        current = self._violations.get(violation_id)
        if current is None:
            raise DisciplineError("no_such_violation", f"no violation {violation_id!r}")
        if current.agent_id != agent_id:
            raise DisciplineError("not_your_violation", "only the agent it names acknowledges it")
        if current.acknowledged_at is not None:
            raise DisciplineError("already_acknowledged", "this violation is acknowledged")
        try:
            return ViolationAcknowledged(
                violation_id=violation_id, agent_id=agent_id, comment=comment
            )
        except ValidationError as exc:
            raise DisciplineError("invalid_violation", str(exc.errors()[0]["msg"])) from None

    def get(self, violation_id: str) -> ViolationView | None:
        return self._violations.get(violation_id)

    def violations(self) -> list[ViolationView]:
        """Every violation, oldest first."""
        return list(self._violations.values())

    def for_agent(self, agent_id: str) -> list[ViolationView]:
        """The agent's violations, oldest first."""
        return [v for v in self._violations.values() if v.agent_id == agent_id]

    def points(self, month: str) -> dict[str, int]:
        """Agent id → points of the violations recorded in `month` ("YYYY-MM")."""
        totals: dict[str, int] = {}
        for violation in self._violations.values():
            if violation.month == month:
                totals[violation.agent_id] = totals.get(violation.agent_id, 0) + violation.points
        return totals
