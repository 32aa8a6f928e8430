"""Historical ticket figures from the log (issue 11 item 9): per type and per department.

`TicketFigures` folds the ticket loop's events (`ticket.created`, `ticket.transitioned`,
`ticket.escalated`, `callback.completed`, …) in log order: tickets opened, resolved and
overdue (an alert fired: a deadline passed), the mean time to the first resolution in
business hours on the centre's calendar, the reopen rate (tickets reopened of those
resolved) and the satisfaction from callbacks (satisfied of those who answered). A
ticket counts for its type and for the department (work queue) that first resolved it.

Values in, values out; it reads no store: the route hands it the events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from server_stub.workflow.business_calendar import BusinessCalendar

HOUR_S = 3600.0


@dataclass
class FigureRow:
    key: str
    opened: int = 0
    resolved: int = 0
    overdue: int = 0
    reopened: int = 0
    satisfied: int = 0
    not_satisfied: int = 0
    resolve_business_h: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        answered = self.satisfied + self.not_satisfied
        times = self.resolve_business_h
        return {
            "key": self.key,
            "opened": self.opened,
            "resolved": self.resolved,
            "overdue": self.overdue,
            "reopened": self.reopened,
            "reopen_rate": self.reopened / self.resolved if self.resolved else None,
            "mean_resolve_business_h": sum(times) / len(times) if times else None,
            "satisfied": self.satisfied,
            "not_satisfied": self.not_satisfied,
            "satisfaction": self.satisfied / answered if answered else None,
        }


@dataclass
class _Seen:
    type_id: str
    created_at: float
    department: str | None = None
    resolved: bool = False
    reopened: bool = False
    overdue: bool = False


class TicketFigures:
    def __init__(self, calendar: BusinessCalendar, epoch: float) -> None:
        self.calendar = calendar
        self.epoch = epoch
        self._tickets: dict[str, _Seen] = {}
        self.by_type: dict[str, FigureRow] = {}
        self.by_department: dict[str, FigureRow] = {}

    def _rows(self, seen: _Seen) -> list[FigureRow]:
        rows = [self.by_type.setdefault(seen.type_id, FigureRow(seen.type_id))]
        if seen.department is not None:
            department = seen.department
            rows.append(self.by_department.setdefault(department, FigureRow(department)))
        return rows

    def apply(self, sim_time: float, event_type: str, data: Mapping[str, Any]) -> None:
        ticket_id = data.get("ticket_id")
        if not isinstance(ticket_id, str):
            return
        if event_type == "ticket.created":
            category = data.get("category")
            if isinstance(category, str) and ticket_id not in self._tickets:
                self._tickets[ticket_id] = _Seen(category, sim_time)
                self.by_type.setdefault(category, FigureRow(category)).opened += 1
            return
        seen = self._tickets.get(ticket_id)
        if seen is None:
            return
        transition = data.get("transition")
        if transition in ("resolve", "resolve_on_contact") and not seen.resolved:
            seen.resolved = True
            seen.department = data.get("queue") if transition == "resolve" else "on_contact"
            took = self.calendar.seconds_between(
                self.epoch + seen.created_at, self.epoch + sim_time
            )
            for row in self._rows(seen):
                row.resolved += 1
                row.resolve_business_h.append(took / HOUR_S)
            if seen.overdue and len(self._rows(seen)) > 1:
                self._rows(seen)[1].overdue += 1  # the department's share of it
        elif transition == "reopen" or (
            transition == "complete_callback" and data.get("to") == "dispatched"
        ):
            if not seen.reopened and seen.resolved:
                seen.reopened = True
                for row in self._rows(seen):
                    row.reopened += 1
        elif event_type == "ticket.escalated" and data.get("action") == "alert":
            if not seen.overdue:
                seen.overdue = True
                for row in self._rows(seen):
                    row.overdue += 1
        elif event_type == "callback.completed":
            outcome = data.get("outcome")
            for row in self._rows(seen):
                row.satisfied += int(outcome == "satisfied")
                row.not_satisfied += int(outcome == "not_satisfied")

    def report(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "by_type": [row.as_dict() for _, row in sorted(self.by_type.items())],
            "by_department": [row.as_dict() for _, row in sorted(self.by_department.items())],
        }
