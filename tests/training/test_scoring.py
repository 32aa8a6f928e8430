"""Automatic scoring of a trainee's call: top marks done right, exact points done wrong."""

from __future__ import annotations

import random

import pytest

from server_stub.protocol.events import Event
from server_stub.protocol.scenarios import TrainingScore, session_facts
from server_stub.training.scoring import score_session
from tests.training import demo_runs
from tests.training.demo_runs import RIGHT_RUNS, TEAM_LEADER, demo_scenarios, demo_scripts


def score(scenario_id: str, events: list[Event]) -> TrainingScore:
    scenario = demo_scenarios()[scenario_id]
    facts = session_facts(events, "c1", team_leaders={TEAM_LEADER})
    return score_session(scenario, facts, demo_scripts()[scenario.script])


def lost(result: TrainingScore) -> list[tuple[str, str, float, float, str]]:
    """Every line that did not earn all it could: (dimension, item, earned, possible, why)."""
    return [
        (dimension.name, line.item, line.earned, line.possible, line.reason)
        for dimension in result.dimensions
        for line in dimension.lines
        if line.earned != line.possible
    ]


def dimension_totals(result: TrainingScore) -> dict[str, float]:
    return {dimension.name: dimension.earned for dimension in result.dimensions}


def test_the_demo_ships_six_scenarios_from_easy_to_hard() -> None:
    scenarios = demo_scenarios()
    assert set(scenarios) == set(RIGHT_RUNS)
    assert {scenario.difficulty for scenario in scenarios.values()} == {"easy", "medium", "hard"}
    queues = {scenario.queue for scenario in scenarios.values()}
    assert queues == {"enquiry", "fault", "complaint", "vip"}


@pytest.mark.parametrize("scenario_id", sorted(RIGHT_RUNS))
def test_each_demo_scenario_done_right_scores_top_marks(scenario_id: str) -> None:
    result = score(scenario_id, RIGHT_RUNS[scenario_id]())
    assert lost(result) == []
    assert result.total == result.max_total == 100
    assert result.fatal == []
    weights = demo_scenarios()[scenario_id].score
    assert dimension_totals(result) == {
        name: getattr(weights, name) for name in dimension_totals(result)
    }


def test_a_desk_that_does_not_publish_its_steps_still_earns_top_marks() -> None:
    # Without call.script_step events the path has no times and the hold's step is
    # unknown: the hold pairs with the walk's visit to line_test, verification is in order.
    events = demo_runs.hold_hangup_right(publish_steps=False)
    facts = session_facts(events, "c1")
    assert not facts.path_timed and facts.holds[0].step is None
    result = score("hold_hangup", events)
    assert lost(result) == []
    assert result.total == 100


def test_complaint_offered_a_remedy_loses_what_his_hang_up_leaves_undone() -> None:
    result = score("angry_complaint", demo_runs.angry_complaint_remedy_offered())
    gone = "not reached: the caller hung up at 'resolve_now' (60 s)"
    assert lost(result) == [
        ("path", "step escalate_leader", 0.0, 8.0, f"'escalate_leader' {gone}"),
        ("path", "step transferred_leader", 0.0, 8.0, f"'transferred_leader' {gone}"),
        ("path", "step resolve_now", -8.0, 0.0, "walked 'resolve_now', off the expected path"),
        ("actions", "ticket (category complaint)", 0.0, 7.5, "not done"),
        ("actions", "hold_with_phrase (max_s 60)", 0.0, 7.5, "not done"),
        ("actions", "transfer (mode consult, role team_leader)", 0.0, 7.5, "not done"),
        ("wrapup", "wrap-up code", 0.0, 5.0, "'complaint_logged', expected 'transferred'"),
    ]
    # 3 of 5 steps (+24) and one off the path (-8); 1 of 4 actions (verified); phrases and
    # time in full (the greeting used, no hold placed, every limit met); notes, wrong code.
    assert dimension_totals(result) == {
        "path": 16.0,
        "actions": 7.5,
        "phrases": 10.0,
        "time": 10.0,
        "wrapup": 5.0,
    }
    assert result.total == result.raw_total == 48.5


