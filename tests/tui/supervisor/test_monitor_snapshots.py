"""The monitor at 80×24 and 120×40: a team with an agent on a call, one not ready, a caller
waiting; made on a paused clock and a frozen local clock, so the same steps give the same
picture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_helpers import (
    FROZEN_WALL,
    PASSWORD,
    World,
    client_as,
    live_app,
    log_in_as,
    picture,
    team_leader_centre,
    until,
)
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS
from server_stub.protocol.api import TrainerCallRequest
from server_stub.server.testing import LiveServer, start_live_server

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with start_live_server(team_leader_centre(), speed=0.0, seed=1) as server:
        yield server


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_monitor_with_a_call_on_and_a_caller_waiting(
    snap_compare: Any,
    live: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    size: tuple[int, int],
) -> None:
    app = live_app(
        live.base_url,
        tmp_path,
        config_dir,
        agent_id="s100",
        password=PASSWORD,
        clock=lambda: FROZEN_WALL,
    )

    async def steps(pilot: Pilot[Any]) -> None:
        await log_in_as(pilot, "supervisor")
        agent = await client_as(live.base_url, "1001")
        leader = await client_as(live.base_url, "1100")
        trainer = await client_as(live.base_url, "t100")
        try:
            await leader.set_state("not_ready", "meeting")
            await agent.set_state("ready")
            sent = await trainer.send_caller(
                TrainerCallRequest(queue_id="enquiry", customer_id="C000001")
            )
            assert sent.call_id is not None
            await agent.answer(sent.call_id)
            await trainer.send_caller(TrainerCallRequest(queue_id="fault"))
            await World(live).advance(75)  # time in state, and a queue.stats snapshot
        finally:
            for api in (agent, leader, trainer):
                await api.close()
        board = pilot.app.screen.query_one("#agents-board", DataTable)
        time_in_state = AGENT_COLUMNS.index("Time")
        await until(lambda: "1:15" in str(board.get_row("1001")[time_in_state]), pilot)

    assert picture(snap_compare, app, size, steps)
