"""A change in the store reaches every screen that shows it, whatever is on top of it.

The shell publishes each change on one signal that every screen follows: a call that rings
while the help is open is drawn on the desk behind it at once (not when the help closes),
and a message that arrives while the message log is open shows in the log.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_live import desk_app, go_ready, log_in
from live_helpers import World, screen_text, until

from agent_tui.ui.help import HelpScreen
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.dialogs import MessageLogScreen
from server_stub.server.testing import LiveServer, quiet_centre, start_live_server


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with start_live_server(quiet_centre(), speed=0.0) as server:
        yield server


async def test_a_call_that_rings_while_help_is_open_is_drawn_on_the_desk_behind_it(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = desk_app(live, tmp_path, config_dir)
    world = World(live)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in(pilot)
        await go_ready(pilot)
        await pilot.press("f1")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        help_screen = app.screen

        call_id = await world.send_call("enquiry", "C000002")
        await until(lambda: desk.query_one(CustomerCard).call_id == call_id, pilot)
        await pilot.pause()
        assert app.screen is help_screen  # still open
        assert "RINGING" in screen_text(app)  # the card, beside the help box


async def test_a_message_that_arrives_while_the_log_is_open_shows_in_the_log(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = desk_app(live, tmp_path, config_dir)
    world = World(live)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await world.message("第一条 first", agent_id="1001")
        await until(lambda: len(app.store.messages) == 1, pilot)
        await pilot.press("alt+m")
        await until(lambda: isinstance(app.screen, MessageLogScreen), pilot)
        assert "Messages 消息 (1)" in screen_text(app)

        await world.message("第二条 second", agent_id="1001")
        await until(lambda: "Messages 消息 (2)" in screen_text(app), pilot)
        assert "第二条 second" in screen_text(app)
        await pilot.press("alt+m")  # the key that opened the log closes it
        await until(lambda: not isinstance(app.screen, MessageLogScreen), pilot)
        assert app.store.unread_messages() == 0  # seen in the log: the banner goes
