"""Who is on the line, on the desk, against the real server (issue 9 defects 9 and 10): the
consulted team leader ringing then answering, the consulted agent's own side, the
conference's members with when they joined, the number being dialled with a count-up and
the key that cancels it, and the state after a dial. Pictures at 80×24 and 120×40."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from desk_live import (
    answer_a_call,
    desk_app,
    go_ready,
    line_words,
    log_in,
    log_in_ready,
    pick,
    settled,
)
from live_helpers import TEAM_LEADER, World, screen_text, team_leader_centre, until
from test_desk_snapshots import SIZE_IDS, SIZES, DeskPicture, Size, desk_picture
from textual.pilot import Pilot

from agent_tui.client.call_parties import CallPartiesSection
from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.desk.call_line import CallLine
from agent_tui.workspaces.desk.screen import DeskScreen
from server_stub.server.testing import LiveServer, start_live_server, stored_log

__all__ = ["desk_picture"]  # the fixture, shared with the desk's other pictures


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """The quiet centre with the team leader 1100 seated too (the consult's usual target)."""
    with start_live_server(team_leader_centre(), speed=0.0, seed=1) as server:
        yield server


def _name(live: LiveServer, agent_id: str) -> str:
    return next(a.name for a in live.runtime.config.agents if a.id == agent_id)


def _phase(app: ShellApp) -> str | None:
    call = app.store.call
    consult = app.store.section(CallPartiesSection).consult_on(call.call_id if call else None)
    return consult.phase if consult is not None else None


def _status(app: ShellApp) -> str | None:
    return app.store.call.status if app.store.call is not None else None


def _told(app: ShellApp, words: str) -> bool:
    return any(words in n.message for n in app._notifications)


async def _leader_ready(world: World) -> httpx.AsyncClient:
    leader = await world.agent(TEAM_LEADER)
    ready = await leader.post("/v1/agent/state", json={"state": "ready"})
    assert ready.status_code == 200, ready.text
    return leader


async def _consult_the_leader(pilot: Pilot[Any], world: World) -> tuple[str, httpx.AsyncClient]:
    """1001 talks to a caller and consults the team leader (F7, picked by its id)."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    call_id = await answer_a_call(pilot, world, "enquiry", "C000001")
    leader = await _leader_ready(world)
    await pick(pilot, "f7", TEAM_LEADER)
    await until(lambda: _phase(app) == "ringing", pilot)
    return call_id, leader


async def test_the_consulting_desk_names_the_team_leader_ringing_then_answered(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in_ready(pilot)
        call_id, leader = await _consult_the_leader(pilot, world)
        await until(lambda: "ringing 振铃中" in line_words(app), pilot)
        text = line_words(app)
        assert _name(live, TEAM_LEADER).split()[0] in text and f"({TEAM_LEADER})" in text
        assert "班组长 team leader" in text and "ringing 振铃中" in text
        assert "F7 cancels" in text  # only cancel while it rings: nobody to hand over to yet

        assert (await leader.post(f"/v1/calls/{call_id}/answer")).status_code == 200
        await until(lambda: _phase(app) == "answered", pilot)
        await until(lambda: "answered 已接通" in line_words(app), pilot)
        assert "F7 completes, conferences or cancels" in line_words(app)
        # and its supervisors see it on the mirrored desk (agent.screen)
        await until(
            lambda: any(
                "answered 已接通" in (e[5].get("call_line") or "")
                for e in stored_log(live.runtime)
                if e[1] == "agent.screen"
            ),
            pilot,
        )

        await pick(pilot, "f7", "cancel")
        await until(lambda: not desk.query_one(CallLine).has_class("-shown"), pilot)
        await until(
            lambda: app.store.call is not None and app.store.call.status == "talking", pilot
        )
        assert "Consulting" not in screen_text(app)  # the card is the caller's again
        await leader.aclose()


async def test_a_declined_consult_is_said_on_the_consulting_desk(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        call_id, leader = await _consult_the_leader(pilot, world)
        await pilot.press("f8")  # conference: refused while the leader still rings
        await until(lambda: _told(app, "has not answered yet"), pilot)
        assert (await leader.post(f"/v1/calls/{call_id}/reject")).status_code == 200
        await until(lambda: _phase(app) == "ended", pilot)
        await until(lambda: "declined the consult" in line_words(app), pilot)
        # the strip and the notice are drawn by two handlers of one store change: wait for both
        await until(lambda: _told(app, "declined the consult"), pilot)
        assert app.store.call is not None and app.store.call.status == "held"
        await leader.aclose()


async def test_logging_in_again_mid_consult_brings_back_who_is_on_the_line(
    app: ShellApp, world: World, live: LiveServer, tmp_path: Path, config_dir: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_ready(pilot)
        call_id, leader = await _consult_the_leader(pilot, world)
        assert (await leader.post(f"/v1/calls/{call_id}/answer")).status_code == 200
        await until(lambda: _phase(app) == "answered", pilot)
    again = desk_app(live, tmp_path, config_dir)  # another workstation, the same agent
    async with again.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await until(lambda: "answered 已接通" in line_words(again), pilot)
        text = line_words(again)
        assert f"({TEAM_LEADER})" in text and "班组长 team leader" in text
        assert "F7 completes, conferences or cancels" in text
        await pick(pilot, "f7", "conference")  # and the consult goes on from there
        await until(lambda: _phase(again) == "conference", pilot)
    await leader.aclose()


async def test_the_conference_lists_every_party_and_when_it_joined(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        call_id, leader = await _consult_the_leader(pilot, world)
        await world.advance(3)
        assert (await leader.post(f"/v1/calls/{call_id}/answer")).status_code == 200
        await until(lambda: _phase(app) == "answered", pilot)
        await pick(pilot, "f7", "conference")
        await until(lambda: _phase(app) == "conference", pilot)
        await until(lambda: "Conference 会议" in line_words(app), pilot)
        log = stored_log(live.runtime)
        answered = next(e for e in log if e[1] == "call.answered" and e[2] == call_id)
        joined = next(e for e in log if e[1] == "call.consult_answered" and e[2] == call_id)
        text = line_words(app)
        assert f"since {app.store.centre_time(answered[0])}" in text
        assert f"joined {app.store.centre_time(joined[0])}" in text
        assert "you 本人" in text and f"({TEAM_LEADER})" in text
        assert (await leader.post(f"/v1/calls/{call_id}/hangup")).status_code == 200
        await until(lambda: "hung up 已挂断" in line_words(app), pilot)
        await until(
            lambda: app.store.call is not None and app.store.call.status == "talking", pilot
        )
        await leader.aclose()


async def _consulted_by_1001(pilot: Pilot[Any], world: World) -> tuple[str, httpx.AsyncClient]:
    """The desk is 1002's; 1001 (over the API) talks to a caller and consults 1002."""
    first = await world.agent("1001")
    assert (await first.post("/v1/agent/state", json={"state": "ready"})).status_code == 200
    call_id = await world.send_call("enquiry", "C000001")
    assert (await first.post(f"/v1/calls/{call_id}/answer")).status_code == 200
    await go_ready(pilot)
    consult = {"mode": "consult", "agent_id": "1002"}
    assert (await first.post(f"/v1/calls/{call_id}/transfer", json=consult)).status_code == 200
    app = pilot.app
    assert isinstance(app, ShellApp)
    await until(lambda: _phase(app) == "ringing", pilot)
    return call_id, first


async def test_the_consulted_desk_rings_with_who_consults_it_and_leaves_by_hanging_up(
    live: LiveServer, world: World, tmp_path: Any, config_dir: Any, no_keyring: None
) -> None:
    app = desk_app(live, tmp_path, config_dir, agent_id="1002")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        call_id, first = await _consulted_by_1001(pilot, world)
        await until(lambda: "Consult from 咨询来自" in line_words(app), pilot)
        text = line_words(app)
        assert _name(live, "1001").split()[0] in text and "F4 answers" in text
        await pilot.press("f4")
        await until(lambda: _phase(app) == "answered", pilot)
        await until(lambda: "F9 leaves" in line_words(app), pilot)
        await pilot.press("f5")  # the caller is on hold at 1001's end: not 1002's to hold
        await until(
            lambda: any("on hold at the agent" in n.message for n in app._notifications), pilot
        )
        await pilot.press("f9")
        await until(lambda: app.store.call is None, pilot)
        ended = [e for e in stored_log(live.runtime) if e[1] == "call.consult_ended"]
        assert [(e[2], e[5]["reason"]) for e in ended] == [(call_id, "hung_up")]
        await first.aclose()


async def _dial_from_a_meeting(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, ShellApp)
    await pick(pilot, "f3", "meeting")
    await until(lambda: app.store.reason == "meeting", pilot)
    await pilot.press("ctrl+o")
    await pilot.press(*"13900001111", "enter")
    await until(lambda: app.store.state == "reserved", pilot)


async def test_a_dial_shows_its_number_ringing_and_f9_cancels_it_back_to_the_meeting(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in(pilot)
        await _dial_from_a_meeting(pilot)
        await until(lambda: "ringing 振铃 0:00" in line_words(app), pilot)
        text = screen_text(app)
        assert text.count("DIALLING 外呼中") == 2  # the state bar and the card agree
        assert "No call" not in text
        assert "13900001111" in line_words(app) and "F9 cancels" in line_words(app)
        await pilot.press("f9")
        await until(lambda: app.store.state == "wrap_up", pilot)
        call_id = desk.wrapup_call_id
        ended = [e for e in stored_log(live.runtime) if e[1] == "call.ended" and e[2] == call_id]
        assert [(e[5]["by"], e[5]["reason"]) for e in ended] == [("agent", "cancelled")]
        await pick(pilot, "f10", "no_action")
        await until(lambda: app.store.state == "not_ready", pilot)
        assert app.store.reason == "meeting"


async def test_after_an_answered_dial_the_desk_is_back_in_the_meeting_unless_told_otherwise(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await log_in(pilot)
        await _dial_from_a_meeting(pilot)
        assert "next ▸" in screen_text(app)  # the state it will go back to, said up front
        await world.advance(60)
        await until(lambda: app.store.state == "busy", pilot)
        await pick(pilot, "ctrl+n", "ready")  # the agent's own choice wins
        await until(lambda: app.store.pending is None, pilot)
        await pilot.press("f9")
        await until(lambda: desk.wrapup_call_id is not None, pilot)
        await pick(pilot, "f10", "resolved")
        await until(lambda: app.store.state == "ready", pilot)


# ------------------------------------------------------------------ pictures


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_consulting_the_team_leader(
    desk_picture: DeskPicture, live: LiveServer, size: Size
) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await go_ready(pilot)
        _, leader = await _consult_the_leader(pilot, world)
        await until(lambda: "振铃中" in screen_text(pilot.app), pilot)
        await settled(pilot, live)
        await leader.aclose()

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_conference(desk_picture: DeskPicture, live: LiveServer, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        app = pilot.app
        assert isinstance(app, ShellApp)
        await go_ready(pilot)
        call_id, leader = await _consult_the_leader(pilot, world)
        await world.advance(3)
        assert (await leader.post(f"/v1/calls/{call_id}/answer")).status_code == 200
        await until(lambda: _phase(app) == "answered", pilot)
        await pick(pilot, "f7", "conference")
        await until(lambda: _phase(app) == "conference", pilot)
        await until(lambda: "Conference 会议" in screen_text(app), pilot)
        await settled(pilot, live)
        await leader.aclose()

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_dialling_out(desk_picture: DeskPicture, live: LiveServer, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await _dial_from_a_meeting(pilot)
        await until(lambda: "Dialling" in screen_text(pilot.app), pilot)
        await settled(pilot, live)

    assert desk_picture(size, steps)
