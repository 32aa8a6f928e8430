"""The desk screen fed by hand-built state, with no server behind it (port 9 refuses).

These check what the desk decides by itself: which keys it offers in each state, that the
card needs nothing but the offered event, that drafts come back. Whole calls against the
real server are in test_desk_calls.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from desk_fixtures import FROZEN_WALL, make_store, ringing_call
from live_helpers import screen_text
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher

from agent_tui.drafts import DraftStore
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.screen import PANE_TICKET, DeskScreen
from agent_tui.workspaces.desk.ticket_form import DRAFT_KIND, TicketForm

UNREACHABLE = "http://127.0.0.1:9"


def _app(tmp_path: Path, config_dir: Path) -> ShellApp:
    return ShellApp(
        UNREACHABLE,
        data_dir=tmp_path,
        config_dir=config_dir,
        cursor_blink=False,
        clock=lambda: FROZEN_WALL,
        request_timeout=0.5,
    )


async def _desk(app: ShellApp, pilot: Pilot[Any]) -> DeskScreen:
    app._store = make_store()
    await app.switch_screen(DeskScreen())
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    return screen


def _offered(desk: DeskScreen) -> set[str]:
    names = [
        "ready",
        "not_ready",
        "pending",
        "answer",
        "reject",
        "toggle_hold",
        "transfer",
        "consult",
        "conference",
        "hangup",
        "dial",
        "callback",
        "focus_script",
        "focus_ticket",
        "submit_ticket",
        "wrapup",
    ]
    return {name for name in names if desk.check_action(name, ())}


async def test_keys_offered_follow_the_agent_state(tmp_path: Path, config_dir: Path) -> None:
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        state = app.store
        assert _offered(desk) == {"ready", "not_ready", "dial"}
        assert desk.logout_allowed()

        state.state = "reserved"
        state.call = ringing_call()
        app.publish(frozenset({"agent", "call"}))
        await pilot.pause()
        assert {"answer", "reject", "pending"} <= _offered(desk)
        assert not desk.logout_allowed()  # the shift ends between calls
        assert not {"hangup", "toggle_hold", "ready", "wrapup"} & _offered(desk)

        state.state, state.leg = "busy", "talking"
        state.call = replace(state.call, status="talking")
        app.publish(frozenset({"agent", "call"}))
        await pilot.pause()
        talking = _offered(desk)
        assert {
            "toggle_hold",
            "transfer",
            "consult",
            "hangup",
            "callback",
            "focus_ticket",
        } <= talking
        assert not {"answer", "conference", "wrapup", "ready", "dial"} & talking

        state.state = "wrap_up"
        state.call = replace(state.call, status="ended")
        state.wrapup_deadline = 1060.0
        app.publish(frozenset({"agent", "call"}))
        await pilot.pause()
        assert "wrapup" in _offered(desk)
        assert not {"hangup", "answer", "ready"} & _offered(desk)


async def test_the_card_shows_the_caller_from_the_offered_event_without_the_server(
    tmp_path: Path, config_dir: Path
) -> None:
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        app.store.state = "reserved"
        app.store.call = ringing_call()
        app.publish(frozenset({"call"}))
        await pilot.pause()
        card = desk.query_one(CustomerCard)
        assert card.call_id == "C000042"
        assert "张伟 Zhang Wei" in screen_text(app)
        assert card.has_class("-vip")


async def test_an_unsent_ticket_draft_comes_back_after_a_crash(
    tmp_path: Path, config_dir: Path
) -> None:
    DraftStore(tmp_path / "drafts").save(
        DRAFT_KIND,
        "C000007",
        {
            "category": "complaint",
            "priority": "high",
            "department": "",
            "subject": "账单多扣费 Overcharged",
            "description": "",
            "request_id": "a" * 32,
            "customer_id": "K00002",
        },
    )
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        assert desk.check_action("focus_ticket", ())
        await pilot.press("ctrl+t")
        await pilot.pause()
        form = desk.query_one(TicketForm)
        request = form.request()
        assert request.subject == "账单多扣费 Overcharged"
        assert request.request_id == "a" * 32  # the retry is the same ticket
        assert request.call_id == "C000007"
        assert request.customer_id == "K00002"


_OLD_DRAFT = {
    "category": "fault",
    "priority": "normal",
    "department": "",
    "subject": "旧草稿 old draft",
    "description": "",
    "request_id": "b" * 32,
    "customer_id": "K1",
}


async def test_an_orphan_draft_is_offered_once_and_can_be_discarded_with_esc(
    tmp_path: Path, config_dir: Path
) -> None:
    DraftStore(tmp_path / "drafts").save(DRAFT_KIND, "c1", _OLD_DRAFT)
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        assert desk.orphan_ticket_draft
    app = _app(tmp_path, config_dir)  # the next session: not offered again
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        assert not desk.orphan_ticket_draft
        assert not desk.check_action("focus_ticket", ())
    assert DraftStore(tmp_path / "drafts").load(DRAFT_KIND, "c1") is not None  # not lost


async def test_esc_on_an_orphan_draft_asks_and_discards_it(
    tmp_path: Path, config_dir: Path
) -> None:
    DraftStore(tmp_path / "drafts").save(DRAFT_KIND, "c1", _OLD_DRAFT)
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert desk.query_one(ContentSwitcher).current == PANE_TICKET
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press(*"discard", "enter")
        await pilot.pause()
        assert desk.query_one(ContentSwitcher).current != PANE_TICKET
        assert not desk.check_action("focus_ticket", ())
    assert DraftStore(tmp_path / "drafts").pending(DRAFT_KIND) == []


async def test_a_ticket_pane_opened_as_the_call_arrives_is_not_taken_away(
    tmp_path: Path, config_dir: Path
) -> None:
    """Ctrl+T pressed between the card's first frame and the call's setup (a slow machine)
    keeps the ticket form on screen: the setup must not switch back to the script."""
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await _desk(app, pilot)
        call = ringing_call()
        app.store.state = "reserved"
        app.store.call = call
        desk.call_id = call.call_id  # the card is drawn; the setup waits for the next frame
        desk.action_focus_ticket()
        desk._start_call(call)
        await pilot.pause()
        assert desk.query_one(ContentSwitcher).current == PANE_TICKET
