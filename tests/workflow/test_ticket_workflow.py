"""The workflow as the engine will drive it: a complaint's whole loop with its clocks,
escalation timers, a third-party wait, the satisfaction callback in business hours, and a
calendar change; and requested callback times checked against the calendar."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from server_stub.protocol.tickets import (
    ActorRole,
    CloseReason,
    RefusalCode,
    TicketPriority,
    TicketState,
)
from server_stub.workflow.callbacks import check_requested_callback
from server_stub.workflow.lifecycle import Refusal, TicketSnapshot
from server_stub.workflow.loader import load_default_workflow
from server_stub.workflow.schema import Holiday
from server_stub.workflow.sla import ClockKind
from server_stub.workflow.ticket_workflow import Step, TicketClocks, TicketWorkflow

TZ = ZoneInfo("Asia/Shanghai")
CLOSED = RefusalCode.CALLBACK_OUTSIDE_HOURS


@cache
def workflow() -> TicketWorkflow:
    return TicketWorkflow(load_default_workflow())


def at(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=TZ).timestamp()


def take(
    ticket: TicketSnapshot,
    clocks: TicketClocks,
    transition: str,
    role: ActorRole,
    when: float,
    **fields: str,
) -> Step:
    step = workflow().take(ticket, clocks, transition, fields, role, when)
    assert isinstance(step, Step), step
    return step


def test_a_complaints_whole_loop_runs_on_business_time() -> None:
    flow = workflow()
    calendar = flow.calendar
    ticket, clocks = flow.open("T1", "complaint", TicketPriority.NORMAL, at(2026, 11, 24, 9, 0))
    assert clocks.resolution is not None and clocks.first_response is None
    # 1620 business minutes = three 9-hour days: Tue 09:00 → Fri 09:00
    assert clocks.resolution.clock.due_at(calendar) == at(2026, 11, 27, 9, 0)

    step = take(ticket, clocks, "dispatch", ActorRole.AGENT, at(2026, 11, 24, 9, 5))
    ticket, clocks = step.applied.ticket, step.clocks
    assert step.applied.queue == "team_leader"
    timer = flow.next_timer(clocks)  # the complaint ladder: a reminder at 50 % of 60 min
    assert timer is not None and timer.kind is ClockKind.FIRST_RESPONSE
    assert (timer.rung.action, timer.at) == ("remind", at(2026, 11, 24, 9, 35))

    # nobody took it: at 10:10 the reminder and the alert fire together
    ticket, clocks, fired = flow.fire_due(ticket, clocks, at(2026, 11, 24, 10, 10))
    assert [f.order.action for f in fired] == ["remind", "alert"]
    timer = flow.next_timer(clocks)
    assert timer is not None and timer.at == at(2026, 11, 24, 10, 35)
    ticket, clocks, fired = flow.fire_due(ticket, clocks, timer.at)
    assert [f.order.reassign_to for f in fired] == ["complaint_group"]

    step = take(ticket, clocks, "reassign", ActorRole.SYSTEM, timer.at,
                queue="complaint_group", reason="组长未及时处理")  # fmt: skip
    ticket, clocks = step.applied.ticket, step.clocks
    assert ticket.queue == "complaint_group"
    step = take(ticket, clocks, "accept", ActorRole.DEPARTMENT, at(2026, 11, 24, 10, 50))
    ticket, clocks = step.applied.ticket, step.clocks
    assert clocks.first_response is not None and clocks.first_response.clock.stopped

    # a third-party wait from Tue 11:00 to Wed 11:00 stops the clock for 540 business min
    due_before = clocks.resolution.clock.due_at(calendar)
    step = take(ticket, clocks, "wait_third_party", ActorRole.DEPARTMENT,
                at(2026, 11, 24, 11, 0), reason="等运营商")  # fmt: skip
    assert step.clocks.due_at(calendar) is None
    step = take(step.applied.ticket, step.clocks, "resume", ActorRole.SYSTEM,
                at(2026, 11, 25, 11, 0))  # fmt: skip
    ticket, clocks = step.applied.ticket, step.clocks
    due_after = clocks.resolution.clock.due_at(calendar)
    assert due_before is not None and due_after is not None
    assert calendar.seconds_between(due_before, due_after) == 540 * 60

    step = take(ticket, clocks, "resolve", ActorRole.DEPARTMENT, at(2026, 11, 25, 17, 50),
                resolution_note="已补偿 Compensated")  # fmt: skip
    assert set(step.applied.notify) == {ActorRole.AGENT, ActorRole.TEAM_LEADER}
    # the 回访 window: from now (open) to 240 business minutes later, Thu 11:50
    assert step.callback_window == (at(2026, 11, 25, 17, 50), at(2026, 11, 26, 11, 50))
    assert flow.next_timer(step.clocks) is None  # stopped clocks set no timer
    ticket, clocks = step.applied.ticket, step.clocks

    step = take(ticket, clocks, "schedule_callback", ActorRole.SYSTEM, at(2026, 11, 25, 17, 50))
    step = take(step.applied.ticket, step.clocks, "complete_callback", ActorRole.SYSTEM,
                at(2026, 11, 26, 17, 0), callback_outcome="no_answer")  # fmt: skip
    # a retry 60 business minutes after 17:00 would fall at closing time: next morning
    assert step.callback_window == (at(2026, 11, 27, 8, 0), at(2026, 11, 27, 8, 0))
    step = take(step.applied.ticket, step.clocks, "complete_callback", ActorRole.AGENT,
                at(2026, 11, 27, 8, 0), callback_outcome="satisfied")  # fmt: skip
    assert step.applied.ticket.state is TicketState.CLOSED
    assert step.applied.ticket.close_reason is CloseReason.SATISFIED


def test_an_overdue_fault_is_raised_in_priority_and_its_clocks_retargeted() -> None:
    flow = workflow()
    ticket, clocks = flow.open("T2", "fault", TicketPriority.NORMAL, at(2026, 11, 24, 9, 0))
    step = take(ticket, clocks, "dispatch", ActorRole.AGENT, at(2026, 11, 24, 9, 0))
    step = take(step.applied.ticket, step.clocks, "accept", ActorRole.DEPARTMENT,
                at(2026, 11, 24, 9, 10))  # fmt: skip
    ticket, clocks = step.applied.ticket, step.clocks
    # normal fault: resolution in 1080 business min; 125 % (1350 min) is Thu 2026-11-26 15:30
    late = at(2026, 11, 26, 16, 0)
    ticket, clocks, fired = flow.fire_due(ticket, clocks, late)
    assert [f.order.action for f in fired] == ["remind", "alert", "raise_priority"]
    assert ticket.priority is TicketPriority.HIGH
    assert clocks.resolution is not None and clocks.resolution.clock.target_s == 480 * 60
    assert clocks.resolution.fired == 3  # progress kept: the next rung is "tell the lead"
    timer = flow.next_timer(clocks)
    assert timer is not None and timer.rung.action == "notify_lead"


def test_a_calendar_change_moves_the_deadline_of_the_same_clock() -> None:
    config = load_default_workflow()
    _, clocks = workflow().open("T3", "enquiry", TicketPriority.NORMAL, at(2026, 11, 24, 9, 0))
    before = clocks.due_at(workflow().calendar)
    holiday = Holiday(date=dt.date(2026, 11, 25), label="临时放假 Day off")
    changed = config.model_copy(
        update={"calendar": config.calendar.model_copy(update={"holidays": (holiday,)})}
    )
    after = clocks.due_at(TicketWorkflow(changed).calendar)
    assert before == at(2026, 11, 26, 9, 0)
    assert after == at(2026, 11, 27, 9, 0)


def test_a_refused_transition_changes_nothing() -> None:
    ticket, clocks = workflow().open("T4", "fault", TicketPriority.LOW, at(2026, 11, 24, 9, 0))
    refusal = workflow().take(ticket, clocks, "accept", {}, ActorRole.AGENT, at(2026, 11, 24, 9, 1))
    assert isinstance(refusal, Refusal)
    assert refusal.code is RefusalCode.NOT_ALLOWED_IN_STATE
    assert ticket.state is TicketState.NEW
    assert clocks.first_response is None and clocks.resolution is not None
    assert clocks.resolution.clock.running


def test_an_unknown_ticket_type_is_named() -> None:
    with pytest.raises(KeyError, match="unknown ticket type 'other'"):
        workflow().open("T5", "other", TicketPriority.LOW, 0.0)


@pytest.mark.parametrize(
    ("requested", "accepted", "code", "offered"),
    [
        (at(2026, 11, 24, 10, 0), True, None, at(2026, 11, 24, 10, 0)),
        (at(2026, 11, 24, 12, 30), False, CLOSED, at(2026, 11, 24, 13, 0)),
        (at(2026, 11, 29, 10, 0), False, CLOSED, at(2026, 11, 30, 8, 0)),
        (at(2026, 12, 5, 10, 0), False, CLOSED, at(2026, 12, 7, 8, 0)),
        (at(2026, 11, 23, 10, 0), False, RefusalCode.CALLBACK_IN_PAST, at(2026, 11, 24, 9, 0)),
    ],
)  # fmt: skip
def test_a_requested_callback_time_is_checked_against_the_calendar(
    requested: float, accepted: bool, code: RefusalCode | None, offered: float
) -> None:
    check = check_requested_callback(workflow().calendar, requested, at(2026, 11, 24, 9, 0))
    assert (check.accepted, check.code, check.at) == (accepted, code, offered)
