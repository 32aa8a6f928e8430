"""Automatic messages to the customer (TK8): what the ticket loop puts in the outbox, when.

A ticket's steps that the customer should hear of send a message on its own: the ticket
is registered (with the promised resolution time on the centre's clock), a suggestion is
thanked, the result is in, and the customer could not be reached. Each is an event in
the log (`ticket.message`: channel, template, text), which is the outbox: the demo reads
it back (`GET /v1/workflow/outbox`) as a gateway would. Texts are Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from server_stub.protocol.tickets import CloseReason, TicketState, Transition

SMS, EMAIL = "sms", "email"


def _local(instant: float, tz: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(instant, tz).strftime("%m-%d %H:%M")


def registered(ticket_id: str, due: float | None, tz: ZoneInfo) -> tuple[str, str, str]:
    by = f",预计 {_local(due, tz)} 前处理完毕" if due is not None else ""
    by_en = f"; we aim to resolve it by {_local(due, tz)}" if due is not None else ""
    return (
        SMS,
        "registered",
        f"您的工单 {ticket_id} 已受理{by}。Your ticket {ticket_id} is registered{by_en}.",
    )


def thanked(ticket_id: str) -> tuple[str, str, str]:
    return (
        EMAIL,
        "suggestion_thanks",
        f"感谢您的宝贵建议(工单 {ticket_id}),我们会认真研究。"
        f"Thank you for your suggestion ({ticket_id}); we will look into it.",
    )


def resolved(ticket_id: str, note: str) -> tuple[str, str, str]:
    return (
        SMS,
        "resolved",
        f"您的工单 {ticket_id} 已处理:{note}。Your ticket {ticket_id} is resolved: {note}.",
    )


def unreachable(ticket_id: str) -> tuple[str, str, str]:
    return (
        SMS,
        "unreachable",
        f"我们多次回访未能联系到您,工单 {ticket_id} 已关闭,如有问题请来电。"
        f"We could not reach you; ticket {ticket_id} is closed. Call us any time.",
    )


def after_step(
    ticket_id: str,
    transition: Transition,
    state: TicketState,
    close_reason: CloseReason | None,
    note: str | None,
) -> tuple[str, str, str] | None:
    """The message a step sends, if any (registration is sent on creation)."""
    if transition in (Transition.RESOLVE, Transition.RESOLVE_ON_CONTACT) and note:
        return resolved(ticket_id, note)
    if state is TicketState.CLOSED and close_reason is CloseReason.UNREACHABLE:
        return unreachable(ticket_id)
    return None
