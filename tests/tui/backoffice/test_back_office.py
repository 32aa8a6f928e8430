"""The back office (admins, until departments come): it says what it will be, and finds a
ticket by its id, against the real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_helpers import (
    FROZEN_WALL,
    PASSWORD,
    client_as,
    live_app,
    log_in_as,
    picture,
    screen_text,
    team_leader_centre,
    until,
)
from textual.pilot import Pilot

from agent_tui.client.api import new_request_id
from agent_tui.shell.app import ShellApp
from agent_tui.ui.tickets import TicketLookup
from agent_tui.workspaces.backoffice.screen import BackOfficeScreen
from server_stub.protocol.api import TicketCreateRequest
from server_stub.server.testing import LiveServer, start_live_server

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with start_live_server(team_leader_centre(), speed=0.0, seed=1) as server:
        yield server


def _app(live: LiveServer, tmp_path: Path, config_dir: Path) -> ShellApp:
    return live_app(
        live.base_url,
        tmp_path,
        config_dir,
        agent_id="admin",
        password=PASSWORD,
        clock=lambda: FROZEN_WALL,
    )


async def _a_ticket(live: LiveServer) -> str:
    agent = await client_as(live.base_url, "1001")
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
    app = pilot.app
    await log_in_as(pilot, None)
    await pilot.press(*"back office", "enter")
    await until(lambda: isinstance(app.screen, BackOfficeScreen), pilot)
    await pilot.press("f2")
    await until(lambda: isinstance(app.screen, TicketLookup), pilot)
    await pilot.press(*ticket_id, "enter")
    await until(lambda: "账单多扣费 Overcharged" in screen_text(app), pilot)


async def test_an_admin_finds_a_ticket_by_its_id_in_the_back_office(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    ticket_id = await _a_ticket(live)
    app = _app(live, tmp_path, config_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_back_office_and_find(pilot, ticket_id)
        text = screen_text(app)
        for expected in ("Department billing", "Customer   C000004", "高 High", "Charged 50 yuan"):
            assert expected in text, expected
        assert "come with their own issue" in text  # it says plainly what is not built yet


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_back_office_with_a_ticket_found(
    snap_compare: Any,
    live: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    size: tuple[int, int],
) -> None:
    app = _app(live, tmp_path, config_dir)

    async def steps(pilot: Pilot[Any]) -> None:
        await _open_back_office_and_find(pilot, await _a_ticket(live))

    assert picture(snap_compare, app, size, steps)
