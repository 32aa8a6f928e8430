"""Prefill: what the log decides is suggested with its evidence; the evaluator confirms."""

from __future__ import annotations

from server_stub.protocol.events import Event
from server_stub.protocol.quality_forms import evaluation_problems, score_evaluation
from server_stub.protocol.scripts import FlowScript
from server_stub.quality.prefill import Suggestion, prefilled_evaluation, suggest_deductions
from server_stub.quality.statistics import items_most_lost, score_all, summarise
from tests.quality.forms import demo_form, demo_forms
from tests.training import demo_runs
from tests.training.call_log import CallLog
from tests.training.demo_runs import demo_scripts


def vip_script() -> FlowScript:
    return demo_scripts()["vip_service"]


def suggestions(events: list[Event], script: FlowScript | None) -> list[Suggestion]:
    return suggest_deductions(demo_form(), events, "c1", script=script)


def summary(found: list[Suggestion]) -> list[tuple[str, str, int, list[tuple[int, str]]]]:
    return [(s.item, s.deduction, s.count, [(e.seq, e.text) for e in s.evidence]) for s in found]


def test_a_call_handled_by_the_book_gets_no_suggestions() -> None:
    for scenario_id, run in demo_runs.RIGHT_RUNS.items():
        script = demo_scripts()[demo_runs.demo_scenarios()[scenario_id].script]
        assert suggestions(run(), script) == [], scenario_id


def test_a_slow_answer_a_hold_without_the_phrase_and_no_closing_are_suggested() -> None:
    call = CallLog(vip_script(), queue_id="vip").ring().answer(14)  # seq 2 offered, 3 answered
    call.choose(20, "1").hold(22).retrieve(30)  # held at verify: no hold phrase (seq 5)
    call.choose(35, "y").choose(40, "1").hold(45).retrieve(50)  # at handle_now: fine
    call.hold(52).retrieve(55)  # still at handle_now: fine
    call.choose(60, "2")  # cannot be done now: manager_callback, which has no closing
    call.end(70).start_wrapup(90).wrapup(100, "callback")
    found = suggestions(call.events, vip_script())
    assert summary(found) == [
        (
            "slow_to_answer",
            "rang_long",
            1,
            [(2, "the agent's phone rang"), (3, "answered after 14 s (over 10 s)")],
        ),
        (
            "standard_wording",
            "hold_without_phrase",
            1,
            [(5, "held at step 'verify', which does not carry the hold phrase")],
        ),
        (
            "standard_wording",
            "no_closing",
            1,
            [(call.events[-1].seq, "the walk stopped at 'manager_callback', which has no closing")],
        ),
    ]
    assert [e.sim_time for e in found[0].evidence] == [0, 14]


def test_several_holds_without_the_phrase_count_up_to_the_rule_limit() -> None:
    call = CallLog(vip_script(), queue_id="vip").ring().answer(3)
    for start in (5, 10, 15, 20):  # four holds at greet, none with the phrase
        call.hold(start).retrieve(start + 2)
    call.choose(30, "3").choose(40, "1").end(50).wrapup(60, "info_given")
    (found,) = [
        s for s in suggestions(call.events, vip_script()) if s.rule == "hold_without_phrase"
    ]
    assert found.count == 3 and len(found.evidence) == 4  # max_times 3; every hold shown


def test_a_wrapup_that_ran_out_or_ran_late_is_suggested() -> None:
    call = CallLog(vip_script(), queue_id="vip").ring().answer(3)
    call.choose(10, "3").choose(20, "1").end(30).start_wrapup(90)
    ran_out = call.wrapup(120, "auto", path=[]).events
    assert summary(suggestions(ran_out, None)) == [
        (
            "procedure",
            "wrapup_over_limit",
            1,
            [(ran_out[-1].seq, "the wrap-up ran out of time (code auto)")],
        )
    ]
    late = CallLog(vip_script(), queue_id="vip").ring().answer(3)
    late.choose(10, "3").choose(20, "1").end(30).start_wrapup(90).wrapup(125, "info_given")
    assert summary(suggestions(late.events, vip_script())) == [
        (
            "procedure",
            "wrapup_over_limit",
            1,
            [(late.events[-1].seq, "wrapped up 5 s after its deadline")],
        )
    ]


def test_phrase_rules_need_the_script_and_skip_a_call_handed_on_or_hung_up() -> None:
    no_path = CallLog(vip_script(), queue_id="vip").ring().answer(3).end(30)
    no_path.wrapup(40, "info_given", path=[])
    assert [s.deduction for s in suggestions(no_path.events, vip_script())] == [
        "no_greeting",
        "no_closing",
    ]
    assert suggestions(no_path.events, None) == []  # without the script nothing is judged
    assert suggestions(demo_runs.hold_hangup_kept_too_long(), demo_scripts()["fault_report"]) == []


def test_a_prefilled_evaluation_is_confirmed_and_counted_in_the_statistics() -> None:
    call = CallLog(vip_script(), queue_id="vip").ring().answer(14)
    call.choose(20, "1").hold(22).retrieve(30).choose(35, "y").choose(40, "1")
    call.hold(45).retrieve(50).choose(60, "1").end(70).start_wrapup(90).wrapup(100, "resolved")
    draft = prefilled_evaluation(
        demo_form(),
        call.events,
        "c1",
        evaluation_id="q1",
        evaluator_id="e100",
        call_date="2026-11-23",
        script=vip_script(),
    )
    assert (draft.status, draft.agent_id, draft.form_version) == ("draft", "1001", 1)
    assert {
        item: [(d.id, d.suggested) for d in mark.deductions] for item, mark in draft.marks.items()
    } == {
        "slow_to_answer": [("rang_long", True)],
        "standard_wording": [("hold_without_phrase", True)],
    }
    # Drafts are not counted; the evaluator agrees with the slow answer, rejects the hold
    # (the agent did say it, the desk just was not on the step) and confirms.
    assert summarise(score_all([draft], demo_forms())).evaluations == 0
    confirmed = draft.confirmed(rejected={("standard_wording", "hold_without_phrase")})
    assert evaluation_problems(demo_form(), confirmed) == []
    score = score_evaluation(demo_form(), confirmed)
    assert score.total == (40 * 90 + 40 * 100 + 20 * 100) / 100 == 96.0  # attitude lost 10
    scored = score_all([draft, confirmed], demo_forms())
    assert summarise(scored).evaluations == 1 and summarise(scored).mean_total == 96.0
    (lost,) = items_most_lost(scored, demo_forms())
    assert (lost.item, lost.evaluations, lost.points_lost) == ("slow_to_answer", 1, 10.0)
