"""Self-practice on the desk against the real server (TR2): the agent's practice key lists
the centre's scenarios, the chosen one rings on the desk at once as the agent's own
session, and while a live call is on the phone the desk says why it cannot start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from live_helpers import client_as, screen_text, signed_in, until
from textual.pilot import Pilot

from agent_tui.client.api import CentreApi
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.training_call import TrainingCallScreen
from server_stub.protocol.api import TrainerCallRequest
from server_stub.server.testing import LiveServer

PRACTICE_KEY = "alt+p"  # keymaps/default.toml's desk.practice


@pytest.fixture
async def desk(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> AsyncIterator[Pilot[Any]]:
    """1001 logged in at the desk (120×40)."""
    async with signed_in(centre, tmp_path, config_dir, "1001", "desk") as pilot:
        yield pilot


async def test_the_practice_key_lists_scenarios_and_rings_the_chosen_one_at_once(
    desk: Pilot[Any], centre: LiveServer
) -> None:
    app = desk.app
    assert isinstance(app, ShellApp)
    await desk.press(PRACTICE_KEY)
    await until(lambda: isinstance(app.screen, ChoicePicker), desk)
    picker = app.screen
    assert isinstance(picker, ChoicePicker)
    assert "vip_quick_change" in [choice.value for choice in picker.choices]
    await desk.press(*"vip_quick", "enter")
    await until(lambda: isinstance(app.screen, TrainingCallScreen), desk)
    screen = app.screen
    assert isinstance(screen, TrainingCallScreen)
    session = screen.session
    assert (session.scenario, session.trainee, session.trainer) == (
        "vip_quick_change",
        "1001",
        "1001",
    )
    agent = await client_as(centre.base_url, "1001")
    assert (await agent.my_session()).id == session.id
    await agent.close()
    await until(lambda: "Training 培训" in screen_text(app), desk)


async def until_state(pilot: Pilot[Any], agent: CentreApi, state: str) -> None:
    for _ in range(100):
        if (await agent.me()).state == state:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the agent never became {state}")


async def test_the_practice_key_on_a_live_call_says_why_and_starts_nothing(
    desk: Pilot[Any], centre: LiveServer
) -> None:
    app = desk.app
    assert isinstance(app, ShellApp)
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    await desk.press("f2")  # ready
    await until_state(desk, agent, "ready")
    await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id="C000001"))
    await until_state(desk, agent, "reserved")  # the live call rings
    await desk.press(PRACTICE_KEY)
    await until(lambda: isinstance(app.screen, ChoicePicker), desk)
    await desk.press("enter")
    refusal = ("Could not start the practice", "finish your live call before you practise")
    await until(lambda: refusal in [(n.title, n.message) for n in app._notifications], desk)
    assert not isinstance(app.screen, TrainingCallScreen)
    assert [s.id for s in await trainer.training_sessions()] == []
    await agent.close()
    await trainer.close()
