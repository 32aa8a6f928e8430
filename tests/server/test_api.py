"""The REST API against the real ASGI app on a paused centre (quiet: only test-made calls)."""

from __future__ import annotations

import httpx

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login
from tests.server.api_steps import ready, ring, step, talking


async def test_health_answers_without_login(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["speed"] == 0.0


async def test_login_gives_a_token_with_role_and_expiry(api: httpx.AsyncClient) -> None:
    response = await api.post("/v1/auth/login", json={"user_id": "s100", "password": "demo"})
    body = response.json()
    assert response.status_code == 200
    assert body["role"] == "supervisor" and body["user"]["teams"] == ["A"]
    assert len(body["token"]) >= 32 and body["expires_at"] > 0


async def test_failed_logins_slow_their_source_and_never_lock_the_real_user_out(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    async with asgi_client(api_runtime, client_host="127.0.0.2") as attacker:
        statuses = []
        for _ in range(5):
            response = await attacker.post(
                "/v1/auth/login", json={"user_id": "e100", "password": "guess"}
            )
            statuses.append(response.status_code)
        assert statuses[:3] == [401] * 3 and statuses[-1] == 429
        slowed = await attacker.post("/v1/auth/login", json={"user_id": "e100", "password": "demo"})
        assert slowed.status_code == 429
        assert slowed.json()["error"]["code"] == "too_many_attempts"
        assert int(slowed.headers["Retry-After"]) >= 1
    # The real e100, from its own desk, logs in at once.
    real = await api.post("/v1/auth/login", json={"user_id": "e100", "password": "demo"})
    assert real.status_code == 200, real.text


async def test_logins_from_everywhere_together_have_a_ceiling(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    api_runtime.auth.set_ceiling(per_s=0.5, burst=2)
    answers = [
        await api.post("/v1/auth/login", json={"user_id": "1001", "password": "demo"})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["error"]["code"] == "login_busy"
    assert int(answers[2].headers["Retry-After"]) >= 1


async def test_logout_makes_the_token_useless(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    assert (await api.post("/v1/auth/logout", headers=agent)).status_code == 200
    response = await api.get("/v1/me", headers=agent)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_agent_logs_in_goes_ready_and_sees_its_state(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["state"] == "logged_out"
    changed = await api.post(
        "/v1/agent/state", json={"state": "not_ready", "reason": "break"}, headers=agent
    )
    assert changed.status_code == 200
    me = (await api.get("/v1/me", headers=agent)).json()
    assert (me["state"], me["reason"]) == ("not_ready", "break")
    await ready(api, agent)
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["state"] == "ready"
    assert {q["queue_id"] for q in me["queues"]} == {"enquiry", "fault", "complaint", "vip"}


async def test_injected_call_rings_answers_holds_and_wraps_up_into_the_cdr(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await ring(api, agent)
    for action in ("answer", "hold", "retrieve"):
        response = await api.post(f"/v1/calls/{call_id}/{action}", headers=agent)
        assert response.status_code == 200, (action, response.text)
    await step(api, 30)
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["state"] == "wrap_up"
    wrapup = {
        "code": "resolved",
        "notes": "客户咨询套餐 / asked about plans",
        "script_path": [["greet", "1"], ["verify", "y"]],
    }
    response = await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
    assert response.status_code == 200, response.text
    contact = api_runtime.store.contact(call_id)
    assert contact is not None
    assert contact.agent_id == "1001" and contact.customer_id == "C000001"
    assert contact.answered_at is not None and contact.talk_s is not None and contact.talk_s >= 30
    assert contact.wrapup_code == "resolved" and contact.notes == wrapup["notes"]
    assert contact.script_path == [("greet", "1"), ("verify", "y")]
    supervisor = await login(api, "s100")
    customer = (await api.get("/v1/customers/C000001", headers=supervisor)).json()
    assert customer["contacts"][0]["call_id"] == call_id


async def test_screen_pop_has_customer_history_tickets_and_ivr_wait(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    call_id = await ring(api, agent, customer_id="C000002")
    ticket = {
        "request_id": "pop-ticket-0001",
        "customer_id": "C000002",
        "category": "fault",
        "subject": "宽带断线 / broadband down",
    }
    assert (await api.post("/v1/tickets", json=ticket, headers=agent)).status_code == 201
    pop = (await api.get(f"/v1/calls/{call_id}/pop", headers=agent)).json()
    assert pop["customer"]["id"] == "C000002"
    assert pop["customer"]["name"] and pop["customer"]["account"].startswith("AC")
    assert [t["subject"] for t in pop["open_tickets"]] == [ticket["subject"]]
    assert pop["queue_id"] == "enquiry" and pop["waited_s"] is not None
    stored = await api.get(f"/v1/calls/{call_id}/pop", headers=await login(api, "s100"))
    assert stored.json() == pop


async def test_an_agent_may_not_touch_another_agents_call(api: httpx.AsyncClient) -> None:
    owner = await login(api, "1001")
    call_id = await ring(api, owner)
    other = await login(api, "1002")
    for path in (f"/v1/calls/{call_id}/answer", f"/v1/calls/{call_id}/hangup"):
        response = await api.post(path, headers=other)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_your_call"
    assert (await api.get(f"/v1/calls/{call_id}/pop", headers=other)).status_code == 403


async def test_what_the_engine_refuses_is_409_with_its_code(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent)
    again = await api.post(f"/v1/calls/{call_id}/answer", headers=agent)
    assert again.status_code == 409
    assert again.json()["error"]["code"]


async def test_blind_transfer_to_a_queue_reaches_the_other_agent(api: httpx.AsyncClient) -> None:
    first = await login(api, "1001")
    call_id = await talking(api, first)
    second = await login(api, "1002")
    await ready(api, second)
    response = await api.post(
        f"/v1/calls/{call_id}/transfer", json={"mode": "blind", "queue_id": "fault"}, headers=first
    )
    assert response.status_code == 200, response.text
    await step(api, 1)
    me = (await api.get("/v1/me", headers=second)).json()
    assert me["call_id"] == call_id and me["state"] in ("reserved", "busy")


async def test_ticket_create_is_idempotent_by_request_id(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    await ring(api, agent, customer_id="C000003")
    body = {
        "request_id": "3f1c2b9a-retry",
        "customer_id": "C000003",
        "category": "complaint",
        "subject": "账单有误 / wrong bill",
        "description": "charged twice",
        "priority": "high",
    }
    first = await api.post("/v1/tickets", json=body, headers=agent)
    retry = await api.post("/v1/tickets", json=body, headers=agent)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    listed = (await api.get("/v1/tickets", params={"customer_id": "C000003"}, headers=agent)).json()
    assert [t["id"] for t in listed] == [first.json()["id"]]
    read = await api.get(f"/v1/tickets/{first.json()['id']}", headers=agent)
    assert read.json()["subject"] == "账单有误 / wrong bill"


async def test_customer_by_calling_number_has_prior_contacts(api: httpx.AsyncClient) -> None:
    admin = await login(api, "admin")
    record = (await api.get("/v1/customers/C000001", headers=admin)).json()["customer"]
    found = await api.get("/v1/customers", params={"phone": record["phones"][0]}, headers=admin)
    assert [c["customer"]["id"] for c in found.json()] == ["C000001"]
    assert found.json()[0]["contacts"]  # the generated history before this run
    assert (await api.get("/v1/customers/C999999", headers=admin)).status_code == 404


async def test_agent_sees_only_its_queues_and_supervisor_sees_its_team(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    supervisor = await login(api, "s100")
    agents = (await api.get("/v1/supervisor/agents", headers=supervisor)).json()
    assert {a["agent_id"] for a in agents} == {"1001"}  # team A; 1002 is team B's
    floor_manager = await login(api, "f100")
    agents = (await api.get("/v1/supervisor/agents", headers=floor_manager)).json()
    assert {a["agent_id"] for a in agents} == {"1001", "1002"}
    queues = (await api.get("/v1/supervisor/queues", headers=supervisor)).json()
    assert {q["queue_id"] for q in queues} == {"enquiry", "fault", "complaint", "vip"}
    mine = (await api.get("/v1/queues/stats", headers=agent)).json()
    assert {q["queue_id"] for q in mine} <= {"enquiry", "fault", "complaint", "vip"}
    assert (await api.get("/v1/supervisor/agents", headers=agent)).status_code == 403


async def test_directory_codes_and_scripts_for_the_desk(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    directory = (await api.get("/v1/directory", headers=agent)).json()
    assert {q["id"] for q in directory["queues"]} == {"enquiry", "fault", "complaint", "vip"}
    codes = (await api.get("/v1/codes", headers=agent)).json()
    assert "resolved" in {c["code"] for c in codes["wrapup_codes"]}
    assert {"enquiry", "complaint", "suggestion"} <= {c["code"] for c in codes["ticket_categories"]}
    scripts = (await api.get("/v1/scripts", params={"queue": "fault"}, headers=agent)).json()
    assert [s["script"] for s in scripts] == ["fault_report"]
    one = await api.get("/v1/scripts/fault_report", headers=agent)
    assert one.json()["start"] in one.json()["steps"]


async def test_bad_requests_are_4xx_json_with_a_code(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    cases = [
        ("POST", "/v1/agent/state", {"state": "dancing"}, 422, "invalid_request"),
        ("POST", "/v1/agent/state", {"state": "ready", "extra": 1}, 422, "invalid_request"),
        ("POST", "/v1/calls/NOPE/answer", None, 404, "call_not_found"),
        ("GET", "/v1/nowhere", None, 404, "not_found"),
        ("GET", "/v1/me", None, 401, "not_authenticated"),
        ("POST", "/v1/tickets", {"request_id": "short"}, 422, "invalid_request"),
    ]
    for method, path, body, status, code in cases:
        headers = {} if status == 401 else agent
        response = await api.request(method, path, json=body, headers=headers)
        assert response.status_code == status, (path, response.text)
        assert response.json()["error"]["code"] == code
    garbled = await api.post(
        "/v1/agent/state",
        content=b"{not json",
        headers={**agent, "Content-Type": "application/json"},
    )
    assert garbled.status_code == 422


async def test_supervisor_message_and_ticket_go_into_the_one_log(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    supervisor = await login(api, "s100")
    response = await api.post(
        "/v1/supervisor/messages",
        json={"text": "系统故障,请统一口径 / outage: use the agreed wording", "team_id": "A"},
        headers=supervisor,
    )
    assert response.status_code == 201
    seq = response.json()["seq"]
    [event] = [e for e in api_runtime.store.events_after(seq - 1, 1)]
    assert event.type == "supervisor.message" and event.team_id == "A"
    assert event.data["sender"] == "s100"
    unknown = await api.post(
        "/v1/supervisor/messages", json={"text": "hi", "agent_id": "9999"}, headers=supervisor
    )
    assert unknown.status_code == 404


async def test_outbound_dial_rings_out_then_connects(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    dialled = await api.post("/v1/calls/dial", json={"number": "13800138000"}, headers=agent)
    assert dialled.status_code == 200, dialled.text
    call_id = dialled.json()["call_id"]
    me = (await api.get("/v1/me", headers=agent)).json()
    assert (me["state"], me["direction"], me["call_id"]) == ("reserved", "outbound", call_id)
    await step(api, 60)
    assert (await api.get("/v1/me", headers=agent)).json()["state"] == "busy"


async def test_consult_then_conference_then_the_second_agent_leaves(
    api: httpx.AsyncClient,
) -> None:
    first = await login(api, "1001")
    call_id = await talking(api, first)
    second = await login(api, "1002")
    await ready(api, second)
    consult = {"mode": "consult", "agent_id": "1002"}
    response = await api.post(f"/v1/calls/{call_id}/transfer", json=consult, headers=first)
    assert response.status_code == 200, response.text
    assert (await api.get("/v1/me", headers=second)).json()["state"] == "reserved"
    assert (await api.post(f"/v1/calls/{call_id}/answer", headers=second)).status_code == 200
    response = await api.post(
        f"/v1/calls/{call_id}/consult", json={"action": "conference"}, headers=first
    )
    assert response.status_code == 200, response.text
    for headers in (first, second):
        me = (await api.get("/v1/me", headers=headers)).json()
        assert (me["state"], me["leg"]) == ("busy", "conference")
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=second)).status_code == 200
    me = (await api.get("/v1/me", headers=first)).json()
    assert (me["state"], me["leg"]) == ("busy", "talking")


async def test_pending_state_applies_after_wrap_up_and_logout_takes_a_reason(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    call_id = await ring(api, agent)
    pending = {"state": "not_ready", "reason": "lunch"}
    assert (await api.put("/v1/agent/pending", json=pending, headers=agent)).status_code == 200
    assert (await api.get("/v1/me", headers=agent)).json()["pending"] == pending
    # Changing state outright while a call rings is refused: that is what pending is for.
    refused = await api.post("/v1/agent/state", json={"state": "not_ready"}, headers=agent)
    assert refused.status_code == 409
    await api.post(f"/v1/calls/{call_id}/answer", headers=agent)
    await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)
    wrapup = {"code": "resolved", "notes": "", "script_path": []}
    await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
    me = (await api.get("/v1/me", headers=agent)).json()
    assert (me["state"], me["reason"], me["pending"]) == ("not_ready", "lunch", None)
    logout = {"state": "logged_out", "reason": "end_of_shift"}
    assert (await api.post("/v1/agent/state", json=logout, headers=agent)).status_code == 200
    assert (await api.get("/v1/me", headers=agent)).json()["state"] == "logged_out"


async def test_request_ids_are_each_users_own_and_a_reused_one_is_409(
    api: httpx.AsyncClient,
) -> None:
    first = await login(api, "1001")
    other = await login(api, "1002")
    await ring(api, first, customer_id="C000006")
    ticket = {
        "request_id": "shared-id-0001",
        "customer_id": "C000006",
        "category": "enquiry",
        "subject": "套餐咨询",
    }
    made = await api.post("/v1/tickets", json=ticket, headers=first)
    assert made.status_code == 201
    changed = await api.post(
        "/v1/tickets", json={**ticket, "subject": "另一件事 / something else"}, headers=first
    )
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "request_id_reused"
    # Another user's same id is its own business: 1002 learns nothing of 1001's tickets.
    await ring(api, other, queue_id="fault", customer_id="C000006")
    theirs = await api.post("/v1/tickets", json=ticket, headers=other)
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["id"] != made.json()["id"] and theirs.json()["created_by"] == "1002"


async def test_callback_is_scheduled_once_per_request_id(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    await ring(api, agent, customer_id="C000007")
    body = {
        "request_id": "callback-0001",
        "customer_id": "C000007",
        "number": "+86 138 0013 8000",
        "due_at": 3600.0,
        "note": "回访满意度 / satisfaction call",
    }
    first = await api.post("/v1/callbacks", json=body, headers=agent)
    retry = await api.post("/v1/callbacks", json=body, headers=agent)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert first.json()["status"] == "scheduled" and first.json()["agent_id"] == "1001"
    moved = await api.post("/v1/callbacks", json={**body, "due_at": 7200.0}, headers=agent)
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "request_id_reused"
