"""The end of a call and the agent's day on the desk, against the real server: the survey
key sends the caller to the post-call survey (IN8) and the desk wraps up; My shift (ST3)
shows the day's figures, each equal to one recomputed from the stored log, kept live."""

from __future__ import annotations

import io
from typing import Any

import pytest
from desk_live import World, answer_a_call, go_ready, log_in, pick
from live_helpers import picture, screen_text, until
from rich.console import Console, RenderableType
from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp
from agent_tui.ui.labels import clock_face
from agent_tui.workspaces.desk.my_shift import MyShift, shift_columns, state_name
from agent_tui.workspaces.desk.survey import SENT_TEXT, SENT_TITLE
from server_stub.protocol.agent_shift import AgentShift
from server_stub.protocol.events import EventType
from server_stub.server.testing import LiveServer, stored_log
from tests.server.shift_recompute import recompute

CUSTOMER = "C000001"
SURVEY_KEY, SHIFT_KEY = "alt+s", "alt+y"


def notices(app: ShellApp) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


def _shell(pilot: Pilot[Any]) -> ShellApp:
    app = pilot.app
    assert isinstance(app, ShellApp)
    return app


async def surveyed_call(pilot: Pilot[Any], world: World) -> str:
    """A call answered on the desk, a hold, then the caller sent to the survey. Its id."""
    app = _shell(pilot)
    call_id = await answer_a_call(pilot, world, "enquiry", CUSTOMER)
    await world.advance(30)
    await pilot.press("f5")
    await until(lambda: app.store.call is not None and app.store.call.status == "held", pilot)
    await world.advance(5)
    await pilot.press("f5")
    await until(lambda: app.store.call is not None and app.store.call.status == "talking", pilot)
    await world.advance(10)
    await pilot.press(SURVEY_KEY)
    await until(lambda: app.store.state == "wrap_up", pilot)
    return call_id


async def worked_shift(pilot: Pilot[Any], world: World) -> None:
    """Logged in and ready, a call sent to the survey and wrapped up, a break, a second call
    still in its wrap-up."""
    app = _shell(pilot)
    await log_in(pilot)
    await go_ready(pilot)
    await world.advance(10)
    await surveyed_call(pilot, world)
    await world.advance(20)  # the caller has scored (or hung up) by now
    await pick(pilot, "f10", "resolved")
    await until(lambda: app.store.state == "ready", pilot)
    await world.advance(15)
    await pick(pilot, "f3", "break")
    await until(lambda: app.store.state == "not_ready", pilot)
    await world.advance(60)
    await go_ready(pilot)
    await answer_a_call(pilot, world, "enquiry", CUSTOMER)
    await world.advance(45)
    await pilot.press("f9")
    await until(lambda: app.store.state == "wrap_up", pilot)
    await world.advance(8)


async def open_my_shift(pilot: Pilot[Any]) -> tuple[MyShift, AgentShift]:
    """The key opens My shift; the dialog and the first figures it read."""
    await pilot.press(SHIFT_KEY)
    await until(lambda: isinstance(pilot.app.screen, MyShift), pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, MyShift)
    await until(lambda: dialog.shift is not None, pilot)
    assert dialog.shift is not None
    return dialog, dialog.shift


def rendered_lines(renderable: RenderableType, width: int = 44) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(renderable)
    return console.export_text().splitlines()


def value_of(lines: list[str], label: str) -> str:
    """The figure at the end of the row that starts with `label`."""
    row = next(line for line in lines if line.strip().startswith(label))
    return row.strip()[len(label) :].strip()


