"""Role matrix (SV6): every route of the OpenAPI document × every role, plus anonymous.

The expected table is written here, apart from the code, and every route must be in it:
a new endpoint fails this test until someone decides who may call it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from server_stub.server.app import create_app
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login, paused_runtime

ROLES = ("agent", "supervisor", "trainer", "evaluator", "admin", "department")
LOGIN_FOR_ROLE = {
    "agent": "1001",
    "supervisor": "s100",
    "trainer": "t100",
    "evaluator": "e100",
    "admin": "admin",
    "department": "d100",
}
EVERYONE = frozenset(ROLES)
AGENT = frozenset({"agent"})
FLOOR = frozenset({"supervisor", "admin"})
BACK_OFFICE = frozenset({"department"})

PUBLIC = {("GET", "/v1/health"), ("POST", "/v1/auth/login")}
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/v1/auth/logout"): EVERYONE,
    ("GET", "/v1/me"): AGENT,
    ("POST", "/v1/agent/state"): AGENT,
    ("PUT", "/v1/agent/pending"): AGENT,
    ("DELETE", "/v1/agent/pending"): AGENT,
    ("POST", "/v1/calls/{call_id}/answer"): AGENT,
    ("POST", "/v1/calls/{call_id}/reject"): AGENT,
    ("POST", "/v1/calls/{call_id}/hold"): AGENT,
    ("POST", "/v1/calls/{call_id}/retrieve"): AGENT,
    ("POST", "/v1/calls/{call_id}/hangup"): AGENT,
    ("POST", "/v1/calls/{call_id}/transfer"): AGENT,
    ("POST", "/v1/calls/{call_id}/consult"): AGENT,
    ("POST", "/v1/calls/{call_id}/wrapup"): AGENT,
    ("POST", "/v1/calls/{call_id}/script"): AGENT,
    ("POST", "/v1/calls/{call_id}/customer"): AGENT,
    ("PUT", "/v1/calls/{call_id}/wrapup/notes"): AGENT,
    ("POST", "/v1/calls/{call_id}/wrapup/extend"): AGENT,
    ("POST", "/v1/calls/{call_id}/survey"): AGENT,  # the post-call survey (IN8)
    ("GET", "/v1/agent/shift"): AGENT,  # the agent's own shift (ST3)
    ("PUT", "/v1/agent/screen"): AGENT,
    ("GET", "/v1/calls/{call_id}/script"): AGENT,
    ("GET", "/v1/calls/{call_id}/parties"): AGENT,
    ("GET", "/v1/agent/messages"): AGENT,
    ("POST", "/v1/calls/dial"): AGENT,
    ("POST", "/v1/callbacks"): AGENT,
    ("GET", "/v1/callbacks"): AGENT,  # the agent's own (test_booked_callbacks.py)
    ("POST", "/v1/callbacks/{callback_id}/cancel"): AGENT,
    ("GET", "/v1/calls/{call_id}/pop"): AGENT | FLOOR,
    ("GET", "/v1/customers/{customer_id}"): AGENT | FLOOR,
    ("GET", "/v1/customers"): AGENT | FLOOR,
    ("POST", "/v1/tickets"): AGENT | FLOOR,
    ("GET", "/v1/tickets"): AGENT | FLOOR | {"evaluator"},
    ("GET", "/v1/agent/tickets"): AGENT,
    ("GET", "/v1/tickets/{ticket_id}"): AGENT | FLOOR | BACK_OFFICE | {"evaluator"},
    ("POST", "/v1/tickets/{ticket_id}/transitions"): AGENT | FLOOR | BACK_OFFICE,
    ("GET", "/v1/workflow/queues"): FLOOR | BACK_OFFICE,
    ("POST", "/v1/workflow/queues/{queue_id}/next"): FLOOR | BACK_OFFICE,
    ("GET", "/v1/workflow/figures"): FLOOR,
    ("GET", "/v1/workflow/outbox"): FLOOR,
    ("GET", "/v1/directory"): EVERYONE,
    ("GET", "/v1/codes"): EVERYONE,
    ("GET", "/v1/queues/stats"): EVERYONE,
    ("GET", "/v1/scripts"): EVERYONE,
    ("GET", "/v1/scripts/{script_id}"): EVERYONE,
    ("GET", "/v1/knowledge"): EVERYONE,
    ("GET", "/v1/knowledge/{article_id}"): EVERYONE,
    ("GET", "/v1/supervisor/agents"): FLOOR,
    ("GET", "/v1/supervisor/queues"): FLOOR,
    ("POST", "/v1/supervisor/messages"): FLOOR,
    ("GET", "/v1/supervision/board"): FLOOR,
    ("GET", "/v1/supervision/alerts"): FLOOR,
    ("GET", "/v1/supervision/staffing"): FLOOR,
    ("POST", "/v1/supervision/whatif"): FLOOR,
    ("GET", "/v1/supervision/whatif/{job_id}"): FLOOR,
    ("POST", "/v1/supervision/alerts/{alert_id}/acknowledge"): FLOOR,
    ("POST", "/v1/supervision/broadcasts"): FLOOR,
    ("GET", "/v1/supervision/broadcasts"): AGENT | FLOOR,
    ("DELETE", "/v1/supervision/broadcasts/{broadcast_id}"): FLOOR,
    ("POST", "/v1/supervision/agents/{agent_id}/state"): FLOOR,
    ("POST", "/v1/supervision/agents/{agent_id}/end-wrapup"): FLOOR,
    ("POST", "/v1/supervision/agents/{agent_id}/whisper"): FLOOR,
    ("POST", "/v1/supervision/monitors"): FLOOR,
    ("POST", "/v1/supervision/monitors/{monitor_id}/barge"): FLOOR,
    ("DELETE", "/v1/supervision/monitors/{monitor_id}"): FLOOR,
    ("GET", "/v1/supervision/agents/{agent_id}/screen"): FLOOR,
    ("GET", "/v1/supervision/attendance"): FLOOR,
    ("GET", "/v1/supervision/violations"): FLOOR,
    ("POST", "/v1/supervision/violations"): FLOOR,
    ("GET", "/v1/agent/violations"): AGENT,
    ("POST", "/v1/agent/violations/{violation_id}/acknowledge"): AGENT,
    ("POST", "/v1/trainer/calls"): frozenset({"trainer", "admin"}),
    ("GET", "/v1/admin/clock"): frozenset({"admin"}),
    ("POST", "/v1/admin/clock"): frozenset({"admin"}),
    ("GET", "/v1/events"): EVERYONE,
    ("GET", "/v1/quality/coaching"): frozenset({"evaluator", "supervisor", "admin"}),
    ("POST", "/v1/quality/coaching/{task_id}/close"): frozenset({"supervisor", "admin"}),
    ("GET", "/v1/training/scenarios"): AGENT | FLOOR | {"trainer"},
    ("POST", "/v1/training/practice"): AGENT,
    ("POST", "/v1/training/push"): FLOOR | {"trainer"},
    ("POST", "/v1/training/sessions"): frozenset({"trainer", "admin"}),
    ("GET", "/v1/training/sessions"): frozenset({"trainer", "admin"}),
    ("GET", "/v1/training/me"): AGENT,
    ("GET", "/v1/training/sessions/{session_id}"): AGENT | {"trainer", "admin"},
    ("GET", "/v1/training/sessions/{session_id}/quality"): AGENT | {"trainer", "admin"},
    ("POST", "/v1/training/sessions/{session_id}/control"): frozenset({"trainer", "admin"}),
    ("POST", "/v1/training/sessions/{session_id}/whisper"): frozenset({"trainer", "admin"}),
    ("POST", "/v1/training/sessions/{session_id}/desk"): AGENT,
    ("GET", "/v1/training/results"): AGENT | {"trainer", "admin"},
    ("GET", "/v1/training/calls"): frozenset({"trainer", "admin"}),
    ("GET", "/v1/training/calls/{call_id}"): frozenset({"trainer", "admin"}),
    ("GET", "/v1/training/calls/{call_id}/draft"): frozenset({"trainer", "admin"}),
    **{
        (method, f"/v1/quality/{path}"): frozenset({"evaluator", "admin"})
        for method, path in (
            ("GET", "forms"),
            ("POST", "sample"),
            ("GET", "calls/{call_id}"),
            ("POST", "evaluations"),
            ("GET", "evaluations"),
            ("GET", "evaluations/{evaluation_id}"),
            ("PUT", "evaluations/{evaluation_id}"),
            ("POST", "evaluations/{evaluation_id}/confirm"),
            ("GET", "statistics"),
            ("POST", "calibrations"),
            ("GET", "calibrations"),
            ("GET", "calibrations/{round_id}"),
            ("POST", "evaluations/{evaluation_id}/coaching"),
        )
    },
}
# The SSE stream never ends, and ASGITransport buffers whole responses: for allowed
# roles it is checked against a live server in test_events.py.
STREAMING = {("GET", "/v1/events")}


def _routes() -> list[tuple[str, str]]:
    runtime = paused_runtime()
    try:
        document: dict[str, Any] = create_app(runtime, manage_runtime=False).openapi()
    finally:
        runtime.store.close()
    return sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    )


ROUTES = _routes()


def test_every_route_is_in_the_role_table() -> None:
    assert set(ROUTES) == set(ALLOWED) | PUBLIC


@pytest.fixture(scope="module")
def runtime() -> Iterator[CentreRuntime]:
    shared = paused_runtime()
    yield shared
    shared.store.close()


@pytest.fixture(scope="module")
def tokens(runtime: CentreRuntime) -> dict[str, dict[str, str]]:
    """One login per role for the whole module: scrypt is slow on purpose."""

    async def log_everyone_in() -> dict[str, dict[str, str]]:
        async with _client(runtime) as client:
            return {role: await login(client, user) for role, user in LOGIN_FOR_ROLE.items()}

    return asyncio.run(log_everyone_in())


_apps: dict[int, FastAPI] = {}


def _client(runtime: CentreRuntime) -> httpx.AsyncClient:
    app = _apps.get(id(runtime))
    if app is None:  # one app per runtime: building the routes each time is slow
        app = _apps[id(runtime)] = create_app(runtime, manage_runtime=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://centre")


def _concrete(path: str) -> str:
    return (
        path.replace("{call_id}", "NO-SUCH-CALL")
        .replace("{customer_id}", "C000001")
        .replace("{ticket_id}", "T999999")
        .replace("{script_id}", "fault_report")
        .replace("{callback_id}", "CB999999")
    )


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in PUBLIC])
async def test_anonymous_gets_401(runtime: CentreRuntime, method: str, path: str) -> None:
    async with _client(runtime) as client:
        response = await client.request(method, _concrete(path), json={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in PUBLIC])
async def test_role_is_let_in_only_where_the_table_says(
    runtime: CentreRuntime, tokens: dict[str, dict[str, str]], method: str, path: str, role: str
) -> None:
    allowed = role in ALLOWED[(method, path)]
    if allowed and (method, path) in STREAMING:
        pytest.skip("streams: checked against a live server in test_events.py")
    async with _client(runtime) as client:
        headers = tokens[role]
        if path == "/v1/auth/logout":  # would end the shared token: use a fresh one
            headers = await login(client, LOGIN_FOR_ROLE[role])
        # An empty body: an allowed caller gets past the role check to validation (4xx),
        # and nothing in the shared centre changes.
        response = await client.request(method, _concrete(path), json={}, headers=headers)
    if allowed:
        # Let in: what follows is validation, or the data scope (403 out_of_scope), never
        # the role check.
        assert response.status_code != 401, response.text
        if response.status_code == 403:
            assert response.json()["error"]["code"] != "forbidden_role", response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden_role"
