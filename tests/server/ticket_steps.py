"""Steps the ticket-workflow tests share: a ticket from a call, a transition, a pull."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from tests.server.api_steps import talking

_request_ids = itertools.count(1)


async def ticket_on_call(
    api: httpx.AsyncClient,
    agent: dict[str, str],
    category: str = "complaint",
    priority: str = "normal",
    call_id: str | None = None,
) -> tuple[str, str]:
    """The agent takes a call and records a ticket on it; returns (ticket id, call id)."""
    if call_id is None:
        call_id = await talking(api, agent)
    body = {
        "request_id": f"ticket-req-{next(_request_ids):06d}",
        "customer_id": "C000001",
        "call_id": call_id,
        "category": category,
        "subject": "宽带断线三天 Broadband down for three days",
        "priority": priority,
    }
    created = await api.post("/v1/tickets", json=body, headers=agent)
    assert created.status_code == 201, created.text
    return str(created.json()["id"]), call_id


async def transition(
    api: httpx.AsyncClient,
    who: dict[str, str],
    ticket_id: str,
    name: str,
    expect: int = 200,
    **fields: str,
) -> dict[str, Any]:
    response = await api.post(
        f"/v1/tickets/{ticket_id}/transitions",
        json={"transition": name, "fields": fields},
        headers=who,
    )
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def pull(
    api: httpx.AsyncClient, who: dict[str, str], queue_id: str, expect: int = 200
) -> dict[str, Any]:
    response = await api.post(f"/v1/workflow/queues/{queue_id}/next", headers=who)
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def detail(api: httpx.AsyncClient, who: dict[str, str], ticket_id: str) -> dict[str, Any]:
    response = await api.get(f"/v1/tickets/{ticket_id}", headers=who)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
