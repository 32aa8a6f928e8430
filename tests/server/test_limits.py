"""What the API refuses at its edge: oversized bodies, numbers JSON does not have, resume
points that are not seqs; and what a client's text can do to the server's log: nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from server_stub.server.body_limit import MAX_BODY_BYTES
from server_stub.server.testing import login
from tests.server.api_steps import ring


async def test_a_body_over_the_limit_is_413_with_the_json_error(api: httpx.AsyncClient) -> None:
    agent = await login(api, "1001")
    huge = b'{"subject": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    declared = await api.post(
        "/v1/tickets", content=huge, headers={**agent, "Content-Type": "application/json"}
    )

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(20):
            yield b" " * (MAX_BODY_BYTES // 10)

    streamed = await api.post(
        "/v1/agent/state", content=chunks(), headers={**agent, "Content-Type": "application/json"}
    )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
async def test_numbers_json_does_not_have_are_refused(api: httpx.AsyncClient, number: str) -> None:
    agent = await login(api, "1001")
    await ring(api, agent, customer_id="C000007")
    body = (
        '{"request_id": "callback-inf-1", "customer_id": "C000007", '
        f'"number": "13800138000", "due_at": {number}}}'
    )
    response = await api.post(
        "/v1/callbacks", content=body, headers={**agent, "Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"
    assert "due_at" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("header", "query"), [("-5", None), ("abc", None), ("1e3", None), (None, "-5")]
)
async def test_a_resume_point_that_is_not_a_seq_is_refused(
    api: httpx.AsyncClient, header: str | None, query: str | None
) -> None:
    admin = await login(api, "admin")
    headers = {**admin, **({"Last-Event-ID": header} if header is not None else {})}
    params = {"last_event_id": query} if query is not None else {}
    response = await api.get("/v1/events", headers=headers, params=params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] in ("invalid_last_event_id", "invalid_request")


async def test_text_from_a_client_cannot_forge_or_colour_a_log_line(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    supervisor = await login(api, "s100")
    forged = "ok\n10:00:00 call c1 answered by admin\x00\x1b[31mred\u202e"
    with caplog.at_level(logging.INFO, logger="centre"):
        sent = await api.post(
            "/v1/supervisor/messages",
            json={"text": f"注意 {forged}", "agent_id": "1001"},
            headers=supervisor,
        )
    assert sent.status_code == 201
    [line] = [r.getMessage() for r in caplog.records if "message from s100" in r.getMessage()]
    assert "\n" not in line and "\x00" not in line and "\x1b" not in line and "\u202e" not in line
    assert line.endswith("注意 ok\\n10:00:00 call c1 answered by admin\\x00\\x1b[31mred\\u202e")
