"""The centre loader: the demo centre loads, and a broken file names the right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_stub.centre.loader import (
    CentreConfigError,
    default_centre_path,
    load_centre,
    load_default_centre,
    parse_centre,
)
from server_stub.centre.passwords import hash_password

DEMO_HASH = hash_password("demo")

SMALL_CENTRE = f"""\
centre:
  name: Small
skills: [enquiry, fault]
queues:
  - id: enquiry
    name: Enquiries
    skill: enquiry
    max_length: 5
    talk_time: {{dist: exponential, mean_s: 180}}
    arrivals: {{calls_per_day: 100, profile: flat}}
  - id: fault
    name: Faults
    skill: fault
    overflow: {{action: queue, target: enquiry}}
    talk_time: {{dist: lognormal, mean_s: 300, sd_s: 120}}
ivr:
  root: main
  nodes:
    main:
      prompt: "press 1 for enquiries"
      options:
        - {{key: "1", label: Enquiries, next: sub}}
        - {{key: "2", label: Faults, queue: fault}}
    sub:
      prompt: "press 0 for an agent"
      options:
        - {{key: "0", label: Agent, queue: enquiry}}
arrival_profiles:
  flat: [{", ".join(["1"] * 48)}]
teams:
  - {{id: A, name: Team A, supervisor: s100}}
shifts:
  day:
    start: "09:00"
    end: "18:00"
    breaks:
      - {{at: "12:00", minutes: 30, reason: lunch}}
agents:
  - {{id: a001, name: Li Na, team: A, shift: day, skills: {{enquiry: 5}}}}
users:
  - {{id: s100, name: Boss, role: supervisor, teams: [A], password_hash: "{DEMO_HASH}"}}
reason_codes:
  - {{code: lunch, label: Lunch}}
