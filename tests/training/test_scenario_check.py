"""Scenario validation: every problem at once, each with file, line and item; no cascades."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

import pytest

from server_stub.centre.loader import load_default_centre
from server_stub.cli import main
from server_stub.protocol.scenarios import (
    CentreFacts,
    Scenario,
    check_scenario_text,
    check_scenarios,
    load_scenarios,
    parse_scenario,
)
from server_stub.protocol.scripts import ScriptError
from server_stub.training.centre_facts import centre_facts
from tests.training.demo_runs import SCENARIOS_DIR, demo_scripts

GOOD = """\
scenario: practice
version: 1
title: "练习 / Practice"
difficulty: easy
queue: complaint
script: complaint
customer: {id: C000042, mood: angry}
turns:
  greet: "宽带又断了! / The broadband is down again!"
expect:
  path: [greet, verify, assess, escalate_leader, transferred_leader]
  actions: [verify_identity, {ticket: complaint}, {transfer: team_leader}]
  phrases: [greeting, hold]
  wrapup: {code: transferred}
limits: {call_within_s: 300}
score: {path: 40, actions: 30, phrases: 10, time: 10, wrapup: 10}
"""


@cache
def demo_facts() -> CentreFacts:
    return centre_facts(load_default_centre())


def problems(text: str, *, centre: bool = True) -> list[str]:
    facts = demo_facts() if centre else None
    scripts = demo_scripts() if centre else None
    _, found = check_scenario_text(textwrap.dedent(text), "s.yaml", facts, scripts)
    return [str(problem) for problem in found]


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_the_demo_scenarios_check_clean_against_the_demo_centre_and_alone() -> None:
    assert [str(p) for p in check_scenarios(SCENARIOS_DIR, demo_facts(), demo_scripts())] == []
    assert [str(p) for p in check_scenarios(SCENARIOS_DIR)] == []
    assert len(load_scenarios(SCENARIOS_DIR, demo_facts(), demo_scripts())) == 6


def test_a_good_scenario_parses_with_its_shorthands_spelled_out() -> None:
    scenario = parse_scenario(GOOD, "s.yaml", demo_facts(), demo_scripts())
    actions = scenario.expect.actions
    assert [(a.kind, a.category, a.role) for a in actions] == [
        ("verify_identity", None, None),
        ("ticket", "complaint", None),
        ("transfer", None, "team_leader"),
    ]
    assert scenario.turns["greet"][0].says == "宽带又断了! / The broadband is down again!"
    assert scenario.customer.mood == "angry"
    assert scenario.expect.wrapup is not None and scenario.expect.wrapup.code == ["transferred"]


def test_a_scenario_travels_as_json_and_comes_back_equal() -> None:
    scenario = parse_scenario(GOOD, "s.yaml")
    assert Scenario.model_validate_json(scenario.model_dump_json()) == scenario
    assert scenario.model_dump()["scenario"] == "practice"


def test_every_problem_of_a_broken_scenario_is_reported_in_one_pass() -> None:
    broken = """\
    scenario: practice
    version: 0
    title: x
    difficulty: extreme
    queue: complaints
    script: complaint
    customer: {id: C999999}
    turns:
      verfy: "1234"
      on_hol: {says: hmm}
      assess:
        - says: a
        - when: {done: [tiket], visited: [greeet]}
          says: b
          mood: angrier
    expect:
      path: [greet, verify, assess, escalate, transferred_leader]
      never: [greet]
      actions:
        - tickt: complaint
        - ticket: {categori: complaint}
        - transfer: {role: boss}
      wrapup: {code: transfered}
    score: {path: 40, actions: 30, style: 5}
    """
    assert problems(broken) == [
        "s.yaml:2: version must be a positive integer, not 0",
        "s.yaml:4: difficulty: Input should be 'easy', 'medium' or 'hard'",
        "s.yaml:5: queue 'complaints' does not exist (did you mean 'complaint'?)",
        "s.yaml:7: customer 'C999999' does not exist",
        "s.yaml:9: turn 'verfy': not a step of script 'complaint' or a desk event"
        " (did you mean 'verify'?)",
        "s.yaml:10: turn 'on_hol': not a step of script 'complaint' or a desk event"
        " (did you mean 'on_hold'?)",
        "s.yaml:12: turn 'assess': branch 1 has no 'when', so the branches after it never apply",
        "s.yaml:13: turn 'assess': 'tiket' is not a desk action (did you mean 'ticket'?)",
        "s.yaml:13: turn 'assess': 'greeet' is not a step of script 'complaint'"
        " (did you mean 'greet'?)",
        "s.yaml:15: turn 'assess': mood: a mood step is -3 … 3 or a mood (furious, angry,"
        " annoyed, neutral, calm, pleased), not 'angrier'",
        "s.yaml:17: path step 'escalate': 'escalate' is not a step of script 'complaint'"
        " (did you mean 'escalate_leader'?)",
        "s.yaml:18: never step 'greet': 'greet' is on the expected path and also in never",
        "s.yaml:20: action '1 tickt': 'tickt' is not a desk action (did you mean 'ticket'?)",
        "s.yaml:21: action '2 ticket': action 'ticket' takes category, priority, department,"
        " not 'categori' (did you mean 'category'?)",
        "s.yaml:22: action '3 transfer': unknown role 'boss' (team_leader, supervisor, expert)",
        "s.yaml:23: 'transfered' is not a wrap-up code (did you mean 'transferred'?)",
        "s.yaml:24: unknown field 'score.style'",
        "s.yaml:24: warning: weight 'wrapup': expect.wrapup is given but not scored"
        " (score.wrapup is 0)",
    ]


def test_a_turn_with_a_broken_mood_still_has_its_conditions_checked() -> None:
    # (the line above shows it: 'tiket' and 'greeet' are reported beside the bad mood)
    text = edit('  greet: "宽带又断了! / The broadband is down again!"', "  greet: {mood: 9}")
    assert problems(text) == [
        "s.yaml:9: turn 'greet': mood: a mood step is -3 … 3 or a mood (furious, angry, annoyed,"
        " neutral, calm, pleased), not 9"
    ]


def test_an_expected_path_the_script_does_not_allow_is_named_at_its_step() -> None:
    skipped = edit("[greet, verify, assess,", "[greet, assess,")
    assert problems(skipped) == [
        "s.yaml:11: path step 'assess': 'greet' -> 'assess' is not an option in script 'complaint'"
    ]
    looped = edit("[greet, verify, assess,", "[greet, verify, verify, verify, verify, assess,")
    assert problems(looped) == [
        "s.yaml:11: path step 'verify': 'verify' -> 'verify' is used up (max_visits) in script"
        " 'complaint'"
    ]
    wrong_start = edit("[greet, verify, assess,", "[verify, assess,")
    assert problems(wrong_start) == [
        "s.yaml:11: path step 'verify': the path starts at 'verify'; script 'complaint' starts"
        " at 'greet'"
    ]


def test_a_phrase_the_expected_path_cannot_use_is_refused() -> None:
    # transferred_leader hands the caller over: it has no closing phrase to score.
    text = edit("phrases: [greeting, hold]", "phrases: [greeting, hold, closing]")
    assert problems(text) == [
        "s.yaml:13: the path ends at 'transferred_leader', which has no closing phrase:"
        " drop closing from expect.phrases"
    ]


def test_weights_need_something_to_score_and_what_is_given_should_be_scored() -> None:
    text = edit("limits: {call_within_s: 300}\n", "").replace("time: 10, wrapup: 10", "wrapup: 0")
    assert problems(text) == [
        "s.yaml:15: warning: weight 'wrapup': expect.wrapup is given but not scored"
        " (score.wrapup is 0)",
    ]
    text = edit("limits: {call_within_s: 300}\n", "")
    assert problems(text) == [
        "s.yaml:15: weight 'time': weight 10, but the scenario gives no limits",
    ]
    nothing = edit("{path: 40, actions: 30, phrases: 10, time: 10, wrapup: 10}", "{path: 0}")
    assert problems(nothing)[0] == "s.yaml:16: the weights add up to 0: nothing would be scored"


def test_actions_are_checked_against_the_centre_and_the_script() -> None:
    text = edit(
        "[verify_identity, {ticket: complaint}, {transfer: team_leader}]",
        "[{verify_identity: {key: q}}, {ticket: complain}, {transfer: complaints},"
        " {step: {id: listen}}, {consult: {agent: '9999'}}]",
    )
    assert problems(text) == [
        "s.yaml:12: action '1 verify_identity': step 'verify' has no option 'q' (keys: y, n, r)",
        "s.yaml:12: action '2 ticket': ticket category 'complain' does not exist"
        " (did you mean 'complaint'?)",
        "s.yaml:12: action '3 transfer': queue 'complaints' does not exist"
        " (did you mean 'complaint'?)",
        "s.yaml:12: action '4 step': 'listen' is not a step of script 'complaint'",
        "s.yaml:12: action '5 consult': agent '9999' does not exist",
    ]


def test_without_a_centre_only_the_file_itself_is_checked() -> None:
    text = edit("queue: complaint", "queue: nowhere").replace("C000042", "C999999")
    assert problems(text, centre=False) == []
    assert problems(edit("on", "on"), centre=False) == []
    assert problems(edit("  greet:", "  on_hol:"), centre=False) == [
        "s.yaml:9: turn 'on_hol': unknown desk event 'on_hol' (did you mean 'on_hold'?); the"
        " events are on_answer, on_hold, on_retrieve, on_consult, on_transfer, on_ticket,"
        " on_callback, on_survey, on_end"
    ]


def test_a_customer_is_a_record_or_a_synthetic_caller_not_both() -> None:
    both = edit("{id: C000042, mood: angry}", "{id: C000042, synthetic: {name: 王五}}")
    assert problems(both) == [
        "s.yaml:7: customer: give exactly one of id (a customer record) or synthetic",
    ]
    synthetic = edit("{id: C000042, mood: angry}", "{synthetic: {name: 王五, tier: platinum}}")
    assert problems(synthetic) == [
        "s.yaml:7: warning: tier 'platinum' is not one of the centre's (gold, normal, silver, vip)"
    ]


def test_yaml_that_does_not_parse_names_its_line() -> None:
    # libyaml's wording: the file, the line where the parser gave up, and what it expected
    assert problems("scenario: x\nturns: [unclosed\n") == [
        "s.yaml:3: while parsing a flow sequence did not find expected ',' or ']'"
    ]


def test_two_files_of_one_scenario_version_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(GOOD.replace("version: 1", "version: 2"), encoding="utf-8")
    found = [str(problem) for problem in check_scenarios(tmp_path)]
    assert found == [
        f"{tmp_path}/b.yaml:1: scenario 'practice' version 1 is also in {tmp_path}/a.yaml"
    ]
    with pytest.raises(ScriptError):
        load_scenarios(tmp_path)
    (tmp_path / "b.yaml").unlink()
    assert sorted(load_scenarios(tmp_path)) == [("practice", 1), ("practice", 2)]


def test_an_empty_folder_is_a_warning_not_silence(tmp_path: Path) -> None:
    assert [str(p) for p in check_scenarios(tmp_path)] == [
        f"{tmp_path}: warning: no scenario files (*.yaml) in this folder"
    ]


def test_an_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe scenario")
    assert [str(p) for p in check_scenarios(tmp_path / "bad.yaml")] == [
        f"{tmp_path}/bad.yaml: the file is not UTF-8 text"
    ]
    assert [str(p) for p in check_scenarios(tmp_path / "missing.yaml")] == [
        f"{tmp_path}/missing.yaml: cannot read the file: No such file or directory"
    ]


def test_the_check_command_passes_the_demo_and_fails_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scenarios", "check", str(SCENARIOS_DIR)]) == 0
    assert capsys.readouterr().out.splitlines() == ["scenarios: 0 error(s), 0 warning(s)"]

    broken = tmp_path / "broken.yaml"
    broken.write_text(edit("queue: complaint", "queue: complaints"), encoding="utf-8")
    centre = str(SCENARIOS_DIR.parent / "centre.yaml")
    assert main(["scenarios", "check", str(broken), "--centre", centre]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{broken}:5: queue 'complaints' does not exist (did you mean 'complaint'?)"
    ]
    assert captured.out.splitlines() == ["scenarios: 1 error(s), 0 warning(s)"]

    assert main(["scenarios", "check", str(broken)]) == 0  # no centre beside it: alone
    assert capsys.readouterr().out.splitlines() == [
        f"{broken}: no centre.yaml beside it: checked without a centre (give --centre)",
        "scenarios: 0 error(s), 0 warning(s)",
    ]


def test_the_design_draft_is_told_where_its_time_limit_went_and_still_fully_checked() -> None:
    draft = edit("limits: {call_within_s: 300}\n", "").replace(
        "  wrapup: {code: transferred}\n", "  wrapup: {code: transferred}\n  within_s: 360\n"
    )
    assert problems(draft) == [
        "s.yaml:15: unknown field 'expect.within_s' (time limits are under limits: call_within_s)",
        "s.yaml:16: weight 'time': weight 10, but the scenario gives no limits",
    ]
    # The unknown field is left out and the rest is still checked: a bad path step shows.
    assert problems(draft.replace("assess,", "listen,")) == [
        "s.yaml:11: path step 'listen': 'listen' is not a step of script 'complaint'",
        *problems(draft),
    ]
