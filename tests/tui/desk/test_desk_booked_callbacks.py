"""Callbacks at a date and time on the desk (issue 9), by keys against the real server:
booked for `明天 10:30`, refused on a closed day with the hours named and what was typed
kept, listed with the desk's key and cancelled from the list. Pictures of the dialog and
the list at 80×24 and 120×40."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from desk_live import (
    World,
    answer_a_call,
    go_ready,
    hang_up_and_wrap_up,
    line_words,
    log_in,
    log_in_ready,
)
from live_helpers import until
from test_desk_snapshots import SIZE_IDS, SIZES, DeskPicture, Size, desk_picture, live
from textual.pilot import Pilot
from textual.widgets import Input

from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.callback_time import parse_when
from agent_tui.workspaces.desk.dialogs import CallbackDialog
from agent_tui.workspaces.desk.screen import DeskScreen
from server_stub.server.testing import LiveServer, stored_log

__all__ = ["desk_picture", "live"]  # the fixtures, shared with the desk's other pictures

NOW = datetime.fromisoformat("2026-11-23T10:00:00+08:00")  # the test centre's sim time 0


def test_the_dialog_reads_dates_times_and_days_in_words() -> None:
    assert parse_when("2026-12-03 10:30", NOW) == NOW.replace(month=12, day=3, minute=30)
    assert parse_when("明天 10:30", NOW) == NOW + timedelta(days=1, minutes=30)
    assert parse_when("tomorrow 9：05", NOW) == NOW.replace(day=24, hour=9, minute=5)
    assert parse_when("12-01 08:00", NOW) == NOW.replace(month=12, day=1, hour=8)
    assert parse_when("15:00", NOW) == NOW.replace(hour=15)
    for wrong, words in (
        ("09:00", "has passed"),
        ("25:00", "not a time of day"),
        ("2026-02-30 10:00", "not a date on the calendar"),
        ("someday 10:00", "not a date"),
        ("", "When?"),
    ):
        with pytest.raises(ValueError, match=words):
            parse_when(wrong, NOW)


async def _open_the_dialog(pilot: Pilot[Any], world: World) -> CallbackDialog:
    app = pilot.app
    assert isinstance(app, ShellApp)
    await answer_a_call(pilot, world, "enquiry", "C000003")
    await pilot.press("alt+c")
    await until(lambda: isinstance(app.screen, CallbackDialog), pilot)
    dialog = app.screen
    assert isinstance(dialog, CallbackDialog)
    return dialog


async def _type_when(pilot: Pilot[Any], dialog: CallbackDialog, when: str) -> None:
    field = dialog.query_one("#callback-when", Input)
    field.value = ""
    field.focus()
    await pilot.press(*when)


async def test_a_callback_for_tomorrow_morning_is_booked_for_that_time(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        dialog = await _open_the_dialog(pilot, world)
        await _type_when(pilot, dialog, "明天 10:30")
        await pilot.press("enter")
        await until(lambda: bool(desk.callbacks_scheduled), pilot)
        booked = desk.callbacks_scheduled[0]
        assert booked.due_at == pytest.approx(24.5 * 3600)  # Tuesday 10:30, from Monday 10:00
        scheduled = [e for e in stored_log(live.runtime) if e[1] == "callback.scheduled"]
        assert [e[5]["callback_id"] for e in scheduled] == [booked.id]


async def test_a_callback_on_a_closed_day_is_refused_naming_the_hours_and_keeps_the_typing(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        dialog = await _open_the_dialog(pilot, world)
        dialog.query_one("#callback-note", Input).value = "周日上午 Sunday morning"
        await _type_when(pilot, dialog, "2026-11-29 10:00")  # a Sunday: closed
        await pilot.press("enter")

        def refused_again() -> CallbackDialog | None:
            screen = app.screen
            if isinstance(screen, CallbackDialog) and screen is not dialog and screen.error:
                return screen
            return None

        await until(refused_again, pilot)
        again = refused_again()
        assert again is not None
        shown = again.error  # what the dialog's error line says
        assert "2026-11-29 closed" in shown and "the next opening is 2026-11-30 08:00" in shown
        assert again.query_one("#callback-when", Input).value == "2026-11-29 10:00"
        assert again.query_one("#callback-note", Input).value == "周日上午 Sunday morning"
        assert again.focused is again.query_one("#callback-when", Input)  # what to change
        assert not desk.callbacks_scheduled


async def test_booked_callbacks_are_listed_by_key_and_one_is_cancelled_from_the_list(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        await _open_the_dialog(pilot, world)
        await pilot.press("enter")  # an hour from now, as offered
        await until(lambda: bool(desk.callbacks_scheduled), pilot)
        await pilot.press("alt+g")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        assert "2026-11-23 11:00" in picker.choices[0].label
        await pilot.press("enter")
        await until(
            lambda: app.screen is not picker and isinstance(app.screen, ChoicePicker), pilot
        )
        await pilot.press("enter")  # "Cancel the callback…" is the first answer
        await until(
            lambda: any(e[1] == "callback.cancelled" for e in stored_log(live.runtime)), pilot
        )
        await until(lambda: isinstance(app.screen, DeskScreen), pilot)
        booked = live.runtime.store.callbacks_of("1001")
        assert booked == []


NOTE = "核对账单 check the bill"


async def _booked_callback_dials(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
    """1001 books a callback for an hour from now with a note, wraps the call up, and the
    hour goes by: the server dials the callback from this desk."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    dialog = await _open_the_dialog(pilot, world)
    dialog.query_one("#callback-note", Input).value = NOTE
    await pilot.press("enter")  # an hour from now, as offered
    await until(lambda: bool(desk.callbacks_scheduled), pilot)
    await hang_up_and_wrap_up(pilot, "resolved")
    await world.advance(3600)
    await until(lambda: app.store.call is not None and app.store.state == "reserved", pilot)


