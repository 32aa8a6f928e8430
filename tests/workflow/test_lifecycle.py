"""The ticket lifecycle rules: the closed loop, its branches, and every refusal."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server_stub.protocol.tickets import (
    STATE_GROUP,
    TRANSITIONS,
    ActorRole,
    CloseReason,
    RefusalCode,
    StateGroup,
    TicketPriority,
    TicketState,
    Transition,
    transitions_from,
)
from server_stub.workflow.lifecycle import (
    DAY_S,
    Effect,
    LifecyclePolicy,
    Refusal,
    TicketSnapshot,
    TransitionApplied,
    apply_transition,
    build_policy,
    new_ticket,
)
from server_stub.workflow.loader import load_default_workflow

T0 = 1_795_000_000.0  # an instant in late 2026


@cache
def demo_policy() -> LifecyclePolicy:
    return build_policy(load_default_workflow())


def step(
    ticket: TicketSnapshot,
    transition: Transition,
    role: ActorRole,
    at: float = T0,
    policy: LifecyclePolicy | None = None,
    **fields: str,
) -> TransitionApplied:
    result = apply_transition(
        ticket, transition, fields, role, at, policy if policy is not None else demo_policy()
    )
    assert isinstance(result, TransitionApplied), result
    assert result.from_state is ticket.state
    assert result.ticket.state in TRANSITIONS[transition].to_states
    return result


def refused(
    ticket: TicketSnapshot,
    transition: str,
    role: str,
    fields: Mapping[str, str] | None = None,
    at: float = T0,
) -> Refusal:
    result = apply_transition(ticket, transition, fields or {}, role, at, demo_policy())
    assert isinstance(result, Refusal), result
    return result


def callback_result(
    ticket: TicketSnapshot, outcome: str, role: ActorRole = ActorRole.AGENT
) -> TransitionApplied:
    return step(ticket, Transition.COMPLETE_CALLBACK, role, callback_outcome=outcome)


def complaint() -> TicketSnapshot:
    ticket, effects = new_ticket("T1", "complaint", TicketPriority.HIGH, T0)
    assert effects == (Effect.START_RESOLUTION,)
    return ticket


def resolved_complaint() -> TicketSnapshot:
    ticket = step(complaint(), Transition.DISPATCH, ActorRole.AGENT).ticket
    ticket = step(ticket, Transition.ACCEPT, ActorRole.TEAM_LEADER).ticket
    ticket = step(ticket, Transition.FORWARD, ActorRole.TEAM_LEADER, note="已核实 checked").ticket
    ticket = step(ticket, Transition.ACCEPT, ActorRole.DEPARTMENT).ticket
    ticket = step(ticket, Transition.RESOLVE, ActorRole.DEPARTMENT, resolution_note="已赔付").ticket
    return step(ticket, Transition.SCHEDULE_CALLBACK, ActorRole.SYSTEM, at=T0 + 100).ticket


def test_complaint_goes_agent_to_team_leader_to_complaint_group_and_back_to_both() -> None:
    dispatched = step(complaint(), Transition.DISPATCH, ActorRole.AGENT)
    assert dispatched.ticket.route == ("team_leader", "complaint_group")
    assert dispatched.queue == "team_leader"
    assert dispatched.effects == (Effect.ENQUEUE, Effect.START_FIRST_RESPONSE)

    taken = step(dispatched.ticket, Transition.ACCEPT, ActorRole.TEAM_LEADER)
    assert taken.effects == (Effect.DEQUEUE, Effect.STOP_FIRST_RESPONSE)

    forwarded = step(taken.ticket, Transition.FORWARD, ActorRole.TEAM_LEADER, note="预处理")
    assert forwarded.queue == "complaint_group"
    assert forwarded.ticket.state is TicketState.DISPATCHED

    worked = step(forwarded.ticket, Transition.ACCEPT, ActorRole.DEPARTMENT)
    result = step(worked.ticket, Transition.RESOLVE, ActorRole.DEPARTMENT, resolution_note="ok")
    assert result.notify == (ActorRole.AGENT, ActorRole.TEAM_LEADER)
    assert result.effects == (Effect.STOP_CLOCKS, Effect.REQUEST_CALLBACK, Effect.NOTIFY)
    assert result.ticket.resolved_at == T0


def test_a_satisfied_callback_closes_the_loop() -> None:
    ticket = resolved_complaint()
    assert ticket.state is TicketState.CALLBACK_PENDING
    closed = callback_result(ticket, "satisfied")
    assert closed.ticket.state is TicketState.CLOSED
    assert closed.ticket.close_reason is CloseReason.SATISFIED


def test_not_satisfied_reopens_at_the_resolving_department_and_the_second_time_escalates() -> None:
    first = callback_result(resolved_complaint(), "not_satisfied")
    assert first.ticket.state is TicketState.DISPATCHED
    assert first.queue == "complaint_group"
    assert first.ticket.reopen_count == 1
    assert Effect.START_RESOLUTION in first.effects
    assert Effect.ESCALATE_REOPEN not in first.effects

    again = step(first.ticket, Transition.ACCEPT, ActorRole.DEPARTMENT).ticket
    again = step(again, Transition.RESOLVE, ActorRole.DEPARTMENT, resolution_note="再次处理").ticket
    again = step(again, Transition.SCHEDULE_CALLBACK, ActorRole.SYSTEM).ticket
    second = step(
        again, Transition.COMPLETE_CALLBACK, ActorRole.AGENT, callback_outcome="not_satisfied"
    )
    assert second.ticket.reopen_count == 2
    assert Effect.ESCALATE_REOPEN in second.effects
    assert ActorRole.TEAM_LEADER in second.notify


def test_no_answer_is_retried_k_times_then_closed_as_unreachable() -> None:
    ticket = resolved_complaint()
    retries = demo_policy().callback_retries
    assert retries == 3
    for attempt in range(1, retries + 1):
        result = step(
            ticket, Transition.COMPLETE_CALLBACK, ActorRole.SYSTEM, callback_outcome="no_answer"
        )
        assert result.effects == (Effect.RETRY_CALLBACK,)
        assert result.ticket.state is TicketState.CALLBACK_PENDING
        assert result.ticket.callback_attempts == attempt
        ticket = result.ticket
    final = callback_result(ticket, "no_answer", ActorRole.SYSTEM)
    assert final.ticket.state is TicketState.CLOSED
    assert final.ticket.close_reason is CloseReason.UNREACHABLE


def test_reopen_inside_the_window_and_a_linked_ticket_after_it() -> None:
    closed = callback_result(resolved_complaint(), "satisfied").ticket
    inside = T0 + 6 * DAY_S
    reopened = step(closed, Transition.REOPEN, ActorRole.AGENT, at=inside, reason="又断了")
    assert reopened.ticket.state is TicketState.DISPATCHED
    assert reopened.ticket.closed_at is None and reopened.ticket.close_reason is None
    late = refused(closed, "reopen", "agent", {"reason": "again"}, at=T0 + 8 * DAY_S)
    assert late.code is RefusalCode.REOPEN_WINDOW_PASSED
    assert "new ticket linked" in late.message


def test_reopening_while_a_callback_is_pending_cancels_the_callback() -> None:
    result = step(resolved_complaint(), Transition.REOPEN, ActorRole.TEAM_LEADER, reason="客户来电")
    assert result.effects[0] is Effect.CANCEL_CALLBACK


def test_waiting_pauses_the_clocks_and_resuming_restarts_them() -> None:
    ticket = step(new_ticket("T2", "fault", TicketPriority.NORMAL, T0)[0], Transition.DISPATCH,
                  ActorRole.AGENT).ticket  # fmt: skip
    ticket = step(ticket, Transition.ACCEPT, ActorRole.DEPARTMENT).ticket
    waiting = step(ticket, Transition.WAIT_THIRD_PARTY, ActorRole.DEPARTMENT, reason="等运营商")
    assert waiting.effects == (Effect.PAUSE_CLOCKS,)
    assert STATE_GROUP[waiting.ticket.state] is StateGroup.PAUSED
    resumed = step(waiting.ticket, Transition.RESUME, ActorRole.SYSTEM)
    assert resumed.effects == (Effect.RESUME_CLOCKS,)


def test_a_type_without_callbacks_closes_on_resolution() -> None:
    ticket = step(new_ticket("T3", "suggestion", TicketPriority.LOW, T0)[0], Transition.DISPATCH,
                  ActorRole.AGENT).ticket  # fmt: skip
    ticket = step(ticket, Transition.ACCEPT, ActorRole.DEPARTMENT).ticket
    result = step(ticket, Transition.RESOLVE, ActorRole.DEPARTMENT, resolution_note="已采纳")
    assert Effect.AUTO_CLOSE in result.effects and Effect.REQUEST_CALLBACK not in result.effects


def test_an_agent_resolves_on_the_call_and_a_reopen_goes_to_the_types_route() -> None:
    ticket = new_ticket("T4", "enquiry", TicketPriority.NORMAL, T0)[0]
    resolved = step(
        ticket, Transition.RESOLVE_ON_CONTACT, ActorRole.AGENT, resolution_note="已答复"
    )
    assert resolved.notify == ()
    assert Effect.REQUEST_CALLBACK in resolved.effects
    reopened = step(resolved.ticket, Transition.REOPEN, ActorRole.AGENT, reason="没解决")
    assert reopened.queue == "billing"


def test_bounce_returns_the_ticket_to_the_agent_and_reassign_moves_the_step() -> None:
    ticket = step(new_ticket("T5", "fault", TicketPriority.NORMAL, T0)[0], Transition.DISPATCH,
                  ActorRole.AGENT).ticket  # fmt: skip
    bounced = step(ticket, Transition.BOUNCE, ActorRole.DEPARTMENT, reason="不是网络问题")
    assert bounced.effects[0] is Effect.DEQUEUE
    assert bounced.ticket.state is TicketState.NEW and bounced.ticket.route == ()
    assert ActorRole.AGENT in bounced.notify
    moved = step(bounced.ticket, Transition.DISPATCH, ActorRole.AGENT, queue="billing")
    moved = step(moved.ticket, Transition.REASSIGN, ActorRole.SYSTEM, queue="network_repair",
                 reason="超时改派")  # fmt: skip
    assert moved.queue == "network_repair"
    assert moved.effects[:2] == (Effect.DEQUEUE, Effect.ENQUEUE)


def test_cancel_and_merge_stop_the_clocks() -> None:
    ticket = step(complaint(), Transition.DISPATCH, ActorRole.AGENT).ticket
    merged = step(ticket, Transition.MERGE, ActorRole.TEAM_LEADER, merge_target="T9")
    assert merged.ticket.merged_into == "T9"
    assert merged.effects == (Effect.DEQUEUE, Effect.STOP_CLOCKS)
    cancelled = step(complaint(), Transition.CANCEL, ActorRole.AGENT, reason="客户撤回")
    assert cancelled.ticket.state is TicketState.CANCELLED


@pytest.mark.parametrize(
    ("transition", "role", "fields", "code"),
    [
        ("teleport", "agent", {}, RefusalCode.UNKNOWN_TRANSITION),
        ("resolve", "department", {"resolution_note": "x"}, RefusalCode.NOT_ALLOWED_IN_STATE),
        ("schedule_callback", "agent", {}, RefusalCode.NOT_ALLOWED_IN_STATE),
        ("dispatch", "department", {}, RefusalCode.ROLE_NOT_ALLOWED),
        ("dispatch", "nobody", {}, RefusalCode.ROLE_NOT_ALLOWED),
        ("cancel", "agent", {}, RefusalCode.MISSING_FIELD),
        ("cancel", "agent", {"reason": "   "}, RefusalCode.MISSING_FIELD),
        ("cancel", "agent", {"reason": "x", "resaon": "typo"}, RefusalCode.UNKNOWN_FIELD),
        ("cancel", "agent", {"reason": "x" * 4001}, RefusalCode.INVALID_FIELD),
        ("dispatch", "agent", {"queue": "nowhere"}, RefusalCode.INVALID_FIELD),
        ("merge", "agent", {"merge_target": "T1"}, RefusalCode.MERGE_INTO_SELF),
    ],
)
def test_refusals_have_a_stable_code_and_say_what_is_wrong(
    transition: str, role: str, fields: dict[str, str], code: RefusalCode
) -> None:
    refusal = refused(complaint(), transition, role, fields)
    assert refusal.code is code
    assert refusal.message


def test_a_bad_callback_outcome_and_forwarding_past_the_last_step_are_refused() -> None:
    pending = resolved_complaint()
    bad = refused(pending, "complete_callback", "agent", {"callback_outcome": "happy"})
    assert bad.code is RefusalCode.INVALID_FIELD and "satisfied" in bad.message
    ticket = step(new_ticket("T6", "fault", TicketPriority.NORMAL, T0)[0], Transition.DISPATCH,
                  ActorRole.AGENT).ticket  # fmt: skip
    ticket = step(ticket, Transition.ACCEPT, ActorRole.DEPARTMENT).ticket
    last = refused(ticket, "forward", "department", {"note": "x"})
    assert last.code is RefusalCode.NO_NEXT_STEP


def test_dispatch_needs_a_queue_when_the_type_has_no_department() -> None:
    policy = LifecyclePolicy(routes={}, notify_on_result={}, with_callback=frozenset(),
                             known_queues=frozenset())  # fmt: skip
    ticket = new_ticket("T7", "other", TicketPriority.NORMAL, T0)[0]
    result = apply_transition(ticket, "dispatch", {}, "agent", T0, policy)
    assert isinstance(result, Refusal) and result.code is RefusalCode.MISSING_FIELD
    sent = step(ticket, Transition.DISPATCH, ActorRole.AGENT, policy=policy, queue="anywhere")
    assert sent.queue == "anywhere"


def test_every_state_is_reachable_from_new_and_terminal_states_offer_only_reopen() -> None:
    reached = {TicketState.NEW}
    frontier = [TicketState.NEW]
    while frontier:
        for spec in transitions_from(frontier.pop()):
            for state in spec.to_states:
                if state not in reached:
                    reached.add(state)
                    frontier.append(state)
    assert reached == set(TicketState)
    assert [s.name for s in transitions_from(TicketState.CLOSED)] == [Transition.REOPEN]
    assert transitions_from(TicketState.MERGED) == []
    assert Transition.ACCEPT in {
        s.name for s in transitions_from(TicketState.DISPATCHED, ActorRole.DEPARTMENT)
    }
    assert Transition.ACCEPT not in {
        s.name for s in transitions_from(TicketState.DISPATCHED, ActorRole.AGENT)
    }


FIELD_VALUES = {
    "resolution_note": "已处理",
    "reason": "原因",
    "note": "备注",
    "merge_target": "T99",
    "queue": "billing",
}


@given(
    moves=st.lists(
        st.tuples(
            st.sampled_from(list(Transition)),
            st.sampled_from(list(ActorRole)),
            st.sampled_from(["satisfied", "not_satisfied", "no_answer"]),
            st.floats(0, 3 * DAY_S),
        ),
        max_size=40,
    )
)
def test_any_sequence_of_requests_stays_on_the_whitelisted_graph(
    moves: list[tuple[Transition, ActorRole, str, float]],
) -> None:
    ticket = new_ticket("T1", "complaint", TicketPriority.NORMAL, T0)[0]
    at = T0
    for transition, role, outcome, gap in moves:
        at += gap
        spec = TRANSITIONS[transition]
        fields = {f.value: FIELD_VALUES.get(f.value, outcome) for f in spec.required}
        result = apply_transition(ticket, transition, fields, role, at, demo_policy())
        if isinstance(result, Refusal):
            continue
        assert ticket.state in spec.from_states
        assert role in spec.roles
        assert result.ticket.state in spec.to_states
        if Effect.ENQUEUE in result.effects:
            assert result.queue is not None and result.ticket.state is TicketState.DISPATCHED
        if ticket.state is TicketState.DISPATCHED:
            assert Effect.DEQUEUE in result.effects  # nothing is left behind in a queue
        ticket = result.ticket
