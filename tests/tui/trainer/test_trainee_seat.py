"""A trainee's live seat as the floor sees it, against the real server: the supervisor's
monitor shows a pushed agent NOT READY for training while its session runs and ready again
when the trainer stops it; the trainee's desk says the session was stopped and goes back
to the live desk, ready as before."""

from __future__ import annotations

from pathlib import Path

from live_helpers import client_as, frozen_app, log_in_as, screen_text, until
from textual.widgets import DataTable
from trainee_desk import Trainee

from agent_tui.client.api import new_request_id
from agent_tui.workspaces.desk.training_call import TrainingCallScreen
from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from server_stub.protocol.training_api import PushRequest, SessionControl
from server_stub.server.testing import LiveServer


def state_cell(monitor: MonitorScreen, agent_id: str) -> str:
    board = monitor.query_one("#agents-board", DataTable)
    if agent_id not in [str(row.key.value) for row in board.ordered_rows]:
        return ""
    return str(board.get_row(agent_id)[AGENT_COLUMNS.index("State")])


async def test_the_monitor_shows_a_pushed_agent_not_ready_for_training_until_it_is_stopped(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    try:
        await agent.set_state("ready")
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            await until(lambda: state_cell(monitor, "1001") == "就绪 ready", pilot)
            pushed = await trainer.push_scenario(
                PushRequest(request_id=new_request_id(), scenario="enquiry_tariffs")
            )
            assert [p.agent_id for p in pushed.started] == ["1001"]
            await until(lambda: state_cell(monitor, "1001") == "示忙 培训", pilot)
            stop = SessionControl(action="stop")
            await trainer.steer_session(pushed.started[0].session_id, stop)
            await until(lambda: state_cell(monitor, "1001") == "就绪 ready", pilot)
    finally:
        await agent.close()
        await trainer.close()


async def test_a_stopped_session_says_so_on_the_desk_and_closes_back_to_the_ready_desk(
    trainee: Trainee,
) -> None:
    app, pilot, trainer = trainee.app, trainee.pilot, trainee.trainer
    await pilot.press("f2")  # ready
    await until(lambda: app.store.state == "ready", pilot)
    await trainer.start("enquiry_tariffs")
    await trainee.rung()
    await until(lambda: app.store.state == "not_ready", pilot)  # the live seat
    assert app.store.reason == "training"
    await trainer.api.steer_session(trainer.session_id, SessionControl(action="stop"))
    await until(lambda: "The trainer stopped this session" in screen_text(app), pilot)
    assert "F10 closes the training call" in screen_text(app)
    await pilot.press("f10")
    await until(lambda: not isinstance(app.screen, TrainingCallScreen), pilot)
    await until(lambda: app.store.state == "ready", pilot)