async def test_a_booked_callback_falls_due_and_dials_from_the_desk_with_its_note(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        await _booked_callback_dials(pilot, world, desk)
        number = desk.callbacks_scheduled[0].number  # the caller's, as the dialog offered it
        call = app.store.call
        assert call is not None and call.direction == "outbound" and call.ani == number
        await until(lambda: "Booked callback" in line_words(app), pilot)
        words = line_words(app)
        assert "due 11:00" in words and NOTE in words and "booked by" not in words  # its own
        assert f"Dialling 外呼中 {number}" in words  # and still the dial's own line
        told = [n.message for n in app._notifications if "callback you booked" in n.message]
        assert told == [f"A callback you booked is due, to {number}: {NOTE}"]
        assert live.runtime.store.callbacks_of("1001") == []  # placed: off the list


async def test_another_agent_s_booked_callback_comes_from_the_queue_saying_whose_it_was(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    """1002 books a callback and is in a meeting when it falls due: the queue offers it to
    this desk, which says who booked it and why."""
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)  # 1001 stays not ready while 1002 takes the first call
        other = await world.agent("1002")
        assert (await other.post("/v1/agent/state", json={"state": "ready"})).status_code == 200
        call_id = await world.send_call("enquiry", "C000003")
        assert (await other.post(f"/v1/calls/{call_id}/answer")).status_code == 200
        booking = {
            "request_id": "cb-other-0001",
            "customer_id": "C000003",
            "number": "13900139000",
            "due_at": 3600.0,
            "note": NOTE,
        }
        assert (await other.post("/v1/callbacks", json=booking)).status_code == 201
        assert (await other.post(f"/v1/calls/{call_id}/hangup")).status_code == 200
        wrapup = {"code": "resolved", "notes": "", "script_path": []}
        assert (await other.post(f"/v1/calls/{call_id}/wrapup", json=wrapup)).status_code == 200
        meeting = {"state": "not_ready", "reason": "meeting"}
        assert (await other.post("/v1/agent/state", json=meeting)).status_code == 200
        await go_ready(pilot)
        await world.advance(3600)
        await until(lambda: "Booked callback" in line_words(app), pilot)
        words = line_words(app)
        assert "booked by 1002" in words and NOTE in words
        call = app.store.call
        assert call is not None and call.status == "ringing" and call.ani == "13900139000"
        told = [n.message for n in app._notifications if "callback booked" in n.message]
        assert told == [f"A callback booked by 1002 is due, to 13900139000: {NOTE}"]
        await other.aclose()


# ------------------------------------------------------------------ pictures


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_callback_dialog_refused(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await go_ready(pilot)
        dialog = await _open_the_dialog(pilot, world)
        await _type_when(pilot, dialog, "2026-11-29 10:00")
        await pilot.press("enter")
        await until(
            lambda: isinstance(pilot.app.screen, CallbackDialog) and bool(pilot.app.screen.error),
            pilot,
        )

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_booked_callbacks_list(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await go_ready(pilot)
        dialog = await _open_the_dialog(pilot, world)
        await _type_when(pilot, dialog, "2026-11-23 16:45")
        await pilot.press("enter")
        await until(lambda: len(desk.callbacks_scheduled) == 1, pilot)
        await pilot.press("alt+c")
        await until(lambda: isinstance(pilot.app.screen, CallbackDialog), pilot)
        second = pilot.app.screen
        assert isinstance(second, CallbackDialog)
        await _type_when(pilot, second, "明天 10:30")
        await pilot.press("enter")
        await until(lambda: len(desk.callbacks_scheduled) == 2, pilot)
        pilot.app.clear_notifications()  # the booking's notices would show through
        await pilot.pause()
        await pilot.press("alt+g")
        await until(lambda: isinstance(pilot.app.screen, ChoicePicker), pilot)

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_booked_callback_dialling(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await go_ready(pilot)
        await _booked_callback_dials(pilot, world, desk)
        await until(lambda: "Booked callback" in line_words(desk.app), pilot)
        pilot.app.clear_notifications()  # the notices would show through
        await pilot.pause()

    assert desk_picture(size, steps)
