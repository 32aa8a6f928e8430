"""The event feed: one SSE stream from `GET /v1/events`, kept alive with back-off.

`EventFeed.run()` never returns while the desk is open: it connects, hands every event
to `on_event`, and when the stream drops it reports "reconnecting", waits (0.2 s doubling
to 5 s, with jitter so a whole floor does not reconnect in step) and resumes with
`Last-Event-ID`, so the server replays what was missed. A 401 ends it ("offline"):
the token is gone and only a new login helps.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from httpx_sse import SSEError, aconnect_sse

from agent_tui.client.errors import FeedUnauthorized
from agent_tui.client.state import Connection
from server_stub.protocol.events import Event, EventType

EventHandler = Callable[[Event], Awaitable[None] | None]
StatusHandler = Callable[[Connection], Awaitable[None] | None]

FIRST_DELAY_S = 0.2
MAX_DELAY_S = 5.0


def backoff_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Wait before reconnect number `attempt` (0-based): 0.2 s doubling to 5 s, ±20 % jitter."""
    base = min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** min(attempt, 10))
    return min(MAX_DELAY_S, base * (rng or random).uniform(0.8, 1.2))


class EventFeed:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        last_event_id: int | str | None = None,
        on_event: EventHandler,
        on_status: StatusHandler,
        transport: httpx.AsyncBaseTransport | None = None,
        read_timeout: float | None = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.last_event_id = None if last_event_id is None else str(last_event_id)
        self._on_event = on_event
        self._on_status = on_status
        self._transport = transport
        # The server sends keep-alive comments; silence longer than this means a dead link.
        self._timeout = httpx.Timeout(5.0, read=read_timeout)
        self.reconnects = 0
        self._went_online = False

    async def _emit(self, handler: Callable[[Any], Awaitable[None] | None], value: Any) -> None:
        result = handler(value)
        if result is not None:
            await result

    async def run(self) -> None:
        """Stream events until cancelled (or until the token is refused)."""
        attempt = 0
        await self._emit(self._on_status, "connecting")
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=self._timeout, transport=self._transport
        ) as client:
            while True:
                self._went_online = False
                try:
                    await self._stream_once(client)
                except FeedUnauthorized:
                    await self._emit(self._on_status, "offline")
                    raise
                except (httpx.TransportError, SSEError, httpx.HTTPStatusError):
                    pass
                if self._went_online:
                    attempt = 0  # the link worked until now: come back quickly
                await self._emit(self._on_status, "reconnecting")
                delay = backoff_delay(attempt)
                attempt += 1
                self.reconnects += 1
                await asyncio.sleep(delay)

    async def _stream_once(self, client: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        async with aconnect_sse(client, "GET", "/v1/events", headers=headers) as source:
            status = source.response.status_code
            if status in (401, 403):
                raise FeedUnauthorized(f"the server refused the token ({status})")
            source.response.raise_for_status()
            await self._emit(self._on_status, "online")
            self._went_online = True
            async for sse in source.aiter_sse():
                if not sse.data and not sse.event:
                    continue
                event = self._parse(sse.event, sse.data, sse.id)
                if event is None:
                    continue
                if sse.id:
                    self.last_event_id = sse.id
                await self._emit(self._on_event, event)

    def _parse(self, name: str, data: str, sse_id: str | None) -> Event | None:
        if name == EventType.RESYNC:
            payload: dict[str, Any] = {}
            if data:
                try:
                    loaded = json.loads(data)
                    payload = loaded if isinstance(loaded, dict) else {}
                except ValueError:
                    payload = {}
            if "seq" in payload and "type" in payload:
                return Event.model_validate(payload)
            return Event(
                seq=int(sse_id) if sse_id and sse_id.isdigit() else 0,
                sim_time=float(payload.get("sim_time", 0.0)),
                wall_time=float(payload.get("wall_time", time.time())),
                type=EventType.RESYNC,
                data=payload,
            )
        if name not in ("", "message") and not data.startswith("{"):
            return None  # keep-alives and anything else that is not an event
        try:
            return Event.model_validate_json(data)
        except ValueError:
            return None
