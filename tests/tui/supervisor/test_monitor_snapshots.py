"""The monitor at 80×24 and 120×40: a team with an agent on a call, one not ready past the
ladder (an alert), a caller who waited and hung up; made on a paused
clock and a frozen local clock, so the same steps give the same picture."""

from __future__ import annotations

from typing import Any

import pytest
from live_helpers import LoginPicture, World, client_as, until
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS
from server_stub.protocol.api import TrainerCallRequest
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
