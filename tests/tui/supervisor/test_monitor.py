"""The supervisor's monitor against the real server: its boards, centre, and its messages.

Figures on the boards are checked against the centre's own event log, recomputed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from live_helpers import (
    TEAM_LEADER,
    World,
    client_as,
    frozen_app,
    log_in_as,
    until,
)
from textual.widgets import DataTable

from agent_tui.ui.queues import QUEUE_COLUMNS
from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS, floor_summary
from agent_tui.workspaces.supervisor.message_dialog import MessageDialog
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from server_stub.protocol.api import AgentStatus, TrainerCallRequest
from server_stub.server.testing import LiveServer, stored_log


def _cell(monitor: MonitorScreen, board: str, row: str, column: str) -> str:
    columns = AGENT_COLUMNS if board == "#agents-board" else QUEUE_COLUMNS
    return str(monitor.query_one(board, DataTable).get_row(row)[columns.index(column)])


def _log_states(centre: LiveServer) -> dict[str, str]:
    """Each agent's state now, from the centre's event log alone."""
    states: dict[str, str] = {}
    for _, kind, _, agent_id, _, data in stored_log(centre.runtime):
        if kind == "agent.state_changed" and agent_id is not None:
            states[agent_id] = str(data["to"])
    return states


async def test_the_agents_board_follows_the_feed_and_its_counts_match_the_log(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await agent.set_state("ready")  # from logged out, in front of the supervisor
            await until(lambda: "READY" in _cell(monitor, "#agents-board", "1001", "State"), pilot)

            states = _log_states(centre)
            team = [s for s in (await agent.directory()).agents if s.team == "A"]
            ready = sum(1 for s in team if states.get(s.id, "logged_out") == "ready")
            logged_out = sum(1 for s in team if states.get(s.id, "logged_out") == "logged_out")
            title = str(monitor.query_one("#agents-title").render())
            assert title.startswith(f"{len(team)} agents · {ready} ready · {logged_out} logged out")
    finally:
        await agent.close()


async def test_waiting_calls_on_the_queues_board_are_those_the_log_has_queued(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    trainer = await client_as(centre.base_url, "t100")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            for _ in range(2):  # nobody is ready: both wait
                await trainer.send_caller(TrainerCallRequest(queue_id="fault"))
            # Queue statistics are a periodic snapshot: let the centre's clock reach the next.
            await World(centre).advance(centre.runtime.config.centre.stats_interval_s)
            log = stored_log(centre.runtime)
            queued = {
                entry[2] for entry in log if entry[1] == "call.queued" and entry[4] == "fault"
            }
            left = {entry[2] for entry in log if entry[1] in ("call.answered", "call.abandoned")}
            waiting = len(queued - left)
            assert waiting == 2
            await until(
                lambda: _cell(monitor, "#queues-board", "fault", "Wait") == str(waiting), pilot
            )
    finally:
        await trainer.close()


async def test_a_team_leaders_board_is_kept_true_by_refreshing_the_floor(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    """A team leader's feed is its own desk's: what other agents do comes by refresh."""
    app = frozen_app(centre, tmp_path, config_dir, TEAM_LEADER)
    agent = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            await pilot.press("f12")
            await until(lambda: app.current_workspace == "supervisor", pilot)
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await agent.set_state("ready")
            await pilot.press("f5")  # refresh now rather than in five seconds
            await until(lambda: "READY" in _cell(monitor, "#agents-board", "1001", "State"), pilot)
    finally:
        await agent.close()


async def test_a_message_written_on_the_monitor_goes_to_the_highlighted_agent(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        await until(lambda: app.screen.query_one("#agents-board", DataTable).row_count == 2, pilot)
        await pilot.press("down", "f2")  # the second row: 1100
        await until(lambda: isinstance(app.screen, MessageDialog), pilot)
        await pilot.press(*"请接听VIP队列 take the VIP queue", "enter")
        await until(lambda: isinstance(app.screen, MonitorScreen), pilot)

        def sent() -> list[tuple[Any, ...]]:
            return [e for e in stored_log(centre.runtime) if e[1] == "supervisor.message"]

        await until(lambda: bool(sent()), pilot)
        (_, _, _, agent_id, _, data) = sent()[0]
        assert agent_id == TEAM_LEADER and data["text"] == "请接听VIP队列 take the VIP queue"
        assert data["sender"] == "s100"


def test_the_floor_summary_counts_each_state_once() -> None:
    def agent(agent_id: str, state: str) -> AgentStatus:
        return AgentStatus(
            agent_id=agent_id, name=agent_id, team="A", simulated=True, state=state, since=0.0
        )

    agents = [
        agent("a1", "ready"),
        agent("a2", "busy"),
        agent("a3", "busy"),
        agent("a4", "wrap_up"),
    ]
    assert floor_summary(agents).plain == "4 agents · 1 ready · 2 on call · 1 in wrap-up"
