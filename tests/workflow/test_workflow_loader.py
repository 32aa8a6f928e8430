"""The workflow file: the demo loads, and every kind of mistake names file, line and field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from server_stub.centre.loader import CentreConfigError
from server_stub.protocol.tickets import TicketPriority
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.loader import (
    WorkflowConfigError,
    default_workflow_path,
    load_default_workflow,
    load_workflow,
    parse_workflow,
)

DEMO = default_workflow_path().read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


def demo_with(old: str, new: str) -> str:
    assert DEMO.count(old) >= 1, old
    return DEMO.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def problem(text: str) -> WorkflowConfigError:
    with pytest.raises(WorkflowConfigError) as caught:
        parse_workflow(text, "workflow.yaml")
    return caught.value


def test_the_demo_workflow_has_the_departments_types_and_calendar_of_the_brief() -> None:
    config = load_default_workflow()
    assert {q.id for q in config.queues} >= {"network_repair", "billing", "complaint_group"}
    assert {t.id for t in config.types} >= {"enquiry", "complaint", "suggestion", "fault"}
    for item in (*config.queues, *config.types):
        assert CJK.search(item.name) and re.search("[A-Za-z]", item.name), item.name
    complaint = config.ticket_type("complaint")
    assert complaint is not None and complaint.via == ("team_leader",)
    for ticket_type in config.types:
        assert set(ticket_type.targets) == set(TicketPriority)
    calendar = BusinessCalendar(config.calendar)
    assert config.calendar.timezone == "Asia/Shanghai"
    assert calendar.hours_on(dt.date(2026, 11, 24)) == ((480, 720), (780, 1080))
    assert calendar.hours_on(dt.date(2026, 11, 28)) == ((540, 720),)  # Saturday half-day
    assert calendar.hours_on(dt.date(2026, 12, 5)) == ()  # the dated exception
    assert config.callback.retries == 3
    for queue in config.queues:
        assert queue.staff is not None and queue.staff.workers > 0


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("department: network_repair", "department: netwrok", "types[1].department",
         "unknown queue 'netwrok'"),
        ('mon: ["08:00-12:00", "13:00-18:00"]', 'mon: ["08:00-12:00", "13-18"]',
         "calendar.week.mon[1]", "not a time range"),
        ('mon: ["08:00-12:00", "13:00-18:00"]', 'mon: ["08:00-12:00", "11:00-18:00"]',
         "calendar.week.mon", "must not overlap"),
        ("timezone: Asia/Shanghai", "timezone: Asia/Shangai", "calendar.timezone",
         "unknown time zone"),
        ("outcomes: {resolve: 0.80,", "outcomes: {resolve: 0.70,", "queues[1].staff.outcomes",
         "add up to 1"),
        ("{date: 2026-12-31, until", "{date: 2026-12-27, until", "calendar.half_days[0]",
         "use an exception to open a closed day"),
        ("{date: 2026-12-05, closed: true", "{date: 2027-01-01, closed: true",
         "calendar.exceptions[0].date", "listed twice"),
        ("      low:    {first_response_min: 240, resolution_min: 2160}\n\n  - id: fault",
         "\n  - id: fault", "types[0].targets", "needs targets for every priority: low"),
        ("urgent: {first_response_min: 15, resolution_min: 240}",
         "urgent: {first_response_min: 500, resolution_min: 240}", "types[1].targets.urgent",
         "cannot be due after"),
        ("{at_percent: 150, action: notify_lead", "{at_percent: 90, action: notify_lead",
         "escalation.resolution[3]", "rungs go in order"),
        ("action: reassign, to: complaint_group", "action: reassign, to: nowhere",
         "types[2].escalation.first_response[2].to", "unknown queue 'nowhere'"),
        ("action: reassign, to: complaint_group", "action: reassign",
         "types[2].escalation.first_response[2]", "reassign needs `to`"),
        ("retries: 3", "retries: three", "callback.retries", "integer"),
        ("via: [team_leader]", "via: [team_leader, complaint_group]", "types[2].via[1]",
         "already on this route"),
    ],
)  # fmt: skip
def test_a_mistake_names_its_line_and_field(old: str, new: str, field: str, message: str) -> None:
    text = demo_with(old, new)
    error = problem(text)
    first = error.problems[0]
    assert first.field == field
    assert message in first.message
    needle = "targets:" if field == "types[0].targets" else new.strip().splitlines()[0]
    assert first.line == line_of(text, needle)
    assert str(first).startswith(f"workflow.yaml:{first.line}: {field}: ")


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = demo_with("department: network_repair", "department: nowhere")
    text = text.replace("department: billing", "department: nowhere_else", 1)
    error = problem(text)
    assert [p.field for p in error.problems] == ["types[0].department", "types[1].department"]
    assert isinstance(error, CentreConfigError)  # reported like a bad centre file


def test_yaml_syntax_and_duplicate_keys_name_the_line() -> None:
    broken = problem(demo_with("version: 1", "version: [1"))
    assert broken.line is not None and "YAML" in broken.message
    duplicated = problem(demo_with("version: 1", "version: 1\nversion: 1"))
    assert duplicated.line == line_of(DEMO, "version: 1") + 1
    assert "duplicate key" in duplicated.message


def test_a_missing_or_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkflowConfigError, match="no such file"):
        load_workflow(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"version: 1\nname: \xe9\n")
    with pytest.raises(WorkflowConfigError, match="not UTF-8"):
        load_workflow(latin)
