"""The transfer directory on the desk (issue 9 defect 8; IN7, TK5): who can take a call
now, team leaders and expert groups first, never a logged-out agent; a consult says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_live import World, answer_a_call, desk_app, log_in_ready
from live_helpers import TEAM_LEADER, client_as, screen_text, team_leader_centre, until

from agent_tui.ui.pickers import ChoicePicker
from server_stub.server.testing import LiveServer, start_live_server


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """The quiet centre with the team leader 1100 seated in team A."""
    with start_live_server(team_leader_centre(), speed=0.0) as server:
        yield server


async def test_the_complaint_scripts_escalation_consults_the_team_leader_from_the_directory(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = desk_app(live, tmp_path, config_dir)
    world = World(live)
    leader = await client_as(live.base_url, TEAM_LEADER)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_ready(pilot)
            await answer_a_call(pilot, world, "complaint", "C000001")
            await leader.set_state("ready")  # after the call reached 1001, not before
            await pilot.press("1", "y", "3")  # serious: the script says escalate to the leader
            await until(lambda: "consult the team leader" in screen_text(app), pilot)
            await pilot.press("f7")
            await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
            picker = app.screen
            assert isinstance(picker, ChoicePicker)
            assert picker.title_text.startswith("Consult")
            first, second = picker.choices[0], picker.choices[1]
            assert first.value == f"agent:{TEAM_LEADER}" and "team leader" in first.detail
            assert second.value == "queue:complaint" and "expert group" in second.detail
            assert "agent:1002" not in {c.value for c in picker.choices}  # logged out
            await pilot.press("enter")
            await until(lambda: app.screen is not picker, pilot)
            me = await leader.me()
            for _ in range(50):
                me = await leader.me()
                if me.state == "reserved":
                    break
                await pilot.pause(0.1)
            assert me.state == "reserved"  # the team leader's phone rings: the consult
    finally:
        await leader.close()


async def test_a_consult_the_engine_refuses_says_consult_not_transfer(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = desk_app(live, tmp_path, config_dir)
    world = World(live)
    leader = await client_as(live.base_url, TEAM_LEADER)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_ready(pilot)
            await answer_a_call(pilot, world, "complaint", "C000001")
            await leader.set_state("not_ready", "meeting")  # logged in, but in a meeting
            await pilot.press("f7")
            await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
            picker = app.screen
            assert isinstance(picker, ChoicePicker)
            assert "NOT READY" in picker.choices[0].detail  # the leader's state is shown
            await pilot.press(*TEAM_LEADER, "enter")

            def told() -> str:
                return " ".join(f"{n.title}: {n.message}" for n in app._notifications)

            await until(lambda: "Could not consult" in told(), pilot)
            assert "Could not transfer" not in told()
    finally:
        await leader.close()
