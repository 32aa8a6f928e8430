"""The ticket loop's events on the feed of a real server: each login streams its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server_stub.server.testing import LiveServer
from tests.server.test_feed_scope import (
    _a_call_to,
    _end_stream_marker,
    _everything_up_to_now,
    _login,
)

LOOP_PREFIXES = ("ticket.", "callback.")


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        yield http


def _ticket(client: httpx.Client, agent: dict[str, str], call_id: str, category: str) -> str:
    body = {
        "request_id": f"feed-{category}-0001",
        "customer_id": "C000021",
        "call_id": call_id,
        "category": category,
        "subject": "话费异常 Odd charges",
    }
    created = client.post("/v1/tickets", json=body, headers=agent)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _loop_events(seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in seen if e["type"].startswith(LOOP_PREFIXES)]


def test_ticket_events_reach_the_agent_its_team_leader_and_the_department_only(
    client: httpx.Client,
) -> None:
    agent = _login(client, "1001")  # team A
    call_id = _a_call_to(client, agent, "C000021")
    fault = _ticket(client, agent, call_id, "fault")
    billing = _ticket(client, agent, call_id, "billing")
    repair = _login(client, "d100")  # network repair
    taken = client.post("/v1/workflow/queues/network_repair/next", headers=repair)
    assert taken.status_code == 200, taken.text  # the newest event: the repair desk's pull

    everything = {e["seq"]: e for e in _loop_events(_everything_up_to_now(client, agent))}
    assert {e["data"]["ticket_id"] for e in everything.values()} == {fault, billing}

    department = _loop_events(_everything_up_to_now(client, repair))
    assert department and {e["data"]["ticket_id"] for e in department} == {fault}
    assert all(e["queue_id"] == "network_repair" for e in department)
    assert not [e for e in _everything_up_to_now(client, repair) if e["type"].startswith("call.")]

    lead = _loop_events(_everything_up_to_now(client, _login(client, "s100")))
    assert {e["seq"] for e in lead} == set(everything)

    _end_stream_marker(client, "1002")
    other_team = _everything_up_to_now(client, _login(client, "s101"))
    assert not _loop_events(other_team)
    other_agent = _everything_up_to_now(client, _login(client, "1002"))
    assert not _loop_events(other_agent)
