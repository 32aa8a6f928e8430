"""Data scope on the event feed of a real server: what each login's stream carries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from server_stub.server.testing import DEMO_PASSWORD, LiveServer


def _login(client: httpx.Client, user_id: str) -> dict[str, str]:
    response = client.post("/v1/auth/login", json={"user_id": user_id, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _everything_up_to_now(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The login's stream replayed from the start to the newest event (a message to the
    stream's owner ends it, so that the stream has something to stop at)."""
    newest = client.get("/v1/health").json()["last_seq"]
    seen: list[dict[str, Any]] = []
    with connect_sse(
        client, "GET", "/v1/events", headers=headers, params={"last_event_id": 0}
    ) as source:
        for sse in source.iter_sse():
            seen.append(json.loads(sse.data))
            if int(sse.id) >= newest:
                break
    return seen


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        yield http


def _a_call_to(client: httpx.Client, agent: dict[str, str], customer_id: str) -> str:
    client.post("/v1/agent/state", json={"state": "ready"}, headers=agent).raise_for_status()
    trainer = _login(client, "t100")
    injected = client.post(
        "/v1/trainer/calls",
        json={"queue_id": "enquiry", "customer_id": customer_id},
        headers=trainer,
    )
    injected.raise_for_status()
    call_id = str(injected.json()["call_id"])
    client.post(f"/v1/calls/{call_id}/answer", headers=agent).raise_for_status()
    return call_id


def _end_stream_marker(client: httpx.Client, to: str) -> None:
    admin = _login(client, "admin")
    message = {"text": "end", "agent_id": to}
    client.post("/v1/supervisor/messages", json=message, headers=admin).raise_for_status()


def test_a_ticket_naming_another_agents_call_does_not_open_that_call_to_the_feed(
    client: httpx.Client,
) -> None:
    first, second = _login(client, "1001"), _login(client, "1002")
    client.post("/v1/agent/state", json={"state": "not_ready"}, headers=first).raise_for_status()
    theirs = _a_call_to(client, second, "C000011")
    forged = {
        "request_id": "forged-feed-0001",
        "customer_id": "C000011",
        "call_id": theirs,
        "category": "enquiry",
        "subject": "probe",
    }
    assert client.post("/v1/tickets", json=forged, headers=first).status_code == 403
    client.post(f"/v1/calls/{theirs}/hangup", headers=second).raise_for_status()
    _end_stream_marker(client, "1001")
    seen = _everything_up_to_now(client, first)
    assert not [e for e in seen if e["call_id"] == theirs]
    assert all(e["agent_id"] in (None, "1001") for e in seen)


def test_a_supervisor_streams_its_team_only(client: httpx.Client) -> None:
    agent = _login(client, "1001")  # team A
    call_id = _a_call_to(client, agent, "C000012")
    _end_stream_marker(client, "1002")  # team B: the last event s101 may see
    team_b = _everything_up_to_now(client, _login(client, "s101"))
    assert not [e for e in team_b if e["call_id"] == call_id or e["agent_id"] == "1001"]
    _end_stream_marker(client, "1001")
    team_a = _everything_up_to_now(client, _login(client, "s100"))
    offered = [e for e in team_a if e["type"] == "call.offered" and e["call_id"] == call_id]
    assert offered and offered[0]["data"]["pop"]["customer"]["id"] == "C000012"


@pytest.mark.parametrize("user_id", ["t100", "e100"])
def test_trainers_and_evaluators_see_calls_without_customer_data(
    client: httpx.Client, user_id: str
) -> None:
    agent = _login(client, "1001")
    call_id = _a_call_to(client, agent, "C000013")
    headers = _login(client, user_id)
    assert client.get("/v1/customers/C000013", headers=headers).status_code == 403  # REST
    _end_stream_marker(client, "1001")
    seen = [e for e in _everything_up_to_now(client, headers) if e["call_id"] == call_id]
    types = [e["type"] for e in seen]
    assert "call.arrived" in types and "call.offered" in types and "call.answered" in types
    text = json.dumps(seen, ensure_ascii=False)
    customer = client.get("/v1/customers/C000013", headers=_login(client, "admin")).json()
    for personal in (
        customer["customer"]["name"],
        customer["customer"]["address"],
        *customer["customer"]["phones"],
    ):
        assert personal not in text
    offered = next(e for e in seen if e["type"] == "call.offered")
    assert "pop" not in offered["data"] and offered["data"]["ani"].startswith("*")


def test_a_callers_link_to_a_record_reaches_the_agent_and_its_team_only(
    client: httpx.Client,
) -> None:
    agent = _login(client, "1001")  # team A
    trainer = _login(client, "t100")
    client.post("/v1/agent/state", json={"state": "ready"}, headers=agent).raise_for_status()
    injected = client.post("/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=trainer)
    call_id = str(injected.json()["call_id"])
    client.post(f"/v1/calls/{call_id}/answer", headers=agent).raise_for_status()
    new = {"request_id": "feed-link-0001", "new_customer": {"name": "李雷 Li Lei"}}
    client.post(f"/v1/calls/{call_id}/customer", json=new, headers=agent).raise_for_status()
    _end_stream_marker(client, "1002")
    for other in ("1002", "s101"):
        seen = _everything_up_to_now(client, _login(client, other))
        assert not [e for e in seen if e["type"] == "call.customer_linked"], other
    _end_stream_marker(client, "1001")
    for own in (agent, _login(client, "s100")):
        seen = _everything_up_to_now(client, own)
        linked = [e for e in seen if e["type"] == "call.customer_linked"]
        assert [(e["call_id"], e["data"]["created"]) for e in linked] == [(call_id, True)]
