"""A supervisor's actions on the real server: each is an event in the log, each is refused
outside the supervisor's teams, and the agent's feed carries what its desk shows of them
(never the silent monitoring).

The quiet centre: humans 1001 (team A) and 1002 (team B); s100 supervises team A; f100 is
the floor manager.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from httpx_sse import connect_sse

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import DEMO_PASSWORD, LiveServer, login, stored_log


def _events(runtime: CentreRuntime, kind: str) -> list[tuple[str | None, dict[str, Any]]]:
    return [(e[3], e[5]) for e in stored_log(runtime) if e[1] == kind]


async def _on_a_call(api: httpx.AsyncClient, agent: str) -> str:
    headers = await login(api, agent)
    await api.post("/v1/agent/state", json={"state": "ready"}, headers=headers)
    sent = await api.post(
        "/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=await login(api, "t100")
    )
    call_id = str(sent.json()["call_id"])
    answered = await api.post(f"/v1/calls/{call_id}/answer", headers=headers)
    assert answered.status_code == 200, answered.text
    return call_id


async def test_a_pinned_broadcast_reaches_its_team_until_withdrawn(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    s100 = await login(api, "s100")
    sent = await api.post(
        "/v1/supervision/broadcasts",
        json={"text": "短信金额有误，请统一口径", "team_id": "A"},
        headers=s100,
    )
    assert sent.status_code == 201, sent.text
    broadcast_id = sent.json()["broadcast_id"]
    mine = await api.get("/v1/supervision/broadcasts", headers=await login(api, "1001"))
    theirs = await api.get("/v1/supervision/broadcasts", headers=await login(api, "1002"))
    assert [b["broadcast_id"] for b in mine.json()["active"]] == [broadcast_id]
    assert theirs.json()["active"] == []
    pinned = [d for _, d in _events(api_runtime, "supervisor.message") if d.get("pinned")]
    assert pinned[0]["broadcast_id"] == broadcast_id and pinned[0]["team_id"] == "A"
    withdrawn = await api.delete(f"/v1/supervision/broadcasts/{broadcast_id}", headers=s100)
    assert withdrawn.status_code == 200
    again = await api.get("/v1/supervision/broadcasts", headers=await login(api, "1001"))
    assert again.json()["active"] == []
    assert _events(api_runtime, "supervisor.message_withdrawn")[0][1]["by"] == "s100"


async def test_a_team_supervisor_broadcasts_neither_to_another_team_nor_to_the_floor(
    api: httpx.AsyncClient,
) -> None:
    s100 = await login(api, "s100")
    other = await api.post(
        "/v1/supervision/broadcasts", json={"text": "x", "team_id": "B"}, headers=s100
    )
    floor = await api.post("/v1/supervision/broadcasts", json={"text": "x"}, headers=s100)
    assert other.status_code == floor.status_code == 403
    by_floor_manager = await api.post(
        "/v1/supervision/broadcasts", json={"text": "全体注意"}, headers=await login(api, "f100")
    )
    assert by_floor_manager.status_code == 201
    for agent in ("1001", "1002"):
        seen = await api.get("/v1/supervision/broadcasts", headers=await login(api, agent))
        assert [b["text"] for b in seen.json()["active"]] == ["全体注意"]


async def test_a_forced_state_is_at_once_off_calls_and_after_the_call_on_one(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    s100 = await login(api, "s100")
    await api.post("/v1/agent/state", json={"state": "ready"}, headers=await login(api, "1001"))
    now = await api.post(
        "/v1/supervision/agents/1001/state",
        json={"state": "not_ready", "reason": "meeting"},
        headers=s100,
    )
    assert now.status_code == 200 and now.json()["after_call"] is False
    assert api_runtime.floor.agents["1001"].state == "not_ready"
    call_id = await _on_a_call(api, "1001")
    later = await api.post(
        "/v1/supervision/agents/1001/state", json={"state": "logged_out"}, headers=s100
    )
    assert later.json()["after_call"] is True
    assert api_runtime.floor.agents["1001"].state == "busy"  # the call goes on
    agent = await login(api, "1001")
    await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)
    await api.post(f"/v1/calls/{call_id}/wrapup", json={"code": "resolved"}, headers=agent)
    assert api_runtime.floor.agents["1001"].state == "logged_out"
    forced = [
        (a, d["state"], d["after_call"]) for a, d in _events(api_runtime, "supervisor.forced_state")
    ]
    assert forced == [("1001", "not_ready", False), ("1001", "logged_out", True)]
    refused = await api.post(
        "/v1/supervision/agents/1002/state", json={"state": "ready"}, headers=s100
    )
    assert refused.status_code == 403


async def test_a_supervisor_ends_a_wrap_up_in_progress_and_the_log_says_who(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    s100 = await login(api, "s100")
    idle = await api.post("/v1/supervision/agents/1001/end-wrapup", json={}, headers=s100)
    assert idle.status_code == 409 and idle.json()["error"]["code"] == "not_in_wrap_up"
    call_id = await _on_a_call(api, "1001")
    await api.post(f"/v1/calls/{call_id}/hangup", headers=await login(api, "1001"))
    api_runtime.advance(20)  # the agent writes and writes
    ended = await api.post("/v1/supervision/agents/1001/end-wrapup", json={}, headers=s100)
    assert ended.status_code == 200, ended.text
    assert api_runtime.floor.agents["1001"].state == "ready"
    (code,) = [d["code"] for _, d in _events(api_runtime, "call.wrapup_completed")]
    assert code == api_runtime.config.wrapup_codes[0].code
    assert _events(api_runtime, "supervisor.wrapup_ended") == [
        ("1001", {"call_id": call_id, "code": code, "by": "s100"})
    ]


async def test_whisper_and_monitoring_are_logged_and_bounded_by_the_team(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    s100 = await login(api, "s100")
    idle = await api.post("/v1/supervision/agents/1001/whisper", json={"text": "x"}, headers=s100)
    assert idle.status_code == 409 and idle.json()["error"]["code"] == "not_on_a_call"
    await _on_a_call(api, "1002")  # team B: not s100's to listen to
    none = await api.post("/v1/supervision/monitors", json={}, headers=s100)
    assert none.status_code == 409 and none.json()["error"]["code"] == "no_call"
    call_id = await _on_a_call(api, "1001")
    watched = await api.post("/v1/supervision/monitors", json={}, headers=s100)
    assert watched.status_code == 201, watched.text
    session = watched.json()
    assert (session["agent_id"], session["call_id"], session["chosen_by"]) == (
        "1001",
        call_id,
        "random",
    )
    said = await api.post(
        "/v1/supervision/agents/1001/whisper",
        json={"text": "先核实身份 verify first"},
        headers=s100,
    )
    assert said.status_code == 200
    barged = await api.post(f"/v1/supervision/monitors/{session['monitor_id']}/barge", headers=s100)
    assert barged.status_code == 200
    stopped = await api.delete(f"/v1/supervision/monitors/{session['monitor_id']}", headers=s100)
    assert stopped.status_code == 200
    kinds = [
        e[1]
        for e in stored_log(api_runtime)
        if e[1].startswith("supervisor.") and e[1] != "supervisor.message"
    ]
    assert kinds == [
        "supervisor.monitor_started",
        "supervisor.whisper",
        "supervisor.barged",
        "supervisor.monitor_ended",
    ]
    audited = api_runtime.store.audit_rows("s100")
    assert [(r.action, r.target) for r in audited if r.action == "call.monitor"] == [
        ("call.monitor", call_id)
    ]


def test_the_agents_feed_carries_its_notices_and_never_the_silent_monitoring(
    live_server: LiveServer,
) -> None:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:

        def as_(user: str) -> dict[str, str]:
            body = {"user_id": user, "password": DEMO_PASSWORD}
            token = client.post("/v1/auth/login", json=body).json()["token"]
            return {"Authorization": f"Bearer {token}"}

        agent, s100, trainer = as_("1001"), as_("s100"), as_("t100")
        client.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
        call_id = client.post(
            "/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=trainer
        ).json()["call_id"]
        client.post(f"/v1/calls/{call_id}/answer", headers=agent).raise_for_status()
        client.post("/v1/supervision/monitors", json={"agent_id": "1001"}, headers=s100)
        client.post("/v1/supervision/agents/1001/whisper", json={"text": "慢一点"}, headers=s100)
        client.post(
            "/v1/supervision/broadcasts", json={"text": "口径", "team_id": "A"}, headers=s100
        )
        client.post(
            "/v1/supervision/agents/1001/state",
            json={"state": "not_ready", "reason": "meeting"},
            headers=s100,
        )
        end = {"text": "end", "agent_id": "1001"}
        client.post("/v1/supervisor/messages", json=end, headers=s100).raise_for_status()
        seen: list[dict[str, Any]] = []
        with connect_sse(
            client, "GET", "/v1/events", headers=agent, params={"last_event_id": 0}
        ) as source:
            for sse in source.iter_sse():
                event = json.loads(sse.data)
                seen.append(event)
                if event["type"] == "supervisor.message" and event["data"]["text"] == "end":
                    break
    kinds = {e["type"] for e in seen}
    assert {"supervisor.whisper", "supervisor.forced_state"} <= kinds
    assert any(e["data"].get("pinned") for e in seen if e["type"] == "supervisor.message")
    assert "supervisor.monitor_started" not in kinds
