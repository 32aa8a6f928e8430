"""The training console's push key against the real server (TR2): a scenario goes to the
idle agents only, the trainer reads who got it and who did not, and while callers wait the
console says the server's refusal and nobody is taken off the phones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from live_helpers import client_as, signed_in, until
from textual.pilot import Pilot

from agent_tui.client.api import CentreApi
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.trainer.screen import ConsoleScreen
from server_stub.protocol.api import TrainerCallRequest
from server_stub.server.testing import LiveServer

PUSH_KEY = "ctrl+l"  # keymaps/default.toml's trainer.push


@pytest.fixture
async def console(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> AsyncIterator[Pilot[Any]]:
    """t100 at the training console (120×40)."""
    async with signed_in(centre, tmp_path, config_dir, "t100", "trainer") as pilot:
        yield pilot


def notices(app: Any) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def push_by_keys(pilot: Pilot[Any], scenario: str) -> None:
    app = pilot.app
    await pilot.press(PUSH_KEY)
    await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
    await pilot.press(*scenario, "enter")


async def test_a_scenario_pushed_by_key_rings_only_the_idle_agents(
    console: Pilot[Any], centre: LiveServer
) -> None:
    app = console.app
    assert isinstance(app, ShellApp) and isinstance(app.screen, ConsoleScreen)
    screen = app.screen
    agent_a: CentreApi = await client_as(centre.base_url, "1001")
    agent_b: CentreApi = await client_as(centre.base_url, "1002")
    try:
        await agent_a.set_state("ready")
        await agent_b.set_state("not_ready", "break")
        await push_by_keys(console, "vip_quick")
        expected = (
            "已推送 Pushed",
            "vip_quick_change → 1001\nnot idle 未推送: 1002 (not_ready:break), 1100 (logged_out)",
        )
        await until(lambda: expected in notices(app), console)
        session = await agent_a.my_session()
        assert (session.scenario, session.trainer) == ("vip_quick_change", "t100")
        await until(lambda: session.id in screen.sessions, console)  # on the sessions board
        assert [s.trainee for s in screen.sessions.values()] == ["1001"]
    finally:
        await agent_a.close()
        await agent_b.close()


async def test_the_console_says_why_nothing_is_pushed_while_callers_wait(
    console: Pilot[Any], centre: LiveServer
) -> None:
    app = console.app
    agent: CentreApi = await client_as(centre.base_url, "1001")
    trainer: CentreApi = await client_as(centre.base_url, "t100")
    try:
        await agent.set_state("not_ready", "training")  # set aside: a caller then waits
        await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
        await push_by_keys(console, "vip_quick")
        await until(
            lambda: any(
                title == "Could not push the scenario" and "enquiry (1 waiting)" in message
                for title, message in notices(app)
            ),
            console,
        )
        assert await trainer.training_sessions() == []
    finally:
        await agent.close()
        await trainer.close()
