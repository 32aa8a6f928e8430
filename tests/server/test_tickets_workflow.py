"""The ticket lifecycle on the server (TK1–TK4, TK7): into the workflow on creation,
transitions by role with their required fields, work queues with pull-next, the
history from the log, and who may see what, route by route."""

from __future__ import annotations

import httpx
import pytest

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login
from tests.server.ticket_steps import detail, pull, ticket_on_call, transition

HOUR = 3600.0


async def test_a_ticket_recorded_on_a_call_goes_to_its_types_department_with_business_deadlines(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "fault", "high")
    ticket = await detail(api, agent, ticket_id)
    workflow = ticket["workflow"]
    assert ticket["status"] == "dispatched"
    assert (workflow["state"], workflow["queue"]) == ("dispatched", "network_repair")
    created = ticket["created_at"]  # sim time 0: Monday 2026-11-23 10:00 in Shanghai
    assert created == 0.0
    clocks = workflow["clocks"]
    # fault, high: first response in 30 business minutes, resolution in 480: Monday
    # 10:00-12:00 is 120 of them, lunch does not count, 13:00-18:00 is 300, and the last
    # 60 are Tuesday 08:00-09:00: 23 hours after the ticket
    assert clocks["first_response"]["due_at"] == pytest.approx(0.5 * HOUR)
    assert clocks["resolution"]["due_at"] == pytest.approx(23 * HOUR)
    assert clocks["resolution"]["remaining_s"] == pytest.approx(480 * 60)


