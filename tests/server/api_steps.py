"""Steps the API tests share: make an agent ready, ring it, answer, finish a call, step time."""

from __future__ import annotations

import httpx

from server_stub.server.testing import login


async def ready(api: httpx.AsyncClient, agent: dict[str, str]) -> None:
    response = await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
    assert response.status_code == 200, response.text


async def ring(
    api: httpx.AsyncClient,
    agent: dict[str, str],
    queue_id: str = "enquiry",
    customer_id: str | None = "C000001",
) -> str:
    """Make the agent ready and a caller arrive; returns the id of the call ringing there."""
    await ready(api, agent)
    trainer = await login(api, "t100")
    injected = await api.post(
        "/v1/trainer/calls",
        json={"queue_id": queue_id, "customer_id": customer_id},
        headers=trainer,
    )
    assert injected.status_code == 201, injected.text
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["state"] == "reserved", me
    assert me["call_id"] == injected.json()["call_id"]
    return str(me["call_id"])


async def talking(
    api: httpx.AsyncClient, agent: dict[str, str], customer_id: str | None = "C000001"
) -> str:
    """Ring the agent and answer; returns the id of the call it is now talking on."""
    call_id = await ring(api, agent, customer_id=customer_id)
    answered = await api.post(f"/v1/calls/{call_id}/answer", headers=agent)
    assert answered.status_code == 200, answered.text
    return call_id


async def finish(api: httpx.AsyncClient, agent: dict[str, str], call_id: str) -> None:
    """Hang up and wrap up: the agent is ready again, the call is history."""
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    wrapup = {"code": "resolved", "notes": "", "script_path": []}
    done = await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
    assert done.status_code == 200, done.text


async def step(api: httpx.AsyncClient, seconds: float) -> None:
    admin = await login(api, "admin")
    response = await api.post("/v1/admin/clock", json={"advance_s": seconds}, headers=admin)
    assert response.status_code == 200, response.text
