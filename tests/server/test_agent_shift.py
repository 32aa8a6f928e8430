"""`GET /v1/agent/shift` (ST3): every figure equals one recomputed here from the stored log,
by another road (the calls' own events for talk, hold and wrap-up), and an agent reads its
own shift only."""

from __future__ import annotations

import httpx
import pytest

from server_stub.centre.schema import Survey
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, quiet_centre, stored_log
from tests.server.api_steps import ready, ring, step, talking
from tests.server.shift_recompute import recompute


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
