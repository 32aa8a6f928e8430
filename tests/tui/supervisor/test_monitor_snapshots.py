"""The monitor at 80×24 and 120×40: a team with an agent on a call, one not ready, a caller
waiting; made on a paused clock and a frozen local clock, so the same steps give the same
picture."""

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
def test_monitor_with_a_call_on_and_a_caller_waiting(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        leader = await client_as(centre.base_url, "1100")
        trainer = await client_as(centre.base_url, "t100")
        try:
            await leader.set_state("not_ready", "meeting")
            await agent.set_state("ready")
            sent = await trainer.send_caller(
                TrainerCallRequest(queue_id="enquiry", customer_id="C000001")
            )
            assert sent.call_id is not None
            await agent.answer(sent.call_id)
            await trainer.send_caller(TrainerCallRequest(queue_id="fault"))
            await World(centre).advance(75)  # time in state, and a queue.stats snapshot
        finally:
            for api in (agent, leader, trainer):
                await api.close()
        board = pilot.app.screen.query_one("#agents-board", DataTable)
        time_in_state = AGENT_COLUMNS.index("Time")
        await until(lambda: "1:15" in str(board.get_row("1001")[time_in_state]), pilot)
        queues = pilot.app.screen.store.queues  # type: ignore[attr-defined]
        await until(lambda: all(q.as_of == 75.0 for q in queues.values()), pilot)

    assert login_picture("s100", "supervisor", size, steps)