async def test_a_complaint_goes_to_the_team_leader_of_the_agents_team_first(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")  # team A
    ticket_id, _ = await ticket_on_call(api, agent, "complaint")
    workflow = (await detail(api, agent, ticket_id))["workflow"]
    assert workflow["route"] == ["team_leader", "complaint_group"]
    assert (workflow["queue"], workflow["team_id"]) == ("team_leader", "A")
    other_lead = await login(api, "s101")  # team B's lead has nothing of it
    empty = await pull(api, other_lead, "team_leader", expect=409)
    assert empty["error"]["code"] == "queue_empty"
    lead = await login(api, "s100")
    taken = await pull(api, lead, "team_leader")
    assert (taken["id"], taken["workflow"]["holder"]) == (ticket_id, "s100")
    forwarded = await transition(api, lead, ticket_id, "forward", note="核实属实 Checked: true")
    assert (forwarded["workflow"]["state"], forwarded["workflow"]["queue"]) == (
        "dispatched",
        "complaint_group",
    )


async def test_transitions_name_the_field_the_role_or_the_state_that_is_wrong(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "enquiry")
    billing = await login(api, "d101")
    await pull(api, billing, "billing")
    missing = await transition(api, billing, ticket_id, "resolve", expect=422)
    assert missing["error"]["code"] == "missing_field"
    assert "resolution_note" in missing["error"]["message"]
    unknown_field = await transition(api, billing, ticket_id, "resolve", expect=422, colour="red")
    assert unknown_field["error"]["code"] == "unknown_field"
    not_yours = await transition(api, agent, ticket_id, "resolve", expect=403, resolution_note="x")
    assert not_yours["error"]["code"] == "role_not_allowed"
    assert "department" in not_yours["error"]["message"]
    wrong_state = await transition(api, billing, ticket_id, "resume", expect=409)
    assert wrong_state["error"]["code"] == "transition_not_allowed_in_state"
    no_such = await transition(api, billing, ticket_id, "teleport", expect=422)
    assert no_such["error"]["code"] == "unknown_transition"
    done = await transition(api, billing, ticket_id, "resolve", resolution_note="已退费 Refunded")
    assert done["workflow"]["state"] == "callback_pending"
    assert done["status"] == "resolved"


async def test_a_waiting_state_pauses_the_clocks_and_resuming_goes_on_from_there(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "enquiry")
    billing = await login(api, "d101")
    await pull(api, billing, "billing")
    await transition(api, billing, ticket_id, "wait_customer", reason="等客户发票 Invoice")
    before = (await detail(api, billing, ticket_id))["workflow"]["clocks"]["resolution"]
    api_runtime.advance(0.5 * HOUR)  # 10:00 → 10:30, open hours: the clock would run
    paused = (await detail(api, billing, ticket_id))["workflow"]["clocks"]["resolution"]
    assert paused["remaining_s"] == pytest.approx(before["remaining_s"])
    assert paused["running"] is False
    await transition(api, billing, ticket_id, "resume")
    api_runtime.advance(HOUR)  # → 11:30
    running = (await detail(api, billing, ticket_id))["workflow"]["clocks"]["resolution"]
    assert running["remaining_s"] == pytest.approx(before["remaining_s"] - HOUR)


async def test_the_work_queue_is_in_priority_then_deadline_order_and_pull_takes_its_head(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_ids: list[str] = []
    made: dict[str, str] = {}
    for priority in ("normal", "urgent", "low", "normal"):
        ticket_id, call_id = await ticket_on_call(
            api, agent, "enquiry", priority, call_id=call_ids[0] if call_ids else None
        )
        call_ids.append(call_id)
        made.setdefault(priority, ticket_id)
        api_runtime.advance(60)  # each a minute after the one before
    billing = await login(api, "d101")
    queues = (await api.get("/v1/workflow/queues", headers=billing)).json()
    assert [(q["queue"], q["size"]) for q in queues] == [("mine", 0), ("billing", 4)]
    items = queues[1]["items"]
    assert [i["priority"] for i in items] == ["urgent", "normal", "normal", "low"]
    assert items[1]["ticket_id"] == made["normal"]  # the older normal one is due first
    assert items[1]["due_at"] < items[2]["due_at"]
    assert (await pull(api, billing, "billing"))["id"] == made["urgent"]
    assert (await pull(api, billing, "billing"))["id"] == made["normal"]
    queues = (await api.get("/v1/workflow/queues", headers=billing)).json()
    mine = queues[0]
    assert [i["ticket_id"] for i in mine["items"]] == [made["urgent"], made["normal"]]
    assert {i["state"] for i in mine["items"]} == {"in_progress"}
    assert queues[1]["size"] == 2


async def test_a_tickets_history_is_every_event_of_it_in_the_log(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "enquiry")
    billing = await login(api, "d101")
    await pull(api, billing, "billing")
    await transition(api, billing, ticket_id, "resolve", resolution_note="已处理 Done")
    history = (await detail(api, agent, ticket_id))["history"]
    logged = [e for e in api_runtime.store.iter_events() if e.data.get("ticket_id") == ticket_id]
    assert [(h["seq"], h["type"]) for h in history] == [(e.seq, e.type) for e in logged]
    steps = [(h["transition"], h["actor"], h["to_state"]) for h in history if h["transition"]]
    assert steps == [
        ("dispatch", "system", "dispatched"),
        ("accept", "d101", "in_progress"),
        ("resolve", "d101", "resolved"),
        ("schedule_callback", "system", "callback_pending"),
    ]
    resolved = next(h for h in history if h["transition"] == "resolve")
    assert resolved["fields"] == {"resolution_note": "已处理 Done"}


async def test_each_login_reads_and_works_only_its_own_tickets(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    fault_id, call_id = await ticket_on_call(api, agent, "fault")
    billing_id, _ = await ticket_on_call(api, agent, "billing", call_id=call_id)
    repair = await login(api, "d100")  # network repair
    assert (await api.get(f"/v1/tickets/{fault_id}", headers=repair)).status_code == 200
    hidden = await api.get(f"/v1/tickets/{billing_id}", headers=repair)
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (403, "out_of_scope")
    refused = await pull(api, repair, "billing", expect=403)
    assert refused["error"]["code"] == "not_your_queue"
    other_agent = await login(api, "1002")
    assert (await api.get(f"/v1/tickets/{fault_id}", headers=other_agent)).status_code == 403
    stranger = await transition(api, other_agent, fault_id, "cancel", expect=403, reason="x")
    assert stranger["error"]["code"] == "out_of_scope"
    other_lead = await login(api, "s101")  # team B; the ticket is team A's
    assert (await api.get(f"/v1/tickets/{fault_id}", headers=other_lead)).status_code == 403
    assert (await api.get("/v1/workflow/queues", headers=agent)).status_code == 403
    for role_login in ("t100", "e100"):
        trainer = await login(api, role_login)
        assert (await api.get("/v1/workflow/queues", headers=trainer)).status_code == 403
