"""Driving the desk against the real server: the world around the agent, and waiting.

`World` is everyone but the agent at the desk: a trainer who sends calls, a supervisor
who writes messages, an admin who steps the paused clock. They use the REST API, as
they would from their own screens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from live_helpers import AGENT, PASSWORD, live_app, until
from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.screen import DeskScreen
from server_stub.server.testing import LiveServer

FROZEN_WALL = 1_790_000_000.0


def desk_app(live: LiveServer, tmp_path: Path, config_dir: Path, **kwargs: Any) -> ShellApp:
    """The real app, agent 1001 with its password typed in, on a frozen local clock."""
    options: dict[str, Any] = {
        "agent_id": AGENT,
        "password": PASSWORD,
        "clock": lambda: FROZEN_WALL,
    }
    options.update(kwargs)
    return live_app(live.base_url, tmp_path, config_dir, **options)


def _agent_desk(pilot: Pilot[Any]) -> ShellApp:
    app = pilot.app
    assert isinstance(app, ShellApp)
    return app


async def log_in(pilot: Pilot[Any]) -> DeskScreen:
    """Enter on the prefilled login form; wait for the desk and a live feed."""
    app = _agent_desk(pilot)
    await pilot.press("enter")
    await until(lambda: isinstance(app.screen, DeskScreen), pilot)
    await until(lambda: app.store.connection == "online", pilot)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    return screen


async def go_ready(pilot: Pilot[Any]) -> None:
    """F2, and wait until the server has made the agent ready."""
    app = _agent_desk(pilot)
    await pilot.press("f2")
    await until(lambda: app.store.state == "ready", pilot)


async def log_in_ready(pilot: Pilot[Any]) -> DeskScreen:
    """Log in and go ready: where every call at the desk starts."""
    desk = await log_in(pilot)
    await go_ready(pilot)
    return desk


async def pick(pilot: Pilot[Any], key: str, choice: str) -> None:
    """Open a ChoicePicker with `key`, type `choice` to filter it, and take it with Enter."""
    await pilot.press(key)
    await until(lambda: isinstance(pilot.app.screen, ChoicePicker), pilot)
    await pilot.press(*choice, "enter")


async def answer_a_call(
    pilot: Pilot[Any], world: World, queue_id: str, customer_id: str | None = None
) -> str:
    """The trainer sends a call; once its card is up, F4 answers it. Returns the call id."""
    app = _agent_desk(pilot)
    desk = app.screen
    assert isinstance(desk, DeskScreen)
    call_id = await world.send_call(queue_id, customer_id)
    await until(lambda: desk.query_one(CustomerCard).call_id == call_id, pilot)
    await pilot.press("f4")
    await until(lambda: app.store.state == "busy", pilot)
    return call_id


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
