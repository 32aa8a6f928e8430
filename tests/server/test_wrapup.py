"""Wrap-up on the server (issue 9 defect 1): notes typed so far go with an automatic wrap-up,
and a wrap-up may be extended once where the queue allows it."""

from __future__ import annotations

import httpx

from server_stub.protocol.events import EventType
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login, stored_log
from tests.server.api_steps import step, talking


async def _wrapping_up(api: httpx.AsyncClient, agent: dict[str, str]) -> tuple[str, float]:
    call_id = await talking(api, agent)
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["state"] == "wrap_up"
    return call_id, float(me["wrapup_deadline"])


async def test_notes_typed_before_the_wrap_up_time_runs_out_go_with_the_automatic_wrap_up(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id, deadline = await _wrapping_up(api, agent)
    typed = {"notes": "测试备注 test note", "script_path": [["greet", "1"]]}
    saved = await api.put(f"/v1/calls/{call_id}/wrapup/notes", json=typed, headers=agent)
    assert saved.status_code == 200, saved.text
    await step(api, deadline + 1 - api_runtime.now)
    done = [e for e in stored_log(api_runtime) if e[1] == EventType.CALL_WRAPUP_COMPLETED]
    assert [(e[2], e[5]) for e in done] == [
        (call_id, {"code": "auto", "notes": "测试备注 test note", "script_path": [["greet", "1"]]})
    ]


async def test_a_wrap_up_is_extended_once_by_the_queues_time_and_not_twice(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id, deadline = await _wrapping_up(api, agent)
    extend_s = api_runtime.config.queues[0].wrapup_extend_s
    assert extend_s > 0
    extended = await api.post(f"/v1/calls/{call_id}/wrapup/extend", headers=agent)
    assert extended.status_code == 200, extended.text
    assert extended.json()["wrapup_deadline"] == deadline + extend_s
    again = await api.post(f"/v1/calls/{call_id}/wrapup/extend", headers=agent)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_extended"
    await step(api, deadline + 1 - api_runtime.now)  # the first deadline has passed
    assert (await api.get("/v1/me", headers=agent)).json()["state"] == "wrap_up"
    await step(api, extend_s)
    assert (await api.get("/v1/me", headers=agent)).json()["state"] != "wrap_up"


async def test_notes_and_extensions_are_refused_on_another_agents_call(
    api: httpx.AsyncClient,
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id, _ = await _wrapping_up(api, agent)
    notes = await api.put(f"/v1/calls/{call_id}/wrapup/notes", json={"notes": "x"}, headers=other)
    extend = await api.post(f"/v1/calls/{call_id}/wrapup/extend", headers=other)
    assert notes.status_code == extend.status_code == 403


async def test_hold_and_retrieve_do_not_restart_the_time_in_state(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent)
    since = (await api.get("/v1/me", headers=agent)).json()["since"]
    await step(api, 30)
    assert (await api.post(f"/v1/calls/{call_id}/hold", headers=agent)).status_code == 200
    await step(api, 5)
    assert (await api.post(f"/v1/calls/{call_id}/retrieve", headers=agent)).status_code == 200
    pending = {"state": "not_ready", "reason": "break"}
    assert (await api.put("/v1/agent/pending", json=pending, headers=agent)).status_code == 200
    assert (await api.get("/v1/me", headers=agent)).json()["since"] == since