def test_disclosing_the_account_to_an_unverified_caller_scores_zero_but_keeps_the_raw_score() -> (
    None
):
    result = score("fails_verification", demo_runs.fails_verification_disclosed())
    assert result.fatal == ["walked 'account_info', which a trainee must never do in this scenario"]
    assert result.total == 0.0
    # path: greet and verify (+20), three steps off it (-30), floored at 0; the greeting
    # and closing were used (20); every time limit met (10); the code is wrong (0).
    assert result.raw_total == 30.0
    assert dimension_totals(result) == {
        "path": 0.0,
        "actions": 0.0,
        "phrases": 20.0,
        "time": 10.0,
        "wrapup": 0.0,
    }
    path_lines = next(d for d in result.dimensions if d.name == "path").lines
    assert path_lines[-1].item == "floor" and path_lines[-1].earned == 10.0
    assert ("actions", "verify_identity (key n)", 0.0, 20.0, "not done") in lost(result)


def test_caller_who_hangs_up_on_a_long_hold_costs_the_rest_of_the_call() -> None:
    result = score("hold_hangup", demo_runs.hold_hangup_kept_too_long())
    unit = 40 / 7
    hung_up = "not reached: the caller hung up at 'line_test' (105 s)"
    assert lost(result) == [
        ("path", "step log_fault", 0.0, round(unit, 2), f"'log_fault' {hung_up}"),
        ("path", "step closing_ticket", 0.0, round(unit, 2), f"'closing_ticket' {hung_up}"),
        ("actions", "ticket (category fault)", 0.0, 10.0, "not done"),
        (
            "phrases",
            "结束语 / closing",
            0.0,
            3.33,
            "the walk stopped at 'line_test', which has no closing",
        ),
        ("wrapup", "wrap-up code", 0.0, 5.0, "'no_action', expected 'ticket_created'"),
    ]
    # Her hang-up ends the hold at her 40 s of patience: the hold itself is not over its
    # limit. 5 of 7 steps; 2 of 3 actions; 2 of 3 phrases; every limit; notes, wrong code.
    assert result.total == round(5 * unit + 20 + 20 / 3 + 10 + 5, 2) == 70.24


def test_an_action_done_before_the_one_listed_ahead_of_it_earns_half() -> None:
    result = score("hold_hangup", demo_runs.hold_hangup_ticket_first())
    assert lost(result) == [
        (
            "actions",
            "ticket (category fault)",
            5.0,
            10.0,
            "ticket T000001 (fault), but before 'hold_with_phrase (max_s 40)': out of order",
        )
    ]
    assert result.total == 95.0


def test_a_hold_from_a_step_without_the_hold_phrase_does_not_count_as_with_the_phrase() -> None:
    call = demo_runs.call_for("vip_quick_change").ring().answer(4)
    call.choose(10, "1").hold(12).retrieve(20)  # held at verify, which has no hold phrase
    call.choose(25, "y").choose(40, "1").hold(45).retrieve(65).choose(70, "1")
    call.end(80).start_wrapup(90).wrapup(100, "resolved")
    result = score("vip_quick_change", call.events)
    phrases = next(d for d in result.dimensions if d.name == "phrases")
    hold_line = next(line for line in phrases.lines if line.item == "等待用语 / hold phrase")
    assert hold_line.earned == round(10 / 3 / 2, 2)
    assert "1 of 2 hold(s) with the hold phrase" in hold_line.reason
    assert "held at step 'verify', which does not carry the hold phrase" in hold_line.reason
    # The phrased hold at handle_now still satisfies the required action, in order.
    actions = next(d for d in result.dimensions if d.name == "actions")
    assert [line.earned for line in actions.lines] == [15.0, 15.0]


def test_a_desk_confirmed_hold_phrase_counts_wherever_the_hold_was_placed() -> None:
    call = demo_runs.call_for("vip_quick_change").ring().answer(4)
    call.choose(10, "1").choose(25, "y").hold(30, phrase=True).retrieve(40)  # at need
    call.choose(45, "1").choose(70, "1").end(80).start_wrapup(90).wrapup(100, "resolved")
    assert lost(score("vip_quick_change", call.events)) == []


def test_the_same_facts_give_the_same_score_whatever_order_the_events_arrive_in() -> None:
    events = demo_runs.hold_hangup_kept_too_long()
    first = score("hold_hangup", events)
    shuffled = list(events)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert score("hold_hangup", shuffled) == first
    assert score("hold_hangup", events).model_dump_json() == first.model_dump_json()
