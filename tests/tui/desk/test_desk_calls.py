"""Whole calls on the desk, by keys, against the real server (paused clock, quiet centre).

Only agents 1001 and 1002 work the quiet centre and nobody calls unless the trainer sends
a call, so every call rings where the test expects.
"""

from __future__ import annotations

from desk_live import World, answer_a_call, log_in, log_in_ready, pick
from live_helpers import AGENT, screen_text, until

from agent_tui.client.call_parties import CallPartiesSection
from agent_tui.shell.app import ShellApp
from agent_tui.shell.login import LoginScreen
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.dialogs import CallbackDialog, MessageLogScreen
from agent_tui.workspaces.desk.message_banner import MessageBanner
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.script_pane import ScriptPane
from agent_tui.workspaces.desk.wrapup_panel import WrapupPanel
from server_stub.server.testing import LiveServer, stored_log


async def test_not_ready_asks_for_a_reason_and_ready_is_one_key(app: ShellApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await pick(pilot, "f3", "lunch")
        await until(lambda: app.store.state == "not_ready", pilot)
        assert app.store.reason == "lunch"


async def test_a_call_is_answered_held_retrieved_hung_up_and_wrapped_up_by_keys(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)

        call_id = await world.send_call("fault")
        await until(lambda: desk.query_one(CustomerCard).call_id == call_id, pilot)
        assert "RINGING" in screen_text(app)
        await pilot.press("f4")
        await until(lambda: app.store.call and app.store.call.status == "talking", pilot)
        await until(lambda: desk.query_one(ScriptPane).walker is not None, pilot)

        await pilot.press("f5")
        await until(lambda: app.store.call and app.store.call.status == "held", pilot)
        await pilot.press("f5")
        await until(lambda: app.store.call and app.store.call.status == "talking", pilot)
        await pilot.press("f9")
        await until(lambda: app.store.state == "wrap_up", pilot)
        await until(lambda: desk.wrapup_call_id == call_id, pilot)
        await pilot.press(*"ok 好")
        await pick(pilot, "f10", "no_action")
        await until(lambda: app.store.state in ("ready", "not_ready"), pilot)
        await until(lambda: app.store.call is None, pilot)
        await until(lambda: desk.query_one(CustomerCard).call_id is None, pilot)
        assert not app.drafts.pending()  # the notes went with the wrap-up


async def test_the_script_greets_the_caller_with_the_centre_s_own_name(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in_ready(pilot)
        await world.send_call("enquiry")
        await pilot.press("f4")
        await until(lambda: desk.query_one(ScriptPane).walker is not None, pilot)
        chinese_name = live.runtime.config.centre.name.split()[0]  # the English part may wrap
        assert f"您好!{chinese_name}" in screen_text(app)


async def test_a_call_can_be_rejected_and_the_desk_goes_back_to_idle(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        call_id = await world.send_call("enquiry")
        await until(lambda: desk.query_one(CustomerCard).call_id == call_id, pilot)
        await pilot.press("ctrl+r")
        await until(lambda: desk.query_one(CustomerCard).call_id is None, pilot)
        assert app.store.state != "reserved"


async def test_a_pending_state_set_during_a_call_applies_after_wrap_up(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry")
        await pick(pilot, "ctrl+n", "break")
        await until(
            lambda: app.store.pending is not None and app.store.pending.reason == "break", pilot
        )
        await pilot.press("f9")
        await until(lambda: desk.wrapup_call_id == call_id, pilot)
        await pick(pilot, "f10", "resolved")
        await until(lambda: app.store.state == "not_ready", pilot)
        assert app.store.reason == "break"


async def test_a_blind_transfer_to_a_queue_is_picked_from_the_directory(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "fault")
        await pick(pilot, "f6", "complaints")
        await until(lambda: app.store.state != "busy", pilot)
        assert app.store.state in ("wrap_up", "ready", "not_ready")


async def test_a_supervisor_message_stands_out_and_stays_in_the_log(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in(pilot)
        await world.message("海淀区光缆中断,请使用统一口径 / Fibre cut in Haidian", team_id="A")
        banner = desk.query_one(MessageBanner)
        await until(lambda: banner.has_class("-shown"), pilot)
        await pilot.pause()
        assert "Fibre cut in Haidian" in screen_text(app)
        await pilot.press("alt+m")
        await until(lambda: isinstance(app.screen, MessageLogScreen), pilot)
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, DeskScreen), pilot)
        assert not banner.has_class("-shown")
        assert app.store.messages[-1].read
        assert "Messages 消息" in screen_text(app)  # the log beside the card, wide screens
        assert "Fibre cut" in screen_text(app)


async def test_an_outbound_call_is_dialled_from_the_dialog(app: ShellApp, world: World) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in(pilot)
        await pilot.press("ctrl+o")
        await pilot.press(*"13900001111", "enter")
        await until(lambda: app.store.state == "reserved", pilot)
        await world.advance(60)  # the far end picks up after some rings
        await until(lambda: app.store.call is not None, pilot)
        call = app.store.call
        assert call is not None and call.direction == "outbound"
        await pilot.press("f9")
        await until(lambda: desk.wrapup_call_id == call.call_id, pilot)
        assert isinstance(desk.query_one(WrapupPanel), WrapupPanel)
        assert app.store.agent_id == AGENT


async def test_a_consult_transfer_to_another_agent_is_completed_from_the_consult_key(
    app: ShellApp, world: World
) -> None:
    other = await world.agent("1002")
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry")
        ready = await other.post("/v1/agent/state", json={"state": "ready"})
        assert ready.status_code == 200, ready.text
        await pick(pilot, "f7", "1002")
        await until(lambda: desk.consulting, pilot)
        await until(lambda: app.store.call and app.store.call.status == "held", pilot)
        answered = await other.post(f"/v1/calls/{call_id}/answer")
        assert answered.status_code == 200, answered.text
        # the consult key offers to complete once the desk has heard the answer
        await until(lambda: _consult_phase(app) == "answered", pilot)
        await pick(pilot, "f7", "complete")
        await until(lambda: app.store.state == "wrap_up", pilot)
        await other.aclose()


async def test_a_callback_is_scheduled_for_the_caller_from_the_dialog(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", "C000003")
        await pilot.press("alt+c")
        await until(lambda: isinstance(app.screen, CallbackDialog), pilot)
        await pilot.press("enter")  # the caller's number and an hour from now, as offered
        await until(lambda: isinstance(app.screen, DeskScreen), pilot)
        await until(lambda: bool(desk.callbacks_scheduled), pilot)
        callback = desk.callbacks_scheduled[0]
        assert callback.customer_id == "C000003"
        assert live.runtime.store.callback_by_request(callback.request_id) is not None


async def test_log_out_asks_why_and_the_centre_has_the_agent_logged_out_for_that_reason(
    app: ShellApp, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pick(pilot, "alt+l", "training")
        await until(lambda: isinstance(app.screen, LoginScreen), pilot)
        reasons = [
            data.get("reason")
            for _, kind, _, agent_id, _, data in stored_log(live.runtime)
            if kind == "agent.state_changed" and agent_id == AGENT and data["to"] == "logged_out"
        ]
        assert reasons == ["training"]


async def test_log_out_is_refused_with_a_word_while_a_call_is_on_the_desk(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry")
        await pilot.press("alt+l")
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)
        assert any("log out between calls" in n.message for n in app._notifications)


def _consult_phase(app: ShellApp) -> str | None:
    call = app.store.call
    consult = app.store.section(CallPartiesSection).consult_on(call.call_id if call else None)
    return consult.phase if consult is not None else None
