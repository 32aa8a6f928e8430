"""Callbacks an agent books for a caller (issue 9: at a date and time, listed, cancellable),
through the API on a paused quiet centre: the log says when one is booked and cancelled,
a refusal names the day's opening hours, and each agent lists and cancels only its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, stored_log
from tests.server.api_steps import finish, ready, step, talking

HOUR = 3600.0  # sim time 0 is Monday 2026-11-23 10:00 in Shanghai; lunch is 12:00-13:00
DAY = 24 * HOUR


def _callback(due_at: float, request_id: str, customer_id: str = "C000001") -> dict[str, Any]:
    return {
        "request_id": request_id,
        "customer_id": customer_id,
        "number": "13800138000",
        "due_at": due_at,
        "note": "客户要求周二上午回电 / call back on Tuesday morning",
    }


async def _book(api: httpx.AsyncClient, agent: dict[str, str], due_at: float, rid: str) -> str:
    made = await api.post("/v1/callbacks", json=_callback(due_at, rid), headers=agent)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_booked_callbacks_are_listed_soonest_first_and_logged_with_the_call(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent)
    later = await _book(api, agent, DAY + 0.5 * HOUR, "cb-later-001")  # Tuesday 10:30
    sooner = await _book(api, agent, 4 * HOUR, "cb-sooner-01")  # Monday 14:00
    listed = await api.get("/v1/callbacks", headers=agent)
    assert listed.status_code == 200, listed.text
    assert [c["id"] for c in listed.json()["callbacks"]] == [sooner, later]
    scheduled = [e for e in stored_log(api_runtime) if e[1] == "callback.scheduled"]
    assert [(e[2], e[3], e[5]["callback_id"], e[5]["kind"]) for e in scheduled] == [
        (call_id, "1001", later, "requested"),
        (call_id, "1001", sooner, "requested"),
    ]
    assert scheduled[0][5]["due_at"] == DAY + 0.5 * HOUR


async def test_a_cancelled_callback_leaves_the_list_and_the_log_says_so(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await talking(api, agent)
    booked = await _book(api, agent, 4 * HOUR, "cb-cancel-01")
    cancelled = await api.post(f"/v1/callbacks/{booked}/cancel", headers=agent)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    again = await api.post(f"/v1/callbacks/{booked}/cancel", headers=agent)
    assert again.status_code == 200  # pressing twice does no harm…
    events = [e for e in stored_log(api_runtime) if e[1] == "callback.cancelled"]
    assert [(e[3], e[5]["callback_id"]) for e in events] == [("1001", booked)]  # …logged once
    listed = await api.get("/v1/callbacks", headers=agent)
    assert listed.json()["callbacks"] == []


async def test_an_agent_neither_sees_nor_cancels_another_agent_s_callbacks(
    api: httpx.AsyncClient,
) -> None:
    first = await login(api, "1001")
    await talking(api, first)
    booked = await _book(api, first, 4 * HOUR, "cb-mine-0001")
    second = await login(api, "1002")
    assert (await api.get("/v1/callbacks", headers=second)).json()["callbacks"] == []
    refused = await api.post(f"/v1/callbacks/{booked}/cancel", headers=second)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "callback_not_found"
    supervisor = await login(api, "s100")
    assert (await api.get("/v1/callbacks", headers=supervisor)).status_code == 403
    listed = await api.get("/v1/callbacks", headers=first)
    assert [c["status"] for c in listed.json()["callbacks"]] == ["scheduled"]


async def test_a_callback_when_the_centre_is_closed_is_refused_naming_that_day_s_hours(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await talking(api, agent)
    sunday_10 = 6 * DAY  # Sunday 2026-11-29 10:00
    refused = await api.post(
        "/v1/callbacks", json=_callback(sunday_10, "cb-sun-00001"), headers=agent
    )
    assert refused.status_code == 422, refused.text
    message = refused.json()["error"]["message"]
    calendar = api_runtime.workflow.calendar
    assert not calendar.hours_on(dt.date(2026, 11, 29))  # the demo centre shuts on Sundays
    assert "2026-11-29 closed 休息" in message and "the next opening is 2026-11-30 08:00" in message
    lunch = await api.post("/v1/callbacks", json=_callback(2 * HOUR, "cb-lunch-001"), headers=agent)
    monday = ", ".join(
        f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"
        for start, end in calendar.hours_on(dt.date(2026, 11, 23))
    )
    assert f"2026-11-23 open {monday}" in lunch.json()["error"]["message"]


def _placed(runtime: CentreRuntime) -> list[dict[str, Any]]:
    return [e[5] for e in stored_log(runtime) if e[1] == "callback.placed"]


async def _booked_then_free(api: httpx.AsyncClient, agent: dict[str, str], rid: str) -> str:
    """1001 books a callback an hour from now on a call, and finishes that call."""
    call_id = await talking(api, agent)
    booked = await _book(api, agent, HOUR, rid)
    await finish(api, agent, call_id)
    return booked


async def test_a_due_callback_rings_the_agent_who_booked_it_once_with_its_note(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    booked = await _booked_then_free(api, agent, "cb-due-00001")
    await step(api, HOUR - 60)
    assert _placed(api_runtime) == []  # not before its time
    await step(api, 61)
    placed = _placed(api_runtime)
    assert len(placed) == 1
    assert placed[0]["callback_id"] == booked and placed[0]["kind"] == "requested"
    assert placed[0]["via"] == "agent" and placed[0]["agent_id"] == "1001"
    assert placed[0]["note"] == _callback(0, "")["note"]
    me = (await api.get("/v1/me", headers=agent)).json()
    assert me["call_id"] == placed[0]["call_id"] and me["state"] == "reserved"  # it dials out
    arrived = next(e for e in stored_log(api_runtime) if e[2] == me["call_id"])
    assert arrived[5]["direction"] == "outbound" and arrived[5]["ani"] == "13800138000"
    assert (await api.get("/v1/callbacks", headers=agent)).json()["callbacks"] == []
    assert api_runtime.store.callback(booked).status == "placed"  # type: ignore[union-attr]
    await step(api, HOUR)
    assert len(_placed(api_runtime)) == 1  # placed once, however long the centre runs


async def test_a_due_callback_whose_agent_is_not_ready_waits_in_its_queue_for_another(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    booked = await _booked_then_free(api, agent, "cb-queue-0001")
    meeting = {"state": "not_ready", "reason": "meeting"}
    assert (await api.post("/v1/agent/state", json=meeting, headers=agent)).status_code == 200
    other = await login(api, "1002")
    await ready(api, other)
    await step(api, HOUR + 1)
    placed = _placed(api_runtime)
    assert [(p["callback_id"], p["via"], p["agent_id"]) for p in placed] == [
        (booked, "queue", None)
    ]
    offered = next(
        e
        for e in stored_log(api_runtime)
        if e[1] == "call.offered" and e[2] == placed[0]["call_id"]
    )
    assert offered[3] == "1002"
    assert offered[5]["callback"]["kind"] == "requested"
    assert offered[5]["callback"]["booked_by"] == "1001"
    assert offered[5]["callback"]["note"] == _callback(0, "")["note"]
    assert offered[5]["pop"]["customer"]["id"] == "C000001"  # the screen pop has the caller


async def test_a_cancelled_callback_is_never_placed(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    booked = await _booked_then_free(api, agent, "cb-never-0001")
    assert (await api.post(f"/v1/callbacks/{booked}/cancel", headers=agent)).status_code == 200
    await step(api, 2 * HOUR)
    assert _placed(api_runtime) == []


async def test_a_restart_after_a_callback_was_placed_does_not_place_it_again(
    tmp_path: Path,
) -> None:
    db = tmp_path / "centre.sqlite"
    before = paused_runtime(db)
    async with asgi_client(before) as api:
        agent = await login(api, "1001")
        booked = await _booked_then_free(api, agent, "cb-restart-01")
        await step(api, HOUR + 1)
    await before.stop()
    placed_before = _placed(before)
    before.store.close()
    after = paused_runtime(db)
    try:
        async with asgi_client(after) as api:
            await step(api, 60)
        assert _placed(after) == placed_before and placed_before[0]["callback_id"] == booked
        assert after.store.callback(booked).status == "placed"  # type: ignore[union-attr]
    finally:
        await after.stop()
        after.store.close()
