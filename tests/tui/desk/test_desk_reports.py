"""What the desk tells the centre as the agent works (PHASE B contracts): each script step
walked (`call.script_step`), the hold phrase with the hold (`call.held`), and the desk's
screen (`agent.screen`), against the real server.
"""

from __future__ import annotations

from typing import Any

from desk_live import World, answer_a_call, log_in_ready
from live_helpers import AGENT, until
from textual.widgets import Input

from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.desk.script_pane import ScriptPane
from server_stub.protocol.events import EventType
from server_stub.server.testing import LiveServer, stored_log


def _logged(live: LiveServer, type_: str) -> list[tuple[str | None, dict[str, Any]]]:
    return [
        (call_id, data)
        for _, kind, call_id, agent_id, _, data in stored_log(live.runtime)
        if kind == type_ and agent_id == AGENT
    ]


async def test_each_script_step_the_agent_walks_reaches_the_log_in_order(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry", "C000001")
        pane = desk.query_one(ScriptPane)
        await until(lambda: pane.walker is not None, pilot)
        await pilot.press("6")  # another question: look it up
        await pilot.press("backspace")
        await pilot.press("1")  # tariffs
        expected = [
            {"step": "greet", "key": "6", "next": "knowledge_lookup"},
            {"step": "knowledge_lookup", "back": True},
            {"step": "greet", "key": "1", "next": "tariffs"},
        ]
        await until(lambda: len(_logged(live, EventType.CALL_SCRIPT_STEP)) == 3, pilot)
        assert _logged(live, EventType.CALL_SCRIPT_STEP) == [(call_id, e) for e in expected]


async def test_holding_on_a_step_that_says_the_hold_phrase_logs_the_phrase(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in_ready(pilot)
        call_id = await answer_a_call(pilot, world, "enquiry", "C000001")
        pane = desk.query_one(ScriptPane)
        await until(lambda: pane.walker is not None, pilot)
        await pilot.press("f5")  # on the greeting: no hold phrase on screen
        await until(lambda: app.store.call and app.store.call.status == "held", pilot)
        await pilot.press("f5")
        await until(lambda: app.store.call and app.store.call.status == "talking", pilot)
        await pilot.press("6")  # "请您稍等一下…我为您查询一下"
        await pilot.press("f5")
        await until(lambda: len(_logged(live, EventType.CALL_HELD)) == 2, pilot)
        assert _logged(live, EventType.CALL_HELD) == [
            (call_id, {"script_step": "greet"}),
            (call_id, {"phrase": True, "script_step": "knowledge_lookup"}),
        ]


async def test_the_desk_publishes_what_it_shows_on_change_only(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk = await log_in_ready(pilot)
        await until(lambda: _logged(live, EventType.AGENT_SCREEN), pilot)
        assert _logged(live, EventType.AGENT_SCREEN)[-1] == (None, {**_idle()})
        call_id = await answer_a_call(pilot, world, "enquiry", "C000001")
        await until(lambda: desk.query_one(ScriptPane).walker is not None, pilot)
        await pilot.press("1")
        await pilot.press("ctrl+t")
        desk.query_one("#ticket-subject", Input).focus()
        await pilot.press(*"fee")

        def latest() -> dict[str, Any]:
            return _logged(live, EventType.AGENT_SCREEN)[-1][1]

        await until(lambda: (latest().get("ticket") or {}).get("subject") == "fee", pilot)
        screen = latest()
        assert (screen["call_id"], screen["customer_id"]) == (call_id, "C000001")
        assert (screen["script_id"], screen["step"], screen["pane"]) == (
            "enquiry",
            "tariffs",
            "ticket",
        )
        assert screen["path"] == [["greet", "1"]]
        published = len(_logged(live, EventType.AGENT_SCREEN))
        await pilot.pause(1.2)  # two ticks with nothing new: nothing sent
        assert len(_logged(live, EventType.AGENT_SCREEN)) == published


def _idle() -> dict[str, Any]:
    return {
        "call_id": None,
        "customer_id": None,
        "script_id": None,
        "script_version": None,
        "step": None,
        "path": [],
        "ticket": None,
        "knowledge_article": None,
        "pane": "idle",
        "call_line": None,
    }
