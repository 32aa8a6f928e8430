"""Data scope (SV6) route by route, against the real app on a paused quiet centre.

1001 is team A's agent and 1002 team B's; s100 supervises A and s101 B; f100 is the floor
manager; t100 and e100 are the trainer and the evaluator.
"""

from __future__ import annotations

import httpx

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, demo_centre, login, paused_runtime
from tests.server.api_steps import finish, ready, ring, talking


def _refused(response: httpx.Response, code: str = "out_of_scope") -> bool:
    return response.status_code == 403 and response.json()["error"]["code"] == code


async def test_an_agent_cannot_walk_the_customer_ids(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    answers = [await api.get(f"/v1/customers/C{n:06d}", headers=agent) for n in range(1, 51)]
    assert all(_refused(a) for a in answers)
    assert "search for them during a call" in answers[0].json()["error"]["message"]


async def test_an_agent_reads_a_customer_on_its_call_and_after_handling_it(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    other = await login(api, "1002")
    assert _refused(await api.get("/v1/customers/C000020", headers=agent))
    call_id = await talking(api, agent, customer_id="C000020")
    on_call = await api.get("/v1/customers/C000020", headers=agent)
    assert on_call.status_code == 200 and on_call.json()["customer"]["id"] == "C000020"
    await finish(api, agent, call_id)
    assert (await api.get("/v1/customers/C000020", headers=agent)).status_code == 200  # handled
    assert _refused(await api.get("/v1/customers/C000021", headers=agent))
    assert _refused(await api.get("/v1/customers/C000020", headers=other))  # not 1002's


async def test_an_agent_reads_its_own_tickets_and_those_of_the_caller_on_the_line(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    other = await login(api, "1002")
    supervisor = await login(api, "s100")
    call_id = await talking(api, agent, customer_id="C000030")
    escalation = {
        "request_id": "confidential-0001",
        "customer_id": "C000030",
        "call_id": call_id,
        "category": "complaint",
        "subject": "机密升级 / confidential escalation",
        "priority": "urgent",
    }
    made = await api.post("/v1/tickets", json=escalation, headers=supervisor)
    assert made.status_code == 201, made.text
    ticket_id = made.json()["id"]
    # The customer on 1001's line: 1001 sees the customer's tickets, the supervisor's too.
    assert (await api.get(f"/v1/tickets/{ticket_id}", headers=agent)).status_code == 200
    assert _refused(await api.get(f"/v1/tickets/{ticket_id}", headers=other))
    listed = await api.get("/v1/tickets", params={"customer_id": "C000030"}, headers=other)
    assert listed.json() == []
    await finish(api, agent, call_id)
    # The call is over: the escalation is not 1001's to read any more.
    assert _refused(await api.get(f"/v1/tickets/{ticket_id}", headers=agent))


async def test_a_ticket_may_name_only_a_call_the_agent_is_on_or_handled(
    api: httpx.AsyncClient,
) -> None:
    first, second = await login(api, "1001"), await login(api, "1002")
    handled = await talking(api, first, customer_id="C000040")
    await finish(api, first, handled)
    await api.post("/v1/agent/state", json={"state": "not_ready"}, headers=first)
    someone_elses = await ring(api, second, customer_id="C000041")
    ticket = {
        "request_id": "forged-call-0001",
        "customer_id": "C000040",  # a customer 1001 may read…
        "call_id": someone_elses,  # …but a call it never had
        "category": "enquiry",
        "subject": "probe",
    }
    refused = await api.post("/v1/tickets", json=ticket, headers=first)
    assert _refused(refused, "not_your_call")
    own = {**ticket, "request_id": "own-call-0001", "call_id": handled}
    assert (await api.post("/v1/tickets", json=own, headers=first)).status_code == 201


async def test_a_supervisor_reads_and_acts_on_its_own_team_only(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    call_id = await ring(api, agent, customer_id="C000050")
    team_a, team_b = await login(api, "s100"), await login(api, "s101")
    assert (await api.get(f"/v1/calls/{call_id}/pop", headers=team_a)).status_code == 200
    assert _refused(await api.get(f"/v1/calls/{call_id}/pop", headers=team_b), "not_your_call")
    board = (await api.get("/v1/supervisor/agents", headers=team_b)).json()
    assert [a["agent_id"] for a in board] == ["1002"]
    assert _refused(await api.get("/v1/customers/C000050", headers=team_b))
    assert (await api.get("/v1/customers/C000050", headers=team_a)).status_code == 200
    for target in ({"agent_id": "1001"}, {"team_id": "A"}):
        sent = await api.post(
            "/v1/supervisor/messages", json={"text": "hi", **target}, headers=team_b
        )
        assert _refused(sent), target
    sent = await api.post(
        "/v1/supervisor/messages", json={"text": "做得好", "agent_id": "1001"}, headers=team_a
    )
    assert sent.status_code == 201


async def test_the_floor_manager_sees_the_whole_floor(api: httpx.AsyncClient) -> None:
    floor = await login(api, "f100")
    agent = await login(api, "1002")
    call_id = await ring(api, agent, customer_id="C000060")
    board = (await api.get("/v1/supervisor/agents", headers=floor)).json()
    assert {a["agent_id"] for a in board} == {"1001", "1002"}
    assert (await api.get(f"/v1/calls/{call_id}/pop", headers=floor)).status_code == 200
    assert (await api.get("/v1/customers/C000061", headers=floor)).status_code == 200
    sent = await api.post(
        "/v1/supervisor/messages", json={"text": "全员注意", "team_id": "B"}, headers=floor
    )
    assert sent.status_code == 201


async def test_a_team_leader_gets_its_own_calls_and_its_teams() -> None:
    runtime = paused_runtime(config=demo_centre())
    try:
        async with asgi_client(runtime) as api:
            leader = await login(api, "1100")
            board = (await api.get("/v1/supervisor/agents", headers=leader)).json()
            teams = {a["team"] for a in board}
            assert teams == {"A"} and {"1001", "1100"} <= {a["agent_id"] for a in board}
            me = await api.get("/v1/me", headers=leader)
            assert me.status_code == 200 and me.json()["agent_id"] == "1100"
            own = await api.get("/v1/queues/stats", headers=leader)
            assert len(own.json()) == 4  # as a supervisor, every queue
    finally:
        runtime.store.close()


async def test_reads_of_other_peoples_data_are_audited(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await ring(api, agent, customer_id="C000070")
    supervisor = await login(api, "s100")
    await api.get(f"/v1/calls/{call_id}/pop", headers=supervisor)
    await api.get("/v1/customers/C000070", headers=supervisor)
    await api.get("/v1/supervisor/agents", headers=supervisor)
    await api.get("/v1/supervisor/agents", headers=supervisor)  # a board polling: one row
    evaluator = await login(api, "e100")
    await api.get("/v1/tickets", params={"customer_id": "C000070"}, headers=evaluator)
    await api.get("/v1/customers/C000070", headers=agent)  # the agent's own call: no row
    rows = [(r.user_id, r.action, r.target) for r in api_runtime.store.audit_rows()]
    assert rows == [
        ("s100", "call.pop", call_id),
        ("s100", "customer.read", "C000070"),
        ("s100", "agents.read", "A"),
    ]
    assert all(r.user_id != "1001" for r in api_runtime.store.audit_rows())


async def test_an_agent_searches_customers_during_its_call_and_only_then(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    chinese, latin = api_runtime.store.customer("C000123"), api_runtime.store.customer("C000021")
    assert chinese is not None and latin is not None
    assert (chinese.locale, latin.locale) == ("zh_CN", "en_US")
    no_call = await api.get("/v1/customers", params={"q": chinese.name}, headers=agent)
    assert no_call.status_code == 422 and no_call.json()["error"]["code"] == "call_id_required"
    call_id = await talking(api, agent, customer_id=None)  # an unknown caller
    other_call = await api.get(
        "/v1/customers", params={"q": chinese.name, "call_id": "c999"}, headers=agent
    )
    assert _refused(other_call, "not_your_call")
    searches = [  # a part of a name (CJK; Latin in any case), of a number, of an account
        (chinese.name[1:], "C000123"),
        (latin.name.split()[-1].upper(), "C000021"),
        (chinese.phones[0][-8:], "C000123"),
        (chinese.account[2:], "C000123"),
    ]
    for query, expected in searches:
        params = {"q": query, "call_id": call_id}
        found = await api.get("/v1/customers", params=params, headers=agent)
        assert found.status_code == 200, (query, found.text)
        assert expected in [c["customer"]["id"] for c in found.json()], query
        assert len(found.json()) <= 10
    # Found during the call: readable during the call.
    assert (await api.get("/v1/customers/C000021", headers=agent)).status_code == 200
    logged = [r for r in api_runtime.store.audit_rows("1001") if r.action == "customer.search"]
    assert [(r.target, r.call_id) for r in logged] == [(q, call_id) for q, _ in searches]
    assert "C000123" in logged[0].detail["found"]
    # Past the burst of five searches, the agent waits.
    answers = [
        await api.get("/v1/customers", params={"q": "zhang", "call_id": call_id}, headers=agent)
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 429]
    assert answers[-1].json()["error"]["code"] == "too_many_searches"
    assert int(answers[-1].headers["Retry-After"]) >= 1
    await finish(api, agent, call_id)
    await ready(api, agent)
    assert _refused(await api.get("/v1/customers/C000021", headers=agent))  # the call is over
