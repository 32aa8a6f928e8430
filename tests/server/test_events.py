"""The SSE feed on a real server: resume with Last-Event-ID, filters by role."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

from server_stub.server.testing import DEMO_PASSWORD, LiveServer

ROLES_LOGINS = {"agent": "1001", "supervisor": "s100", "trainer": "t100", "evaluator": "e100"}


def _login(client: httpx.Client, user_id: str) -> dict[str, str]:
    response = client.post("/v1/auth/login", json={"user_id": user_id, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _events(
    client: httpx.Client, headers: dict[str, str], **params: Any
) -> Iterator[ServerSentEvent]:
    with connect_sse(client, "GET", "/v1/events", headers=headers, params=params) as source:
        assert source.response.status_code == 200
        yield from source.iter_sse()


def _make_things_happen(client: httpx.Client, admin: dict[str, str], agent: dict[str, str]) -> None:
    """A handful of events of several kinds: state changes, a whole call, a message, stats."""
    if client.get("/v1/me", headers=agent).json()["state"] != "ready":
        client.post("/v1/agent/state", json={"state": "ready"}, headers=agent).raise_for_status()
    injected = client.post("/v1/trainer/calls", json={"queue_id": "fault"}, headers=admin)
    injected.raise_for_status()
    call_id = injected.json()["call_id"]
    client.post(f"/v1/calls/{call_id}/answer", headers=agent).raise_for_status()
    message = {"text": "注意 / heads up", "agent_id": "1001"}
    client.post("/v1/supervisor/messages", json=message, headers=admin).raise_for_status()
    client.post("/v1/admin/clock", json={"advance_s": 20}, headers=admin).raise_for_status()
    client.post(f"/v1/calls/{call_id}/hangup", headers=agent).raise_for_status()
    wrapup = {"code": "resolved", "notes": "", "script_path": []}
    client.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent).raise_for_status()


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        yield http


def test_reconnect_with_last_event_id_gets_every_event_exactly_once_in_order(
    client: httpx.Client,
) -> None:
    admin = _login(client, "admin")
    agent = _login(client, "1001")
    _make_things_happen(client, admin, agent)
    first_part: list[int] = []
    for event in _events(client, admin, last_event_id=0):
        first_part.append(int(event.id))
        if len(first_part) == 7:
            break  # disconnect in the middle of the log
    _make_things_happen(client, admin, agent)  # happens while the client is away
    _make_things_happen(client, admin, agent)
    newest = client.get("/v1/health").json()["last_seq"]
    second_part: list[int] = []
    types: list[str] = []
    headers = {**admin, "Last-Event-ID": str(first_part[-1])}
    for event in _events(client, headers):
        second_part.append(int(event.id))
        types.append(event.event)
        assert json.loads(event.data)["seq"] == int(event.id)
        if int(event.id) >= newest:
            break
    received = first_part + second_part
    assert received == list(range(1, newest + 1))  # each once, in order, none missing
    assert "resync" not in types


def test_agent_stream_carries_its_own_calls_and_messages_only(
    client: httpx.Client, live_server: LiveServer
) -> None:
    admin = _login(client, "admin")
    agent = _login(client, "1001")
    other = _login(client, "1002")
    client.post("/v1/agent/state", json={"state": "not_ready"}, headers=other).raise_for_status()
    _make_things_happen(client, admin, agent)
    newest = client.get("/v1/health").json()["last_seq"]
    seen: list[dict[str, Any]] = []
    for event in _events(client, agent, last_event_id=0):
        seen.append(json.loads(event.data))
        if int(event.id) >= newest - 5:
            break
    # Everything the agent got is about itself, its calls, or its queues' statistics.
    assert all(e["agent_id"] in (None, "1001") for e in seen)
    assert not any(e["agent_id"] == "1002" for e in seen)
    offered = [e for e in seen if e["type"] == "call.offered"]
    assert offered and offered[0]["data"]["pop"]["call_id"] == offered[0]["call_id"]
    assert any(e["type"] == "supervisor.message" for e in seen)
    # Queue statistics arrive as periodic snapshots, for the agent's own queues.
    stats = [e for e in seen if e["type"] == "queue.stats"]
    assert len({e["sim_time"] for e in stats}) >= 2
    assert {e["queue_id"] for e in stats} <= {"enquiry", "fault", "complaint", "vip"}


@pytest.mark.parametrize("role", sorted(ROLES_LOGINS))
def test_every_role_may_open_the_stream(client: httpx.Client, role: str) -> None:
    headers = _login(client, ROLES_LOGINS[role])
    with client.stream("GET", "/v1/events", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")


def test_resume_from_an_unknown_future_id_gets_resync(client: httpx.Client) -> None:
    admin = _login(client, "admin")
    newest = client.get("/v1/health").json()["last_seq"]
    first = next(_events(client, {**admin, "Last-Event-ID": str(newest + 1000)}))
    assert first.event == "resync"
    assert int(first.id) == newest


def test_a_replay_sends_an_agent_exactly_what_its_live_stream_sent(
    client: httpx.Client, live_server: LiveServer
) -> None:
    admin = _login(client, "admin")
    agent = _login(client, "1001")
    start = client.get("/v1/me", headers=agent).json()["last_seq"]
    live: list[int] = []
    done = threading.Event()

    def listen() -> None:
        with httpx.Client(base_url=live_server.base_url, timeout=10) as own:
            for sse in _events(own, agent, last_event_id=start):
                live.append(int(sse.id))
                if done.is_set():
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(0.5)  # connected before anything happens: these events go out live
    _make_things_happen(client, admin, agent)
    time.sleep(0.3)
    done.set()
    sentinel = {"text": "the end 结束", "agent_id": "1001"}
    client.post("/v1/supervisor/messages", json=sentinel, headers=admin).raise_for_status()
    listener.join(timeout=5)
    assert live and not listener.is_alive()

    replayed: list[int] = []
    for sse in _events(client, agent, last_event_id=start):
        replayed.append(int(sse.id))
        if replayed[-1] == live[-1]:
            break
    assert replayed == live
