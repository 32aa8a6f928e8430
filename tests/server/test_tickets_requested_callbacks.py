"""OB3: a callback a caller asks for is checked against the business calendar before it
is accepted; a refusal offers the next opening."""

from __future__ import annotations

import httpx

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login
from tests.server.api_steps import ring, talking

HOUR = 3600.0  # sim time 0 is Monday 10:00 in Shanghai; lunch is 12:00-13:00


def _callback(due_at: float, request_id: str) -> dict[str, object]:
    return {
        "request_id": request_id,
        "customer_id": "C000007",
        "number": "+86 138 0013 8000",
        "due_at": due_at,
        "note": "客户要求午后回电 / call back after lunch",
    }


async def test_a_callback_at_lunch_is_refused_with_the_next_opening(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    await ring(api, agent, customer_id="C000007")
    refused = await api.post(
        "/v1/callbacks", json=_callback(2 * HOUR, "cb-lunch-01"), headers=agent
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "callback_outside_hours"
    assert "2026-11-23 13:00" in error["message"]
    assert error["details"][0]["suggested_due_at"] == 3 * HOUR
    taken = await api.post("/v1/callbacks", json=_callback(4 * HOUR, "cb-after-01"), headers=agent)
    assert taken.status_code == 201, taken.text


async def test_a_callback_in_the_past_is_refused(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    await talking(api, agent, customer_id="C000007")
    api_runtime.advance(HOUR)
    late = await api.post("/v1/callbacks", json=_callback(0.5 * HOUR, "cb-past-01"), headers=agent)
    assert late.status_code == 422
    assert late.json()["error"]["code"] == "callback_in_past"