"""


def line_of(text: str, fragment: str) -> int:
    """1-based line of the only line that contains `fragment`."""
    matches = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(matches) == 1, f"{fragment!r} is on lines {matches}"
    return matches[0]


def error_for(text: str) -> CentreConfigError:
    with pytest.raises(CentreConfigError) as caught:
        parse_centre(text, "centre.yaml")
    return caught.value


def test_small_centre_is_valid() -> None:
    config = parse_centre(SMALL_CENTRE)
    assert [q.id for q in config.queues] == ["enquiry", "fault"]


def test_demo_centre_loads_from_the_package() -> None:
    assert default_centre_path().is_file()
    config = load_default_centre()
    assert {q.id for q in config.queues} == {"enquiry", "fault", "complaint", "vip"}
    assert config.tiers["vip"].route_to == "vip"
    human = next(a for a in config.agents if a.id == "1001")
    assert not human.simulated and human.shift is None
    assert {u.id for u in config.users} >= {"s100", "t100", "admin"}


def test_wrong_type_names_line_and_field() -> None:
    text = SMALL_CENTRE.replace("max_length: 5", "max_length: -3")
    error = error_for(text)
    assert error.line == line_of(text, "max_length: -3")
    assert error.field == "queues[0].max_length"
    expected = "queues[0].max_length: Input should be greater than or equal to 0"
    assert str(error) == f"centre.yaml:{error.line}: {expected}"


def test_not_a_number_names_line() -> None:
    text = SMALL_CENTRE.replace("mean_s: 300", "mean_s: long")
    error = error_for(text)
    assert error.line == line_of(text, "mean_s: long")
    assert error.field == "queues[1].talk_time.mean_s"


def test_missing_required_field_points_at_its_mapping() -> None:
    text = SMALL_CENTRE.replace("    talk_time: {dist: lognormal, mean_s: 300, sd_s: 120}\n", "")
    error = error_for(text)
    assert error.field == "queues[1].talk_time"
    assert error.message == "Field required"
    assert error.line == line_of(text, "- id: fault")


def test_unknown_key_is_rejected_at_its_line() -> None:
    text = SMALL_CENTRE.replace("    max_length: 5\n", "    max_length: 5\n    max_lenght: 9\n")
    error = error_for(text)
    assert error.line == line_of(text, "max_lenght")
    assert error.field == "queues[0].max_lenght"
    assert "Extra inputs are not permitted" in error.message


def test_yaml_syntax_error_names_the_line() -> None:
    text = SMALL_CENTRE.replace("  name: Small", "  name: [Small")
    error = error_for(text)
    assert error.field is None
    assert error.message.startswith("YAML syntax:")
    assert error.line is not None and error.line >= line_of(text, "name: [Small")


def test_duplicate_key_names_the_second_line() -> None:
    text = SMALL_CENTRE.replace("    max_length: 5\n", "    max_length: 5\n    max_length: 6\n")
    error = error_for(text)
    assert error.line == line_of(text, "max_length: 6")
    assert "duplicate key" in error.message


def test_queue_skill_not_in_skills_names_the_line() -> None:
    text = SMALL_CENTRE.replace("    skill: fault\n", "    skill: faults\n")
    error = error_for(text)
    assert error.line == line_of(text, "skill: faults")
    assert error.field == "queues[1].skill"
    assert "unknown skill 'faults'" in error.message


def test_unreachable_ivr_node_is_named() -> None:
    text = SMALL_CENTRE.replace("label: Enquiries, next: sub", "label: Enquiries, queue: enquiry")
    error = error_for(text)
    assert error.line == line_of(text, "    sub:")
    assert error.field == "ivr.nodes.sub"
    assert "cannot be reached" in error.message


def test_overflow_cycle_is_reported() -> None:
    text = SMALL_CENTRE.replace(
        "    max_length: 5\n", "    max_length: 5\n    overflow: {action: queue, target: fault}\n"
    )
    error = error_for(text)
    assert "overflow cycle" in error.message


def test_break_outside_its_shift_is_reported() -> None:
    text = SMALL_CENTRE.replace('at: "12:00"', 'at: "17:45"')
    error = error_for(text)
    assert error.line == line_of(text, 'at: "17:45"')
    assert "outside the shift" in error.message


def test_unknown_team_and_profile_are_both_listed_in_line_order() -> None:
    text = SMALL_CENTRE.replace("profile: flat", "profile: weekday").replace(
        "team: A, shift", "team: Z, shift"
    )
    error = error_for(text)
    assert [p.line for p in error.problems] == [
        line_of(text, "profile: weekday"),
        line_of(text, "team: Z"),
    ]
    assert len(str(error).splitlines()) == 2


def test_profile_needs_48_weights() -> None:
    text = SMALL_CENTRE.replace("flat: [1, ", "flat: [")
    error = error_for(text)
    assert error.field == "arrival_profiles.flat"
    assert "48" in error.message


def test_times_like_13_30_stay_strings() -> None:
    # YAML 1.1 would read 13:30 as the base-60 integer 810.
    text = SMALL_CENTRE.replace('end: "18:00"', "end: 18:00").replace('at: "12:00"', "at: 13:30")
    assert parse_centre(text).shifts["day"].breaks[0].at == "13:30"


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(CentreConfigError) as caught:
        load_centre(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_error_names_the_file_it_was_given(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(SMALL_CENTRE.replace("max_length: 5", "max_length: x"), encoding="utf-8")
    with pytest.raises(CentreConfigError) as caught:
        load_centre(path)
    assert str(caught.value).startswith(f"{path}:{line_of(SMALL_CENTRE, 'max_length: 5')}: ")


def test_anchors_and_merge_keys_work_and_own_keys_override() -> None:
    text = SMALL_CENTRE.replace(
        "    talk_time: {dist: exponential, mean_s: 180}",
        "    talk_time: &short {dist: exponential, mean_s: 180}\n"
        "    after_call_work: {<<: *short, mean_s: 30}",
    )
    queue = parse_centre(text).queues[0]
    assert queue.after_call_work is not None
    assert (queue.after_call_work.dist, queue.after_call_work.mean_s) == ("exponential", 30)


def test_unquoted_dates_stay_text() -> None:
    text = SMALL_CENTRE.replace(
        "  name: Small", "  name: Small\n  epoch: 2026-11-23T08:00:00+08:00"
    )
    assert parse_centre(text).centre.epoch == "2026-11-23T08:00:00+08:00"


def test_unquoted_numeric_id_gets_a_hint_to_quote_it() -> None:
    text = SMALL_CENTRE.replace("{id: a001,", "{id: 1001,")
    error = error_for(text)
    assert error.line == line_of(text, "{id: 1001,")
    assert error.field == "agents[0].id"
    assert 'quote it, "1001"' in error.message


def test_simulated_tickets_name_their_wrong_code_queue_and_category_by_line() -> None:
    text = (
        SMALL_CENTRE
        + """wrapup_codes:
  - {code: ticket_created, label: Ticket}
simulated_tickets:
  - {code: ticket_made, queue: enquiry, category: enquiry, subjects: [Bill]}
  - {code: ticket_created, queue: billing, category: enquiry, subjects: [Bill]}
  - {code: ticket_created, queue: fault, category: repair, subjects: [No line]}
"""
    )
    error = error_for(text)
    assert [(p.line, p.message) for p in error.problems] == [
        (line_of(text, "code: ticket_made"), "unknown wrap-up code 'ticket_made'"),
        (
            line_of(text, "queue: billing"),
            "unknown queue 'billing' (queues: enquiry, fault)",
        ),
        (
            line_of(text, "category: repair"),
            "unknown ticket category 'repair' (enquiry, fault, complaint, suggestion, billing)",
        ),
    ]
