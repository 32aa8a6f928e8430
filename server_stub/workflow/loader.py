"""Load a workflow file (YAML) into `WorkflowConfig`, with errors that name file, line and field.

The YAML reading, line table and pydantic-error mapping are the centre loader's
(`server_stub.centre.loader`), so both files report problems the same way
(`file:line: field: what is wrong`) and `WorkflowConfigError` is a `CentreConfigError`:
whatever already reports a bad centre file at start reports a bad workflow file too.
The checks that span sections (a type's department must be a queue, one entry per date,
ladders in order…) are here. This module reads files; the rest of the package does not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

from server_stub.centre.loader import (
    CentreConfigError,
    CentreProblem,
    _Problems,
    parse_validated,
)
from server_stub.protocol.tickets import TicketPriority
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.schema import Ladder, Rung, SimulatedStaff, WorkflowConfig

Loc = tuple[str | int, ...]
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WorkflowConfigError(CentreConfigError):
    """A workflow file that cannot be used; `problems` lists every one, by line."""


def parse_workflow(text: str, path: str = "workflow.yaml") -> WorkflowConfig:
    """Validate workflow YAML given as text; `path` is only used in error messages."""
    try:
        config, _, problems = parse_validated(text, path, WorkflowConfig)
    except CentreConfigError as exc:
        raise WorkflowConfigError(exc.problems) from None
    _check_workflow(config, problems)
    if problems.found:
        raise WorkflowConfigError(problems.found)
    return config


def load_workflow(path: str | Path) -> WorkflowConfig:
    """Load and check a workflow file; raises `WorkflowConfigError` (never anything else
    for a bad or missing file)."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text ({exc.reason})"
        raise WorkflowConfigError([CentreProblem(shown, None, None, problem)]) from None
    except OSError as exc:
        problem = "no such file" if isinstance(exc, FileNotFoundError) else str(exc.strerror)
        raise WorkflowConfigError([CentreProblem(shown, None, None, problem)]) from None
    return _parse_workflow_once(text, shown)


@functools.lru_cache(maxsize=8)
def _parse_workflow_once(text: str, path: str) -> WorkflowConfig:
    """The same text read once per process (the config is frozen): every server built in a
    process (a test suite builds hundreds) shares the demo's workflow instead of parsing it."""
    return parse_workflow(text, path)


def default_workflow_path() -> Path:
    """The demo centre's workflow, beside its centre file."""
    return Path(__file__).resolve().parent.parent / "centres" / "demo" / "workflow.yaml"


def load_default_workflow() -> WorkflowConfig:
    return load_workflow(default_workflow_path())


# ---------------------------------------------------------------------- cross-section checks


def _duplicates(values: Sequence[object]) -> Iterable[int]:
    seen: set[object] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index
        seen.add(value)


def _check_workflow(config: WorkflowConfig, problems: _Problems) -> None:
    _check_calendar(config, problems)
    queue_ids = [q.id for q in config.queues]
    for index in _duplicates(queue_ids):
        problems.add(("queues", index, "id"), f"duplicate queue id {queue_ids[index]!r}")
    for index, queue in enumerate(config.queues):
        if queue.staff is not None:
            _check_staff(queue.staff, index, problems)
    type_ids = [t.id for t in config.types]
    for index in _duplicates(type_ids):
        problems.add(("types", index, "id"), f"duplicate ticket type {type_ids[index]!r}")
    known = ", ".join(queue_ids)
    roles = {q.id: q.role for q in config.queues}
    for index, ticket_type in enumerate(config.types):
        where: Loc = ("types", index)
        if ticket_type.department not in roles:
            problems.add(
                (*where, "department"), f"unknown queue {ticket_type.department!r} ({known})"
            )
        elif roles[ticket_type.department] != "department":
            problems.add((*where, "department"), "a type is resolved by a department queue")
        for k, queue_id in enumerate(ticket_type.via):
            if queue_id not in roles:
                problems.add((*where, "via", k), f"unknown queue {queue_id!r} ({known})")
            elif queue_id == ticket_type.department or queue_id in ticket_type.via[:k]:
                problems.add((*where, "via", k), f"{queue_id!r} is already on this route")
        missing = [p.value for p in TicketPriority if p not in ticket_type.targets]
        if missing:
            problems.add(
                (*where, "targets"), f"needs targets for every priority: {', '.join(missing)}"
            )
        for priority, targets in ticket_type.targets.items():
            if targets.first_response_min > targets.resolution_min:
                problems.add(
                    (*where, "targets", priority.value),
                    "the first response cannot be due after the resolution",
                )
        if ticket_type.escalation is not None:
            _check_ladder(ticket_type.escalation, (*where, "escalation"), roles, problems)
    _check_ladder(config.escalation, ("escalation",), roles, problems)


def _check_staff(staff: SimulatedStaff, index: int, problems: _Problems) -> None:
    outcomes = staff.outcomes
    total = outcomes.resolve + outcomes.bounce + outcomes.wait_third_party
    if abs(total - 1.0) > 1e-6:
        problems.add(
            ("queues", index, "staff", "outcomes"),
            f"the shares must add up to 1 (they add up to {total:g})",
        )
    if outcomes.wait_third_party > 0 and staff.third_party_wait is None:
        problems.add(("queues", index, "staff"), "a wait_third_party share needs third_party_wait")


def _check_ladder(
    ladder: Ladder, where: Loc, roles: Mapping[str, str], problems: _Problems
) -> None:
    for clock in ("first_response", "resolution"):
        rungs: tuple[Rung, ...] = getattr(ladder, clock)
        for k, (before, rung) in enumerate(pairwise(rungs), start=1):
            if rung.at_percent < before.at_percent or rung.after_min < before.after_min:
                problems.add(
                    (*where, clock, k),
                    "rungs go in order: at_percent and after_min may not go down",
                )
        for k, rung in enumerate(rungs):
            if rung.to is not None and rung.to not in roles:
                problems.add((*where, clock, k, "to"), f"unknown queue {rung.to!r}")


def _check_calendar(config: WorkflowConfig, problems: _Problems) -> None:
    spec = config.calendar
    dated: list[tuple[Loc, object]] = [
        *((("calendar", "holidays", k, "date"), h.date) for k, h in enumerate(spec.holidays)),
        *((("calendar", "half_days", k, "date"), h.date) for k, h in enumerate(spec.half_days)),
        *((("calendar", "exceptions", k, "date"), e.date) for k, e in enumerate(spec.exceptions)),
    ]
    dates = [day for _, day in dated]
    for index in _duplicates(dates):
        problems.add(dated[index][0], f"{dates[index]} is listed twice: one entry per date")
    calendar = BusinessCalendar(spec)
    for k, half in enumerate(spec.half_days):
        if not calendar.hours_on(half.date):
            weekday = WEEKDAY_NAMES[half.date.weekday()]
            reason = calendar.label_on(half.date) or weekday
            problems.add(
                ("calendar", "half_days", k),
                f"{half.date} has no hours before {half.until // 60:02d}:{half.until % 60:02d} "
                f"({reason}): use an exception to open a closed day",
            )
    if not spec.week and not any(e.hours for e in spec.exceptions):
        problems.add(("calendar", "week"), "the calendar never opens: give some weekday hours")
