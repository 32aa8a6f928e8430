"""Ticket tracking on the desk (TK2), against the real server: the agent's own tickets and
the caller's, with state, deadline and history, kept current from the feed; the result of
an escalated complaint comes back to the agent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desk_live import World, answer_a_call, desk_app, log_in_ready
from live_helpers import screen_text, settle, until
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.client.api import new_request_id
from agent_tui.client.ticket_tracking import TicketTrackingSection
from agent_tui.shell.app import ShellApp
from agent_tui.ui.panels import DetailPanel
from agent_tui.workspaces.desk.ticket_tracker import TicketTracker
from server_stub.protocol.api import TicketCreateRequest
from server_stub.server.testing import LiveServer, quiet_centre, start_live_server

CUSTOMER = "C000001"
SUBJECT = "宽带断线三天 Broadband down for three days"


async def complaint_on_the_line(pilot: Any, world: World) -> str:
    """A call from CUSTOMER answered on the desk; a complaint recorded on it. Its id."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    call_id = await answer_a_call(pilot, world, "complaint", CUSTOMER)
    await until(lambda: app.store.state == "busy", pilot)
    request = TicketCreateRequest(
        request_id=new_request_id(),
        customer_id=CUSTOMER,
        call_id=call_id,
        category="complaint",
        subject=SUBJECT,
    )
    ticket = await app.api.create_ticket(request)
    return ticket.id


async def escalate_and_resolve(world: World, ticket_id: str, note: str) -> None:
    """Team leader s100 pre-processes the complaint; the complaint group resolves it."""
    assert (await world._post("s100", "/v1/workflow/queues/team_leader/next", {}))[
        "id"
    ] == ticket_id
    forward = {"transition": "forward", "fields": {"note": "已核实 Checked"}}
    await world._post("s100", f"/v1/tickets/{ticket_id}/transitions", forward)
    assert (await world._post("d102", "/v1/workflow/queues/complaint_group/next", {}))[
        "id"
    ] == ticket_id
    resolve = {"transition": "resolve", "fields": {"resolution_note": note}}
    await world._post("d102", f"/v1/tickets/{ticket_id}/transitions", resolve)


def table_text(tracker: TicketTracker, table_id: str) -> str:
    table = tracker.query_one(table_id, DataTable)
    return "\n".join(
        " ".join(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)
    )


async def tracker_with_a_complaint(pilot: Any, world: World) -> tuple[str, TicketTracker]:
    """Ready, a complaint recorded on a call, then Alt+U: the tracker lists it."""
    app = pilot.app
    await log_in_ready(pilot)
    ticket_id = await complaint_on_the_line(pilot, world)
    section = app.store.section(TicketTrackingSection)
    await until(lambda: ticket_id in section.tickets, pilot)
    await pilot.press("alt+u")
    await until(lambda: isinstance(app.screen, TicketTracker), pilot)
    tracker = app.screen
    assert isinstance(tracker, TicketTracker)
    await until(lambda: ticket_id in table_text(tracker, "#my-tickets"), pilot)
    return ticket_id, tracker


async def test_the_tracker_follows_an_escalated_complaint_to_its_result_live(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id, tracker = await tracker_with_a_complaint(pilot, world)
        section = app.store.section(TicketTrackingSection)
        # the caller's tickets, this one among them, in the second list
        await until(lambda: ticket_id in table_text(tracker, "#caller-tickets"), pilot)
        assert "已派单" in table_text(tracker, "#my-tickets")  # with the team leader
        due = live.runtime.tickets.record(ticket_id)
        assert due is not None and due.clocks.due_at(live.runtime.tickets.calendar) is not None

        note = "已道歉并减免月费 Apologised, fee waived"
        await escalate_and_resolve(world, ticket_id, note)
        # the row follows the feed: resolved, with its result, without reading again
        await until(lambda: section.tickets[ticket_id].result == note, pilot)
        await until(lambda: "待回访 ✓" in table_text(tracker, "#my-tickets"), pilot)
        detail = tracker.query_one(DetailPanel)
        await until(lambda: note in screen_text(app), pilot)
        text = screen_text(app)
        for step in ("派单 Dispatch", "预处理后转交", "办结 Resolve", "安排回访"):
            assert step in text, step
        assert detail.border_title is not None and ticket_id in detail.border_title
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TicketTracker), pilot)
        # the result came back to the agent: it was told, with the key to see it
        assert any(note in n.message for n in app._notifications)


async def test_on_a_narrow_desk_enter_opens_a_ticket_s_history_and_esc_goes_back(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        ticket_id, tracker = await tracker_with_a_complaint(pilot, world)
        assert not tracker.query_one(DetailPanel).display or not tracker.has_class("-detail")
        await pilot.press("enter")
        await until(lambda: "处理记录" in screen_text(app), pilot)
        assert "派单 Dispatch" in screen_text(app)
        assert ticket_id in str(tracker.query_one(DetailPanel).border_title)
        await pilot.press("escape")
        await until(lambda: not tracker.has_class("-detail"), pilot)
        assert isinstance(app.screen, TicketTracker)
        await pilot.press("alt+u")  # the key that opened it closes it
        await until(lambda: not isinstance(app.screen, TicketTracker), pilot)


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """Seeded, so that the pictures are the same on every run."""
    with start_live_server(quiet_centre(), speed=0.0, seed=1) as server:
        yield server


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_desk_ticket_view(
    snap_compare: Any,
    live: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    size: tuple[int, int],
) -> None:
    """The desk's ticket view: my complaint, escalated and resolved, with its history."""
    app = desk_app(live, tmp_path, config_dir)
    world = World(live)

    async def run_before(pilot: Pilot[Any]) -> None:
        await log_in_ready(pilot)
        ticket_id = await complaint_on_the_line(pilot, world)
        await escalate_and_resolve(world, ticket_id, "已道歉并减免月费 Apologised, fee waived")
        section = pilot.app.store.section(TicketTrackingSection)
        await until(lambda: section.tickets[ticket_id].result is not None, pilot)
        await pilot.press("alt+u")
        await until(lambda: isinstance(pilot.app.screen, TicketTracker), pilot)
        tracker = pilot.app.screen
        await until(lambda: ticket_id in table_text(tracker, "#caller-tickets"), pilot)
        if size[0] < 110:
            await pilot.press("enter")
        detail = tracker.query_one(DetailPanel)
        await until(lambda: ticket_id in str(detail.border_title), pilot)
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
