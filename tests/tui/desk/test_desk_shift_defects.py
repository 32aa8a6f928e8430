"""Defects seen in a shift at the desk (issue 9), each checked against the real server."""

from __future__ import annotations

from pathlib import Path

from desk_live import World, answer_a_call, desk_app, log_in, log_in_ready
from live_helpers import AGENT, screen_text, until
from textual.widgets import Input

from agent_tui.shell.app import ShellApp
from agent_tui.shell.login import LoginScreen
from agent_tui.ui.help import HelpScreen
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.script_pane import ScriptPane
from agent_tui.workspaces.desk.state_bar import agent_line
from agent_tui.workspaces.desk.ticket_form import TicketForm
from server_stub.server.testing import LiveServer, quiet_centre, start_live_server


async def test_hold_and_retrieve_keep_the_state_timer_and_the_call_shows_its_own_duration(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", "C000001")
        await world.advance(30)
        await world.message("tick", agent_id=AGENT)
        await until(lambda: app.store.seconds_in_state() >= 30, pilot)
        await pilot.press("f5")
        await until(lambda: app.store.call and app.store.call.status == "held", pilot)
        assert app.store.seconds_in_state() >= 30  # the hold did not restart it
        await pilot.press("f5")
        await until(lambda: app.store.call and app.store.call.status == "talking", pilot)
        await pilot.press("ctrl+n")  # a pending state: the same state, told again
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press(*"break", "enter")
        await until(lambda: app.store.pending is not None, pilot)
        assert app.store.seconds_in_state() >= 30
        line = agent_line(app.store).plain
        assert "call 通话 0:30" in line


async def test_the_hold_key_reads_retrieve_while_on_hold_in_the_hints_and_in_help(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", "C000001")
        assert " F5  Hold " in screen_text(app)
        await pilot.press("f5")
        await until(lambda: " F5  Retrieve 取回 " in screen_text(app), pilot)
        await pilot.press("f1")
        await until(lambda: isinstance(app.screen, HelpScreen), pilot)
        assert "Retrieve 取回" in screen_text(app)


async def test_a_draft_typed_on_one_centre_never_comes_back_on_another_with_the_same_call_id(
    app: ShellApp, world: World, live: LiveServer, tmp_path: Path, config_dir: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in_ready(pilot)
        first_call = await answer_a_call(pilot, world, "enquiry", "C000001")
        await pilot.press("ctrl+t")
        desk.query_one("#ticket-subject", Input).focus()
        await pilot.press(*"第一个演示 first demo")
        await until(lambda: app.drafts.pending("ticket"), pilot)
    with start_live_server(quiet_centre(), speed=0.0) as other:
        again = desk_app(other, tmp_path, config_dir)
        async with again.run_test(size=(120, 40)) as pilot:
            desk = await log_in_ready(pilot)
            assert not desk.orphan_ticket_draft
            call_id = await answer_a_call(pilot, World(other), "enquiry", "C000002")
            assert call_id == first_call  # ids start again on every centre
            await until(lambda: desk.query_one(TicketForm).call_id == call_id, pilot)
            assert desk.query_one(TicketForm).fields()["subject"] == ""


async def test_ctrl_q_mid_call_asks_first_and_stays_unless_told_to_quit(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", "C000001")
        await pilot.press("ctrl+q")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        assert "A call is on your desk" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert app.is_running and app.store.state == "busy"
        await pilot.press("ctrl+q")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press(*"quit", "enter")
        await until(lambda: not app.is_running, pilot)


async def test_ctrl_q_between_calls_with_nothing_open_quits_at_once(app: ShellApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await pilot.press("ctrl+q")
        await until(lambda: not app.is_running, pilot)


async def test_logging_in_again_mid_call_brings_back_the_call_its_script_step_and_messages(
    app: ShellApp, world: World, live: LiveServer, tmp_path: Path, config_dir: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry", "C000001")
        await until(lambda: desk.query_one(ScriptPane).walker is not None, pilot)
        await pilot.press("1")  # tariffs
        await world.message("请注意排队 / Mind the queue", agent_id=AGENT)
        await until(lambda: app.store.messages, pilot)
        await until(
            lambda: desk.step_reporter is not None and desk.step_reporter.failed == 0, pilot
        )
        await pilot.pause(0.3)
    again = desk_app(live, tmp_path, config_dir)  # another workstation, the same agent
    async with again.run_test(size=(120, 40)) as pilot:
        desk = await log_in(pilot)
        pane = desk.query_one(ScriptPane)
        await until(lambda: pane.walker is not None and pane.walker.current == "tariffs", pilot)
        assert pane.path == [("greet", "1")]
        assert again.store.call is not None and again.store.call.call_id == call_id
        assert again.store.call.queue_id == "enquiry"
        assert [m.text for m in again.store.messages] == ["请注意排队 / Mind the queue"]
        assert "No script for this call" not in screen_text(again)


async def test_a_ringing_call_rings_the_bell_counts_down_and_a_missed_call_is_said_plainly(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    rings: list[None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.bell = lambda: rings.append(None)  # type: ignore[method-assign]
        desk = await log_in_ready(pilot)
        await until(lambda: desk.codes.ring_timeout_s, pilot)
        await world.send_call("enquiry", "C000001")
        await until(lambda: app.store.state == "reserved", pilot)
        await until(lambda: "answer within 15 s" in screen_text(app), pilot)
        assert rings  # the terminal's bell
        await world.advance(16)
        await until(lambda: app.store.reason == "ring_no_answer", pilot)
        await until(
            lambda: any("went back to the queue" in n.message for n in app._notifications), pilot
        )
        assert "NOT READY 示忙 (未接听" in screen_text(app)
        assert "ring_no_answer" not in screen_text(app)


async def test_the_bell_stays_silent_when_the_agent_turned_it_off(
    live: LiveServer, world: World, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    quiet = desk_app(live, tmp_path, config_dir, ring_bell=False)
    rings: list[None] = []
    async with quiet.run_test(size=(120, 40)) as pilot:
        quiet.bell = lambda: rings.append(None)  # type: ignore[method-assign]
        await log_in_ready(pilot)
        await world.send_call("enquiry", "C000001")
        await until(lambda: quiet.store.state == "reserved", pilot)
        await pilot.pause(0.2)
        assert not rings


async def test_after_logging_out_the_password_is_asked_again(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = desk_app(live, tmp_path, config_dir)  # the password typed in, as the demo does
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("alt+l")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, LoginScreen), pilot)
        assert app.screen.query_one("#password", Input).value == ""


async def test_a_key_that_does_not_apply_says_why(app: ShellApp, world: World) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", "C000001")
        assert " F7  Consult " in screen_text(app)  # consult and reject are in the hints now
        await pilot.press("f8")  # conference without a consult
        await until(
            lambda: any("No consult in progress: F7" in n.message for n in app._notifications),
            pilot,
        )
        assert app.store.state == "busy"


async def test_a_picker_filter_that_matches_nothing_says_so(app: ShellApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await pilot.press("f3")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press(*"zzz")
        await until(lambda: "Nothing matches “zzz”" in screen_text(app), pilot)
