"""Snapshots of the desk in every state an agent meets, at 80×24 and 120×40.

Each picture is made against a fresh real server on a paused clock (fixed seed, quiet
centre), with a frozen local clock and no cursor blink, so the same keys give the same
picture. Notifications are cleared before the picture: they time out on a real desk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from desk_live import World, desk_app, go_ready, log_in
from live_helpers import settle, until
from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.script_pane import ScriptPane
from server_stub.server.testing import LiveServer, quiet_centre, start_live_server

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]

Size = tuple[int, int]
Steps = Callable[[Pilot[Any], World, DeskScreen], Awaitable[None]]


class DeskPicture(Protocol):
    """Takes the desk's picture at a size, after the steps, and compares it."""

    def __call__(self, size: Size, steps: Steps | None = None) -> bool: ...


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with start_live_server(quiet_centre(), speed=0.0, seed=1) as server:
        yield server


def vip_customer(live: LiveServer) -> str:
    """The first VIP customer of the seeded centre: the same one on every run."""
    return first_customer(live, "vip")


def first_customer(live: LiveServer, tier: str) -> str:
    store = live.runtime.store
    for index in range(1, 301):
        customer_id = f"C{index:06d}"
        record = store.customer(customer_id)
        if record is not None and record.tier == tier:
            return customer_id
    raise AssertionError(f"no {tier} customer in the test centre")


@pytest.fixture
def desk_picture(
    snap_compare: Any, live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> DeskPicture:
    """Compares the desk, logged in and taken through `steps`, with its picture at `size`."""

    def compare(size: Size, steps: Steps | None = None) -> bool:
        app = desk_app(live, tmp_path, config_dir)
        world = World(live)

        async def run_before(pilot: Pilot[Any]) -> None:
            desk = await log_in(pilot)
            if steps is not None:
                await steps(pilot, world, desk)
            # What the desk asked for has come (the feed worker runs for ever: not waited for).
            await until(lambda: len(desk.codes.wrapup_codes) > 1, pilot)
            await settle(pilot)
            pilot.app.clear_notifications()
            await pilot.pause()

        result: bool = snap_compare(app, terminal_size=size, run_before=run_before)
        return result

    return compare


def ringing(customer: Callable[[], str]) -> Steps:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await go_ready(pilot)
        call_id = await world.send_call("fault", customer())
        await until(lambda: desk.query_one(CustomerCard).call_id == call_id, pilot)
        await until(lambda: desk.query_one(ScriptPane).walker is not None, pilot)

    return steps


def talking(customer: Callable[[], str], keys: tuple[str, ...] = ("1", "y")) -> Steps:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await ringing(customer)(pilot, world, desk)
        app = pilot.app
        assert isinstance(app, ShellApp)
        await pilot.press("f4")
        await until(lambda: app.store.state == "busy", pilot)
        await world.advance(40)
        await pilot.press(*keys)
        await pilot.pause()

    return steps


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_idle(desk_picture: DeskPicture, size: Size) -> None:
    assert desk_picture(size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_not_ready_picker(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await go_ready(pilot)
        await pilot.press("f3")
        await until(lambda: isinstance(pilot.app.screen, ChoicePicker), pilot)

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_ringing_with_screen_pop(
    desk_picture: DeskPicture, live: LiveServer, size: Size
) -> None:
    steps = ringing(lambda: vip_customer(live))
    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_talking_with_the_script(
    desk_picture: DeskPicture, live: LiveServer, size: Size
) -> None:
    steps = talking(lambda: first_customer(live, "normal"))
    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_ticket_form(desk_picture: DeskPicture, live: LiveServer, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        # Through the script to the step that opens the ticket form, prefilled.
        await talking(lambda: first_customer(live, "gold"), ("1", "y", "3"))(pilot, world, desk)
        await pilot.press(*"光猫损坏")
        await pilot.press("tab")
        await pilot.press(*"无指示灯 no lights")

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_wrap_up(desk_picture: DeskPicture, live: LiveServer, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await talking(lambda: first_customer(live, "normal"), ("1", "y", "1", "1"))(
            pilot, world, desk
        )
        await pilot.press("f9")
        await until(lambda: desk.wrapup_call_id is not None, pilot)
        await pilot.press(*"重启后恢复 fixed")
        await world.advance(10)

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_supervisor_message(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        app = pilot.app
        assert isinstance(app, ShellApp)
        await world.message(
            "请各位在10点前完成培训签到 / Sign in for training by 10:00", agent_id="1001"
        )
        await world.message("海淀区光缆中断,请使用统一口径 / Fibre cut in Haidian", team_id="A")
        await until(lambda: len(app.store.messages) == 2, pilot)

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_asks_before_quitting_mid_call(
    desk_picture: DeskPicture, live: LiveServer, size: Size
) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await talking(lambda: first_customer(live, "normal"))(pilot, world, desk)
        await pilot.press("ctrl+q")
        await until(lambda: isinstance(pilot.app.screen, ChoicePicker), pilot)

    assert desk_picture(size, steps)
