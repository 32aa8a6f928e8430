"""What every test of the app against a running server needs: the app, logging in, waiting.

Shared by the tests of the shell and of every workspace (tests/tui/*/).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import httpx
from picture_diff import print_difference
from rich.console import Console
from textual.pilot import Pilot

from agent_tui.client.api import CentreApi
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from server_stub.centre.schema import CentreConfig
from server_stub.server.testing import LiveServer, demo_centre, quiet_centre

AGENT, PASSWORD = "1001", "demo"
TEAM_LEADER = "1100"  # agent, and supervisor of team A


def live_app(server_url: str, tmp_path: Path, config_dir: Path, **options: Any) -> ShellApp:
    """The real app against `server_url`, in the test's own dirs, with no cursor blink."""
    return ShellApp(
        server_url, data_dir=tmp_path, config_dir=config_dir, cursor_blink=False, **options
    )


async def until(
    condition: Callable[[], object], pilot: Pilot[Any] | None = None, timeout: float = 10.0
) -> None:
    """Wait until `condition()` holds, letting the app (or, with no pilot, the loop) run.

    Generous: a CI machine running two workers on two cores draws slowly."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        if pilot is not None:
            await pilot.pause(0.02)
        else:
            await asyncio.sleep(0.02)


async def log_in_as(pilot: Pilot[Any], expected: str | None) -> ShellApp:
    """Enter on the prefilled login form; wait until the login has landed in the workspace
    `expected` (None: in the lobby's choice of workspaces) with a live feed."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    await pilot.press("enter")
    if expected is None:
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
    else:
        await until(lambda: app.current_workspace == expected, pilot)
    await until(lambda: app.store.connection == "online", pilot)
    await pilot.pause()
    return app


def team_leader_centre() -> CentreConfig:
    """The quiet centre (no callers of its own, humans 1001 and 1002) with the demo's team
    leader 1100 seated in team A as well."""
    quiet = quiet_centre()
    leader = next(agent for agent in demo_centre().agents if agent.id == TEAM_LEADER)
    return quiet.model_copy(update={"agents": [*quiet.agents, leader]})


def screen_text(app: Any) -> str:
    """The characters on the app's screen now (what the agent sees, less colour)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text()


async def settle(pilot: Pilot[Any], quiet: float = 0.3, timeout: float = 8.0) -> None:
    """Wait until the screen has not changed for `quiet` seconds: what a picture shows has
    landed (late feed events, a deferred pane, a reply still in flight), however loaded the
    machine. Gives up after `timeout` (a screen that never settles) and lets the picture tell."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    shown, still_since = screen_text(pilot.app), loop.time()
    while loop.time() - still_since < quiet and loop.time() < deadline:
        await pilot.pause(0.05)
        now_shown = screen_text(pilot.app)
        if now_shown != shown:
            shown, still_since = now_shown, loop.time()


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


async def client_as(base_url: str, user: str) -> CentreApi:
    """The typed client, logged in as `user` (close it with `close`)."""
    api = CentreApi(base_url)
    await api.login(user, PASSWORD)
    return api


FROZEN_WALL = 1_790_000_000.0


def picture(
    snap_compare: Any,
    app: ShellApp,
    size: tuple[int, int],
    steps: Callable[[Pilot[Any]], Awaitable[None]],
) -> bool:
    """Compare the app's picture at `size` after `steps`, once what they asked for has
    landed; notifications are cleared first (they time out on a real screen)."""

    drawn: list[str] = []

    async def run_before(pilot: Pilot[Any]) -> None:
        await steps(pilot)
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        drawn.append(pilot.app.export_screenshot(simplify=True))  # as the snapshot is made

    result: bool = snap_compare(app, terminal_size=size, run_before=run_before)
    if not result and drawn:
        print_difference(drawn[-1])  # the CI log has no snapshot report: say it in words
    return result


def frozen_app(
    live: LiveServer, tmp_path: Path, config_dir: Path, user: str, **options: Any
) -> ShellApp:
    """The real app against `live`, `user` and the demo password typed in, on a frozen local
    clock (what snapshots need)."""
    return live_app(
        live.base_url,
        tmp_path,
        config_dir,
        agent_id=user,
        password=PASSWORD,
        clock=lambda: FROZEN_WALL,
        **options,
    )


Steps = Callable[[Pilot[Any]], Awaitable[None]]


class LoginPicture(Protocol):
    """The `login_picture` fixture: logs `user` in, waits for `workspace` (None: the lobby),
    runs `steps`, and compares the picture at `size`."""

    def __call__(
        self, user: str, workspace: str | None, size: tuple[int, int], steps: Steps | None = None
    ) -> bool: ...


@asynccontextmanager
async def signed_in(
    centre: LiveServer, tmp_path: Path, config_dir: Path, user: str, workspace: str
) -> AsyncIterator[Pilot[Any]]:
    """`user` logged in at `workspace` on a frozen app (120×40), for a fixture to yield."""
    app = frozen_app(centre, tmp_path, config_dir, user)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, workspace)
        yield pilot
