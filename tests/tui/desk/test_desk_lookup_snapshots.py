"""Snapshots of the desk's lookups at 80×24 and 120×40: finding an unknown caller (IN5),
the search with its matches and the new record's form; the knowledge base beside the call
(IN6)."""

from __future__ import annotations

from typing import Any

import pytest
from desk_live import World, go_ready
from live_helpers import until
from test_desk_snapshots import SIZE_IDS, SIZES, DeskPicture, Size, desk_picture, live
from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.caller_lookup import CallerLookup, NewCallerDialog
from agent_tui.workspaces.desk.knowledge_pane import KnowledgePane
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.script_pane import ScriptPane
from server_stub.server.testing import LiveServer

__all__ = ["desk_picture", "live"]  # the fixtures, shared with the desk's other pictures


async def _unknown_caller_on_the_line(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
    app = pilot.app
    assert isinstance(app, ShellApp)
    await go_ready(pilot)
    await world.send_call("enquiry", None)
    await until(lambda: app.store.call is not None, pilot)
    await pilot.press("f4")
    await until(lambda: app.store.state == "busy", pilot)
    await pilot.press("alt+i")
    await until(lambda: isinstance(app.screen, CallerLookup), pilot)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_caller_lookup_with_matches(
    desk_picture: DeskPicture, live: LiveServer, size: Size
) -> None:
    name_start = next(
        record.name[:2]
        for record in (live.runtime.store.customer(f"C{n:06d}") for n in range(1, 200))
        if record is not None and "\u4e00" <= record.name[0] <= "\u9fff"
    )

    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await _unknown_caller_on_the_line(pilot, world, desk)
        await pilot.press(*name_start)  # a surname and the given name's first character
        lookup = pilot.app.screen
        assert isinstance(lookup, CallerLookup)
        await until(lambda: bool(lookup.found), pilot)

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_new_caller_record(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        await _unknown_caller_on_the_line(pilot, world, desk)
        await pilot.press(*"Li Lei", "enter")
        await until(lambda: isinstance(pilot.app.screen, NewCallerDialog), pilot)
        await pilot.press("tab", "tab", *"北京市海淀区中关村大街 1 号", "tab", *"查询话费 bill")

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_knowledge_article_beside_the_call(
    desk_picture: DeskPicture, live: LiveServer, size: Size
) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        app = pilot.app
        assert isinstance(app, ShellApp)
        await go_ready(pilot)
        call_id = await world.send_call("fault", "C000001")
        await until(lambda: app.store.call is not None and app.store.call.call_id == call_id, pilot)
        await until(lambda: desk.query_one(ScriptPane).walker is not None, pilot)
        await pilot.press("f4")
        await until(lambda: app.store.state == "busy", pilot)
        await pilot.press("3", "alt+k")  # the outage step: its words and its article
        pane = desk.query_one(KnowledgePane)
        await until(lambda: pane.article_id == "outage_notices" and bool(pane.hits), pilot)

    assert desk_picture(size, steps)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_desk_consult_directory(desk_picture: DeskPicture, size: Size) -> None:
    async def steps(pilot: Pilot[Any], world: World, desk: DeskScreen) -> None:
        app = pilot.app
        assert isinstance(app, ShellApp)
        await go_ready(pilot)
        call_id = await world.send_call("complaint", "C000001")
        await until(lambda: app.store.call is not None and app.store.call.call_id == call_id, pilot)
        await pilot.press("f4")
        await until(lambda: app.store.state == "busy", pilot)
        await pilot.press("f7")  # the expert group first; no logged-out agent
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)

    assert desk_picture(size, steps)
