"""Actions by keys on the monitor, and what the agent's desk shows of them, against the real
server: each action is an event in the log, and reaches the desk of the agent it names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from live_helpers import World, client_as, frozen_app, log_in_as, screen_text, until
from textual.widgets import DataTable, Input

from agent_tui.workspaces.supervisor.agent_actions import ActionPicker, agent_actions
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from agent_tui.workspaces.supervisor.screen_view import AgentScreenView
from agent_tui.workspaces.supervisor.text_dialog import TextDialog
from server_stub.protocol.api import AgentStatus, TrainerCallRequest
from server_stub.protocol.desk_screen import DeskScreenState
from server_stub.protocol.supervision_actions import (
    BroadcastRequest,
    ForceStateRequest,
    MonitorRequest,
    MonitorSession,
)
from server_stub.server.testing import LiveServer, stored_log


def _agent(state: str, *, simulated: bool = False, call: str | None = None) -> AgentStatus:
    return AgentStatus(
        agent_id="a1", name="a1", team="A", simulated=simulated, state=state, since=0.0,
        call_id=call,
    )  # fmt: skip


def _allowed(agent: AgentStatus, monitor: MonitorSession | None = None) -> dict[str, bool]:
    return {a.id: a.allowed for a in agent_actions(agent, monitor)}


def test_the_action_picker_greys_what_the_agents_state_does_not_allow() -> None:
    idle = _allowed(_agent("ready"))
    assert idle["message"] and idle["not_ready"] and idle["logged_out"]
    assert not idle["whisper"] and not idle["listen"] and not idle["end_wrapup"]
    assert not idle["ready"]  # already
    talking = _allowed(_agent("busy", call="c1"))
    assert talking["whisper"] and talking["listen"] and not talking["barge"]
    session = MonitorSession(
        monitor_id="m1", agent_id="a1", call_id="c1", queue_id="enquiry", started_at=0.0,
        by="s100", chosen_by="agent",
    )  # fmt: skip
    listening = _allowed(_agent("busy", call="c1"), session)
    assert listening["barge"] and listening["stop"] and not listening["listen"]
    simulated = {a.id: a for a in agent_actions(_agent("wrap_up", simulated=True), None)}
    assert not simulated["end_wrapup"].allowed and "simulated" in simulated["end_wrapup"].why_not
    assert not _allowed(_agent("logged_out"))["screen"]


def _log_types(centre: LiveServer, prefix: str = "supervisor.") -> list[str]:
    return [e[1] for e in stored_log(centre.runtime) if e[1].startswith(prefix)]


async def test_listen_in_whisper_and_broadcast_by_keys_are_events_in_the_log(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    try:
        await agent.set_state("ready")
        sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
        assert sent.call_id is not None
        await agent.answer(sent.call_id)
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            board = monitor.query_one("#agents-board", DataTable)
            await until(lambda: board.row_count == 2, pilot)
            assert monitor.check_action("listen", ()) is True
            await pilot.press("f10")  # 1001, the first row
            await until(lambda: isinstance(app.screen, ActionPicker), pilot)
            await pilot.press("down", "down", "enter")  # listen in
            await until(lambda: "supervisor.monitor_started" in _log_types(centre), pilot)
            await until(lambda: monitor.board.monitor_of("1001", "s100") is not None, pilot)
            await pilot.press("f10", "down", "enter")  # whisper
            await until(lambda: isinstance(app.screen, TextDialog), pilot)
            await pilot.press(*"先核实身份", "enter")
            await until(lambda: "supervisor.whisper" in _log_types(centre), pilot)
            await pilot.press("ctrl+b")
            await until(lambda: app.screen.query("#picker-filter"), pilot)
            await pilot.press("enter")  # a new broadcast to team A
            await until(lambda: isinstance(app.screen, TextDialog), pilot)
            await pilot.press(*"短信金额有误", "enter")

            def pinned() -> list[dict[str, Any]]:
                return [
                    e[5]
                    for e in stored_log(centre.runtime)
                    if e[1] == "supervisor.message" and e[5].get("pinned")
                ]

            await until(pinned, pilot)
            assert pinned()[0]["text"] == "短信金额有误" and pinned()[0]["team_id"] == "A"
            await until(lambda: monitor.board.broadcasts, pilot)
            await pilot.press("ctrl+b")
            await until(lambda: app.screen.query("#picker-filter"), pilot)
            await pilot.press(*"withdraw", "enter")
            await until(lambda: "supervisor.message_withdrawn" in _log_types(centre), pilot)
            whisper = [e for e in stored_log(centre.runtime) if e[1] == "supervisor.whisper"]
            assert whisper[0][3] == "1001" and whisper[0][5]["text"] == "先核实身份"
    finally:
        await agent.close()
        await trainer.close()


async def test_the_agents_desk_shows_the_pinned_broadcast_the_whisper_and_a_forced_state(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    supervisor = await client_as(centre.base_url, "s100")
    trainer = await client_as(centre.base_url, "t100")
    pinned = await supervisor.broadcast(BroadcastRequest(text="系统故障，请安抚客户", team_id="A"))
    app = frozen_app(centre, tmp_path, config_dir, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            await until(lambda: "系统故障，请安抚客户" in screen_text(app), pilot)
            await pilot.press("f2")  # ready
            await until(lambda: app.store.state == "ready", pilot)
            sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
            assert sent.call_id is not None
            await until(lambda: app.store.call is not None, pilot)
            await pilot.press("f4")  # answer
            await until(lambda: app.store.state == "busy", pilot)
            await supervisor.monitor(MonitorRequest(agent_id="1001"))
            await supervisor.whisper("1001", "语速慢一点 slower, please")
            await until(lambda: "语速慢一点 slower, please" in screen_text(app), pilot)
            assert "监听" not in screen_text(app)  # silent monitoring is never shown
            request = ForceStateRequest(state="not_ready", reason="meeting")
            await supervisor.force_state("1001", request)
            await until(lambda: "after this call" in screen_text(app), pilot)
            await supervisor.withdraw_broadcast(pinned.broadcast_id)
            await until(lambda: "系统故障，请安抚客户" not in screen_text(app), pilot)
    finally:
        await supervisor.close()
        await trainer.close()


async def test_the_agents_screen_is_mirrored_live_on_the_monitor(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    try:
        await agent.set_state("ready")
        sent = await trainer.send_caller(
            TrainerCallRequest(queue_id="enquiry", customer_id="C000001")
        )
        assert sent.call_id is not None
        await agent.answer(sent.call_id)
        await agent.publish_screen(DeskScreenState(call_id=sent.call_id, pane="script"))
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "supervisor")
            await pilot.press("f10")
            await until(lambda: isinstance(app.screen, ActionPicker), pilot)
            picker = app.screen
            assert isinstance(picker, ActionPicker)
            # Greyed actions are passed over by the cursor: count the allowed ones.
            index = [a.id for a in picker.actions if a.allowed].index("screen")
            await pilot.press(*["down"] * index, "enter")
            await until(lambda: isinstance(app.screen, AgentScreenView), pilot)
            pop = await agent.pop(sent.call_id)
            assert pop.customer is not None
            account = pop.customer.account  # the caller's card, mirrored
            await until(lambda: account in screen_text(app), pilot)
            await World(centre).advance(1)
            draft = {"category": "billing", "subject": "话费有误 wrong bill", "description": ""}
            screen = DeskScreenState(call_id=sent.call_id, pane="ticket", ticket=draft)
            await agent.publish_screen(screen)
            await until(lambda: "话费有误 wrong bill" in screen_text(app), pilot)
            assert not app.screen.query(Input)  # a mirror: nothing on it can be typed into
    finally:
        await agent.close()
        await trainer.close()
