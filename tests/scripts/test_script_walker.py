"""An agent's walk through a script: choose, back, path, max_visits."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_stub.protocol.scripts import FlowScript, ScriptWalker, ScriptWalkError, load_script

FAULT_REPORT = (
    Path(__file__).resolve().parents[2]
    / "server_stub"
    / "centres"
    / "demo"
    / "scripts"
    / "fault_report.yaml"
)


@pytest.fixture(scope="module")
def script() -> FlowScript:
    return load_script(FAULT_REPORT)


def test_walker_starts_at_the_start_step(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    assert (walker.current, walker.path, walker.finished, walker.outcome) == (
        "greet",
        [],
        False,
        None,
    )
    assert walker.visits == {"greet": 1}


def test_choose_follows_the_option_and_records_the_path(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    step = walker.choose("1")
    assert step is script.steps["verify"]
    walker.choose("y")
    walker.choose("3")
    walker.choose("1")
    assert walker.current == "closing_ticket"
    assert walker.path == [
        ("greet", "1"),
        ("verify", "y"),
        ("describe_fault", "3"),
        ("log_fault", "1"),
    ]
    assert walker.breadcrumb() == [
        "greet",
        "verify",
        "describe_fault",
        "log_fault",
        "closing_ticket",
    ]
    assert (walker.finished, walker.outcome) == (True, "ticket_created")


def test_choose_with_an_unknown_key_raises_and_changes_nothing(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    with pytest.raises(ScriptWalkError, match="no option 'x'"):
        walker.choose("x")
    assert (walker.current, walker.path) == ("greet", [])


def test_choose_after_the_end_raises(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    walker.choose("2")
    assert walker.outcome == "transferred"
    with pytest.raises(ScriptWalkError, match="ended"):
        walker.choose("1")


def test_max_visits_caps_visits_of_the_target_step(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    walker.choose("1")  # verify, visit 1
    walker.choose("r")  # visit 2
    walker.choose("r")  # visit 3 of max 3
    assert walker.visits["verify"] == 3
    assert [option.key for option in walker.available_options()] == ["y", "n"]
    with pytest.raises(ScriptWalkError, match="used up"):
        walker.choose("r")
    assert walker.choose("n").end is not None


def test_back_undoes_the_last_choice_and_its_visit(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    walker.choose("1")
    walker.choose("r")
    walker.choose("r")
    assert walker.back() is script.steps["verify"]
    assert walker.visits["verify"] == 2
    walker.choose("r")  # allowed again after undo
    walker.back()
    walker.back()
    walker.back()
    assert (walker.current, walker.path, walker.visits) == ("greet", [], {"greet": 1})


def test_back_at_the_start_raises(script: FlowScript) -> None:
    with pytest.raises(ScriptWalkError, match="start"):
        ScriptWalker(script).back()


def test_replay_rebuilds_a_walk_from_its_path(script: FlowScript) -> None:
    walker = ScriptWalker(script)
    for key in ("1", "r", "y"):
        walker.choose(key)
    replayed = ScriptWalker.replay(script, walker.path)
    assert (replayed.current, replayed.path, replayed.visits) == (
        walker.current,
        walker.path,
        walker.visits,
    )
    with pytest.raises(ScriptWalkError):
        ScriptWalker.replay(script, [("verify", "y")])
