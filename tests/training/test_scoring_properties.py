"""Scores of arbitrary trainee behaviour stay inside their weights and add up line by line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server_stub.protocol.scenarios import session_facts
from server_stub.protocol.scripts import ScriptWalker
from server_stub.training.scoring import score_session
from tests.training.call_log import CallLog
from tests.training.demo_runs import TEAM_LEADER, demo_scenarios, demo_scripts

ACTIONS = ("choose", "hold", "retrieve", "ticket", "consult", "transfer", "back")


@st.composite
def trainee_calls(draw: st.DrawFn) -> tuple[str, CallLog]:
    scenario_id = draw(st.sampled_from(sorted(demo_scenarios())))
    scenario = demo_scenarios()[scenario_id]
    call = CallLog(
        demo_scripts()[scenario.script],
        queue_id=scenario.queue,
        publish_steps=draw(st.booleans()),
    )
    now = draw(st.floats(0, 30))
    call.ring().answer(now)
    held = False
    for _ in range(draw(st.integers(0, 12))):
        now += draw(st.floats(0.5, 40))
        walker: ScriptWalker = call.walker
        action = draw(st.sampled_from(ACTIONS))
        if action == "choose" and walker.available_options():
            option = draw(st.sampled_from(walker.available_options()))
            call.choose(now, option.key)
        elif action == "back" and walker.path:
            call.back(now)
        elif action == "hold" and not held:
            call.hold(now)
            held = True
        elif action == "retrieve" and held:
            call.retrieve(now)
            held = False
        elif action == "ticket":
            call.ticket(now, draw(st.sampled_from(["fault", "complaint", "enquiry"])))
        elif action == "consult" and not held:
            call.consult(now, TEAM_LEADER)
            held = True
        elif action == "transfer":
            call.transfer(now, to_queue="complaint")
            break
    now += draw(st.floats(1, 60))
    call.end(now, by=draw(st.sampled_from(["agent", "caller"]))).start_wrapup(60)
    if draw(st.booleans()):
        call.wrapup(now + draw(st.floats(1, 120)), draw(st.sampled_from(["resolved", "auto"])))
    return scenario_id, call


@settings(max_examples=80, deadline=None)
@given(trainee_calls())
def test_any_call_scores_within_its_weights_and_its_lines_add_up(
    case: tuple[str, CallLog],
) -> None:
    scenario_id, call = case
    scenario = demo_scenarios()[scenario_id]
    facts = session_facts(call.events, "c1", team_leaders={TEAM_LEADER})
    result = score_session(scenario, facts, demo_scripts()[scenario.script])
    assert 0 <= result.total <= result.raw_total <= result.max_total == 100
    for dimension in result.dimensions:
        assert 0 <= dimension.earned <= dimension.weight
        lines_sum = sum(line.earned for line in dimension.lines)
        assert abs(lines_sum - dimension.earned) <= 0.01 * len(dimension.lines)
        assert all(line.reason for line in dimension.lines)
    assert score_session(scenario, facts, demo_scripts()[scenario.script]) == result
