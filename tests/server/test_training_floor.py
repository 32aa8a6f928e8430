"""A trainee's live seat while its session runs: not ready for training, so no live call
rings in the middle of the exercise, and back to what it was when the session ends
(finished, stopped, abandoned), logged and journaled like any state change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, stored_log
from server_stub.server.training_floor import ACTOR
from tests.server.api_steps import ready


async def me(api: httpx.AsyncClient, agent: dict[str, str]) -> tuple[str, str | None]:
    body = (await api.get("/v1/me", headers=agent)).json()
    return body["state"], body["reason"]


async def set_state(
    api: httpx.AsyncClient, agent: dict[str, str], state: str, reason: str | None = None
) -> None:
    body = {"state": state, "reason": reason}
    answer = await api.post("/v1/agent/state", json=body, headers=agent)
    assert answer.status_code == 200, answer.text


async def start(
    api: httpx.AsyncClient, trainee: str = "1001", request_id: str = "r1"
) -> dict[str, Any]:
    body = {"request_id": request_id, "scenario": "enquiry_tariffs", "trainee": trainee}
    made = await api.post("/v1/training/sessions", json=body, headers=await login(api, "t100"))
    assert made.status_code == 201, made.text
    view: dict[str, Any] = made.json()
    return view


async def finish(api: httpx.AsyncClient, session: dict[str, Any], trainee: dict[str, str]) -> None:
    """The trainee answers, hangs up and wraps up: the session is scored."""
    url = f"/v1/training/sessions/{session['id']}/desk"
    wrapup = {"code": "info_given", "notes": "", "script_path": []}
    for action in (
        {"action": "answer"},
        {"action": "hangup"},
        {"action": "wrapup", "args": wrapup},
    ):
        answer = await api.post(url, json=action, headers=trainee)
        assert answer.status_code == 200, (action, answer.text)
    assert answer.json()["ended"] == "finished" and answer.json()["score"] is not None


async def control(api: httpx.AsyncClient, session: dict[str, Any], action: str) -> httpx.Response:
    url = f"/v1/training/sessions/{session['id']}/control"
    return await api.post(url, json={"action": action}, headers=await login(api, "t100"))


def seat_changes(runtime: CentreRuntime, agent_id: str) -> list[tuple[str, str | None]]:
    """The agent's live state changes as the stored log has them."""
    return [
        (str(data["to"]), data.get("reason"))
        for _, kind, _, agent, _, data in stored_log(runtime)
        if kind == "agent.state_changed" and agent == agent_id
    ]


def journaled_by_training(runtime: CentreRuntime) -> list[dict[str, Any]]:
    return [e.args for e in runtime.store.journal_entries() if e.actor == ACTOR]


