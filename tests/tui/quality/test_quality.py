"""Quality against the real server: each call wrapped up since login, in full, and any
ticket by its id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import LoginPicture, World, client_as, frozen_app, log_in_as, screen_text, until
from textual.pilot import Pilot

from agent_tui.client.api import CentreApi, new_request_id
from agent_tui.shell.app import ShellApp
from agent_tui.ui.tickets import TicketLookup
from server_stub.protocol.api import TicketCreateRequest, TrainerCallRequest, WrapupRequest
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


async def _a_call_wrapped_up(
    agent: CentreApi, trainer: CentreApi, customer_id: str, notes: str, *, ticket: bool
) -> tuple[str, str | None]:
    """1001 takes a call through the fault script, maybe tickets it, and wraps it up."""
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="fault", customer_id=customer_id))
    assert sent.call_id is not None
    await agent.answer(sent.call_id)
    ticket_id = None
    if ticket:
        made = await agent.create_ticket(
            TicketCreateRequest(
                request_id=new_request_id(),
                customer_id=customer_id,
                call_id=sent.call_id,
                category="fault",
                subject="光猫无指示灯 Modem dead",
                department="network",
            )
        )
        ticket_id = made.id
    await agent.hangup(sent.call_id)
    path = [("greet", "1"), ("verify", "y"), ("describe_fault", "3"), ("log_fault", "1")]
    await agent.wrapup(
        sent.call_id, WrapupRequest(code="ticket_created", notes=notes, script_path=path)
    )
    return sent.call_id, ticket_id


async def test_a_wrapped_up_call_shows_with_its_notes_script_path_and_ticket(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "e100")
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "quality")
            await agent.set_state("ready")
            call_id, ticket_id = await _a_call_wrapped_up(
                agent, trainer, "C000002", "光猫损坏,已派单 modem replaced", ticket=True
            )
            await until(lambda: any(r.call_id == call_id for r in app.store.reviews), pilot)
            await pilot.pause()
            text = screen_text(app)
            for expected in (
                call_id,
                "ticket_created",
                "光猫损坏,已派单 modem replaced",
                "greet 1 › verify y ›",  # the script path, wrapped in the details
                "describe_fault 3 › log_fault",
                f"{ticket_id} [fault] 光猫无指示灯 Modem dead",
            ):
                assert expected in text, expected

            await pilot.press("f2")
            await until(lambda: isinstance(app.screen, TicketLookup), pilot)
            await pilot.press(*str(ticket_id), "enter")
            await until(lambda: "Department network" in screen_text(app), pilot)
            await pilot.press("f2")
            await until(lambda: isinstance(app.screen, TicketLookup), pilot)
            await pilot.press(*"T999999", "enter")
            await until(
                lambda: any(n.title == "Could not find ticket T999999" for n in app._notifications),
                pilot,
            )
    finally:
        await agent.close()
        await trainer.close()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_quality_with_two_calls_wrapped_up(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        trainer = await client_as(centre.base_url, "t100")
        try:
            await agent.set_state("ready")
            await _a_call_wrapped_up(agent, trainer, "C000002", "重启后恢复 fixed", ticket=False)
            await World(centre).advance(40)
            await _a_call_wrapped_up(
                agent, trainer, "C000003", "光猫损坏,已派单 modem replaced", ticket=True
            )
        finally:
            await agent.close()
            await trainer.close()
        shell = pilot.app
        assert isinstance(shell, ShellApp)
        await until(lambda: len(shell.store.reviews) == 2, pilot)

    assert login_picture("e100", "quality", size, steps)
