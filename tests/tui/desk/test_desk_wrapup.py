"""Wrap-up at the desk (issue 9 defect 1): notes typed are never lost to the timer, the
timer warns before it runs out, and the agent may extend it once where the centre allows."""

from __future__ import annotations

from desk_live import World, answer_a_call, log_in_ready
from live_helpers import AGENT, screen_text, until

from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.desk.screen import DeskScreen
from agent_tui.workspaces.desk.wrapup_panel import WARN_S
from server_stub.protocol.events import EventType
from server_stub.server.testing import LiveServer, stored_log


def _notices(app: ShellApp) -> list[str]:
    return [n.message for n in app._notifications]


async def _in_wrapup(pilot: object, app: ShellApp, world: World) -> tuple[DeskScreen, str]:
    desk = await log_in_ready(pilot)  # type: ignore[arg-type]
    call_id = await answer_a_call(pilot, world, "enquiry", "C000001")  # type: ignore[arg-type]
    await pilot.press("f9")  # type: ignore[attr-defined]
    await until(lambda: desk.wrapup_call_id == call_id, pilot)  # type: ignore[arg-type]
    return desk, call_id


async def _advance_to(world: World, live: LiveServer, app: ShellApp, left_s: float) -> None:
    """Move the paused centre on to `left_s` before the wrap-up deadline; a message to the
    desk brings the new time to it."""
    deadline = app.store.wrapup_deadline
    assert deadline is not None
    await world.advance(deadline - left_s - live.runtime.now)
    await world.message("tick", agent_id=AGENT)


async def test_notes_typed_go_with_the_automatic_wrap_up_after_a_warning(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk, call_id = await _in_wrapup(pilot, app, world)
        await pilot.press(*"测试备注 test note")
        await until(lambda: desk.wrapup_notes_sent == "测试备注 test note", pilot)
        await _advance_to(world, live, app, WARN_S - 5)
        await until(lambda: any("your notes go with it" in n for n in _notices(app)), pilot)
        assert "ends soon" in screen_text(app)
        await _advance_to(world, live, app, -1)
        await until(lambda: app.store.state != "wrap_up", pilot)
        done = [e for e in stored_log(live.runtime) if e[1] == EventType.CALL_WRAPUP_COMPLETED]
        assert [(e[2], e[5]["code"], e[5]["notes"]) for e in done] == [
            (call_id, "auto", "测试备注 test note")
        ]
        await until(lambda: any("wrapped up automatically" in n for n in _notices(app)), pilot)
        assert not app.drafts.pending()  # the centre has the notes: no stray draft


async def test_the_wrap_up_is_extended_once_by_key(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        desk, _ = await _in_wrapup(pilot, app, world)
        await until(lambda: "alt+x adds 60 s, once" in screen_text(app).lower(), pilot)
        first_deadline = app.store.wrapup_deadline
        assert first_deadline is not None
        await pilot.press("alt+x")
        await until(lambda: app.store.wrapup_deadline == first_deadline + 60, pilot)
        assert desk.offers("extend_wrapup") is False
        await until(lambda: "adds 60 s" not in screen_text(app), pilot)  # the hint is gone
