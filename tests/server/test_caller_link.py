"""An unknown caller identified during the call (IN5): linked to a found customer, or to a
record made from what the caller said; the call, its pop, its CDR, tickets and callbacks
follow the link."""

from __future__ import annotations

import httpx

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login, stored_log
from tests.server.api_steps import finish, ring, talking


def _link(customer_id: str, request_id: str = "link-req-0001") -> dict[str, object]:
    return {"request_id": request_id, "customer_id": customer_id}


async def test_a_found_customer_becomes_the_callers_record_in_the_pop_and_the_log(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent, customer_id=None)
    before = (await api.get(f"/v1/calls/{call_id}/pop", headers=agent)).json()
    assert before["customer"] is None
    found = await api.get(
        "/v1/customers", params={"q": "C000030", "call_id": call_id}, headers=agent
    )
    assert [v["customer"]["id"] for v in found.json()] == ["C000030"]
    linked = await api.post(f"/v1/calls/{call_id}/customer", json=_link("C000030"), headers=agent)
    assert linked.status_code == 200, linked.text
    assert linked.json()["customer"]["id"] == "C000030"
    pop = (await api.get(f"/v1/calls/{call_id}/pop", headers=agent)).json()
    assert pop["customer"]["id"] == "C000030"
    links = [e for e in stored_log(api_runtime) if e[1] == "call.customer_linked"]
    assert [(e[2], e[3], e[5]["customer_id"], e[5]["created"]) for e in links] == [
        (call_id, "1001", "C000030", False)
    ]
    await finish(api, agent, call_id)
    contact = api_runtime.store.contact(call_id)
    assert contact is not None and contact.customer_id == "C000030"


async def test_an_agent_links_only_a_customer_it_found_on_its_own_current_call(
    api: httpx.AsyncClient,
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id = await talking(api, agent, customer_id=None)
    not_found = await api.post(
        f"/v1/calls/{call_id}/customer", json=_link("C000031"), headers=agent
    )
    assert not_found.status_code == 403 and not_found.json()["error"]["code"] == "out_of_scope"
    theirs = await api.post(f"/v1/calls/{call_id}/customer", json=_link("C000031"), headers=other)
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == "not_your_call"
    missing = await api.post(f"/v1/calls/{call_id}/customer", json=_link("C999999"), headers=agent)
    assert missing.status_code == 404
    both = {"request_id": "link-req-0002", "customer_id": "C000031", "new_customer": {"name": "x"}}
    assert (
        await api.post(f"/v1/calls/{call_id}/customer", json=both, headers=agent)
    ).status_code == 422
    supervisor = await login(api, "s100")
    refused = await api.post(
        f"/v1/calls/{call_id}/customer", json=_link("C000031"), headers=supervisor
    )
    assert refused.status_code == 403


async def test_a_new_record_is_made_once_linked_and_takes_tickets_and_callbacks(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent, customer_id=None)
    body = {
        "request_id": "new-caller-0001",
        "new_customer": {"name": "王小明 Wang Xiaoming", "address": "北京市朝阳区 1 号"},
        "need": "宽带断线 broadband down",
    }
    made = await api.post(f"/v1/calls/{call_id}/customer", json=body, headers=agent)
    again = await api.post(f"/v1/calls/{call_id}/customer", json=body, headers=agent)
    assert made.status_code == again.status_code == 200, made.text
    customer = made.json()["customer"]
    assert again.json()["customer"]["id"] == customer["id"]  # a retry makes no second record
    assert customer["name"] == "王小明 Wang Xiaoming" and customer["address"] == "北京市朝阳区 1 号"
    assert customer["tier"] == "normal"
    links = [e[5] for e in stored_log(api_runtime) if e[1] == "call.customer_linked"]
    assert links == [
        {"customer_id": customer["id"], "created": True, "need": "宽带断线 broadband down"}
    ]
    found = await api.get(
        "/v1/customers", params={"q": "王小明", "call_id": call_id}, headers=agent
    )
    assert [v["customer"]["id"] for v in found.json()] == [customer["id"]]
    ticket = {
        "request_id": "ticket-new-0001",
        "customer_id": customer["id"],
        "call_id": call_id,
        "category": "fault",
        "subject": "宽带断线 broadband down",
    }
    assert (await api.post("/v1/tickets", json=ticket, headers=agent)).status_code == 201
    callback = {
        "request_id": "callback-new-0001",
        "customer_id": customer["id"],
        "number": "+86 138 0013 8000",
        "due_at": 3600.0,  # Monday 11:00: the centre is open
        "note": "回电 call back",
    }
    scheduled = await api.post("/v1/callbacks", json=callback, headers=agent)
    assert scheduled.status_code == 201, scheduled.text


async def test_a_linked_caller_goes_with_a_transfer_to_the_next_agents_pop(
    api: httpx.AsyncClient,
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id = await talking(api, agent, customer_id=None)
    await api.get("/v1/customers", params={"q": "C000032", "call_id": call_id}, headers=agent)
    await api.post(f"/v1/calls/{call_id}/customer", json=_link("C000032"), headers=agent)
    await api.post("/v1/agent/state", json={"state": "ready"}, headers=other)
    moved = await api.post(
        f"/v1/calls/{call_id}/transfer", json={"mode": "blind", "agent_id": "1002"}, headers=agent
    )
    assert moved.status_code == 200, moved.text
    pop = await api.get(f"/v1/calls/{call_id}/pop", headers=other)
    assert pop.status_code == 200 and pop.json()["customer"]["id"] == "C000032"


async def test_a_call_no_longer_on_the_desk_cannot_be_linked(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    call_id = await ring(api, agent, customer_id=None)
    await api.post(f"/v1/calls/{call_id}/answer", headers=agent)
    await api.get("/v1/customers", params={"q": "C000033", "call_id": call_id}, headers=agent)
    await finish(api, agent, call_id)
    late = await api.post(f"/v1/calls/{call_id}/customer", json=_link("C000033"), headers=agent)
    assert late.status_code == 409 and late.json()["error"]["code"] == "not_current_call"
