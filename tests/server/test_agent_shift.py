"""`GET /v1/agent/shift` (ST3): every figure equals one recomputed here from the stored log,
by another road (the calls' own events for talk, hold and wrap-up), and an agent reads its
own shift only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server_stub.centre.schema import Survey
from server_stub.protocol.events import EventType
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, quiet_centre, stored_log
from tests.server.api_steps import ready, ring, step, talking

LogTuple = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]


def _state_name(data: dict[str, Any]) -> tuple[str, str | None]:
    to = data["to"]
    if to == "busy":
        return ("held" if data.get("leg") == "held" else "talking", None)
    if to == "not_ready":
        return ("not_ready", data.get("reason"))
    return ("ringing" if to == "reserved" else to, None)


def recompute(log: list[LogTuple], agent_id: str, now: float) -> dict[str, Any]:
    """The agent's shift from the log: states from its state changes, the handled calls'
    parts from the calls' events (answer, holds, end, wrap-up)."""
    mine = [e for e in log if e[3] == agent_id]
    states: dict[tuple[str, str | None], float] = {}
    current: tuple[tuple[str, str | None], float] | None = None
    login_at = None
    for at, kind, _call, _agent, _queue, data in mine:
        if kind != EventType.AGENT_STATE_CHANGED:
            continue
        if login_at is None and data["from"] == "logged_out":
            login_at = at
        if current is not None:
            states[current[0]] = states.get(current[0], 0.0) + at - current[1]
        current = (_state_name(data), at) if data["to"] != "logged_out" else None
    if current is not None:
        states[current[0]] = states.get(current[0], 0.0) + now - current[1]
    handled = [e[2] for e in mine if e[1] == EventType.CALL_WRAPUP_COMPLETED]
    talk = hold = wrap = 0.0
    for call_id in handled:
        events = {(e[1], e[0]) for e in mine if e[2] == call_id}
        at = {kind: t for kind, t in sorted(events, key=lambda k: k[1])}
        held = sorted(t for kind, t in events if kind == EventType.CALL_HELD)
        back = sorted(t for kind, t in events if kind == EventType.CALL_RETRIEVED)
        call_hold = sum(b - h for h, b in zip(held, back, strict=True))
        hold += call_hold
        talk += at[EventType.CALL_ENDED] - at[EventType.CALL_ANSWERED] - call_hold
        wrap += at[EventType.CALL_WRAPUP_COMPLETED] - at[EventType.CALL_ENDED]
    scores = [e[5]["score"] for e in mine if e[1] == EventType.CALL_SURVEY_SCORED]
    working = sum(s for (state, _), s in states.items() if state in ("talking", "held", "wrap_up"))
    available = sum(s for (state, _), s in states.items() if state in ("ready", "ringing"))
    return {
        "states": states,
        "login_at": login_at,
        "logged_in_s": sum(states.values()),
        "calls_handled": len(handled),
        "talk_s": talk,
        "hold_s": hold,
        "wrapup_s": wrap,
        "occupancy": working / (working + available),
        "surveys_offered": sum(1 for e in mine if e[1] == EventType.CALL_SURVEY_OFFERED),
        "scores": scores,
    }


async def _a_worked_shift(api: httpx.AsyncClient, agent: dict[str, str]) -> None:
    """Ready, a call with a hold sent to the survey, a break, a second call sent to the
    survey, and a third call whose wrap-up is still under way."""
    wrap = {"code": "resolved", "notes": "", "script_path": []}
    await step(api, 10)
    call_id = await ring(api, agent)
    await step(api, 3)
    assert (await api.post(f"/v1/calls/{call_id}/answer", headers=agent)).is_success
    await step(api, 30)
    assert (await api.post(f"/v1/calls/{call_id}/hold", headers=agent)).is_success
    await step(api, 5)
    assert (await api.post(f"/v1/calls/{call_id}/retrieve", headers=agent)).is_success
    await step(api, 10)
    assert (await api.post(f"/v1/calls/{call_id}/survey", headers=agent)).is_success
    await step(api, 20)
    assert (await api.post(f"/v1/calls/{call_id}/wrapup", json=wrap, headers=agent)).is_success
    await step(api, 5)
    rest = {"state": "not_ready", "reason": "break"}
    assert (await api.post("/v1/agent/state", json=rest, headers=agent)).is_success
    await step(api, 60)
    call_id = await talking(api, agent)
    await step(api, 40)
    assert (await api.post(f"/v1/calls/{call_id}/survey", headers=agent)).is_success
    await step(api, 7)
    assert (await api.post(f"/v1/calls/{call_id}/wrapup", json=wrap, headers=agent)).is_success
    call_id = await talking(api, agent)
    await step(api, 25)
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).is_success
    await step(api, 4)


async def test_every_shift_figure_equals_one_recomputed_from_the_log() -> None:
    config = quiet_centre().model_copy(update={"survey": Survey(hang_up_share=0.0)})
    runtime = paused_runtime(config=config)
    try:
        async with asgi_client(runtime) as api:
            agent = await login(api, "1001")
            await ready(api, agent)
            await _a_worked_shift(api, agent)
            response = await api.get("/v1/agent/shift", headers=agent)
            assert response.status_code == 200, response.text
            shift = response.json()
        expected = recompute(stored_log(runtime), "1001", runtime.now)
    finally:
        runtime.store.close()
    assert shift["as_of"] == runtime.now
    got_states = {(s["state"], s["reason"]): s["seconds"] for s in shift["states"]}
    assert got_states == pytest.approx(expected["states"])
    assert ("not_ready", "break") in got_states and ("held", None) in got_states
    assert got_states[("wrap_up", None)] > 0  # the open wrap-up counts as time in state
    assert shift["login_at"] == expected["login_at"]
    assert shift["logged_in_s"] == pytest.approx(expected["logged_in_s"])
    assert shift["calls_handled"] == expected["calls_handled"] == 2  # the third is open
    for figure in ("talk_s", "hold_s", "wrapup_s", "occupancy"):
        assert shift[figure] == pytest.approx(expected[figure]), figure
    surveys = shift["surveys"]
    assert surveys["offered"] == expected["surveys_offered"] == 2
    assert surveys["scored"] == len(expected["scores"]) == 2
    assert surveys["score_sum"] == sum(expected["scores"])


async def test_an_agent_reads_its_own_shift_and_no_one_elses(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    await talking(api, agent)
    await step(api, 12)
    mine = (await api.get("/v1/agent/shift", headers=agent)).json()
    theirs = (await api.get("/v1/agent/shift", headers=other)).json()
    assert mine["agent_id"] == "1001" and theirs["agent_id"] == "1002"
    assert {s["state"] for s in mine["states"]} >= {"talking"}
    assert theirs["states"] == [] and theirs["login_at"] is None
    for user_id in ("s100", "t100", "e100", "admin"):
        refused = await api.get("/v1/agent/shift", headers=await login(api, user_id))
        assert refused.status_code == 403, user_id
    # No parameter reaches another agent's figures.
    asked = await api.get("/v1/agent/shift", params={"agent_id": "1001"}, headers=other)
    assert asked.json()["agent_id"] == "1002"
