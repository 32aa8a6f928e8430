"""The closed loop end to end with the desk in it (TK1, TK5, OB3, OB4), on a real server,
sped up: a call, a complaint, dispatch, the team leader's pre-processing, the complaint
group's result after hours, the satisfaction callback placed when the centre opens, on the
agent's desk with the ticket, and the outcome entered by keys. (The not-satisfied and
unreachable branches through the API: tests/server/test_tickets_loop.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desk_live import World, desk_app, hang_up_and_wrap_up, log_in_ready, pick, settled
from live_helpers import screen_text, settle, until
from test_desk_ticket_tracking import complaint_on_the_line

from agent_tui.client.ticket_tracking import TicketTrackingSection
from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.desk.satisfaction_callback import SatisfactionCallbackStrip
from server_stub.centre.schema import centre_epoch
from server_stub.server.testing import LiveServer, start_live_server, stored_log
from tests.server.test_tickets_loop import HOUR, TUESDAY_0800, slow_stats_centre


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """The quiet centre with queue statistics every 10 minutes (the test crosses a night)."""
    with start_live_server(slow_stats_centre(), speed=0.0, seed=1) as server:
        yield server


@pytest.fixture
def app(live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None) -> ShellApp:
    return desk_app(live, tmp_path, config_dir)


async def callback_rings_on_the_desk(pilot: Any, world: World) -> str:
    """A complaint taken on the desk goes round the loop and is resolved after hours; time
    runs through the night until its satisfaction callback is on the desk. Its ticket id."""
    app = pilot.app
    await log_in_ready(pilot)
    ticket_id = await complaint_on_the_line(pilot, world)
    await hang_up_and_wrap_up(pilot, "resolved")

    # the team leader pre-processes; the complaint group takes it; the day goes by
    assert (await world._post("s100", "/v1/workflow/queues/team_leader/next", {}))[
        "id"
    ] == ticket_id
    forward = {"transition": "forward", "fields": {"note": "已核实 Checked"}}
    await world._post("s100", f"/v1/tickets/{ticket_id}/transitions", forward)
    await world._post("d102", "/v1/workflow/queues/complaint_group/next", {})
    await world.advance(8.5 * HOUR)  # Monday 18:30: the centre has closed
    note = "已道歉并减免月费 Apologised, fee waived"
    resolve = {"transition": "resolve", "fields": {"resolution_note": note}}
    await world._post("d102", f"/v1/tickets/{ticket_id}/transitions", resolve)
    section = app.store.section(TicketTrackingSection)
    await until(lambda: section.tickets[ticket_id].result == note, pilot)

    # through the night until the callback rings on this desk, the ticket with it
    for _ in range(80):
        if section.callback is not None:
            break
        await world.advance(15 * 60)
        await pilot.pause(0.05)
    await until(lambda: section.callback is not None, pilot)
    return ticket_id


async def test_the_whole_loop_closes_when_the_agent_enters_satisfied_on_its_desk(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await callback_rings_on_the_desk(pilot, world)
        desk = app.screen
        section = app.store.section(TicketTrackingSection)
        callback = section.callback
        assert callback is not None and callback.ticket_id == ticket_id
        strip = desk.query_one(SatisfactionCallbackStrip)
        await until(lambda: strip.has_class("-shown"), pilot)
        text = screen_text(app)
        assert "SATISFACTION CALLBACK" in text and ticket_id in text
        assert "宽带断线三天" in text and "Alt+E" in text

        placed = next(
            e for e in stored_log(live.runtime) if e[1] == "callback.placed"
        )  # engine-style (t, type, call, agent, queue, data)
        assert placed[0] == pytest.approx(TUESDAY_0800, abs=60)  # when the centre opens
        calendar = live.runtime.workflow.calendar
        assert calendar.is_open(centre_epoch(live.runtime.config).timestamp() + placed[0])
        assert placed[5]["via"] == "agent" and placed[3] == "1001"

        await world.advance(15)  # the customer picks up: the agent talks
        await until(lambda: app.store.state == "busy", pilot)
        await pick(pilot, "alt+e", "satisfied")
        record = live.runtime.tickets
        await until(lambda: section.callback is None, pilot)
        view = record.view(ticket_id)
        assert (view["state"], view["close_reason"]) == ("closed", "satisfied")
        await until(lambda: not strip.has_class("-shown"), pilot)
        await until(lambda: section.tickets[ticket_id].status == "closed", pilot)
        completed = [e for e in stored_log(live.runtime) if e[1] == "callback.completed"]
        assert [(e[5]["outcome"], e[3]) for e in completed] == [("satisfied", "1001")]
        await hang_up_and_wrap_up(pilot, "resolved")


async def test_the_outcome_key_says_why_when_no_callback_is_on_the_line(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        await pilot.press("alt+e")
        await until(
            lambda: any("No satisfaction callback" in n.message for n in app._notifications),
            pilot,
        )
        assert app.store.state == "ready"  # nothing was sent


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_desk_satisfaction_callback(
    snap_compare: Any,
    live: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    size: tuple[int, int],
) -> None:
    """The desk talking on a satisfaction callback, the ticket above the call."""
    app = desk_app(live, tmp_path, config_dir)
    world = World(live)

    async def run_before(pilot: Any) -> None:
        await callback_rings_on_the_desk(pilot, world)
        store = pilot.app.store
        # the dial's card is complete (its pop) before the customer picks up
        await until(lambda: store.call is not None and store.call.pop is not None, pilot)
        await settled(pilot, live)
        # a second at a time until the customer picks up: the clocks on screen then read
        # 0:00 whichever event (the answer, the desk's own screen) came last
        for _ in range(30):
            await world.advance(1)
            await settled(pilot, live)
            if store.state == "busy":
                break
        await until(lambda: store.state == "busy", pilot)
        strip = pilot.app.screen.query_one(SatisfactionCallbackStrip)
        await until(lambda: strip.has_class("-shown"), pilot)
        await settled(pilot, live)
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
