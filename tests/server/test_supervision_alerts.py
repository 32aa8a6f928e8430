"""Alerts on the real server: the "alerts" companion, its routes, its scope and its replay.

The quiet centre (humans 1001 in team A and 1002 in team B, no callers of their own) on a
paused clock: the tests make every call and every state change themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from server_stub.protocol.supervision_board import AlertsView
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import (
    asgi_client,
    demo_centre,
    login,
    paused_runtime,
    stored_log,
)
from server_stub.supervision.config import DayConfig
from server_stub.supervision.loader import load_default_supervision


def _alerts(runtime: CentreRuntime, type_: str = "alert.raised") -> list[dict[str, Any]]:
    return [data for _, kind, _, _, _, data in stored_log(runtime) if kind == type_]


async def _set(api: httpx.AsyncClient, agent: str, state: str, reason: str | None = None) -> None:
    body = {"state": state, **({"reason": reason} if reason else {})}
    response = await api.post("/v1/agent/state", json=body, headers=await login(api, agent))
    assert response.status_code == 200, response.text


async def _callers(api: httpx.AsyncClient, queue_id: str, count: int) -> list[str]:
    trainer = await login(api, "t100")
    ids = []
    for _ in range(count):
        sent = await api.post("/v1/trainer/calls", json={"queue_id": queue_id}, headers=trainer)
        assert sent.status_code in (200, 201), sent.text
        ids.append(str(sent.json()["call_id"]))
    return ids


async def test_the_projected_breach_fires_before_the_breach_when_callers_pile_up(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    """One agent, on a call, and ten callers at once: the projection (every minute) sees
    the breach coming before ten of them have waited past 20 s."""
    await _set(api, "1001", "ready")
    (first,) = await _callers(api, "enquiry", 1)
    answered = await api.post(f"/v1/calls/{first}/answer", headers=await login(api, "1001"))
    assert answered.status_code == 200, answered.text
    api_runtime.advance(50)
    await _callers(api, "enquiry", 10)
    api_runtime.advance(60)
    raised = _alerts(api_runtime)
    projected = [a for a in raised if a["kind"] == "sl_projected_breach"]
    breached = [a for a in raised if a["kind"] == "sl_breached"]
    assert projected and breached
    assert projected[0]["queue_id"] == breached[0]["queue_id"] == "enquiry"
    assert projected[0]["raised_at"] < breached[0]["raised_at"]
    assert projected[0]["raised_at"] == 60.0  # the first projection after the pile-up


def test_the_demo_floor_at_its_forecast_raises_neither_the_projected_breach_nor_the_breach() -> (
    None
):
    """The demo centre's first hour without its surge: traffic as forecast, staffed for it."""
    config = demo_centre()
    calm = load_default_supervision(config).model_copy(update={"day": DayConfig()})
    runtime = paused_runtime(config=config, supervision=calm)
    try:
        assert runtime.surges is not None and len(runtime.surges) == 0
        runtime.advance(3_600)
        kinds = {a["kind"] for a in _alerts(runtime)}
        assert "sl_projected_breach" not in kinds and "sl_breached" not in kinds
        answered = sum(1 for e in stored_log(runtime) if e[1] == "call.answered")
        assert answered > 100  # the calm was real traffic
        assert kinds  # and the evaluator was at work: agents' alerts came
    finally:
        runtime.store.close()


async def _not_ready_alerts(api: httpx.AsyncClient, api_runtime: CentreRuntime) -> dict[str, str]:
    """1001 (team A) and 1002 (team B) not ready for eleven minutes: an alert each."""
    await _set(api, "1001", "not_ready", "break")
    await _set(api, "1002", "not_ready", "break")
    api_runtime.advance(660)
    return {
        a["agent_id"]: a["alert_id"]
        for a in _alerts(api_runtime)
        if a["kind"] == "not_ready_too_long"
    }


async def test_a_team_supervisor_acknowledges_its_teams_alert_and_not_another_teams(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    ids = await _not_ready_alerts(api, api_runtime)
    supervisor = await login(api, "s100")
    own = await api.post(
        f"/v1/supervision/alerts/{ids['1001']}/acknowledge",
        json={"note": "在开会 in a meeting"},
        headers=supervisor,
    )
    assert own.status_code == 200, own.text
    other = await api.post(
        f"/v1/supervision/alerts/{ids['1002']}/acknowledge", json={}, headers=supervisor
    )
    assert other.status_code == 403 and other.json()["error"]["code"] == "out_of_scope"
    acked = _alerts(api_runtime, "alert.acknowledged")
    assert [(a["alert_id"], a["by"], a["note"]) for a in acked] == [
        (ids["1001"], "s100", "在开会 in a meeting")
    ]
    view = AlertsView.model_validate(
        (await api.get("/v1/supervision/alerts", headers=supervisor)).json()
    )
    assert {a.agent_id for a in view.active} == {"1001"}
    assert view.active[0].acknowledged_by == "s100"
    assert {h.type for h in view.history} == {"alert.raised", "alert.acknowledged"}
    floor = AlertsView.model_validate(
        (await api.get("/v1/supervision/alerts", headers=await login(api, "f100"))).json()
    )
    assert {a.agent_id for a in floor.active} == {"1001", "1002"}


async def test_acknowledging_an_alert_that_is_not_active_is_a_404_and_logs_nothing(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    response = await api.post(
        "/v1/supervision/alerts/al999/acknowledge", json={}, headers=await login(api, "f100")
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "alert_not_found"
    assert not _alerts(api_runtime, "alert.acknowledged")
    agent = await api.get("/v1/supervision/alerts", headers=await login(api, "1001"))
    assert agent.status_code == 403


async def test_alerts_and_their_acknowledgements_come_back_the_same_after_a_restart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "centre.sqlite"
    runtime = paused_runtime(db)
    async with asgi_client(runtime) as api:
        ids = await _not_ready_alerts(api, runtime)
        acked = await api.post(
            f"/v1/supervision/alerts/{ids['1002']}/acknowledge",
            json={},
            headers=await login(api, "f100"),
        )
        assert acked.status_code == 200
    before = [e for e in stored_log(runtime) if e[1].startswith("alert.")]
    runtime.store.close()
    again = paused_runtime(db)
    try:
        assert again.frame.number == 1  # replayed, not a new day
        active = again.supervision.alerts.active()
        assert {a.agent_id: a.acknowledged_by for a in active} == {"1001": None, "1002": "f100"}
        assert [e for e in stored_log(again) if e[1].startswith("alert.")] == before
    finally:
        again.store.close()
