"""Each demo scenario worked on the trainee's desk by keys: once the way the trainer wants,
once wrong in a known way. The waits are the trainer's steps of the paused session's
clock (the caller's time); the keys are the desk's defaults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from trainee_desk import Trainee

Run = Callable[[Trainee], Awaitable[None]]


async def enquiry_right(t: Trainee) -> None:
    await t.answer()
    await t.walk("112")  # tariffs, answered, nothing else
    await t.hang_up()
    await t.wrap_up("info_given")


async def enquiry_wrong_code(t: Trainee) -> None:
    await t.answer()
    await t.walk("112")
    await t.hang_up()
    await t.wrap_up("resolved")


async def fault_right(t: Trainee) -> None:
    await t.answer()
    await t.walk("1y3")  # a fault, verified, damaged equipment: log_fault opens the ticket
    await t.ticket("光猫损坏 Modem dead")  # the step prefilled fault / network
    await t.walk("1")  # closing_ticket
    await t.hang_up()
    await t.wrap_up("ticket_created", "Storm-damaged modem")


async def fault_no_ticket(t: Trainee) -> None:
    """Walks past the ticket form without saving a ticket."""
    await t.answer()
    await t.walk("1y3")
    await t.pilot.press("escape")  # leaves the prefilled form unsent
    await t.walk("1")
    await t.hang_up()
    await t.wrap_up("ticket_created", "Storm-damaged modem")


async def complaint_right(t: Trainee) -> None:
    await t.answer()
    await t.walk("1y")  # a complaint, verified: at assess
    await t.ticket("第三次断网 Third outage", category="complaint")
    await t.wait(5)
    await t.walk("3")  # escalate_leader, which says the hold phrase
    await t.consult("1100")  # the caller on hold, the team leader on the line
    await t.walk("1")  # transferred_leader
    await t.consult("complete")
    await t.wrap_up("transferred", "to TL")


async def complaint_not_escalated(t: Trainee) -> None:
    """Offers a remedy instead of escalating, then logs the complaint."""
    await t.answer()
    await t.walk("1y1")  # resolve_now
    await t.walk("2")  # not satisfied: log_complaint opens the ticket form
    await t.ticket("要求找领导 Wants a manager")
    await t.walk("1")  # closing_logged
    await t.hang_up()
    await t.wrap_up("complaint_logged", "wanted a manager")


async def vip_right(t: Trainee) -> None:
    await t.answer()
    await t.walk("1y1")  # account, verified, do it now: handle_now
    await t.hold()
    await t.wait(20)
    await t.hold()  # back from hold
    await t.walk("1")  # closing_resolved
    await t.hang_up()
    await t.wrap_up("resolved")


async def vip_held_too_long(t: Trainee) -> None:
    """The same call with a 45-second hold (the scenario allows 30)."""
    await t.answer()
    await t.walk("1y1")
    await t.hold()
    await t.wait(45)
    await t.hold()
    await t.walk("1")
    await t.hang_up()
    await t.wrap_up("resolved")


async def verification_right(t: Trainee) -> None:
    await t.answer()
    await t.walk("2rn")  # own bill; ask again; not verified
    await t.hang_up()
    await t.wrap_up("not_verified")


async def verification_disclosed(t: Trainee) -> None:
    """Takes the wrong answer as verified and reads out the account."""
    await t.answer()
    await t.walk("2y12")
    await t.hang_up()
    await t.wrap_up("info_given")


async def hold_hangup_right(t: Trainee) -> None:
    await t.answer()
    await t.walk("1y22")  # at line_test
    await t.hold()
    await t.wait(30)  # a 30-second line test
    await t.hold()
    await t.walk("1")  # fault found: log_fault opens the ticket form
    await t.ticket("Fibre drops, red LED")
    await t.walk("1")  # closing_ticket
    await t.hang_up()
    await t.wrap_up("ticket_created", "Fibre drops")


async def hold_hangup_ticket_first(t: Trainee) -> None:
    """Logs the ticket while the caller describes the fault, before the line test."""
    await t.answer()
    await t.walk("1y")
    await t.ticket("Fibre drops", category="fault")
    await t.wait(5)
    await t.walk("22")
    await t.hold()
    await t.wait(30)
    await t.hold()
    await t.walk("1")
    await t.pilot.press("escape")  # logged already: the prefilled form is left unsent
    await t.walk("1")
    await t.hang_up()
    await t.wrap_up("ticket_created", "Fibre drops")


RIGHT: dict[str, Run] = {
    "enquiry_tariffs": enquiry_right,
    "fault_damaged_modem": fault_right,
    "angry_complaint": complaint_right,
    "vip_quick_change": vip_right,
    "fails_verification": verification_right,
    "hold_hangup": hold_hangup_right,
}
WRONG: dict[str, Run] = {
    "enquiry_tariffs": enquiry_wrong_code,
    "fault_damaged_modem": fault_no_ticket,
    "angry_complaint": complaint_not_escalated,
    "vip_quick_change": vip_held_too_long,
    "fails_verification": verification_disclosed,
    "hold_hangup": hold_hangup_ticket_first,
}