async def test_a_pushed_agent_gets_no_live_call_until_its_session_ends(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    body = {"request_id": "push-1", "scenario": "enquiry_tariffs", "agents": ["1001"]}
    pushed = await api.post("/v1/training/push", json=body, headers=await login(api, "t100"))
    assert [p["agent_id"] for p in pushed.json()["started"]] == ["1001"]
    assert await me(api, agent) == ("not_ready", "training")
    # A live caller of 1001's queue waits: the trainee's seat takes no call.
    caller = {"queue_id": "enquiry", "customer_id": "C000001"}
    rung = await api.post("/v1/trainer/calls", json=caller, headers=await login(api, "admin"))
    assert rung.status_code == 201
    assert await me(api, agent) == ("not_ready", "training")
    session = (await api.get("/v1/training/me", headers=agent)).json()
    await finish(api, session, agent)
    # Back to ready: the waiting caller rings at once.
    mine = (await api.get("/v1/me", headers=agent)).json()
    assert (mine["state"], mine["call_id"]) == ("reserved", rung.json()["call_id"])
    assert seat_changes(api_runtime, "1001")[-3:] == [
        ("not_ready", "training"),
        ("ready", None),
        ("reserved", None),
    ]
    assert journaled_by_training(api_runtime) == [
        {"agent_id": "1001", "state": "not_ready", "reason": "training"},
        {"agent_id": "1001", "state": "ready", "reason": None},
    ]


async def test_a_practice_the_trainer_stops_puts_the_agent_back_on_its_break(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    await set_state(api, agent, "not_ready", "break")
    body = {"request_id": "p1", "scenario": "enquiry_tariffs"}
    session = (await api.post("/v1/training/practice", json=body, headers=agent)).json()
    assert await me(api, agent) == ("not_ready", "training")
    stopped = await control(api, session, "stop")
    assert stopped.status_code == 200, stopped.text
    assert (stopped.json()["ended"], stopped.json()["score"]) == ("stopped", None)
    assert await me(api, agent) == ("not_ready", "break")
    # Over: the desk can no longer act on it, it is no longer the agent's, nothing is scored.
    url = f"/v1/training/sessions/{session['id']}"
    late = await api.post(f"{url}/desk", json={"action": "answer"}, headers=agent)
    assert late.status_code == 409 and late.json()["error"]["code"] == "session_over"
    assert (await api.get("/v1/training/me", headers=agent)).status_code == 404
    assert (await api.get("/v1/training/results", headers=agent)).json() == []
    again = await control(api, session, "stop")
    assert again.status_code == 409 and again.json()["error"]["code"] == "session_over"


async def test_a_state_the_agent_chose_during_the_session_stands_after_it(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    session = await start(api)
    assert await me(api, agent) == ("not_ready", "training")
    await set_state(api, agent, "not_ready", "meeting")
    await finish(api, session, agent)
    assert await me(api, agent) == ("not_ready", "meeting")


async def test_a_trainee_who_logs_out_abandons_the_session(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    session = await start(api)
    await set_state(api, agent, "logged_out", "end_of_shift")
    views = (await api.get("/v1/training/sessions", headers=await login(api, "t100"))).json()
    assert [(v["id"], v["ended"], v["paused"]) for v in views] == [
        (session["id"], "abandoned", True)
    ]
    # Nothing to give back: the agent logged out, and logs in again as it chooses.
    assert await me(api, agent) == ("logged_out", "end_of_shift")
    await ready(api, agent)
    assert await me(api, agent) == ("ready", None)
    assert len(journaled_by_training(api_runtime)) == 1  # the seat taken; never given back


async def test_a_trainees_log_out_ends_its_session_at_once_not_at_the_next_read(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    session = await start(api)
    training = api_runtime.training
    assert training.sessions[session["id"]].open  # the clock of the session runs
    await set_state(api, agent, "logged_out", "end_of_shift")
    # No read of the sessions since: the log-out itself ended it and stopped its clock.
    ended = training.sessions[session["id"]]
    assert (ended.ended, ended.paused) == ("abandoned", True)
    assert training.seats.holds == {}


async def test_a_refused_trainee_spends_no_session_number(api: httpx.AsyncClient) -> None:
    first = await start(api, "1001", "r1")
    body = {"request_id": "r2", "scenario": "enquiry_tariffs", "trainee": "9999"}  # no one
    refused = await api.post("/v1/training/sessions", json=body, headers=await login(api, "t100"))
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "not_a_trainee"
    second = await start(api, "1002", "r3")
    assert (first["id"], second["id"]) == ("S0001", "S0002")  # the trainer sees no gap


async def test_a_session_started_for_a_logged_out_trainee_takes_the_seat_at_login(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    session = await start(api)
    assert await me(api, agent) == ("logged_out", None)
    await ready(api, agent)
    # The desk asks for its session (every 2 s): the seat is set aside from then on.
    assert (await api.get("/v1/training/me", headers=agent)).json()["id"] == session["id"]
    assert await me(api, agent) == ("not_ready", "training")
    await finish(api, session, agent)
    assert await me(api, agent) == ("ready", None)


async def test_a_seat_not_ready_since_its_login_goes_back_to_not_ready(
    api: httpx.AsyncClient,
) -> None:
    """The desk logs in not ready (the engine's own reason `login`, which no one may set):
    the seat goes back to not ready, and the session ends as scored."""
    agent = await login(api, "1001")
    await set_state(api, agent, "not_ready")
    assert await me(api, agent) == ("not_ready", "login")
    session = await start(api)
    assert await me(api, agent) == ("not_ready", "training")
    await finish(api, session, agent)
    assert await me(api, agent) == ("not_ready", None)
    results = (await api.get("/v1/training/results", headers=agent)).json()
    assert [r["session_id"] for r in results] == [session["id"]]


async def test_a_trainer_cannot_start_a_session_for_an_agent_on_a_live_call(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    await ready(api, agent)
    caller = {"queue_id": "enquiry", "customer_id": "C000001"}
    await api.post("/v1/trainer/calls", json=caller, headers=await login(api, "admin"))
    body = {"request_id": "r1", "scenario": "enquiry_tariffs", "trainee": "1001"}
    refused = await api.post("/v1/training/sessions", json=body, headers=await login(api, "t100"))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "on_a_call"
    assert (await api.get("/v1/training/me", headers=agent)).status_code == 404


async def test_a_restart_replays_the_seat_exactly_and_gives_back_one_whose_session_was_lost(
    tmp_path: Path,
) -> None:
    db = tmp_path / "centre.sqlite"
    before = paused_runtime(db)
    async with asgi_client(before) as api:
        agent = await login(api, "1001")
        await ready(api, agent)
        await start(api)
        assert await me(api, agent) == ("not_ready", "training")
    await before.stop()
    log_before = [(e.seq, e.type, e.agent_id, e.data) for e in before.store.iter_events()]
    before.store.close()

    after = paused_runtime(db)
    try:
        log_after = [(e.seq, e.type, e.agent_id, e.data) for e in after.store.iter_events()]
        assert log_after[: len(log_before)] == log_before  # the replay made the same log
        # The session died with the server: the seat is ready again, and said so.
        assert (after.floor.agents["1001"].state, after.floor.agents["1001"].reason) == (
            "ready",
            None,
        )
        assert seat_changes(after, "1001")[-2:] == [("not_ready", "training"), ("ready", None)]
        async with asgi_client(after) as api:
            agent = await login(api, "1001")
            assert (await api.get("/v1/training/me", headers=agent)).status_code == 404
    finally:
        after.store.close()
