"""The monitor at 80×24 and 120×40: a team with an agent on a call, one not ready past the
ladder (an alert), a caller who waited and hung up; made on a paused
clock and a frozen local clock, so the same steps give the same picture."""

from __future__ import annotations

from typing import Any

import pytest
from live_helpers import LoginPicture, World, client_as, screen_text, until
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.workspaces.supervisor.agent_actions import ActionPicker
from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS
from agent_tui.workspaces.supervisor.screen_view import AgentScreenView
from server_stub.protocol.api import TrainerCallRequest
from server_stub.protocol.desk_screen import DeskScreenState, TicketDraftView
from server_stub.protocol.supervision_actions import BroadcastRequest
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_monitor_with_a_call_on_a_caller_waiting_and_alerts(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        leader = await client_as(centre.base_url, "1100")
        trainer = await client_as(centre.base_url, "t100")
        try:
            await leader.set_state("not_ready", "break")
            await agent.set_state("ready")
            sent = await trainer.send_caller(
                TrainerCallRequest(queue_id="enquiry", customer_id="C000001")
            )
            assert sent.call_id is not None
            await agent.answer(sent.call_id)
            await trainer.send_caller(TrainerCallRequest(queue_id="fault"))
            await World(centre).advance(655)  # past ten minutes: alerts; and a queue board
        finally:
            for api in (agent, leader, trainer):
                await api.close()
        board = pilot.app.screen.query_one("#agents-board", DataTable)
        time_in_state = AGENT_COLUMNS.index("Time")
        await until(lambda: "10:55" in str(board.get_row("1001")[time_in_state]), pilot)
        section = pilot.app.screen.board  # type: ignore[attr-defined]
        # 1100 not ready past ten minutes (the waiting caller's alerts came and went: it hung up)
        await until(lambda: section.queues_as_of == 655.0 and "al4" in section.alerts, pilot)

    assert login_picture("s100", "supervisor", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_monitored_agents_screen_with_a_ticket_draft(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        trainer = await client_as(centre.base_url, "t100")
        try:
            await agent.set_state("ready")
            sent = await trainer.send_caller(
                TrainerCallRequest(queue_id="enquiry", customer_id="C000001")
            )
            assert sent.call_id is not None
            await agent.answer(sent.call_id)
            draft = TicketDraftView(category="billing", subject="话费有误 A wrong bill")
            state = DeskScreenState(call_id=sent.call_id, pane="ticket", ticket=draft)
            await agent.publish_screen(state)
        finally:
            await agent.close()
            await trainer.close()
        await pilot.press("f10")
        await until(lambda: isinstance(pilot.app.screen, ActionPicker), pilot)
        picker = pilot.app.screen
        assert isinstance(picker, ActionPicker)
        index = [a.id for a in picker.actions if a.allowed].index("screen")
        await pilot.press(*["down"] * index, "enter")
        await until(lambda: isinstance(pilot.app.screen, AgentScreenView), pilot)
        view = pilot.app.screen
        await until(lambda: view._pop is not None and view._pop[1] is not None, pilot)  # type: ignore[attr-defined]
        await until(lambda: "Account" in screen_text(pilot.app), pilot)  # the card, drawn

    assert login_picture("s100", "supervisor", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_action_picker_on_an_agent_talking(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        trainer = await client_as(centre.base_url, "t100")
        try:
            await agent.set_state("ready")
            sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
            assert sent.call_id is not None
            await agent.answer(sent.call_id)
        finally:
            await agent.close()
            await trainer.close()
        board = pilot.app.screen.query_one("#agents-board", DataTable)
        await until(lambda: "通话" in str(board.get_row("1001")[2]), pilot)
        await pilot.press("f10")
        await until(lambda: isinstance(pilot.app.screen, ActionPicker), pilot)

    assert login_picture("s100", "supervisor", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_desk_with_a_pinned_broadcast_and_a_whisper(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        supervisor = await client_as(centre.base_url, "s100")
        trainer = await client_as(centre.base_url, "t100")
        try:
            request = BroadcastRequest(text="短信账单金额有误，请按统一口径解释", team_id="A")
            await supervisor.broadcast(request)
            await pilot.press("f2")
            await until(lambda: pilot.app.store.state == "ready", pilot)  # type: ignore[attr-defined]
            sent = await trainer.send_caller(
                TrainerCallRequest(queue_id="enquiry", customer_id="C000001")
            )
            assert sent.call_id is not None
            await until(lambda: pilot.app.store.call is not None, pilot)  # type: ignore[attr-defined]
            await pilot.press("f4")
            await until(lambda: pilot.app.store.state == "busy", pilot)  # type: ignore[attr-defined]
            await supervisor.whisper("1001", "先核实身份再说 verify first")
            await until(lambda: "verify first" in screen_text(pilot.app), pilot)
            await until(lambda: "统一口径解释" in screen_text(pilot.app), pilot)
        finally:
            await supervisor.close()
            await trainer.close()

    assert login_picture("1001", "desk", size, steps)
