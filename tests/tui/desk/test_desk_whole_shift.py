"""A whole shift at the desk by keys only, under each shipped keymap: agent 1001 works nine
calls against the real server (the quiet centre with the team leader seated, its clock
paused, so every call rings here and the test is exact).

Along the shift: an unknown caller found by a search and linked, another given a new
record, a ticket on every call answered, a consult to the team leader completed, a
conference with its parties on the call strip, a callback booked for `明天 10:30`, a
knowledge article opened from the script's step, a caller sent to the survey, a wrap-up
that runs out with the notes typed kept, and a missed call, said plainly, that rings again
and is answered. At the end My shift counts the calls the centre's log counts.

Only the world around the desk uses HTTP: the trainer sending callers, the team leader
answering a consult and leaving it, the admin stepping the paused clock. Every key the
agent presses is the keymap's own (`app.keymap`), never a literal key of one keymap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from desk_live import World, desk_app, line_words, log_in, pick
from live_helpers import TEAM_LEADER, screen_text, team_leader_centre, until
from test_desk_call_parties import _leader_ready, _phase
from test_desk_unknown_caller import _chinese_named
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, Input, OptionList

from agent_tui.keymap import available_keymaps
from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.desk.caller_lookup import CallerLookup, NewCallerDialog
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.dialogs import CallbackDialog
from agent_tui.workspaces.desk.knowledge_pane import KnowledgePane
from agent_tui.workspaces.desk.my_shift import MyShift
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.survey import SENT_TEXT, SENT_TITLE
from agent_tui.workspaces.desk.ticket_form import TicketForm
from server_stub.protocol.events import EventType
from server_stub.server.testing import LiveServer, start_live_server, stored_log

AGENT_ID = "1001"
NEW_CALLER = "Zhang Nobody"
NEW_NEED = "开宽带 broadband"
LATE_NOTES = "要短信 SMS"
TOMORROW_MORNING = 24.5 * 3600  # `明天 10:30` from the centre's Monday 10:00 (sim time 0)


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """The quiet centre with the team leader 1100 seated (the consult's target); paused."""
    with start_live_server(team_leader_centre(), speed=0.0, seed=1) as server:
        yield server


class Desk:
    """Agent 1001 at the desk: the keymap's keys for the actions, and the steps of a call."""

    def __init__(self, pilot: Pilot[Any], world: World, live: LiveServer) -> None:
        app = pilot.app
        assert isinstance(app, ShellApp)
        self.app, self.pilot, self.world, self.live = app, pilot, world, live
        self.answered: list[str] = []  # the calls answered, in order
        self.tickets: dict[str, tuple[str, str, str]] = {}  # id → call, category, subject

    # -- keys ---------------------------------------------------------------------------

    def key(self, binding_id: str) -> str:
        """The key to press for an action in the keymap in force."""
        keys = self.app.keymap.keys_for(binding_id)
        assert keys, f"{binding_id} has no key in the {self.app.keymap.name} keymap"
        return keys[0]

    def shown(self, binding_id: str) -> str:
        """The key as the screen names it (`F4`, `Ctrl+O`)."""
        return self.app.keymap.key(binding_id)

    async def press(self, binding_id: str) -> None:
        await self.pilot.press(self.key(binding_id))

    # -- what the agent sees --------------------------------------------------------------

    @property
    def screen(self) -> DeskScreen:
        for screen in self.app.screen_stack:
            if isinstance(screen, DeskScreen):
                return screen
        raise AssertionError("no desk")

    def text(self) -> str:
        return screen_text(self.app)

    def hints(self) -> str:
        """The key hints: the bottom line of the screen."""
        return self.text().rstrip("\n").splitlines()[-1]

    def told(self, words: str) -> bool:
        return any(words in n.message for n in self.app._notifications)

    def log(self, kind: str, call_id: str | None = None) -> list[dict[str, Any]]:
        """The data of the events of `kind` (on `call_id`) in the centre's stored log."""
        return [
            e[5]
            for e in stored_log(self.live.runtime)
            if e[1] == kind and (call_id is None or e[2] == call_id)
        ]

    async def until(self, condition: Any, timeout: float = 10.0) -> None:
        await until(condition, self.pilot, timeout=timeout)

    # -- the steps of a call --------------------------------------------------------------

    async def ready(self) -> None:
        await self.press("agent.ready")
        await self.until(lambda: self.app.store.state == "ready")

    async def ringing(self, queue_id: str, customer_id: str | None) -> str:
        """The trainer sends a caller; the card shows it ringing here. Its call id."""
        call_id = await self.world.send_call(queue_id, customer_id)
        await self.until(lambda: self.screen.query_one(CustomerCard).call_id == call_id)
        return call_id

    async def answer(self, call_id: str) -> None:
        await self.press("call.answer")
        await self.until(
            lambda: (
                self.app.store.state == "busy"
                and self.app.store.call is not None
                and self.app.store.call.call_id == call_id
            )
        )
        self.answered.append(call_id)

    async def take_call(self, queue_id: str, customer_id: str | None) -> str:
        call_id = await self.ringing(queue_id, customer_id)
        await self.answer(call_id)
        return call_id

    async def file_ticket(self, call_id: str, category: str, subject: str | None) -> str:
        """The ticket key opens the form on the category; the category picked from its list,
        the subject typed (None: the one already there), the save key. The ticket's id."""
        form = self.screen.query_one(TicketForm)
        switcher = self.screen.query_one("#desk-work", ContentSwitcher)
        await self.press("desk.ticket")
        await self.until(lambda: switcher.current == "ticket-form")
        offered = [c.code for c in self.screen.codes.ticket_categories]
        downs = ["down"] * (offered.index(category) + 1)  # past "choose…" to the category
        await self.pilot.press("down", *downs, "enter")  # open the list, move, take it
        await self.until(lambda: form.fields()["category"] == category)
        if subject is not None:
            await self.pilot.press("tab", "tab", "tab", *subject)  # priority, department
        subject = form.fields()["subject"]
        await self.press("ticket.submit")
        await self.until(lambda: any(t.call_id == call_id for t in form.tickets))
        ticket = next(t for t in form.tickets if t.call_id == call_id)
        await self.until(lambda: self.told(f"Ticket {ticket.id} saved"))
        await self.until(lambda: switcher.current != "ticket-form")  # back where it was
        self.tickets[ticket.id] = (call_id, category, subject)
        return ticket.id

    async def hang_up(self, call_id: str) -> None:
        await self.press("call.hangup")
        await self.until(lambda: self.screen.wrapup_call_id == call_id)
        assert self.app.store.state == "wrap_up"

    async def wrap_up(self, code: str) -> None:
        """The wrap-up key, the code picked by typing it; ready again for the next call."""
        await pick(self.pilot, self.key("desk.wrapup"), code)
        await self.until(lambda: self.app.store.state == "ready" and self.app.store.call is None)

    async def leader_leaves(self, leader: httpx.AsyncClient, call_id: str) -> None:
        """The team leader's own end of the call: hang up if still on it, wrap up, and go
        not ready, so that the shift's next callers ring at 1001 again."""
        me = (await leader.get("/v1/me")).json()
        if me["state"] == "busy":
            assert (await leader.post(f"/v1/calls/{call_id}/hangup")).status_code == 200
            me = (await leader.get("/v1/me")).json()
        if me["state"] == "wrap_up":
            done = await leader.post(f"/v1/calls/{call_id}/wrapup", json={"code": "resolved"})
            assert done.status_code == 200, done.text
        away = await leader.post("/v1/agent/state", json={"state": "not_ready", "reason": "break"})
        assert away.status_code == 200, away.text
        await leader.aclose()


# ------------------------------------------------------------------ the shift's calls


async def unknown_caller_found_by_search(desk: Desk) -> str:
    """Call 1: no record comes with the caller; the lookup key, the name typed, the right
    one of the namesakes, Enter: the call is the customer's."""
    app, record = desk.app, _chinese_named(desk.live)
    call_id = await desk.take_call("enquiry", None)
    await desk.until(lambda: desk.shown("desk.caller") in desk.hints())  # the hint offers it
    await desk.press("desk.caller")
    await desk.until(lambda: isinstance(app.screen, CallerLookup))
    lookup = app.screen
    assert isinstance(lookup, CallerLookup)
    await desk.pilot.press(*record.name)
    await desk.until(lambda: any(v.customer.id == record.id for v in lookup.found))
    options = lookup.query_one(OptionList)
    for _ in lookup.found:  # namesakes may come first: down to the right one
        if options.get_option_at_index(options.highlighted or 0).id == record.id:
            break
        await desk.pilot.press("down")
    assert options.get_option_at_index(options.highlighted or 0).id == record.id
    await desk.pilot.press("enter")
    await desk.until(lambda: desk.screen.query_one(TicketForm).customer_id == record.id)
    assert app.store.call is not None and app.store.call.customer_id == record.id
    await desk.until(lambda: record.name in desk.text())
    linked = desk.log(EventType.CALL_CUSTOMER_LINKED, call_id)
    assert [(e["customer_id"], e["created"]) for e in linked] == [(record.id, False)]
    await desk.file_ticket(call_id, "billing", "账单 bill")
    await desk.hang_up(call_id)
    await desk.wrap_up("ticket_created")
    return call_id


async def unknown_caller_given_a_record(desk: Desk) -> str:
    """Call 2: nobody matches; Enter on the only line makes a new record, with the need
    the caller called about, which becomes the ticket's subject."""
    app = desk.app
    call_id = await desk.take_call("enquiry", None)
    await desk.press("desk.caller")
    await desk.until(lambda: isinstance(app.screen, CallerLookup))
    await desk.pilot.press(*NEW_CALLER)
    await desk.until(lambda: "No customer matches" in desk.text())
    await desk.pilot.press("enter")
    await desk.until(lambda: isinstance(app.screen, NewCallerDialog))
    assert app.screen.query_one("#new-name", Input).value == NEW_CALLER
    await desk.pilot.press("tab", "tab", *"浦东 88 号", "tab", *NEW_NEED, "enter")
    form = desk.screen.query_one(TicketForm)
    await desk.until(lambda: form.customer_id is not None)
    customer_id = form.customer_id
    assert customer_id is not None and customer_id.startswith("N")
    made = desk.live.runtime.store.customer(customer_id)
    assert made is not None and (made.name, made.address) == (NEW_CALLER, "浦东 88 号")
    linked = desk.log(EventType.CALL_CUSTOMER_LINKED, call_id)
    assert [(e["customer_id"], e["created"], e["need"]) for e in linked] == [
        (customer_id, True, NEW_NEED)
    ]
    await desk.until(lambda: NEW_CALLER in desk.text())
    await desk.until(lambda: desk.shown("desk.caller") not in desk.hints())  # known now
    assert form.fields()["subject"] == NEW_NEED
    ticket_id = await desk.file_ticket(call_id, "enquiry", None)
    saved = desk.live.runtime.store.ticket(ticket_id)
    assert saved is not None and (saved.customer_id, saved.subject) == (customer_id, NEW_NEED)
    await desk.hang_up(call_id)
    await desk.wrap_up("ticket_created")
    return call_id


async def consult_the_leader(desk: Desk, customer_id: str) -> tuple[str, httpx.AsyncClient]:
    """A caller answered, a ticket on it; the consult key, the team leader picked by id,
    who answers (over HTTP: it is another person's desk)."""
    app = desk.app
    call_id = await desk.take_call("enquiry", customer_id)
    await desk.file_ticket(call_id, "enquiry", "改套餐 plan")
    leader = await _leader_ready(desk.world)
    await pick(desk.pilot, desk.key("call.consult"), TEAM_LEADER)
    await desk.until(lambda: _phase(app) == "ringing")
    await desk.until(lambda: "ringing 振铃中" in line_words(app))
    await desk.world.advance(3)
    assert (await leader.post(f"/v1/calls/{call_id}/answer")).status_code == 200
    await desk.until(lambda: _phase(app) == "answered")
    await desk.until(lambda: "answered 已接通" in line_words(app))
    return call_id, leader


async def consult_completed(desk: Desk) -> str:
    """Call 3: the consult completed: the caller is the team leader's, 1001 wraps up."""
    app = desk.app
    call_id, leader = await consult_the_leader(desk, "C000001")
    await pick(desk.pilot, desk.key("call.consult"), "complete")
    await desk.until(lambda: app.store.state == "wrap_up")
    moved = desk.log(EventType.CALL_TRANSFERRED, call_id)
    assert [(e["mode"], e["from_agent"], e["to_agent"]) for e in moved] == [
        ("consult", AGENT_ID, TEAM_LEADER)
    ]
    await desk.until(lambda: desk.screen.wrapup_call_id == call_id)
    assert (await leader.get("/v1/me")).json()["state"] == "busy"  # the caller is the leader's
    await desk.wrap_up("transferred")
    await desk.leader_leaves(leader, call_id)
    return call_id


async def conference_with_the_leader(desk: Desk) -> str:
    """Call 4: consult, then all three: the strip lists the parties; the leader leaves
    and the caller is 1001's alone again."""
    app = desk.app
    call_id, leader = await consult_the_leader(desk, "C000002")
    await pick(desk.pilot, desk.key("call.consult"), "conference")
    await desk.until(lambda: _phase(app) == "conference")
    await desk.until(lambda: "Conference 会议" in line_words(app))
    leader_name = next(a.name for a in desk.live.runtime.config.agents if a.id == TEAM_LEADER)
    text = line_words(app)
    assert "you 本人" in text and f"({TEAM_LEADER})" in text
    assert leader_name.split()[0] in text
    joined = desk.log(EventType.CALL_CONFERENCED, call_id)
    assert [e["agents"] for e in joined] == [[AGENT_ID, TEAM_LEADER]]
    assert (await leader.post(f"/v1/calls/{call_id}/hangup")).status_code == 200
    await desk.until(lambda: "hung up 已挂断" in line_words(app))
    await desk.until(lambda: app.store.call is not None and app.store.call.status == "talking")
    await desk.hang_up(call_id)
    await desk.wrap_up("resolved")
    await desk.leader_leaves(leader, call_id)
    return call_id


async def callback_booked_for_tomorrow(desk: Desk) -> str:
    """Call 5: the callback key, the time typed over the one offered, Enter."""
    app = desk.app
    call_id = await desk.take_call("enquiry", "C000003")
    await desk.file_ticket(call_id, "enquiry", "回电 call back")
    await desk.press("call.callback")
    await desk.until(lambda: isinstance(app.screen, CallbackDialog))
    dialog = app.screen
    assert isinstance(dialog, CallbackDialog)
    when = dialog.query_one("#callback-when", Input)
    await desk.pilot.press("tab")  # from the number to the time
    await desk.until(lambda: dialog.focused is when)
    await desk.pilot.press("ctrl+a", "ctrl+k", *"明天 10:30", "enter")
    await desk.until(lambda: bool(desk.screen.callbacks_scheduled))
    booked = desk.screen.callbacks_scheduled[-1]
    assert booked.due_at == pytest.approx(TOMORROW_MORNING)
    await desk.until(lambda: desk.told("Callback booked for 2026-11-24 10:30"))
    scheduled = desk.log("callback.scheduled")
    assert [e["callback_id"] for e in scheduled] == [booked.id]
    stored = desk.live.runtime.store.callbacks_of(AGENT_ID)
    assert [(c.id, c.customer_id, c.due_at) for c in stored] == [
        (booked.id, "C000003", pytest.approx(TOMORROW_MORNING))
    ]
    await desk.hang_up(call_id)
    await desk.wrap_up("callback")
    return call_id


async def knowledge_from_the_script(desk: Desk) -> str:
    """Call 6: a fault caller asks about an outage; the script's step says look it up, and
    the knowledge key opens the step's article beside the call."""
    call_id = await desk.take_call("fault", "C000004")
    await desk.until(lambda: "Asks about an outage" in desk.text())
    await desk.pilot.press("3")
    await desk.until(lambda: f"knowledge base  {desk.shown('desk.knowledge')}" in desk.text())
    await desk.press("desk.knowledge")
    pane = desk.screen.query_one(KnowledgePane)
    await desk.until(lambda: pane.article_id == "outage_notices")
    await desk.until(lambda: "区域停机与故障公告口径" in desk.text())
    assert "Caller 来电客户" in desk.text()  # beside the caller's card
    await desk.until(
        lambda: any(
            e.get("knowledge_article") == "outage_notices" and e.get("pane") == "knowledge"
            for e in desk.log(EventType.AGENT_SCREEN)
        )
    )
    await desk.pilot.press("escape")
    await desk.until(lambda: desk.screen._current_pane() == "script-pane")
    await desk.pilot.press("1")  # a notice covers the address: the script closes
    await desk.until(lambda: "known_outage" in desk.text())
    await desk.file_ticket(call_id, "fault", "检修 outage")
    await desk.hang_up(call_id)
    await desk.wrap_up("info_given")
    return call_id


async def caller_to_the_survey(desk: Desk) -> str:
    """Call 7: the survey key hands the caller to the survey and ends the agent's part of
    the call; the desk wraps up."""
    app = desk.app
    call_id = await desk.take_call("enquiry", "C000005")
    await desk.file_ticket(call_id, "enquiry", "资费 tariff")
    await desk.press("call.survey")
    await desk.until(lambda: app.store.state == "wrap_up")
    await desk.until(
        lambda: any((n.title, n.message) == (SENT_TITLE, SENT_TEXT) for n in app._notifications)
    )
    ended = desk.log(EventType.CALL_ENDED, call_id)
    assert [e["reason"] for e in ended] == ["survey"]
    assert [e["by"] for e in desk.log(EventType.CALL_SURVEY_OFFERED, call_id)] == ["agent"]
    await desk.wrap_up("resolved")
    return call_id


async def wrap_up_runs_out_with_notes(desk: Desk) -> str:
    """Call 8: after the hang-up the agent types notes and the wrap-up time runs out: the
    automatic wrap-up carries the notes."""
    app = desk.app
    call_id = await desk.take_call("enquiry", "C000006")
    await desk.file_ticket(call_id, "suggestion", "短信 SMS")
    await desk.hang_up(call_id)
    await desk.pilot.press(*LATE_NOTES)
    await desk.until(lambda: desk.screen.wrapup_notes_sent == LATE_NOTES)
    deadline = app.store.wrapup_deadline
    assert deadline is not None
    await desk.world.advance(deadline + 1 - desk.live.runtime.now)  # the time runs out
    await desk.until(lambda: app.store.state == "ready" and app.store.call is None)
    done = desk.log(EventType.CALL_WRAPUP_COMPLETED, call_id)
    assert [(e["code"], e["notes"]) for e in done] == [("auto", LATE_NOTES)]
    await desk.until(lambda: desk.told("wrapped up automatically"))
    assert not app.drafts.pending()  # the centre has the notes: no stray draft
    return call_id


async def missed_call_rings_again(desk: Desk) -> str:
    """Call 9: it rings out unanswered; the desk says so and that the agent is not ready
    now, and the ready key brings the same caller back, who is answered."""
    app = desk.app
    call_id = await desk.ringing("enquiry", "C000007")
    await desk.until(lambda: "answer within 15 s" in desk.text())
    await desk.world.advance(16)
    await desk.until(lambda: app.store.reason == "ring_no_answer")
    await desk.until(lambda: desk.told("went back to the queue"))
    assert desk.told(f"{desk.shown('agent.ready')} when you are ready again")
    await desk.until(lambda: "NOT READY 示忙 (未接听" in desk.text())
    assert "ring_no_answer" not in desk.text()
    assert len(desk.log(EventType.CALL_OFFER_TIMEOUT, call_id)) == 1
    await desk.press("agent.ready")  # ready, and the caller rings here again at once
    await desk.until(
        lambda: (
            app.store.state == "reserved" and desk.screen.query_one(CustomerCard).call_id == call_id
        )
    )
    assert len(desk.log(EventType.CALL_OFFERED, call_id)) == 2
    await desk.answer(call_id)
    await desk.file_ticket(call_id, "complaint", "未接 missed")
    await desk.hang_up(call_id)
    await desk.wrap_up("resolved")
    return call_id


# ------------------------------------------------------------------ the shift


@pytest.mark.parametrize("keymap", available_keymaps())
async def test_a_whole_shift_of_calls_by_keys_only(
    live: LiveServer,
    world: World,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    keymap: str,
) -> None:
    assert keymap in ("default", "tmux")  # the two shipped keymaps, both worked through
    app = desk_app(live, tmp_path, config_dir, keymap=keymap)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = Desk(pilot, world, live)
        assert app.keymap.name == keymap
        await log_in(pilot)
        await desk.ready()
        calls = [
            await unknown_caller_found_by_search(desk),
            await unknown_caller_given_a_record(desk),
            await consult_completed(desk),
            await conference_with_the_leader(desk),
            await callback_booked_for_tomorrow(desk),
            await knowledge_from_the_script(desk),
            await caller_to_the_survey(desk),
            await wrap_up_runs_out_with_notes(desk),
            await missed_call_rings_again(desk),
        ]
        assert desk.answered == calls and len(set(calls)) == 9

        # A ticket on every call, on the server, each on its call.
        made = {
            t.id: (t.call_id, t.category, t.subject)
            for t in live.runtime.store.tickets_created_by(AGENT_ID)
        }
        assert made == desk.tickets
        assert Counter(call for call, _, _ in made.values()) == Counter(calls)  # one each

        # My shift says what the centre's log says: every call wrapped up, handled.
        handled = [
            e[2]
            for e in stored_log(live.runtime)
            if e[1] == EventType.CALL_WRAPUP_COMPLETED and e[3] == AGENT_ID
        ]
        assert Counter(handled) == Counter(calls)
        await desk.press("desk.my_shift")
        await desk.until(lambda: isinstance(app.screen, MyShift))
        dialog = app.screen
        assert isinstance(dialog, MyShift)
        await desk.until(lambda: dialog.shift is not None)
        assert dialog.shift is not None and dialog.shift.calls_handled == len(handled) >= 8
        await desk.until(
            lambda: re.search(r"Calls handled 已处理\s+(\d+)", desk.text()) is not None
        )
        shown = re.search(r"Calls handled 已处理\s+(\d+)", desk.text())
        assert shown is not None and int(shown.group(1)) == len(handled)
        surveys = re.search(r"Sent to survey 转满意度\s+(\d+)", desk.text())
        assert surveys is not None and surveys.group(1) == "1"
        await desk.press("desk.my_shift")
        await desk.until(lambda: not isinstance(app.screen, MyShift))
