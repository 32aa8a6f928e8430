"""The supervisor's events on the feed of a real server: who gets which alert and board.

1001 (team A) and 1002 (team B) stay not ready past the not-ready ladder: an alert each,
and callers nobody answers make a queue alert. The stream of each login is replayed from
the start and read to its newest event.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from server_stub.protocol.supervision_board import QUEUE_BOARD
from server_stub.server.testing import (
    DEMO_PASSWORD,
    LiveServer,
    quiet_centre,
    start_live_server,
)


def _login(client: httpx.Client, user_id: str) -> dict[str, str]:
    response = client.post("/v1/auth/login", json={"user_id": user_id, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _stream(client: httpx.Client, user_id: str) -> list[dict[str, Any]]:
    headers = _login(client, user_id)
    admin = _login(client, "admin")
    # A message to 1001 after everything: each of these logins sees it, so it ends the read.
    marker = {"text": "end", "agent_id": "1001"}
    client.post("/v1/supervisor/messages", json=marker, headers=admin).raise_for_status()
    seen: list[dict[str, Any]] = []
    with connect_sse(
        client, "GET", "/v1/events", headers=headers, params={"last_event_id": 0}
    ) as source:
        for sse in source.iter_sse():
            event = json.loads(sse.data)
            seen.append(event)
            if event["type"] == "supervisor.message":
                break
    return seen


@pytest.fixture(scope="module")
def floor() -> Iterator[httpx.Client]:
    with start_live_server(quiet_centre(), speed=0.0) as live, _client(live) as client:
        for agent in ("1001", "1002"):
            body = {"state": "not_ready", "reason": "break"}
            client.post("/v1/agent/state", json=body, headers=_login(client, agent))
        trainer = _login(client, "t100")
        for _ in range(3):  # nobody to answer: the longest wait passes its step
            sent = client.post("/v1/trainer/calls", json={"queue_id": "fault"}, headers=trainer)
            sent.raise_for_status()
        clock = {"advance_s": 660}
        client.post("/v1/admin/clock", json=clock, headers=_login(client, "admin"))
        yield client


def _client(live: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live.base_url, timeout=10)


def _alert_subjects(events: list[dict[str, Any]]) -> set[str]:
    return {e["data"]["subject_id"] for e in events if e["type"] == "alert.raised"}


def test_a_team_supervisor_gets_its_teams_alerts_and_the_queues_but_not_another_teams(
    floor: httpx.Client,
) -> None:
    events = _stream(floor, "s100")
    subjects = _alert_subjects(events)
    assert "1001" in subjects and "fault" in subjects
    assert "1002" not in subjects
    assert any(e["type"] == QUEUE_BOARD for e in events)


def test_the_floor_manager_gets_every_alert(floor: httpx.Client) -> None:
    subjects = _alert_subjects(_stream(floor, "f100"))
    assert {"1001", "1002", "fault"} <= subjects


def test_an_agent_gets_no_alert_not_even_its_own_and_no_board(floor: httpx.Client) -> None:
    events = _stream(floor, "1001")
    assert any(e["type"] == "agent.state_changed" for e in events)  # its own stream, live
    assert not [e for e in events if e["type"].startswith("alert.")]
    assert not [e for e in events if e["type"] == QUEUE_BOARD]
