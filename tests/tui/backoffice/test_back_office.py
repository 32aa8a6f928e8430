"""The back office (admins, until departments come): it says what it will be, and finds a
ticket by its id, against the real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import LoginPicture, client_as, frozen_app, log_in_as, screen_text, until
from textual.pilot import Pilot

from agent_tui.client.api import new_request_id
from agent_tui.ui.tickets import TicketLookup
from agent_tui.workspaces.backoffice.screen import BackOfficeScreen
from server_stub.protocol.api import TicketCreateRequest
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


async def _a_ticket(live: LiveServer) -> str:
    agent = await client_as(live.base_url, "admin")  # an agent may ticket only its callers
    try:
        ticket = await agent.create_ticket(
            TicketCreateRequest(
                request_id=new_request_id(),
                customer_id="C000004",
                category="complaint",
                subject="账单多扣费 Overcharged",
                description="三月账单多扣 50 元 / Charged 50 yuan too much in March",
                priority="high",
                department="billing",
            )
        )
    finally:
        await agent.close()
    return ticket.id


async def _open_back_office_and_find(pilot: Pilot[Any], ticket_id: str) -> None:
    """From the lobby: the back office, and the ticket found by its id."""
    app = pilot.app
    await pilot.press(*"back office", "enter")
    await until(lambda: isinstance(app.screen, BackOfficeScreen), pilot)
    await pilot.press("f2")
    await until(lambda: isinstance(app.screen, TicketLookup), pilot)
    await pilot.press(*ticket_id, "enter")
    await until(lambda: "账单多扣费 Overcharged" in screen_text(app), pilot)


async def test_an_admin_finds_a_ticket_by_its_id_in_the_back_office(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    ticket_id = await _a_ticket(centre)
    app = frozen_app(centre, tmp_path, config_dir, "admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, None)
        await _open_back_office_and_find(pilot, ticket_id)
        text = screen_text(app)
        for expected in ("Department billing", "Customer   C000004", "高 High", "Charged 50 yuan"):
            assert expected in text, expected
        assert "come with their own issue" in text  # it says plainly what is not built yet


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_back_office_with_a_ticket_found(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await _open_back_office_and_find(pilot, await _a_ticket(centre))

    assert login_picture("admin", None, size, steps)
