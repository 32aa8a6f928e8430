"""Who streams an agent's survey events (IN8): the agent, its team's supervisor and the
floor's masked readers; never another agent or another team's supervisor."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from server_stub.server.testing import LiveServer
from tests.server.test_feed_scope import (
    _a_call_to,
    _end_stream_marker,
    _everything_up_to_now,
    _login,
)

SURVEY = ("call.survey_offered", "call.survey_scored", "call.survey_abandoned")


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        yield http


def test_survey_events_reach_the_agent_its_team_and_masked_readers_only(
    client: httpx.Client,
) -> None:
    agent = _login(client, "1001")  # team A
    call_id = _a_call_to(client, agent, "C000021")
    client.post(f"/v1/calls/{call_id}/survey", headers=agent).raise_for_status()
    admin = _login(client, "admin")
    client.post("/v1/admin/clock", json={"advance_s": 30}, headers=admin).raise_for_status()
    _end_stream_marker(client, "1001")

    def surveys(user_id: str) -> list[str]:
        seen = _everything_up_to_now(client, _login(client, user_id))
        return [e["type"] for e in seen if e["type"] in SURVEY and e["call_id"] == call_id]

    own = surveys("1001")
    assert own[0] == "call.survey_offered" and len(own) == 2
    assert surveys("s100") == own  # team A's supervisor
    assert surveys("t100") == own and surveys("e100") == own  # masked, no personal data in it
    _end_stream_marker(client, "1002")
    assert surveys("1002") == []
    assert surveys("s101") == []  # team B's