async def test_the_survey_key_sends_the_caller_to_the_survey_and_the_desk_wraps_up(
    app: ShellApp, live: LiveServer, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await go_ready(pilot)
        call_id = await surveyed_call(pilot, world)
        await until(lambda: (SENT_TITLE, SENT_TEXT) in notices(app), pilot)
        ended = [e for e in stored_log(live.runtime) if e[1] == EventType.CALL_ENDED]
        assert [(e[2], e[5]["reason"]) for e in ended] == [(call_id, "survey")]
        offered = [e for e in stored_log(live.runtime) if e[1] == EventType.CALL_SURVEY_OFFERED]
        assert [(e[2], e[3]) for e in offered] == [(call_id, "1001")]
        # Not during a call that is not the agent's to end: the key says why and does nothing.
        await pilot.press(SURVEY_KEY)
        await until(lambda: any("The survey follows" in n[1] for n in notices(app)), pilot)
        assert len([e for e in stored_log(live.runtime) if e[1] == EventType.CALL_ENDED]) == 1


async def test_my_shift_shows_each_figure_as_recomputed_from_the_log(
    app: ShellApp, live: LiveServer, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await worked_shift(pilot, world)
        _, shift = await open_my_shift(pilot)
        expected = recompute(stored_log(live.runtime), "1001", shift.as_of)
        left, right = (rendered_lines(part) for part in shift_columns(shift, "Alt+S"))
        for (state, reason), seconds in expected["states"].items():
            if seconds >= 0.5:
                assert value_of(left, state_name(state, reason)).startswith(clock_face(seconds))
        assert value_of(left, "Logged in 在线") == clock_face(expected["logged_in_s"])
        handled = expected["calls_handled"]
        assert handled == 1
        assert value_of(right, "Calls handled 已处理") == str(handled)
        assert value_of(right, "Avg talk 平均通话") == clock_face(expected["talk_s"] / handled)
        assert value_of(right, "Avg hold 平均保持") == clock_face(expected["hold_s"] / handled)
        assert value_of(right, "Avg wrap-up 平均话后") == clock_face(expected["wrapup_s"] / handled)
        aht = (expected["talk_s"] + expected["hold_s"] + expected["wrapup_s"]) / handled
        assert value_of(right, "AHT 平均处理时长") == clock_face(aht)
        assert value_of(right, "Occupancy 占用率") == f"{expected['occupancy']:.0%}"
        assert value_of(right, "Sent to survey 转满意度") == str(expected["surveys_offered"]) == "1"
        scores = expected["scores"]
        assert value_of(right, "Scored 已评分") == str(len(scores))
        mean = f"{sum(scores) / len(scores):.2f} / 5" if scores else "—"
        assert value_of(right, "Mean score 平均分") == mean
        # What the dialog draws is those columns, and the login on the centre's clock.
        text = screen_text(app)
        assert f"Logged in 登录 {app.store.centre_time(expected['login_at'])}" in text
        assert "示忙 · 小休 Break" in text and "Mean score 平均分" in text


async def test_my_shift_keeps_counting_while_open_and_its_key_closes_it(
    app: ShellApp, live: LiveServer, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await worked_shift(pilot, world)
        dialog, first = await open_my_shift(pilot)
        await world.advance(120)  # two minutes on (the wrap-up runs out meanwhile)
        await until(lambda: dialog.shift is not None and dialog.shift.as_of > first.as_of, pilot)
        now = dialog.shift
        assert now is not None and now.as_of == first.as_of + 120
        assert now.logged_in_s == pytest.approx(first.logged_in_s + 120)
        assert now.calls_handled == first.calls_handled + 1  # the wrap-up ran out: handled
        await until(lambda: clock_face(now.logged_in_s) in screen_text(app), pilot)
        await pilot.press(SHIFT_KEY)
        await until(lambda: not isinstance(app.screen, MyShift), pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_desk_my_shift(
    snap_compare: Any, app: ShellApp, world: World, size: tuple[int, int]
) -> None:
    """My shift after a call sent to the survey, a break and a call in its wrap-up."""

    async def steps(pilot: Pilot[Any]) -> None:
        await worked_shift(pilot, world)
        await open_my_shift(pilot)
        await until(lambda: "Mean score" in screen_text(pilot.app), pilot)

    assert picture(snap_compare, app, size, steps)


async def test_the_caller_s_survey_score_shows_on_the_card_of_its_next_call(
    app: ShellApp, live: LiveServer, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await worked_shift(pilot, world)  # the second call is the same customer's
        scored = [e for e in stored_log(live.runtime) if e[1] == EventType.CALL_SURVEY_SCORED]
        assert len(scored) == 1  # this centre's seed: the caller scored, not hung up
        score = scored[0][5]["score"]
        assert live.runtime.store.contact(scored[0][2]).survey_score == score  # type: ignore[union-attr]
        await until(lambda: f"满意度 {score}/5" in screen_text(app), pilot)
