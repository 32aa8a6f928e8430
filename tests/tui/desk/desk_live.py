"""Driving the desk against the real server: the world around the agent, and waiting.

`World` is everyone but the agent at the desk: a trainer who sends calls, a supervisor
who writes messages, an admin who steps the paused clock. They use the REST API, as
they would from their own screens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from agent_tui.app import AgentDeskApp
from agent_tui.screens.desk import DeskScreen
from server_stub.server.testing import LiveServer

AGENT, PASSWORD = "1001", "demo"
FROZEN_WALL = 1_790_000_000.0


def desk_app(live: LiveServer, tmp_path: Path, config_dir: Path, **kwargs: Any) -> AgentDeskApp:
    """The real app, agent 1001 with its password typed in, on a frozen local clock."""
    options: dict[str, Any] = {
        "agent_id": AGENT,
        "password": PASSWORD,
        "data_dir": tmp_path,
        "config_dir": config_dir,
        "cursor_blink": False,
        "clock": lambda: FROZEN_WALL,
    }
    options.update(kwargs)
    return AgentDeskApp(live.base_url, **options)


async def until(condition: Callable[[], object], pilot: Pilot[Any], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


async def log_in(pilot: Pilot[Any]) -> DeskScreen:
    """Enter on the prefilled login form; wait for the desk and a live feed."""
    app = pilot.app
    assert isinstance(app, AgentDeskApp)
    await pilot.press("enter")
    await until(lambda: isinstance(app.screen, DeskScreen), pilot)
    await until(lambda: app.desk_state.connection == "online", pilot)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    return screen


class World:
    """Trainer t100, supervisor s100 and admin, over HTTP like any client."""

    def __init__(self, live: LiveServer) -> None:
        self.base_url = live.base_url
        self._headers: dict[str, dict[str, str]] = {}

    async def _as(self, user: str) -> dict[str, str]:
        if user not in self._headers:
            async with httpx.AsyncClient(base_url=self.base_url) as client:
                response = await client.post(
                    "/v1/auth/login", json={"user_id": user, "password": PASSWORD}
                )
                response.raise_for_status()
                self._headers[user] = {"Authorization": f"Bearer {response.json()['token']}"}
        return self._headers[user]

    async def _post(self, user: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = await self._as(user)
        async with httpx.AsyncClient(base_url=self.base_url) as client:
            response = await client.post(path, json=body, headers=headers)
        assert response.status_code < 300, f"{path}: {response.status_code} {response.text}"
        result: dict[str, Any] = response.json()
        return result

    async def agent(self, user: str) -> httpx.AsyncClient:
        """A client logged in as another agent (close it with `aclose`)."""
        headers = await self._as(user)
        return httpx.AsyncClient(base_url=self.base_url, headers=headers)

    async def send_call(self, queue_id: str, customer_id: str | None = None) -> str:
        body: dict[str, Any] = {"queue_id": queue_id}
        if customer_id is not None:
            body["customer_id"] = customer_id
        result = await self._post("t100", "/v1/trainer/calls", body)
        return str(result.get("call_id"))

    async def message(
        self, text: str, *, agent_id: str | None = None, team_id: str | None = None
    ) -> None:
        body: dict[str, Any] = {"text": text}
        if agent_id is not None:
            body["agent_id"] = agent_id
        else:
            body["team_id"] = team_id
        await self._post("s100", "/v1/supervisor/messages", body)

    async def advance(self, seconds: float) -> None:
        await self._post("admin", "/v1/admin/clock", {"advance_s": seconds})
