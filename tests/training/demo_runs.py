"""The demo scenarios, each played once the way the trainer wants and in known wrong ways.

Each function returns the call's event log as the server would hold it, the caller
included: where the scenario's caller hangs up (at a mood, or past her patience on hold),
the run ends there, at that instant. The expected scores in the tests are worked out by
hand from the scenario files; `tests/server/test_training_sessions.py` plays each run's
desk actions on a real session and checks that the caller does what the run says.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from server_stub.centre.loader import load_default_centre
from server_stub.protocol.events import Event
from server_stub.protocol.scenarios import Scenario, load_scenarios
from server_stub.protocol.scripts import FlowScript
from server_stub.training.centre_facts import centre_facts, centre_scripts
from tests.training.call_log import CallLog

DEMO = Path(__file__).resolve().parents[2] / "server_stub" / "centres" / "demo"
SCENARIOS_DIR = DEMO / "scenarios"
TEAM_LEADER = "1100"  # 赵组长, the demo's team leader of team A


@cache
def demo_scripts() -> dict[str, FlowScript]:
    return centre_scripts(load_default_centre(), DEMO / "scripts")


@cache
def demo_scenarios() -> dict[str, Scenario]:
    centre = load_default_centre()
    loaded = load_scenarios(SCENARIOS_DIR, centre_facts(centre), demo_scripts())
    return {scenario.id: scenario for scenario in loaded.values()}


def call_for(scenario_id: str, *, publish_steps: bool = True) -> CallLog:
    scenario = demo_scenarios()[scenario_id]
    return CallLog(
        demo_scripts()[scenario.script],
        queue_id=scenario.queue,
        customer_id=scenario.customer.id,
        publish_steps=publish_steps,
    )


# ------------------------------------------------------------------------------ done right


def enquiry_tariffs_right() -> list[Event]:
    call = call_for("enquiry_tariffs").ring().answer(4)
    call.choose(15, "1").choose(60, "1").choose(90, "2")  # tariffs, answered, nothing else
    call.end(100).start_wrapup(60).wrapup(
        120, "info_given", "问59元套餐流量 / asked about the 59 plan"
    )
    return call.events


def fault_damaged_modem_right() -> list[Event]:
    call = call_for("fault_damaged_modem").ring().answer(3)
    call.choose(12, "1").choose(30, "y").choose(50, "3")  # fault, verified, damaged equipment
    call.ticket(70, "fault", department="network").choose(80, "1")
    call.end(95).start_wrapup(90).wrapup(130, "ticket_created", "Storm-damaged modem, T000001")
    return call.events


def angry_complaint_right() -> list[Event]:
    call = call_for("angry_complaint").ring().answer(5)
    call.choose(15, "1").choose(35, "y")  # a complaint, verified: at assess
    call.ticket(80, "complaint").choose(90, "3")  # logged, then escalate_leader
    call.consult(95, TEAM_LEADER)  # held from escalate_leader, which says the hold phrase
    call.choose(120, "1").complete_consult(125, TEAM_LEADER)  # the team leader takes over
    call.start_wrapup(120).wrapup(150, "transferred", "第三次断网,已转组长 / third outage, to TL")
    call.end(400, by="agent")  # the team leader ends it later: not the trainee's time
    return call.events


def vip_quick_change_right() -> list[Event]:
    call = call_for("vip_quick_change").ring().answer(4)
    call.choose(10, "1").choose(25, "y").choose(40, "1")  # account, verified, do it now
    call.hold(45).retrieve(65).choose(70, "1")  # 20 s on hold at handle_now
    call.end(80).start_wrapup(90).wrapup(100, "resolved")
    return call.events


def fails_verification_right() -> list[Event]:
    call = call_for("fails_verification").ring().answer(5)
    call.choose(15, "2").choose(30, "r").choose(45, "n")  # own bill; ask again; not verified
    call.end(55).start_wrapup(60).wrapup(70, "not_verified")
    return call.events


def hold_hangup_right(*, publish_steps: bool = True) -> list[Event]:
    call = call_for("hold_hangup", publish_steps=publish_steps).ring().answer(4)
    call.choose(12, "1").choose(25, "y").choose(40, "2").choose(60, "2")  # at line_test
    call.hold(65).retrieve(95).ticket(100, "fault")  # a 30 s line test
    call.choose(105, "1").choose(115, "1")  # fault found, logged: closing_ticket
    call.end(125).start_wrapup(90).wrapup(150, "ticket_created", "Fibre drops, red LED; T000001")
    return call.events


RIGHT_RUNS = {
    "enquiry_tariffs": enquiry_tariffs_right,
    "fault_damaged_modem": fault_damaged_modem_right,
    "angry_complaint": angry_complaint_right,
    "vip_quick_change": vip_quick_change_right,
    "fails_verification": fails_verification_right,
    "hold_hangup": hold_hangup_right,
}


# ------------------------------------------------------------------------------ done wrong


def angry_complaint_remedy_offered() -> list[Event]:
    """Offers a remedy instead of escalating: the angry caller goes furious at
    resolve_now and hangs up at once (the scenario's `hangs_up_at_mood`), before anything
    is logged; the trainee wraps up as complaint_logged."""
    call = call_for("angry_complaint").ring().answer(5)
    call.choose(15, "1").choose(35, "y").choose(60, "1")  # resolve_now: he hangs up
    call.end(60, by="caller").start_wrapup(120)
    call.wrapup(90, "complaint_logged", "要求找领导,挂机 / wanted a manager, hung up")
    return call.events


def fails_verification_disclosed() -> list[Event]:
    """Takes a wrong answer as verified and reads out the account."""
    call = call_for("fails_verification").ring().answer(5)
    call.choose(15, "2").choose(30, "y").choose(60, "1").choose(75, "2")
    call.end(85).start_wrapup(60).wrapup(100, "info_given")
    return call.events


def hold_hangup_kept_too_long() -> list[Event]:
    """A line test longer than her patience: 40 s into the hold (the turn's
    `hangs_up_after_s`) she hangs up, before the fault is logged."""
    call = call_for("hold_hangup").ring().answer(4)
    call.choose(12, "1").choose(25, "y").choose(40, "2").choose(60, "2")
    call.hold(65).end(105, by="caller")
    call.start_wrapup(90).wrapup(130, "no_action", "Caller hung up during the line test")
    return call.events


def hold_hangup_ticket_first() -> list[Event]:
    """Logs the ticket while the caller describes the fault, before the line test."""
    call = call_for("hold_hangup").ring().answer(4)
    call.choose(12, "1").choose(25, "y").ticket(35, "fault").choose(40, "2").choose(60, "2")
    call.hold(65).retrieve(95).choose(105, "1").choose(115, "1")
    call.end(125).start_wrapup(90).wrapup(150, "ticket_created", "Fibre drops; T000001")
    return call.events


# Each wrong run with its scenario.
WRONG_RUNS: dict[str, tuple[str, Callable[[], list[Event]]]] = {
    "angry_complaint_remedy_offered": ("angry_complaint", angry_complaint_remedy_offered),
    "fails_verification_disclosed": ("fails_verification", fails_verification_disclosed),
    "hold_hangup_kept_too_long": ("hold_hangup", hold_hangup_kept_too_long),
    "hold_hangup_ticket_first": ("hold_hangup", hold_hangup_ticket_first),
}
