"""Driving the desk against the real server: logging in, going ready, taking a call.

`World` (in live_helpers) is everyone but the agent at the desk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from live_helpers import AGENT, FROZEN_WALL, PASSWORD, World, live_app, until
from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.call_line import CallLine
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.screen import DeskScreen
from server_stub.server.testing import LiveServer


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


async def hang_up_and_wrap_up(pilot: Pilot[Any], code: str) -> None:
    """F9 hangs up, F10 wraps up with `code`; wait until the agent is ready again."""
    app = _agent_desk(pilot)
    await pilot.press("f9")
    await until(lambda: app.store.state == "wrap_up", pilot)
    await pick(pilot, "f10", code)
    await until(lambda: app.store.state == "ready" and app.store.call is None, pilot)


def line_words(app: ShellApp) -> str:
    """What the strip above the card says, unwrapped (the pictures show how it wraps)."""
    desk = app.screen
    assert isinstance(desk, DeskScreen)
    return desk.query_one(CallLine).words


async def settled(pilot: Pilot[Any], live: LiveServer) -> None:
    """The desk has sent the screen it shows and has every event the centre logged about
    its agent (its own `agent.screen` too): times on screen no longer move (a snapshot's
    wait)."""
    app = _agent_desk(pilot)
    desk = app.screen
    assert isinstance(desk, DeskScreen)

    def published() -> bool:
        publisher = desk.screen_publisher
        return publisher is not None and not publisher.wants(desk.screen_state())

    def caught_up() -> bool:
        mine = [e.seq for e in live.runtime.store.iter_events() if e.agent_id == app.store.agent_id]
        return not mine or (app.store.last_seq or 0) >= mine[-1]

    await until(published, pilot)
    await until(caught_up, pilot)
