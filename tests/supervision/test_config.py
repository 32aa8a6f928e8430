"""The supervision file: the demo's loads, and a broken one names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig
from server_stub.protocol.supervision import Severity, state_severity
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.dayplan import day_plan
from server_stub.supervision.loader import (
    SupervisionConfigError,
    default_supervision_path,
    load_default_supervision,
    load_supervision,
    parse_supervision,
)


@pytest.fixture(scope="module")
def centre() -> CentreConfig:
    return load_default_centre()


def test_the_demo_file_loads_with_the_centres_wrapup_limits(centre: CentreConfig) -> None:
    config = load_default_supervision(centre)
    limits = config.thresholds.wrapup_limits_s
    assert limits == {q.id: q.wrapup_limit_s for q in centre.queues}
    complaint = config.thresholds.ladder_for("A", "complaint")
    assert state_severity("wrap_up", None, 119, complaint) is None  # complaint: 120 s limit
    assert state_severity("wrap_up", None, 120, complaint) is Severity.WARNING
    assert state_severity("busy", None, 900, complaint) is Severity.WARNING
    assert state_severity("busy", None, 900, config.thresholds.ladder_for("A", "enquiry")) is (
        Severity.WARNING
    )
    assert state_severity("not_ready", None, 480, config.thresholds.ladder_for("C", None)) is (
        Severity.WARNING
    )
    assert config.thresholds.queue_rules("vip").service_level.target == 0.9


def test_the_demo_day_surges_within_its_first_ten_minutes(centre: CentreConfig) -> None:
    config = load_default_supervision(centre)
    plan = day_plan(config, CentreClock(centre.centre.epoch))
    first = min(plan.surges, key=lambda s: s.start_s)
    assert 0 < first.start_s <= 600
    assert plan.arrival_factor(first.queue_id, first.start_s) == first.factor > 1
    assert plan.arrival_factor(first.queue_id, first.start_s - 1) == 1.0
    assert plan.arrival_factor(first.queue_id, first.end_s) == 1.0
    assert plan.late_logins == {"a034": 420.0}  # 10:07
    assert plan.stays_out == {"a010", "a022", "a031", "a019"}
    assert plan.factor_changes()[0] == (first.start_s, first.queue_id)


def _problems(text: str, centre: CentreConfig) -> list[str]:
    with pytest.raises(SupervisionConfigError) as error:
        parse_supervision(text, centre, "sup.yaml")
    return [str(p) for p in error.value.problems]


def test_an_unknown_queue_team_or_reason_names_its_line(centre: CentreConfig) -> None:
    text = """supervision: 1
thresholds:
  agent:
    not_ready_by_reason:
      brake: {warning_s: 600}
  queues:
    enquriy:
      call: {talk: {warning_s: 600}}
  teams:
    D: {}
"""
    problems = _problems(text, centre)
    assert problems == [
        "sup.yaml:5: thresholds.agent.not_ready_by_reason.brake: unknown reason code 'brake' "
        "(reason_codes: break, coaching, end_of_shift, logout, lunch, meeting, rejected, "
        "ring_no_answer, training)",
        "sup.yaml:7: thresholds.queues.enquriy: unknown queue 'enquriy' "
        "(queues: complaint, enquiry, fault, vip)",
        "sup.yaml:10: thresholds.teams.D: unknown team 'D' (teams: A, B, C)",
    ]


def test_a_ladder_that_does_not_rise_and_a_bad_time_name_their_fields(centre: CentreConfig) -> None:
    text = """supervision: 1
thresholds:
  call:
    talk: {warning_s: 900, critical_s: 600}
day:
  surges:
    - {queue: enquiry, start: "10:30", end: "10:10", factor: 2}
    - {queue: fault, start: "25:00", end: "26:00", factor: 2}
  late_logins:
    - {agent: a034, at: 10:07am}
"""
    problems = _problems(text, centre)
    assert problems[0].startswith("sup.yaml:4: thresholds.call.talk: steps must rise")
    assert any(
        p.startswith("sup.yaml:10: day.late_logins[0].at: String should match") for p in problems
    )


def test_cross_checks_run_once_the_schema_is_met(centre: CentreConfig) -> None:
    text = """supervision: 1
roster:
  absence_reasons: [{code: sick_leave, label: Sick}]
  absences:
    - {agent: a010, reason: holiday}
    - {agent: a999, reason: sick_leave}
  extra:
    - {agent: a001, start: "10:00", end: "18:00"}
day:
  surges:
    - {queue: enquiry, start: "10:30", end: "10:10", factor: 2}
  late_logins:
    - {agent: "1001", at: "10:07"}
    - {agent: a010, at: "10:07"}
  no_shows: [a019, a019x]
"""
    assert _problems(text, centre) == [
        "sup.yaml:5: roster.absences[0].reason: unknown absence reason 'holiday' "
        "(absence_reasons: sick_leave)",
        "sup.yaml:6: roster.absences[1].agent: unknown agent 'a999'",
        "sup.yaml:8: roster.extra[0].agent: agent 'a001' is on all day in the centre file",
        "sup.yaml:11: day.surges[0].end: a surge ends after it starts (10:30–10:10)",
        "sup.yaml:13: day.late_logins[0].agent: agent '1001' is a human: humans log in themselves",
        "sup.yaml:14: day.late_logins[1].agent: agent 'a010' is absent on the roster",
        "sup.yaml:15: day.no_shows[1]: unknown agent 'a019x'",
    ]


def test_wrapup_limits_belong_to_the_centre_file(centre: CentreConfig) -> None:
    text = "supervision: 1\nthresholds:\n  wrapup_limits_s: {enquiry: 30}\n"
    assert _problems(text, centre) == [
        "sup.yaml:3: thresholds.wrapup_limits_s: wrap-up limits come from the centre file "
        "(queues[].wrapup_limit_s)"
    ]


def test_duplicate_keys_and_yaml_errors_name_their_line(centre: CentreConfig) -> None:
    duplicate = "supervision: 1\nroster:\n  grace_min: 5\n  grace_min: 10\n"
    assert _problems(duplicate, centre) == [
        "sup.yaml:4: roster.grace_min: duplicate key (first at line 3)"
    ]
    broken = "supervision: 1\nroster: [\n"
    assert _problems(broken, centre)[0].startswith("sup.yaml:3: YAML syntax:")


def test_an_unknown_section_or_version_is_refused(centre: CentreConfig) -> None:
    problems = _problems("supervision: 2\nalerts: {}\n", centre)
    assert problems[0].startswith("sup.yaml:1: supervision: Input should be 1")
    assert problems[1].startswith("sup.yaml:2: alerts: Extra inputs are not permitted")


def test_a_missing_file_is_a_clear_error(tmp_path: Path, centre: CentreConfig) -> None:
    with pytest.raises(SupervisionConfigError) as error:
        load_supervision(tmp_path / "nope.yaml", centre)
    assert str(error.value) == f"{tmp_path / 'nope.yaml'}: no such file"
    assert default_supervision_path().name == "supervision.yaml"
