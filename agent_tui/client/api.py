"""The desk's REST client: one httpx AsyncClient, one method per endpoint of `/v1`.

Widgets never call HTTP themselves; screens call these methods from workers. Errors are
two kinds the UI can word for people: `ApiError` (the server answered with a 4xx/5xx
JSON error and a stable code) and `ServerUnreachable` (no answer at all).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from agent_tui.client.errors import ApiError, ServerUnreachable

__all__ = ["ApiError", "DeskApi", "LoginResult", "ServerUnreachable", "new_request_id"]

API_PREFIX = "/v1"


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    role: str
    expires_at: str | float | None
    user: dict[str, Any] = field(default_factory=dict)


class DeskApi:
    """Async client of the server's `/v1` API; holds the bearer token after login."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None
        self._client = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, transport=transport
        )

    # -- plumbing -------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        try:
            response = await self._client.request(
                method, API_PREFIX + path, json=json, params=params, headers=self._headers()
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, _describe_transport_error(exc)) from exc
        if response.status_code >= 400:
            raise _api_error(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(response.status_code, "bad_response", "not JSON") from exc

    async def _get(self, path: str, **params: Any) -> Any:
        clean = {key: value for key, value in params.items() if value is not None}
        return await self._request("GET", path, params=clean or None)

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self._request("POST", path, json=body if body is not None else {})

    # -- session --------------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._get("/health")
        return result

    async def login(self, user_id: str, password: str) -> LoginResult:
        body = await self._post("/auth/login", {"user_id": user_id, "password": password})
        result = LoginResult(
            token=str(body["token"]),
            role=str(body.get("role", "agent")),
            expires_at=body.get("expires_at"),
            user=dict(body.get("user") or {}),
        )
        self.token = result.token
        return result

    async def logout(self) -> None:
        if self.token is None:
            return
        try:
            await self._post("/auth/logout")
        finally:
            self.token = None

    async def me(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._get("/me")
        return result

    # -- agent state ----------------------------------------------------------------

    async def set_state(self, state: str, reason: str | None = None) -> Any:
        return await self._post("/agent/state", {"state": state, "reason": reason})

    async def set_pending(self, state: str, reason: str | None = None) -> Any:
        return await self._request("PUT", "/agent/pending", json={"state": state, "reason": reason})

    async def clear_pending(self) -> Any:
        return await self._request("DELETE", "/agent/pending")

    # -- call controls --------------------------------------------------------------

    async def answer(self, call_id: str) -> Any:
        return await self._post(f"/calls/{call_id}/answer")

    async def reject(self, call_id: str) -> Any:
        return await self._post(f"/calls/{call_id}/reject")

    async def hold(self, call_id: str) -> Any:
        return await self._post(f"/calls/{call_id}/hold")

    async def retrieve(self, call_id: str) -> Any:
        return await self._post(f"/calls/{call_id}/retrieve")

    async def hangup(self, call_id: str) -> Any:
        return await self._post(f"/calls/{call_id}/hangup")

    async def transfer(
        self,
        call_id: str,
        *,
        mode: str,
        agent_id: str | None = None,
        queue_id: str | None = None,
    ) -> Any:
        body: dict[str, Any] = {"mode": mode}
        if agent_id is not None:
            body["agent_id"] = agent_id
        if queue_id is not None:
            body["queue_id"] = queue_id
        return await self._post(f"/calls/{call_id}/transfer", body)

    async def consult(self, call_id: str, action: str) -> Any:
        return await self._post(f"/calls/{call_id}/consult", {"action": action})

    async def dial(self, number: str, customer_id: str | None = None) -> Any:
        body: dict[str, Any] = {"number": number}
        if customer_id is not None:
            body["customer_id"] = customer_id
        return await self._post("/calls/dial", body)

    async def wrapup(
        self,
        call_id: str,
        code: str,
        notes: str,
        script_path: list[tuple[str, str]] | list[list[str]],
    ) -> Any:
        body = {"code": code, "notes": notes, "script_path": [list(p) for p in script_path]}
        return await self._post(f"/calls/{call_id}/wrapup", body)

    # -- lookups --------------------------------------------------------------------

    async def pop(self, call_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"/calls/{call_id}/pop")
        return result

    async def customer(self, customer_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"/customers/{customer_id}")
        return result

    async def customers_by_phone(self, phone: str) -> Any:
        return await self._get("/customers", phone=phone)

    async def tickets_for(self, customer_id: str) -> list[dict[str, Any]]:
        return _as_list(await self._get("/tickets", customer_id=customer_id), "tickets")

    async def ticket(self, ticket_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"/tickets/{ticket_id}")
        return result

    async def directory(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._get("/directory")
        return result

    async def codes(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._get("/codes")
        return result

    async def scripts_for(self, queue_id: str) -> list[dict[str, Any]]:
        return _as_list(await self._get("/scripts", queue=queue_id), "scripts")

    async def script(self, script_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._get(f"/scripts/{script_id}")
        return result

    async def queue_stats(self) -> Any:
        return await self._get("/queues/stats")

    # -- things that are created (idempotent by a client-made request id) -----------

    async def create_ticket(self, draft: dict[str, Any]) -> dict[str, Any]:
        """Create a ticket; the draft carries its own `request_id`, so a retry is safe."""
        body = dict(draft)
        body.setdefault("request_id", new_request_id())
        result: dict[str, Any] = await self._post("/tickets", body)
        return result

    async def create_callback(
        self,
        *,
        customer_id: str | None,
        number: str,
        due_at: float | str,
        note: str = "",
        request_id: str | None = None,
    ) -> dict[str, Any]:
        body = {
            "request_id": request_id or new_request_id(),
            "customer_id": customer_id,
            "number": number,
            "due_at": due_at,
            "note": note,
        }
        result: dict[str, Any] = await self._post("/callbacks", body)
        return result

    async def close(self) -> None:
        await self._client.aclose()


def new_request_id() -> str:
    return uuid.uuid4().hex


def _as_list(body: Any, key: str) -> list[dict[str, Any]]:
    # List endpoints may answer a bare list or {key: [...]}; the desk wants the list.
    if isinstance(body, dict):
        body = body.get(key, body.get("items", []))
    return list(body or [])


def _api_error(response: httpx.Response) -> ApiError:
    code, message = f"http_{response.status_code}", response.reason_phrase
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            code = str(error.get("code") or code)
            message = str(error.get("message") or message)
        elif "detail" in body:  # FastAPI's own errors (validation, 404 on unknown routes)
            message = str(body["detail"])
    retry_after: float | None = None
    header = response.headers.get("retry-after")
    if header is not None:
        try:
            retry_after = float(header)
        except ValueError:
            retry_after = None
    return ApiError(response.status_code, code, message, retry_after=retry_after)


def _describe_transport_error(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host not found"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    return str(exc) or type(exc).__name__
