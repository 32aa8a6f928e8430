"""The supervisor's monitor against the real server: its boards, keys and messages.

Figures on the boards are checked against the centre's own event log, recomputed here
with the definitions of DESIGN.md "Metrics" written out again (not the server's fold).
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

from agent_tui.client.floor_board import FloorBoardSection
from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS, QUEUE_COLUMNS
from agent_tui.workspaces.supervisor.message_dialog import MessageDialog
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from agent_tui.workspaces.supervisor.text_dialog import TextDialog
from server_stub.protocol.api import TrainerCallRequest, WrapupRequest
from server_stub.server.testing import LiveServer, stored_log

LogEntry = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]


def _cell(monitor: MonitorScreen, board: str, row: str, column: str) -> str:
    columns = AGENT_COLUMNS if board == "#agents-board" else QUEUE_COLUMNS
    return str(monitor.query_one(board, DataTable).get_row(row)[columns.index(column)])


def _rows(monitor: MonitorScreen, board: str) -> list[str]:
    return [str(row.key.value) for row in monitor.query_one(board, DataTable).ordered_rows]


def _log_states(centre: LiveServer) -> dict[str, str]:
    """Each agent's state now, from the centre's event log alone."""
    states: dict[str, str] = {}
    for _, kind, _, agent_id, _, data in stored_log(centre.runtime):
        if kind == "agent.state_changed" and agent_id is not None:
            states[agent_id] = str(data["to"])
    return states


def _queue_from_log(log: list[LogEntry], queue_id: str, at: float) -> dict[str, float]:
    """Offered, answered, within 20 s, abandoned, waiting and the wait of the answered, for
    the events of `queue_id` logged up to `at` (all in one half-hour here)."""
    joined: dict[str, float] = {}
    figures = dict.fromkeys(("offered", "answered", "within", "abandoned", "wait_s"), 0.0)
    for t, kind, call, _, queue, _ in log:
        if t > at or queue != queue_id or call is None:
            continue
        if kind == "call.queued" and call not in joined:
            joined[call] = t
            figures["offered"] += 1
        elif kind == "call.answered" and call in joined:
            waited = t - joined.pop(call)
            figures["answered"] += 1
            figures["within"] += waited <= 20.0
            figures["wait_s"] += waited
        elif kind == "call.abandoned" and call in joined:
            del joined[call]
            figures["abandoned"] += 1
    figures["waiting"] = len(joined)
    figures["past_target"] = sum(1 for t in joined.values() if at - t > 20.0)
    return figures


async def test_the_queues_board_shows_the_figures_the_log_gives_at_the_same_instant(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    world = World(centre)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await agent.set_state("ready")
            first = await trainer.send_caller(TrainerCallRequest(queue_id="fault"))
            assert first.call_id is not None
            await world.advance(12)
            await agent.answer(first.call_id)  # after 12 s: within the target
            for _ in range(3):  # nobody else: these wait, two of them past 20 s
                await trainer.send_caller(TrainerCallRequest(queue_id="fault"))
            await world.advance(33)
            board = monitor.store.section(FloorBoardSection)
            await until(lambda: board.queues_as_of == 45.0, pilot)
            want = _queue_from_log(stored_log(centre.runtime), "fault", 45.0)
            assert want["offered"] == 4 and want["waiting"] == 3 and want["past_target"] == 3
            decided = want["answered"] + want["abandoned"] + want["past_target"]
            await until(lambda: _cell(monitor, "#queues-board", "fault", "Offer") == "4", pilot)
            assert _cell(monitor, "#queues-board", "fault", "Wait") == str(int(want["waiting"]))
            assert _cell(monitor, "#queues-board", "fault", "Long") == "0:33"
            assert _cell(monitor, "#queues-board", "fault", "Ans") == str(int(want["answered"]))
            level = want["within"] / decided
            assert _cell(monitor, "#queues-board", "fault", "SL") == f"{level:.0%}"
            asa = want["wait_s"] / want["answered"]
            assert _cell(monitor, "#queues-board", "fault", "ASA") == f"{asa:.0f}s"
            answer_rate = want["answered"] / want["offered"]
            assert _cell(monitor, "#queues-board", "fault", "接通") == f"{answer_rate:.0%}"
            title = str(monitor.query_one("#queues-title").render())
            assert "this half-hour" in title and "(abandons in)" in title
            await pilot.press("f8")  # today: the same calls, the day began at the opening
            await until(lambda: "today" in str(monitor.query_one("#queues-title").render()), pilot)
            assert _cell(monitor, "#queues-board", "fault", "Offer") == "4"
    finally:
        await agent.close()
        await trainer.close()


async def test_the_agents_board_shows_calls_aht_and_occupancy_the_log_gives(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    world = World(centre)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await agent.set_state("ready")
            await world.advance(30)
            for talk in (40, 80):
                sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
                assert sent.call_id is not None
                await agent.answer(sent.call_id)
                await world.advance(talk)
                await agent.hangup(sent.call_id)
                await world.advance(10)
                await agent.wrapup(sent.call_id, WrapupRequest(code="resolved"))
                await world.advance(20)
            await until(lambda: _cell(monitor, "#agents-board", "1001", "Calls") == "2", pilot)
            last = stored_log(centre.runtime)[-1][0]
            await until(lambda: (monitor.shown_at or 0.0) >= last, pilot)  # the next tick
            now = monitor.shown_at
            assert now is not None
            spells = [
                (t, str(data["to"]))
                for t, kind, _, agent_id, _, data in stored_log(centre.runtime)
                if kind == "agent.state_changed" and agent_id == "1001" and t <= now
            ]
            working = available = 0.0
            for (start, state), (end, _) in zip(spells, [*spells[1:], (now, "")], strict=True):
                if state in ("busy", "wrap_up"):
                    working += end - start
                elif state in ("ready", "reserved"):
                    available += end - start
            handled = 2
            aht = working / handled  # both calls are over: all working time is theirs
            minutes, seconds = divmod(int(aht), 60)
            assert _cell(monitor, "#agents-board", "1001", "AHT") == f"{minutes}:{seconds:02d}"
            occupancy = working / (working + available)
            assert _cell(monitor, "#agents-board", "1001", "Occ") == f"{occupancy:.0%}"
    finally:
        await agent.close()
        await trainer.close()


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
            await until(lambda: "就绪" in _cell(monitor, "#agents-board", "1001", "State"), pilot)

            states = _log_states(centre)
            # Team A as the centre has it (the directory lists only who is logged in).
            team = [a for a in centre.runtime.config.agents if a.team == "A"]
            ready = sum(1 for a in team if states.get(a.id, "logged_out") == "ready")
            logged_out = sum(1 for a in team if states.get(a.id, "logged_out") == "logged_out")
            title = str(monitor.query_one("#agents-title").render())
            assert title.startswith(f"{len(team)} agents · {ready} ready · {logged_out} logged out")
            assert set(_rows(monitor, "#agents-board")) == {s.id for s in team}  # not team B
    finally:
        await agent.close()


async def test_sort_filter_and_follow_by_keys_keep_the_followed_agent_highlighted(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "f100")
    leader = await client_as(centre.base_url, TEAM_LEADER)
    world = World(centre)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            assert _rows(monitor, "#agents-board") == ["1001", "1100", "1002"]  # team, id
            await leader.set_state("not_ready", "meeting")
            await world.advance(5)
            await until(lambda: "会议" in _cell(monitor, "#agents-board", "1100", "State"), pilot)
            await pilot.press("down")  # 1100
            await pilot.press("f7")  # follow it
            assert monitor.following == "1100"
            await pilot.press("f6")  # longest in state first: the logged-out agents go last
            await until(lambda: _rows(monitor, "#agents-board")[0] == "1100", pilot)
            table = monitor.query_one("#agents-board", DataTable)
            assert table.cursor_row == 0  # the cursor went with the followed agent
            await pilot.press("f9")  # filter
            await until(lambda: isinstance(app.screen, TextDialog), pilot)
            await pilot.press(*"team:B", "enter")
            await until(lambda: _rows(monitor, "#agents-board") == ["1002"], pilot)
            assert "filter “team:B” 1/3" in str(monitor.query_one("#agents-title").render())
    finally:
        await leader.close()


async def test_an_alert_on_the_monitor_is_acknowledged_by_key_and_the_log_says_who(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    world = World(centre)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await agent.set_state("not_ready", "break")
            await world.advance(620)  # past the centre's ten minutes not ready
            alerts = monitor.query_one("#alerts-board", DataTable)
            await until(lambda: alerts.row_count == 1, pilot)
            (alert_id,) = [str(row.key.value) for row in alerts.ordered_rows]
            await pilot.press("f3")

            def acknowledged() -> list[LogEntry]:
                return [e for e in stored_log(centre.runtime) if e[1] == "alert.acknowledged"]

            await until(acknowledged, pilot)
            assert acknowledged()[0][5]["alert_id"] == alert_id
            assert acknowledged()[0][5]["by"] == "s100"
            await until(lambda: str(alerts.get_row(alert_id)[0]) == "✓s100", pilot)
            assert monitor.check_action("acknowledge", ()) is False  # nothing left: greyed
    finally:
        await agent.close()


async def test_a_team_leaders_board_is_kept_true_by_refreshing_the_floor(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    """A team leader's feed carries its team's events; a refresh re-reads the boards."""
    app = frozen_app(centre, tmp_path, config_dir, TEAM_LEADER)
    agent = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            await pilot.press("f12", "enter")  # desk, monitor, back office: the monitor first
            await until(lambda: app.current_workspace == "supervisor", pilot)
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await agent.set_state("ready")
            await pilot.press("f5")  # refresh now rather than in five seconds
            await until(lambda: "就绪" in _cell(monitor, "#agents-board", "1001", "State"), pilot)
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
