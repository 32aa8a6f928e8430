"""Who is on the line (issue 9 defects 9, 10), through the API on a paused quiet centre:
a consult's offer names both parties, its answer and its end are logged for both desks;
a dial rings on the desk, is cancelled by hanging up, and the agent ends up in the state
it dialled from unless it chose another."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import LiveServer, login, stored_log
from tests.server.api_steps import ready, step, talking
from tests.server.test_feed_scope import (
    _a_call_to,
    _end_stream_marker,
    _everything_up_to_now,
    _login,
)


def _of_call(runtime: CentreRuntime, call_id: str, *types: str) -> list[tuple[Any, ...]]:
    return [e for e in stored_log(runtime) if e[2] == call_id and e[1] in types]


async def _consulting(
    api: httpx.AsyncClient, body: dict[str, str]
) -> tuple[dict[str, str], dict[str, str], str]:
    first = await login(api, "1001")
    call_id = await talking(api, first)
    second = await login(api, "1002")
    await ready(api, second)
    response = await api.post(
        f"/v1/calls/{call_id}/transfer", json={"mode": "consult", **body}, headers=first
    )
    assert response.status_code == 200, response.text
    return first, second, call_id


async def test_a_consult_offer_names_both_agents_and_the_expert_group_it_went_through(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    _, _, call_id = await _consulting(api, {"queue_id": "complaint"})
    [offer] = [e for e in _of_call(api_runtime, call_id, "call.offered") if e[3] == "1002"]
    parties = offer[5]["consult"]
    names = {a.id: a.name for a in api_runtime.config.agents}
    queue = next(q for q in api_runtime.config.queues if q.id == "complaint")
    assert parties == {
        "from_agent": "1001",
        "from_name": names["1001"],
        "to_agent": "1002",
        "to_name": names["1002"],
        "to_team_leader": False,
        "via_queue": "complaint",
        "via_queue_name": queue.name,
        "expert_group": True,
    }
    assert offer[5]["consult_from"] == "1001"


async def _the_consulted_agent(
    api: httpx.AsyncClient, runtime: CentreRuntime, control: str, logged: str
) -> tuple[dict[str, str], tuple[Any, ...]]:
    """1001 consults 1002, which answers or rejects (`control`); 1001's headers and the one
    event of type `logged` on the call."""
    first, second, call_id = await _consulting(api, {"agent_id": "1002"})
    assert (await api.post(f"/v1/calls/{call_id}/{control}", headers=second)).status_code == 200
    [event] = _of_call(runtime, call_id, logged)
    return first, event


async def test_the_consulted_agent_answering_is_logged(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    _, answered = await _the_consulted_agent(api, api_runtime, "answer", "call.consult_answered")
    assert answered[3] == "1002"
    assert answered[5] == {"from_agent": "1001", "to_agent": "1002"}


def test_both_agents_feeds_carry_the_consult_and_another_agent_s_does_not(
    live_server: LiveServer,
) -> None:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        first, second = _login(client, "1001"), _login(client, "1002")
        call_id = _a_call_to(client, first, "C000001")
        client.post("/v1/agent/state", json={"state": "ready"}, headers=second).raise_for_status()
        consult = {"mode": "consult", "agent_id": "1002"}
        client.post(f"/v1/calls/{call_id}/transfer", json=consult, headers=first).raise_for_status()
        client.post(f"/v1/calls/{call_id}/answer", headers=second).raise_for_status()
        cancel = {"action": "cancel"}
        client.post(f"/v1/calls/{call_id}/consult", json=cancel, headers=first).raise_for_status()
        for who, headers in (("1001", first), ("1002", second)):
            _end_stream_marker(client, who)
            types = [e["type"] for e in _everything_up_to_now(client, headers)]
            assert "call.consult_answered" in types and "call.consult_ended" in types, who
        # the supervisor of team C (neither agent's) sees none of it
        other = _login(client, "s102")
        to_team_c = {"text": "end", "team_id": "C"}  # where s102's stream stops
        admin = _login(client, "admin")
        client.post("/v1/supervisor/messages", json=to_team_c, headers=admin).raise_for_status()
        seen = _everything_up_to_now(client, other)
        assert not [e for e in seen if e.get("call_id") == call_id]


async def test_a_declined_consult_is_logged_as_ended_and_the_caller_stays_held(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    first, ended = await _the_consulted_agent(api, api_runtime, "reject", "call.consult_ended")
    assert (ended[3], ended[5]["reason"], ended[5]["from_agent"]) == ("1002", "declined", "1001")
    me = (await api.get("/v1/me", headers=first)).json()
    assert (me["state"], me["leg"]) == ("busy", "held")


async def test_a_cancelled_consult_and_one_the_second_agent_leaves_say_why_they_ended(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    first, second, call_id = await _consulting(api, {"agent_id": "1002"})
    cancel = {"action": "cancel"}
    assert (
        await api.post(f"/v1/calls/{call_id}/consult", json=cancel, headers=first)
    ).status_code == 200
    await ready(api, second)  # (already ready again: the cancel freed it)
    again = await api.post(
        f"/v1/calls/{call_id}/transfer", json={"mode": "consult", "agent_id": "1002"}, headers=first
    )
    assert again.status_code == 200, again.text
    assert (await api.post(f"/v1/calls/{call_id}/answer", headers=second)).status_code == 200
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=second)).status_code == 200
    reasons = [e[5]["reason"] for e in _of_call(api_runtime, call_id, "call.consult_ended")]
    assert reasons == ["cancelled", "hung_up"]


async def test_a_consult_that_rings_out_is_logged_as_not_answered(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    _, _, call_id = await _consulting(api, {"agent_id": "1002"})
    await step(api, 120)
    [ended] = _of_call(api_runtime, call_id, "call.consult_ended")
    assert ended[5]["reason"] == "no_answer"


async def test_hanging_up_a_dial_before_it_is_answered_cancels_it(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    dialled = await api.post("/v1/calls/dial", json={"number": "13800138000"}, headers=agent)
    call_id = dialled.json()["call_id"]
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    [ended] = _of_call(api_runtime, call_id, "call.ended")
    assert (ended[5]["by"], ended[5]["reason"]) == ("agent", "cancelled")
    assert not _of_call(api_runtime, call_id, "call.answered")
    await step(api, 60)  # the far end never picks up a cancelled call
    assert not _of_call(api_runtime, call_id, "call.answered")


async def _dial_from_a_meeting(api: httpx.AsyncClient, agent: dict[str, str]) -> str:
    meeting = {"state": "not_ready", "reason": "meeting"}
    assert (await api.post("/v1/agent/state", json=meeting, headers=agent)).status_code == 200
    dialled = await api.post("/v1/calls/dial", json={"number": "13800138000"}, headers=agent)
    assert dialled.status_code == 200, dialled.text
    return str(dialled.json()["call_id"])


async def _wrap_up(api: httpx.AsyncClient, agent: dict[str, str], call_id: str) -> dict[str, Any]:
    wrapup = {"code": "resolved", "notes": "", "script_path": []}
    done = await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
    assert done.status_code == 200, done.text
    me: dict[str, Any] = (await api.get("/v1/me", headers=agent)).json()
    return me


@pytest.mark.parametrize("answered", [True, False], ids=["answered", "not_answered"])
async def test_an_agent_who_dials_from_a_meeting_is_back_in_the_meeting_after_the_call(
    api: httpx.AsyncClient, answered: bool
) -> None:
    agent = await login(api, "1001")
    call_id = await _dial_from_a_meeting(api, agent)
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["pending"] == {"state": "not_ready", "reason": "meeting"}  # shown as next
    if answered:
        await step(api, 60)  # the far end picks up
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    me = await _wrap_up(api, agent, call_id)
    assert (me["state"], me["reason"]) == ("not_ready", "meeting")


async def test_a_state_chosen_during_the_dialled_call_wins_over_the_one_before_it(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    call_id = await _dial_from_a_meeting(api, agent)
    chosen = await api.put("/v1/agent/pending", json={"state": "ready"}, headers=agent)
    assert chosen.status_code == 200, chosen.text
    await step(api, 60)
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    me = await _wrap_up(api, agent, call_id)
    assert me["state"] == "ready"


async def test_a_ready_agent_who_dials_is_ready_after_the_call(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    dialled = await api.post("/v1/calls/dial", json={"number": "13800138000"}, headers=agent)
    call_id = dialled.json()["call_id"]
    assert (await api.get("/v1/me", headers=agent)).json()["pending"] is None
    await step(api, 60)
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    assert (await _wrap_up(api, agent, call_id))["state"] == "ready"
