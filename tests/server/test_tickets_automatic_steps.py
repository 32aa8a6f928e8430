"""Automatic steps (TK8): messages to the customer in the outbox, automatic replies, and
the auto-close of a type that has no callback."""

from __future__ import annotations

import httpx

from server_stub.server.testing import login
from tests.server.ticket_steps import detail, pull, ticket_on_call, transition


async def test_the_customer_is_told_the_ticket_is_registered_with_the_promised_time(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "fault", "high")
    admin = await login(api, "admin")
    outbox = (await api.get("/v1/workflow/outbox", headers=admin)).json()
    assert [(m["ticket_id"], m["channel"], m["template"]) for m in outbox] == [
        (ticket_id, "sms", "registered")
    ]
    # fault, high: 480 business minutes from Monday 10:00 is Tuesday 09:00
    assert "11-24 09:00" in outbox[0]["text"]
    assert outbox[0]["customer_id"] == "C000001"


async def test_a_suggestion_is_thanked_and_closes_by_itself_when_resolved(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "suggestion")
    admin = await login(api, "admin")
    assert (await pull(api, admin, "product"))["id"] == ticket_id
    note = "已纳入下一版 In the next release"
    closed = await transition(api, admin, ticket_id, "resolve", resolution_note=note)
    assert (closed["workflow"]["state"], closed["status"]) == ("closed", "closed")
    assert [h["transition"] for h in closed["history"] if h["transition"]][-2:] == [
        "resolve",
        "close",
    ]
    outbox = (await api.get("/v1/workflow/outbox", headers=admin)).json()
    assert [m["template"] for m in outbox] == ["resolved", "suggestion_thanks", "registered"]
    assert note in outbox[0]["text"]
    assert outbox[1]["channel"] == "email"
    messages = [
        h for h in (await detail(api, agent, ticket_id))["history"] if h["type"] == "ticket.message"
    ]
    assert len(messages) == 3  # the agent sees what the customer was told


async def test_the_outbox_is_for_the_floor_and_each_lead_sees_its_team(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")  # team A
    await ticket_on_call(api, agent, "enquiry")
    own_lead, other_lead = await login(api, "s100"), await login(api, "s101")
    assert len((await api.get("/v1/workflow/outbox", headers=own_lead)).json()) == 1
    assert (await api.get("/v1/workflow/outbox", headers=other_lead)).json() == []
    for user in ("1001", "d101", "t100", "e100"):
        headers = await login(api, user)
        assert (await api.get("/v1/workflow/outbox", headers=headers)).status_code == 403
