"""The facts of a call, derived from its events: what scoring and quality prefill judge."""

from __future__ import annotations

from server_stub.centre.loader import load_default_centre
from server_stub.protocol.call_facts import SessionFacts, session_facts
from server_stub.protocol.events import Event, EventType
from server_stub.training.centre_facts import team_leaders
from tests.training import demo_runs
from tests.training.call_log import CallLog
from tests.training.demo_runs import TEAM_LEADER, demo_scripts


def facts_of(events: list[Event], team_leaders: frozenset[str] = frozenset()) -> SessionFacts:
    return session_facts(events, "c1", team_leaders=team_leaders)


def test_facts_name_the_ring_answer_release_and_wrapup_with_their_events() -> None:
    events = demo_runs.vip_quick_change_right()
    facts = facts_of(events)
    by_type = {event.type: event for event in reversed(events)}  # first of each type
    assert facts.agent_id == "1001" and facts.customer_id == "C000063" and facts.queue_id == "vip"
    assert facts.offered is not None and facts.offered.seq == by_type["call.offered"].seq
    assert facts.answered is not None and facts.answered.at == 4
    assert facts.released is not None and facts.released.at == 80
    assert facts.wrapup is not None and facts.wrapup.at == 100
    assert facts.wrapup_code == "resolved" and facts.wrapup_deadline == 170
    assert [(h.held_at, h.retrieved_at, h.step) for h in facts.holds] == [(45, 65, "handle_now")]
    assert not facts.caller_hung_up


def test_the_path_is_the_wrapup_path_with_the_times_of_the_live_choices() -> None:
    call = CallLog(demo_scripts()["enquiry"]).ring().answer(2)
    call.choose(10, "1").choose(20, "2").back(25).choose(30, "1")  # tariffs: back, answered
    call.choose(40, "2").end(45).wrapup(60, "info_given")
    facts = facts_of(call.events)
    assert [(c.step, c.key, c.at) for c in facts.path] == [
        ("greet", "1", 10),
        ("tariffs", "1", 30),
        ("anything_else", "2", 40),
    ]
    assert facts.path_timed


def test_a_wrapup_path_that_differs_from_the_live_choices_keeps_no_times_from_there_on() -> None:
    call = CallLog(demo_scripts()["enquiry"]).ring().answer(2)
    call.choose(10, "1").choose(20, "1").end(30)
    call.wrapup(40, "info_given", path=[["greet", "1"], ["tariffs", "2"]])
    assert [(c.step, c.key, c.at) for c in facts_of(call.events).path] == [
        ("greet", "1", 10),
        ("tariffs", "2", None),
    ]


def test_a_consult_holds_the_caller_and_a_completed_one_releases_the_trainee() -> None:
    facts = facts_of(demo_runs.angry_complaint_right(), team_leaders=frozenset({TEAM_LEADER}))
    assert [(c.to_agent, c.to_role, c.mode) for c in facts.consults] == [
        (TEAM_LEADER, "team_leader", "consult_started")
    ]
    assert [(t.to_agent, t.to_role, t.mode) for t in facts.transfers] == [
        (TEAM_LEADER, "team_leader", "consult")
    ]
    assert facts.released is not None and facts.released.at == 125
    assert facts.ended is not None and facts.ended.at == 400
    hold = facts.holds[0]
    assert (hold.step, hold.retrieved_at, hold.duration(facts.release_time)) == (
        "escalate_leader",
        None,
        30,
    )
    without_roles = facts_of(demo_runs.angry_complaint_right())
    assert without_roles.transfers[0].to_role is None


def test_a_caller_who_hangs_up_is_told_apart_from_one_hung_up_on() -> None:
    assert facts_of(demo_runs.hold_hangup_kept_too_long()).caller_hung_up
    assert not facts_of(demo_runs.hold_hangup_right()).caller_hung_up
    # After a transfer the caller's hang-up is someone else's call.
    call = CallLog(demo_scripts()["enquiry"]).ring().answer(2).transfer(10, to_queue="complaint")
    call.end(50, by="caller")
    assert not facts_of(call.events).caller_hung_up


def test_events_of_other_calls_and_agents_are_left_out() -> None:
    mine = demo_runs.vip_quick_change_right()
    other = CallLog(demo_scripts()["enquiry"], call_id="c2", first_seq=100).ring().answer(1)
    other.hold(3).ticket(4, "enquiry")
    colleague = CallLog(demo_scripts()["vip_service"], agent_id="a001", first_seq=200).ticket(
        50, "fault"
    )
    facts = facts_of(mine + other.events + colleague.events)
    assert facts == facts_of(mine)


def test_a_hold_step_comes_from_the_event_when_the_desk_names_it() -> None:
    call = CallLog(demo_scripts()["vip_service"], publish_steps=False).ring().answer(2)
    call.hold(5, script_step="handle_now", phrase=True).retrieve(9).end(12).wrapup(20, "resolved")
    hold = facts_of(call.events).holds[0]
    assert (hold.step, hold.phrase_confirmed) == ("handle_now", True)


def test_a_hold_before_the_first_choice_is_at_the_start_step() -> None:
    call = CallLog(demo_scripts()["vip_service"]).ring().answer(2).hold(3).retrieve(5)
    call.choose(8, "1").end(12).wrapup(20, "resolved")
    assert facts_of(call.events).holds[0].step == "greet"


def test_tickets_callbacks_surveys_and_conferences_are_collected() -> None:
    call = CallLog(demo_scripts()["enquiry"]).ring().answer(2)
    call.ticket(5, "suggestion", department="customer_care").callback(6, "tariff_followup")
    call.survey(7)
    call.at(8).emit(EventType.CALL_CONFERENCED, agents=["1001", "a001"])
    facts = facts_of(call.events)
    assert [(t.category, t.department, t.ticket_id) for t in facts.tickets] == [
        ("suggestion", "customer_care", "T000001")
    ]
    assert [(c.reason, c.at) for c in facts.callbacks] == [("tariff_followup", 6)]
    assert [s.at for s in facts.surveys] == [7]
    assert [c.at for c in facts.conferences] == [8]


def test_the_demo_centre_names_its_team_leader_for_transfers_to_the_role() -> None:
    assert team_leaders(load_default_centre()) == {TEAM_LEADER}
