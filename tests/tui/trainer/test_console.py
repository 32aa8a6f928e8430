"""The training console against the real server: send a caller by key, follow the call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import LoginPicture, World, client_as, frozen_app, log_in_as, until
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.trainer.screen import ConsoleScreen
from agent_tui.workspaces.trainer.send_dialog import SendCallerDialog
from agent_tui.workspaces.trainer.trails import TRAIL_COLUMNS
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


def _now(console: ConsoleScreen, call_id: str) -> str:
    row = console.query_one("#trails-board", DataTable).get_row(call_id)
    return str(row[TRAIL_COLUMNS.index("Now")])


async def _send(pilot: Pilot[Any], queue_row: int, customer_id: str) -> str:
    """Highlight a queue, send a caller there as `customer_id`; returns the new call's id."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    console = app.screen
    assert isinstance(console, ConsoleScreen)
    known = set(app.store.trails)
    console.query_one("#queues-board", DataTable).move_cursor(row=queue_row)
    await pilot.press("f2")
    await until(lambda: isinstance(app.screen, SendCallerDialog), pilot)
    app.screen.query_one("#send-customer", Input).value = customer_id
    await pilot.press("enter")
    await until(lambda: set(app.store.trails) - known, pilot)
    (call_id,) = set(app.store.trails) - known
    return call_id


async def test_a_caller_sent_by_key_is_followed_until_an_agent_answers(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    agent = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "trainer")
            console = app.screen
            assert isinstance(console, ConsoleScreen)
            call_id = await _send(pilot, 1, "C000003")  # the second queue: enquiry
            await until(lambda: _now(console, call_id) == "waiting in the queue", pilot)
            row = console.query_one("#trails-board", DataTable).get_row(call_id)
            assert [str(cell) for cell in row[1:3]] == ["enquiry", "C000003"]

            await agent.set_state("ready")
            await until(lambda: _now(console, call_id) == "ringing at 1001", pilot)
            await agent.answer(call_id)
            await until(lambda: _now(console, call_id) == "talking with 1001", pilot)
    finally:
        await agent.close()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_console_with_one_caller_answered_and_one_waiting(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        try:
            await agent.set_state("ready")
            answered = await _send(pilot, 1, "C000001")
            await agent.answer(answered)
            waiting = await _send(pilot, 2, "C000004")  # nobody is left ready: it waits
            await World(centre).advance(30)  # the queues' next statistics snapshot
        finally:
            await agent.close()
        console = pilot.app.screen
        assert isinstance(console, ConsoleScreen)
        await until(lambda: _now(console, answered) == "talking with 1001", pilot)
        await until(lambda: _now(console, waiting) == "waiting in the queue", pilot)
        store = console.store
        await until(lambda: all(q.as_of == 30.0 for q in store.queues.values()), pilot)

    assert login_picture("t100", "trainer", size, steps)
