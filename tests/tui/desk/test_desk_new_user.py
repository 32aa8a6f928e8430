"""End to end, what a new user does on the first day, by keys only.

Start the demo (the real server process with the demo centre, as `agent-tui --demo`
does, paused so the test is exact), log in, go ready, take a call with its screen pop,
walk the script, create a ticket from the step that asks for one, wrap up with a code,
go ready again. The trainer sends calls until one rings at this desk: the demo's
simulated agents take the first ones, as they would on a real floor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from desk_live import go_ready
from live_helpers import live_app, screen_text, until
from textual.widgets import ContentSwitcher

from agent_tui.demo import DEMO_AGENT_ID, DEMO_PASSWORD, DemoServer
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.script_pane import ScriptPane
from agent_tui.workspaces.desk.ticket_form import TicketForm

pytestmark = pytest.mark.slow  # a real server process with the full demo centre


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    server = DemoServer(speed=0)
    # The full demo centre makes 10,000 customers first: on a loaded two-core machine that
    # took over the 30 s `start` waits by default.
    server.start(timeout=120)
    try:
        yield server.url
    finally:
        server.stop()


async def _trainer_sends_calls_until_one_rings(url: str, app: ShellApp, pilot: Any) -> str:
    async with httpx.AsyncClient(base_url=url) as client:
        login = await client.post("/v1/auth/login", json={"user_id": "t100", "password": "demo"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        for _ in range(60):
            sent = await client.post(
                "/v1/trainer/calls",
                json={"queue_id": "fault", "customer_id": "C000001"},
                headers=headers,
            )
            assert sent.status_code == 201, sent.text
            await pilot.pause(0.1)
            if app.store.call is not None:
                return app.store.call.call_id
    raise AssertionError("no call rang at the desk")


async def test_a_new_user_takes_a_call_from_ready_to_ready_by_keys_only(
    demo_url: str, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = live_app(demo_url, tmp_path, config_dir, agent_id=DEMO_AGENT_ID, password=DEMO_PASSWORD)
    async with app.run_test(size=(80, 24)) as pilot:
        # Log in: the demo fills the form in; Enter.
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, DeskScreen), pilot, timeout=10)
        desk = app.screen
        assert isinstance(desk, DeskScreen)
        await until(lambda: app.store.connection == "online", pilot)
        assert app.store.state == "not_ready"

        # Go ready.
        await go_ready(pilot)

        # A call rings; the card shows the caller at once.
        call_id = await _trainer_sends_calls_until_one_rings(demo_url, app, pilot)
        card = desk.query_one(CustomerCard)
        await until(lambda: card.call_id == call_id, pilot)
        call = app.store.call
        assert call is not None and call.customer is not None
        name = call.customer.name
        await pilot.pause()
        assert name in screen_text(app)

        # Answer; walk the fault script: fault on the line, verified, damaged equipment.
        await pilot.press("f4")
        await until(lambda: app.store.state == "busy", pilot)
        script = desk.query_one(ScriptPane)
        await until(lambda: script.walker is not None, pilot)
        await pilot.press("1", "y", "3")
        assert script.path == [("greet", "1"), ("verify", "y"), ("describe_fault", "3")]
        assert desk.verified

        # The step opens the ticket form, prefilled; type a subject and save it.
        form = desk.query_one(TicketForm)
        await until(
            lambda: desk.query_one("#desk-work", ContentSwitcher).current == "ticket-form", pilot
        )
        assert form.fields()["category"] == "fault"
        await pilot.press(*"光猫损坏 Modem damaged")
        await pilot.press("ctrl+s")
        await until(lambda: bool(form.tickets) and form.tickets[0].call_id == call_id, pilot)
        ticket_id = form.tickets[0].id
        assert not app.drafts.pending("ticket")

        # Back in the script: logged, closing. Hang up.
        await until(lambda: app.focused is script, pilot)
        await pilot.press("1")
        assert script.outcome == "ticket_created"
        await pilot.press("f9")
        await until(lambda: desk.wrapup_call_id == call_id, pilot)

        # Wrap up with a code: notes, F10, the script's outcome is offered first.
        await pilot.press(*f"Ticket {ticket_id} for the modem")
        await pilot.press("f10")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press("enter")
        await until(lambda: app.store.state in ("ready", "not_ready"), pilot)
        await until(lambda: card.call_id is None, pilot)

        # Ready again (the wrap-up may already have made the agent ready).
        if app.store.state != "ready":
            await pilot.press("f2")
        await until(lambda: app.store.state == "ready", pilot)
