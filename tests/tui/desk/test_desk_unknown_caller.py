"""An unknown caller is no dead end (issue 9, defect 4; IN5): the agent finds the caller
or adds their record during the call, and then the ticket and the callback work."""

from __future__ import annotations

from desk_live import World, answer_a_call, log_in_ready
from live_helpers import screen_text, until
from textual.widgets import Input, OptionList

from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.caller_lookup import CallerLookup, NewCallerDialog
from agent_tui.workspaces.desk.dialogs import CallbackDialog
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.ticket_form import TicketForm
from server_stub.protocol.api import CustomerRecord
from server_stub.server.testing import LiveServer, stored_log


def _desk(app: ShellApp) -> DeskScreen:
    for screen in app.screen_stack:
        if isinstance(screen, DeskScreen):
            return screen
    raise AssertionError("no desk")


def _chinese_named(live: LiveServer) -> CustomerRecord:
    """The first seeded customer whose name is written in Chinese."""
    for index in range(1, 200):
        record = live.runtime.store.customer(f"C{index:06d}")
        if record is not None and any("\u4e00" <= ch <= "\u9fff" for ch in record.name):
            return record
    raise AssertionError("no customer with a Chinese name")


async def test_an_unknown_caller_found_by_a_chinese_name_is_linked_and_gets_a_ticket(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    record = _chinese_named(live)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry", None)
        assert "Alt+I" in screen_text(app)  # the hints offer the lookup for an unknown caller
        await pilot.press("alt+i")
        await until(lambda: isinstance(app.screen, CallerLookup), pilot)
        await pilot.press(*record.name)
        lookup = app.screen
        assert isinstance(lookup, CallerLookup)
        await until(lambda: any(v.customer.id == record.id for v in lookup.found), pilot)
        options = lookup.query_one(OptionList)
        while options.get_option_at_index(options.highlighted or 0).id != record.id:
            await pilot.press("down")  # namesakes come first: the agent moves to the right one
        await pilot.press("enter")
        desk = _desk(app)
        await until(lambda: desk.query_one(TicketForm).customer_id == record.id, pilot)
        assert app.store.call is not None and app.store.call.customer_id == record.id
        await until(lambda: record.name in screen_text(app), pilot)
        await pilot.press("ctrl+t")
        await pilot.press("down", "down", "enter")  # a category
        await pilot.press("tab", "tab", "tab", *"账单疑问 bill question")
        await pilot.press("ctrl+s")
        await until(lambda: desk.query_one(TicketForm).tickets != [], pilot, timeout=10)
        saved = live.runtime.store.tickets_for_customer(record.id)
        assert [(t.call_id, t.subject) for t in saved] == [(call_id, "账单疑问 bill question")]


async def test_an_unknown_caller_gets_a_new_record_linked_at_once_and_a_callback(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry", None)
        await pilot.press("alt+i")
        await until(lambda: isinstance(app.screen, CallerLookup), pilot)
        await pilot.press(*"Zhang Wei Nobody")
        lookup = app.screen
        assert isinstance(lookup, CallerLookup)
        await until(lambda: "No customer matches" in screen_text(app), pilot)
        await pilot.press("enter")  # the only line: a new record
        await until(lambda: isinstance(app.screen, NewCallerDialog), pilot)
        assert app.screen.query_one("#new-name", Input).value == "Zhang Wei Nobody"
        await pilot.press("tab", "tab", *"上海市浦东新区 88 号", "tab", *"开通宽带 new broadband")
        await pilot.press("enter")
        desk = _desk(app)
        await until(lambda: desk.query_one(TicketForm).customer_id is not None, pilot)
        customer_id = desk.query_one(TicketForm).customer_id
        assert customer_id is not None and customer_id.startswith("N")
        made = live.runtime.store.customer(customer_id)
        assert made is not None and made.address == "上海市浦东新区 88 号"
        links = [e for e in stored_log(live.runtime) if e[1] == "call.customer_linked"]
        assert [(e[2], e[5]["need"]) for e in links] == [(call_id, "开通宽带 new broadband")]
        await until(lambda: "Zhang Wei Nobody" in screen_text(app), pilot)
        assert "Alt+I" not in screen_text(app).split("\n")[-1]  # the caller is known now
        # The need became the ticket's subject; the callback key works now.
        assert desk.query_one(TicketForm).fields()["subject"] == "开通宽带 new broadband"
        await pilot.press("alt+c")
        await until(lambda: isinstance(app.screen, CallbackDialog), pilot)


async def test_a_ticket_for_an_unknown_caller_says_which_key_finds_or_adds_them(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", None)
        await pilot.press("ctrl+t")
        desk = _desk(app)
        form = desk.query_one(TicketForm)
        assert "Alt+I finds the customer or adds their record" in str(form.border_subtitle)
        await pilot.press("ctrl+s")
        await until(lambda: "Alt+I finds the customer" in _notices(app), pilot)
        await pilot.press("alt+c")  # a callback too says how
        await until(lambda: "callback needs a caller with a record: Alt+I" in _notices(app), pilot)


def _notices(app: ShellApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def test_the_ticket_pane_closes_with_esc_and_with_the_key_that_opened_it(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", None)
        desk = _desk(app)
        switcher = desk.query_one("#desk-work")
        await pilot.press("ctrl+t")
        await until(lambda: getattr(switcher, "current", None) == "ticket-form", pilot)
        assert "Close ticket 关闭工单" in screen_text(app)
        await pilot.press("escape")
        await until(lambda: getattr(switcher, "current", None) == "script-pane", pilot)
        await pilot.press("ctrl+t")
        await until(lambda: getattr(switcher, "current", None) == "ticket-form", pilot)
        await pilot.press("ctrl+t")
        await until(lambda: getattr(switcher, "current", None) == "script-pane", pilot)
        assert not isinstance(app.screen, ChoicePicker)
