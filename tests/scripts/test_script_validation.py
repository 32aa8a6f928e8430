"""Validation of flow scripts: each rule reports file, line and step, and all are collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_stub.protocol.scripts import (
    FlowScript,
    ScriptError,
    ScriptProblem,
    check_script_file,
    check_script_text,
    load_scripts_dir,
    parse_script,
)

VALID = """\
script: broken
version: 1
title: Test
variables:
  account.id: {fallback: "your account"}
start: greet
steps:
  greet:
    say: "Hello {customer.name}, about {account.id}"
    options:
      - {key: "1", label: "Go", next: verify}
  verify:
    say: "Verify?"
    options:
      - {key: "y", label: "Yes", next: done}
      - {key: "r", label: "Again", next: verify, max_visits: 3}
  done:
    end: {outcome: resolved}
"""


def edited(old: str, new: str, text: str = VALID) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def errors(text: str) -> list[ScriptProblem]:
    return [p for p in check_script_text(text, "broken.yaml")[1] if p.severity == "error"]


def only_error(text: str) -> ScriptProblem:
    found = errors(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_the_base_script_is_valid() -> None:
    script, problems = check_script_text(VALID, "broken.yaml", {"resolved"})
    assert problems == []
    assert isinstance(script, FlowScript)
    assert script.id == "broken"


def test_unresolved_next_names_file_line_and_step() -> None:
    text = edited("next: verify, max_visits", "next: verfy, max_visits")
    problem = only_error(text)
    line = line_of(text, "verfy")
    expected = f"broken.yaml:{line}: step 'verify': option 'r' -> 'verfy' does not resolve"
    assert str(problem).startswith(expected)
    assert "did you mean 'verify'" in problem.message


def test_missing_start_step_is_reported_at_the_start_line() -> None:
    text = edited("start: greet", "start: hello")
    # greet is then unreachable from nowhere: only the start itself is blamed
    problem = only_error(text)
    assert (problem.line, problem.step) == (line_of(text, "start:"), None)
    assert "start step 'hello' does not exist" in problem.message


def test_duplicate_step_id_is_reported_at_its_second_definition() -> None:
    text = VALID + "  verify:\n    end: {outcome: resolved}\n"
    found = [p for p in errors(text) if "defined twice" in p.message]
    assert len(found) == 1
    assert found[0].line == line_of(text, "  verify:", occurrence=2)
    assert found[0].step == "verify"
    assert f"first at line {line_of(text, '  verify:')}" in found[0].message


def test_end_step_with_options_is_an_error() -> None:
    text = edited(
        "    end: {outcome: resolved}",
        "    end: {outcome: resolved}\n"
        "    options: [{key: '1', label: x, next: done, max_visits: 2}]",
    )
    problem = only_error(text)
    assert problem.step == "done"
    assert problem.line == line_of(text, "options: [{key: '1'")
    assert "end step" in problem.message and "no options" in problem.message


def test_step_without_options_or_end_is_an_error() -> None:
    text = VALID + "  limbo:\n    say: nothing to choose\n"
    found = [p for p in errors(text) if p.step == "limbo"]
    assert "the step has no options and no end" in [p.message for p in found]
    assert {p.line for p in found} == {line_of(text, "limbo:")}


def test_step_not_reachable_from_start_is_reported() -> None:
    text = VALID + "  orphan:\n    end: {outcome: resolved}\n"
    problem = only_error(text)
    assert (problem.step, problem.line) == ("orphan", line_of(text, "orphan:"))
    assert "not reachable from start 'greet'" in problem.message


def test_step_that_cannot_reach_an_end_is_reported() -> None:
    text = edited('{key: "y", label: "Yes", next: done}', '{key: "y", label: "Yes", next: spin}')
    text += "  spin:\n    options: [{key: '1', label: again, next: spin, max_visits: 2}]\n"
    found = errors(text)
    stuck = {p.step for p in found if "reaches an end step" in p.message}
    assert stuck == {"greet", "verify", "spin"}
    assert any("not reachable" in p.message and p.step == "done" for p in found)


def test_duplicate_option_key_in_a_step_is_reported() -> None:
    text = edited('{key: "r", label: "Again"', '{key: "y", label: "Again"')
    problem = only_error(text)
    assert (problem.step, problem.line) == ("verify", line_of(text, '"Again"'))
    assert "option key 'y' is used twice" in problem.message


@pytest.mark.parametrize("key", ["ab", "\\t", ""])
def test_option_key_must_be_a_single_printable_character(key: str) -> None:
    text = edited('{key: "y"', f'{{key: "{key}"')
    problem = only_error(text)
    assert (problem.step, problem.line) == ("verify", line_of(text, '"Yes"'))
    assert "must be a single printable character" in problem.message


@pytest.mark.parametrize("key", ["?", " "])
def test_option_key_reserved_by_the_desk_is_refused(key: str) -> None:
    text = edited('{key: "y"', f'{{key: "{key}"')
    problem = only_error(text)
    assert problem.step == "verify"
    assert "reserved by the desk" in problem.message


def test_self_loop_without_max_visits_is_reported() -> None:
    text = edited("next: verify, max_visits: 3}", "next: verify}")
    problem = only_error(text)
    assert (problem.step, problem.line) == ("verify", line_of(text, '"Again"'))
    assert "closes a loop without max_visits" in problem.message


def test_longer_cycle_without_max_visits_is_reported_on_each_of_its_options() -> None:
    text = edited("next: verify, max_visits: 3}", "next: greet}")
    found = errors(text)
    assert {(p.step, p.line) for p in found} == {
        ("greet", line_of(text, '"Go"')),
        ("verify", line_of(text, '"Again"')),
    }
    assert all("closes a loop" in p.message for p in found)


def test_cycle_with_max_visits_on_one_of_its_options_is_accepted() -> None:
    text = edited("next: verify, max_visits: 3}", "next: greet, max_visits: 2}")
    assert errors(text) == []


def test_undeclared_placeholder_is_reported() -> None:
    text = edited('say: "Verify?"', 'say: "Verify {acount.id}?"')
    problem = only_error(text)
    assert (problem.step, problem.line) == ("verify", line_of(text, "acount"))
    assert "'{acount.id}'" in problem.message and "not a declared variable" in problem.message


def test_undeclared_placeholder_in_a_label_is_reported() -> None:
    text = edited('label: "Yes"', 'label: "Yes, {who}"')
    problem = only_error(text)
    assert problem.line == line_of(text, "{who}")
    assert "label of option 'y'" in problem.message


def test_malformed_placeholder_is_reported_and_double_braces_are_fine() -> None:
    assert errors(edited('say: "Verify?"', 'say: "Verify {{literal}}?"')) == []
    problem = only_error(edited('say: "Verify?"', 'say: "Verify { name }?"'))
    assert "malformed placeholder" in problem.message


@pytest.mark.parametrize("version", ["0", "-1", '"3"', "1.5"])
def test_version_must_be_a_positive_integer(version: str) -> None:
    text = edited("version: 1", f"version: {version}")
    problem = only_error(text)
    assert (problem.line, problem.step) == (2, None)
    assert "version must be a positive integer" in problem.message


def test_unknown_field_is_reported_at_its_line() -> None:
    text = edited('    say: "Verify?"', '    say: "Verify?"\n    sya: typo')
    found = errors(text)
    assert any(
        p.line == line_of(text, "sya:")
        and p.step == "verify"
        and "unknown field 'sya'" in p.message
        for p in found
    ), [str(p) for p in found]


def test_unknown_field_in_a_step_does_not_cascade() -> None:
    # verify is broken, but it still exists and its raw options still count as edges
    text = edited('    say: "Verify?"', '    say: "Verify?"\n    sya: typo')
    assert len(errors(text)) == 1


def test_missing_required_field_is_reported() -> None:
    problem = only_error(edited("title: Test\n", ""))
    assert problem.message == "missing field 'title'"


def test_unused_variable_is_a_warning_not_an_error() -> None:
    text = edited("variables:\n", "variables:\n  call.ani: {}\n")
    script, problems = check_script_text(text, "broken.yaml")
    assert script is not None
    assert [(p.severity, p.line) for p in problems] == [("warning", line_of(text, "call.ani"))]
    assert "variable 'call.ani' is declared but no text uses it" in problems[0].message


def test_outcome_that_is_not_a_wrapup_code_is_a_warning() -> None:
    script, problems = check_script_text(VALID, "broken.yaml", {"transferred"})
    assert script is not None
    assert [(p.severity, p.step, p.line) for p in problems] == [
        ("warning", "done", line_of(VALID, "outcome: resolved"))
    ]
    assert str(problems[0]).startswith("broken.yaml:18: warning: step 'done': outcome 'resolved'")


def test_unknown_action_is_a_warning() -> None:
    text = edited('    say: "Verify?"', '    say: "Verify?"\n    action: {opne_ticket: {}}')
    _, problems = check_script_text(text, "broken.yaml")
    assert [(p.severity, p.step) for p in problems] == [("warning", "verify")]


def test_every_error_is_collected_not_only_the_first() -> None:
    text = edited("start: greet", "start: hello")
    text = edited("next: done}", "next: nowhere}", text)
    text = edited('{key: "r"', '{key: "?"', text)
    messages = " | ".join(p.message for p in errors(text))
    assert "start step 'hello'" in messages
    assert "'nowhere' does not resolve" in messages
    assert "reserved by the desk" in messages


def test_yaml_syntax_error_reports_its_line() -> None:
    text = edited('    say: "Verify?"', '    say: "Verify?\n    oops: [')
    problem = only_error(text)
    assert problem.line >= line_of(text, "Verify?")
    assert problem.step is None


def test_a_document_that_is_not_a_mapping_is_reported() -> None:
    assert "a script is a mapping" in only_error("- just\n- a list\n").message


def test_unquoted_digit_key_is_read_as_text() -> None:
    script = parse_script(edited('key: "1"', "key: 1"), "broken.yaml")
    assert script.steps["greet"].options[0].key == "1"


def test_parse_script_raises_script_error_listing_the_problems() -> None:
    with pytest.raises(ScriptError) as raised:
        parse_script(edited("start: greet", "start: hello"), "broken.yaml")
    assert [p.line for p in raised.value.problems] == [6]
    assert "broken.yaml:6:" in str(raised.value)


def test_script_survives_a_json_round_trip() -> None:
    script = parse_script(VALID, "broken.yaml")
    wire = script.model_dump_json()
    assert '"script":"broken"' in wire
    assert FlowScript.model_validate_json(wire) == script
    assert FlowScript.model_validate(script.model_dump()) == script


def test_check_script_file_reports_a_missing_file(tmp_path: Path) -> None:
    problems = check_script_file(tmp_path / "absent.yaml")
    assert len(problems) == 1 and "cannot read the file" in problems[0].message


def test_load_scripts_dir_refuses_two_files_with_one_script_id(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(VALID, encoding="utf-8")
    with pytest.raises(ScriptError) as raised:
        load_scripts_dir(tmp_path)
    [problem] = raised.value.problems
    assert problem.file.endswith("b.yaml") and "also used by" in problem.message


def test_unresolved_next_and_the_step_it_strands_are_reported_in_one_pass() -> None:
    text = edited('label: "Go", next: verify}', 'label: "Go", next: verfy}')
    found = errors(text)
    assert (found[0].step, found[0].line) == ("greet", line_of(text, "verfy"))
    stranded = [p for p in found if "not reachable" in p.message]
    # the step the typo was meant to reach is named at once, not after the typo is fixed
    assert [p.step for p in stranded] == ["verify", "done"]
    assert "unless a broken option was meant to lead here" in stranded[0].message


def test_a_missing_file_has_no_line_number(tmp_path: Path) -> None:
    [problem] = check_script_file(tmp_path / "absent.yaml")
    assert (
        str(problem) == f"{tmp_path}/absent.yaml: cannot read the file: No such file or directory"
    )
