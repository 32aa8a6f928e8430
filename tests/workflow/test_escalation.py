"""Escalation ladders: what fires next and when (one timer per ticket), what a rung does."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

from server_stub.protocol.tickets import ActorRole, TicketPriority
from server_stub.workflow.business_calendar import BusinessCalendar
from server_stub.workflow.escalation import (
    ClockLadder,
    due_rungs,
    escalation_order,
    next_escalation,
    next_rung,
    rungs_for,
    target_minutes,
)
from server_stub.workflow.loader import load_default_workflow
from server_stub.workflow.schema import Rung, TicketTypeConfig, WorkflowConfig
from server_stub.workflow.sla import ClockKind, SlaClock

TZ = ZoneInfo("Asia/Shanghai")


@cache
def workflow() -> WorkflowConfig:
    return load_default_workflow()


@cache
def calendar() -> BusinessCalendar:
    return BusinessCalendar(workflow().calendar)


def ticket_type(type_id: str) -> TicketTypeConfig:
    found = workflow().ticket_type(type_id)
    assert found is not None
    return found


def at(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=TZ).timestamp()


def fault_first_response(start: float, fired: int = 0) -> ClockLadder:
    fault = ticket_type("fault")
    minutes = target_minutes(fault, TicketPriority.NORMAL, ClockKind.FIRST_RESPONSE)
    clock = SlaClock.start(ClockKind.FIRST_RESPONSE, minutes, start)
    return ClockLadder(clock, rungs_for(workflow(), fault, ClockKind.FIRST_RESPONSE), fired)


def test_the_default_ladder_reminds_at_75_percent_alerts_at_the_deadline_then_tells_the_lead() -> (
    None
):
    start = at(2026, 11, 24, 9, 0)  # a fault, normal: first response due in 60 business min
    planned = [next_rung(fault_first_response(start, fired), calendar()) for fired in range(4)]
    assert [(p.rung.action, p.at) for p in planned if p is not None] == [
        ("remind", at(2026, 11, 24, 9, 45)),
        ("alert", at(2026, 11, 24, 10, 0)),
        ("notify_lead", at(2026, 11, 24, 10, 30)),
    ]
    assert planned[3] is None  # every rung has fired


def test_rungs_count_business_time_across_lunch_and_the_night() -> None:
    planned = next_rung(fault_first_response(at(2026, 11, 24, 11, 30)), calendar())
    assert planned is not None and planned.at == at(2026, 11, 24, 13, 15)
    evening = next_rung(fault_first_response(at(2026, 11, 24, 17, 40)), calendar())
    assert evening is not None and evening.at == at(2026, 11, 25, 8, 25)


def test_a_paused_clock_sets_no_timer_and_the_earliest_clock_wins() -> None:
    start = at(2026, 11, 24, 9, 0)
    paused = fault_first_response(start)
    paused = ClockLadder(paused.clock.pause(start + 600), paused.rungs)
    assert next_escalation([paused], calendar()) is None
    fault = ticket_type("fault")
    resolution = ClockLadder(
        SlaClock.start(ClockKind.RESOLUTION, 1080, start),
        rungs_for(workflow(), fault, ClockKind.RESOLUTION),
    )
    first = next_escalation([resolution, fault_first_response(start)], calendar())
    assert first is not None and first.kind is ClockKind.FIRST_RESPONSE


def test_everything_overdue_fires_at_once_when_the_timer_comes_late() -> None:
    ladder = fault_first_response(at(2026, 11, 24, 9, 0))
    due = due_rungs(ladder, calendar(), at(2026, 11, 24, 10, 10))
    assert [p.rung.action for p in due] == ["remind", "alert"]
    assert [p.index for p in due] == [0, 1]
    assert (
        due_rungs(ClockLadder(ladder.clock, ladder.rungs, 2), calendar(), at(2026, 11, 24, 10, 10))
        == []
    )


def test_complaints_have_their_own_ladder_that_sends_a_stuck_complaint_to_the_complaint_group() -> (
    None
):
    rungs = rungs_for(workflow(), ticket_type("complaint"), ClockKind.FIRST_RESPONSE)
    order = escalation_order(rungs[-1], TicketPriority.NORMAL)
    assert order.action == "reassign" and order.reassign_to == "complaint_group"
    assert ActorRole.TEAM_LEADER in order.recipients


def test_what_each_action_asks_for() -> None:
    remind = escalation_order(Rung(action="remind"), TicketPriority.NORMAL)
    assert remind.recipients == (ActorRole.DEPARTMENT,)
    alert = escalation_order(Rung(action="alert"), TicketPriority.NORMAL)
    assert alert.recipients == (ActorRole.DEPARTMENT, ActorRole.TEAM_LEADER)
    raised = escalation_order(Rung(action="raise_priority"), TicketPriority.NORMAL)
    assert raised.new_priority is TicketPriority.HIGH
    at_top = escalation_order(Rung(action="raise_priority"), TicketPriority.URGENT)
    assert at_top.new_priority is None
    assert escalation_order(Rung(action="notify_lead"), TicketPriority.LOW).recipients == (
        ActorRole.TEAM_LEADER,
    )
