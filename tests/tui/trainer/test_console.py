"""The training console against the real server: send a caller by key, follow the call."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from live_helpers import (
    LoginPicture,
    World,
    client_as,
    frozen_app,
    log_in_as,
    screen_text,
    signed_in,
    until,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from agent_tui.client.api import CentreApi, new_request_id
from agent_tui.shell.app import ShellApp
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.trainer.replay_screen import ReplayScreen
from agent_tui.workspaces.trainer.screen import ConsoleScreen
from agent_tui.workspaces.trainer.send_dialog import SendCallerDialog
from agent_tui.workspaces.trainer.session_dialogs import (
    StartSessionDialog,
    WhisperDialog,
    trainee_ids,
)
from agent_tui.workspaces.trainer.trails import TRAIL_COLUMNS
from server_stub.protocol.api import TrainerCallRequest, WrapupRequest
from server_stub.protocol.desk_screen import ScriptStepRequest
from server_stub.protocol.training_api import (
    DeskAction,
    SessionControl,
    SessionCreate,
    SessionView,
)
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


def _now(console: ConsoleScreen, call_id: str) -> str:
    row = console.query_one("#trails-board", DataTable).get_row(call_id)
    return str(row[TRAIL_COLUMNS.index("Now")])


async def _send(pilot: Pilot[Any], queue_row: int, customer_id: str) -> str:
    """Highlight a queue, send a caller there as `customer_id`; returns the new call's id."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    console = app.screen
    assert isinstance(console, ConsoleScreen)
    known = set(app.store.trails)
    console.query_one("#queues-board", DataTable).move_cursor(row=queue_row)
    await pilot.press("f2")
    await until(lambda: isinstance(app.screen, SendCallerDialog), pilot)
    app.screen.query_one("#send-customer", Input).value = customer_id
    await pilot.press("enter")
    await until(lambda: set(app.store.trails) - known, pilot)
    (call_id,) = set(app.store.trails) - known
    return call_id


async def test_a_caller_sent_by_key_is_followed_until_an_agent_answers(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    agent = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "trainer")
            console = app.screen
            assert isinstance(console, ConsoleScreen)
            call_id = await _send(pilot, 1, "C000003")  # the second queue: enquiry
            await until(lambda: _now(console, call_id) == "waiting in the queue", pilot)
            row = console.query_one("#trails-board", DataTable).get_row(call_id)
            assert [str(cell) for cell in row[1:3]] == ["enquiry", "C000003"]

            await agent.set_state("ready")
            await until(lambda: _now(console, call_id) == "ringing at 1001", pilot)
            await agent.answer(call_id)
            await until(lambda: _now(console, call_id) == "talking with 1001", pilot)
    finally:
        await agent.close()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_console_with_one_caller_answered_and_one_waiting(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        agent = await client_as(centre.base_url, "1001")
        try:
            await agent.set_state("ready")
            answered = await _send(pilot, 1, "C000001")
            await agent.answer(answered)
            waiting = await _send(pilot, 2, "C000004")  # nobody is left ready: it waits
            await World(centre).advance(30)  # the queues' next statistics snapshot
        finally:
            await agent.close()
        console = pilot.app.screen
        assert isinstance(console, ConsoleScreen)
        await until(lambda: _now(console, answered) == "talking with 1001", pilot)
        await until(lambda: _now(console, waiting) == "waiting in the queue", pilot)
        store = console.store
        await until(lambda: all(q.as_of == 30.0 for q in store.queues.values()), pilot)

    assert login_picture("t100", "trainer", size, steps)


# ------------------------------------------------------------------------------ sessions


async def play(
    trainer: CentreApi, trainee: CentreApi, session_id: str, actions: list[tuple[float, DeskAction]]
) -> SessionView:
    """The trainee's desk acts at each instant of the session's own (paused) clock: the
    trainer steps the clock to it first."""
    view = await trainer.training_session(session_id)
    for at, action in actions:
        if at > view.sim_time:
            await trainer.steer_session(
                session_id, SessionControl(action="step", seconds=at - view.sim_time)
            )
        view = await trainee.session_desk(session_id, action)
    return view


def step(key: str, step_id: str, following: str) -> DeskAction:
    return DeskAction(action="script_step", args={"step": step_id, "key": key, "next": following})


ENQUIRY_OPENING = [
    (4.0, DeskAction(action="answer")),
    (15.0, step("1", "greet", "tariffs")),
]
ENQUIRY_TO_THE_END = [
    *ENQUIRY_OPENING,
    (60.0, step("1", "tariffs", "anything_else")),
    (90.0, step("2", "anything_else", "closing_info")),
    (100.0, DeskAction(action="hangup")),
    (
        120.0,
        DeskAction(
            action="wrapup",
            args={
                "code": "info_given",
                "notes": "问59元套餐流量 / asked about the 59 plan",
                "script_path": [["greet", "1"], ["tariffs", "1"], ["anything_else", "2"]],
            },
        ),
    ),
]


def shown_session(pilot: Pilot[Any]) -> SessionView | None:
    console = pilot.app.screen
    if not isinstance(console, ConsoleScreen) or not console.sessions:
        return None
    return next(iter(console.sessions.values()))


def said_lines(pilot: Pilot[Any]) -> int:
    view = shown_session(pilot)
    return 0 if view is None else sum(e.type == "call.caller_said" for e in view.events)


def scored(pilot: Pilot[Any]) -> float | None:
    view = shown_session(pilot)
    return None if view is None or view.score is None else view.score.total


async def a_paused_session(centre: LiveServer, actions: list[tuple[float, DeskAction]]) -> str:
    trainer = await client_as(centre.base_url, "t100")
    trainee = await client_as(centre.base_url, "1001")
    try:
        made = SessionCreate(
            request_id=new_request_id(), scenario="enquiry_tariffs", trainee="1001", paused=True
        )
        session = await trainer.start_session(made)
        await play(trainer, trainee, session.id, actions)
        return session.id
    finally:
        await trainer.close()
        await trainee.close()


async def _session_by_key(pilot: Pilot[Any]) -> tuple[ConsoleScreen, SessionView]:
    """F3, Enter: the first scenario (the tariff enquiry) for 1001, from the console."""
    app = pilot.app
    console = app.screen
    assert isinstance(console, ConsoleScreen)
    await pilot.press("f3")
    await until(lambda: isinstance(app.screen, StartSessionDialog), pilot)
    await pilot.press("enter")
    await until(lambda: len(console.sessions) == 1, pilot)
    (session,) = console.sessions.values()
    return console, session


async def test_a_trainer_starts_a_session_pauses_steps_steers_and_whispers(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    trainee = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "trainer")
            console, session = await _session_by_key(pilot)
            assert session.scenario == "enquiry_tariffs" and session.trainee == "1001"
            await until(lambda: "the trainee's phone rings" in screen_text(app), pilot)

            await pilot.press("f6")  # pause
            await until(lambda: console.sessions[session.id].paused, pilot)
            paused_at = console.sessions[session.id].sim_time
            await pilot.press("f7")  # step 5 s
            await until(lambda: console.sessions[session.id].sim_time == paused_at + 5, pilot)

            await trainee.session_desk(session.id, DeskAction(action="answer"))
            await pilot.press("f5")  # read the session again (it is paused: no polling)
            await until(lambda: "喂,你好。 / Hello?" in screen_text(app), pilot)
            await pilot.press("f8")  # angrier: calm → neutral
            await until(lambda: console.sessions[session.id].mood == "neutral", pilot)
            await pilot.press("f10")
            await until(lambda: isinstance(app.screen, WhisperDialog), pilot)
            await pilot.press(*"问清需求", "enter")
            await until(lambda: "问清需求" in screen_text(app), pilot)
            await pilot.press("f6")  # resume: the console follows the running clock
            await until(lambda: not console.sessions[session.id].paused, pilot)
            running_at = console.sessions[session.id].sim_time
            await until(lambda: console.sessions[session.id].sim_time > running_at, pilot)
    finally:
        await trainee.close()
    mine = await client_as(centre.base_url, "1001")
    try:
        view = await mine.my_session()
    finally:
        await mine.close()
    whispers = [e.data["text"] for e in view.events if e.type == "training.whisper"]
    assert whispers == ["问清需求"]


def test_trainees_are_typed_as_ids_in_any_usual_separation() -> None:
    assert trainee_ids(" 1001、1002，1003; 1001  1004 ") == ["1001", "1002", "1003", "1004"]
    assert trainee_ids(" , ") == []


async def test_a_trainer_starts_one_scenario_for_several_trainees_at_once(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    async with signed_in(centre, tmp_path, config_dir, "t100", "trainer") as pilot:
        app, console = pilot.app, pilot.app.screen
        assert isinstance(console, ConsoleScreen)
        await pilot.press("f3")
        await until(lambda: isinstance(app.screen, StartSessionDialog), pilot)
        trainees = app.screen.query_one("#session-trainee", Input)
        trainees.focus()
        await pilot.press("end", *", 1002 9999", "enter")  # 9999 has no seat
        await until(lambda: len(console.sessions) == 2, pilot)

        def rang() -> list[str]:
            return [n.message for n in app._notifications if n.message.startswith("Ringing")]

        await until(rang, pilot)  # once every request has had its answer
        views = sorted(console.sessions.values(), key=lambda view: view.trainee)
        assert [(v.trainee, v.scenario) for v in views] == [
            ("1001", "enquiry_tariffs"),
            ("1002", "enquiry_tariffs"),
        ]
        assert rang() == [f"Ringing 已振铃: 1001 ({views[0].id}), 1002 ({views[1].id})"]
        refused = [n for n in app._notifications if n.title == "Could not start 9999's session"]
        assert len(refused) == 1 and "9999" in refused[0].message
        assert console.last_trainees == "1001 1002 9999"  # offered again next time
    for trainee, view in zip(("1001", "1002"), views, strict=True):
        api = await client_as(centre.base_url, trainee)
        try:
            mine = await api.my_session()
        finally:
            await api.close()
        assert mine is not None and mine.id == view.id  # each on a session of its own


async def test_a_trainer_rings_a_second_caller_into_a_running_session_by_key(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    trainee = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "trainer")
            _, session = await _session_by_key(pilot)
            await trainee.session_desk(session.id, DeskAction(action="answer"))
            await pilot.press("ctrl+o")  # a second caller rings the session's queue
            await until(lambda: "a second caller rings enquiry" in screen_text(app), pilot)
        view = await trainee.my_session()
    finally:
        await trainee.close()
    arrived = [e for e in view.events if e.type == "call.arrived"]
    assert [e.call_id == view.call_id for e in arrived] == [True, False]
    assert arrived[1].queue_id == view.queue and view.trainee_state == "busy"


def desk_drawn(pilot: Pilot[Any]) -> bool:
    """The session's script has been read: the trainee's desk is drawn with it."""
    console = pilot.app.screen
    return isinstance(console, ConsoleScreen) and any(console.scripts.values())


async def test_the_trainer_sees_the_trainees_desk_follow_its_script_live(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    session_id = await a_paused_session(centre, ENQUIRY_OPENING)
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    trainee = await client_as(centre.base_url, "1001")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "trainer")
            await until(lambda: desk_drawn(pilot), pilot)
            # The desk is on the tariffs step (greet → 1), as the trainee's own desk shows it.
            await until(lambda: "Trainee's desk 学员桌面" in screen_text(app), pilot)
            shown = screen_text(app)
            assert "我为您介绍一下适合您的套餐" in shown
            assert "请问还有其他可以帮您的吗" not in shown
            await trainee.session_desk(session_id, step("1", "tariffs", "anything_else"))
            await pilot.press("f5")  # the session is paused: read it again
            await until(lambda: "请问还有其他可以帮您的吗" in screen_text(app), pilot)
            assert "我为您介绍一下适合您的套餐" not in screen_text(app)
            assert "刘峰" not in screen_text(app)  # the trainer gets no caller's record
    finally:
        await trainee.close()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_console_with_a_session_in_progress(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    asyncio.run(a_paused_session(centre, ENQUIRY_OPENING))

    async def steps(pilot: Pilot[Any]) -> None:
        await until(lambda: said_lines(pilot) == 3, pilot)  # hello, the question, the 59 plan
        await until(lambda: desk_drawn(pilot), pilot)

    assert login_picture("t100", "trainer", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_starting_a_session_for_two_trainees(
    login_picture: LoginPicture, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.press("f3")
        await until(lambda: isinstance(pilot.app.screen, StartSessionDialog), pilot)
        pilot.app.screen.query_one("#session-trainee", Input).focus()
        await pilot.press("end", *" 1002")

    assert login_picture("t100", "trainer", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_console_with_a_session_scored(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    asyncio.run(a_paused_session(centre, ENQUIRY_TO_THE_END))

    async def steps(pilot: Pilot[Any]) -> None:
        await until(lambda: scored(pilot) == 100, pilot)
        await until(lambda: quality_read(pilot) and history_read(pilot), pilot)

    assert login_picture("t100", "trainer", size, steps)


async def test_the_stop_key_ends_a_running_session_before_its_score(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    await a_paused_session(centre, ENQUIRY_OPENING)
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "trainer")
        await until(lambda: shown_session(pilot) is not None, pilot)
        await pilot.press("alt+x")  # keymaps/default.toml's trainer.stop
        await until(lambda: getattr(shown_session(pilot), "ended", None) == "stopped", pilot)
        view = shown_session(pilot)
        assert view is not None and view.score is None
        await until(lambda: "stopped" in screen_text(app), pilot)
        await pilot.press("alt+x")  # over: the key is no longer offered, nothing happens
        await pilot.pause()
        assert not [n for n in app._notifications if "stop the session" in n.title]


async def test_a_scored_session_shows_the_trainees_results_over_time(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    """1001 scored twice on the tariff enquiry: slow to answer, then right."""
    await a_paused_session(centre, [(14.0, DeskAction(action="answer")), *ENQUIRY_TO_THE_END[1:]])
    await a_paused_session(centre, ENQUIRY_TO_THE_END)
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "trainer")
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        await until(lambda: any(len(h or []) == 2 for h in console.histories.values()), pilot)
        first, second = (s.score.total for s in console.sessions.values() if s.score)
        assert first < second == 100
        console.query_one(DetailPanel).scroll_end(animate=False)
        await until(lambda: "Results over time 历次成绩 · 1001" in screen_text(app), pilot)
        shown = screen_text(app).splitlines()
        rows = [line for line in shown if "enquiry_tariffs v1" in line and "/100" in line]
        assert [f"{first:g}/100" in rows[0], "100/100" in rows[1]] == [True, True]
        assert f"+{second - first:g}" in rows[1] and "+" not in rows[0].split("v1")[1]


def history_read(pilot: Pilot[Any]) -> bool:
    console = pilot.app.screen
    return isinstance(console, ConsoleScreen) and any(console.histories.values())


def quality_read(pilot: Pilot[Any]) -> bool:
    console = pilot.app.screen
    return isinstance(console, ConsoleScreen) and any(console.quality_forms.values())


async def test_a_scored_session_shows_the_quality_form_prefilled_from_its_call(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    """Answered after 14 s of ringing: the quality form under the score marks it."""
    slow = [(14.0, DeskAction(action="answer")), *ENQUIRY_TO_THE_END[1:]]
    await a_paused_session(centre, slow)
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "trainer")
        await until(lambda: quality_read(pilot), pilot)
        app.screen.query_one(DetailPanel).scroll_end(animate=False)  # under the score
        await until(lambda: "Quality form 质检表" in screen_text(app), pilot)
        shown = screen_text(app)
        assert "⚑ slow_to_answer · rang_long  answered after" in shown
        assert "(prefilled, not stored 预评)" in shown
        assert len([line for line in shown.splitlines() if "⚑" in line]) == 1  # that alone


# ------------------------------------------------------------------------------ replay


async def a_recorded_call(centre: LiveServer) -> str:
    """1001 takes an enquiry on the live floor, walks the script to its closing and wraps
    up."""
    world = World(centre)
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    try:
        await agent.set_state("ready")
        sent = await trainer.send_caller(
            TrainerCallRequest(queue_id="enquiry", customer_id="C000012")
        )
        assert sent.call_id is not None
        await world.advance(4)
        await agent.answer(sent.call_id)
        walk = [("greet", "1", "tariffs"), ("tariffs", "1", "anything_else")]
        walk.append(("anything_else", "2", "closing_info"))
        for step_id, key, following in walk:
            await world.advance(10)
            request = ScriptStepRequest(step=step_id, key=key, next=following)
            await agent.script_step(sent.call_id, request)
        await agent.hangup(sent.call_id)
        path = [(step_id, key) for step_id, key, _ in walk]
        await agent.wrapup(sent.call_id, WrapupRequest(code="info_given", script_path=path))
        return sent.call_id
    finally:
        await agent.close()
        await trainer.close()


async def open_replay(pilot: Pilot[Any], call_id: str) -> ReplayScreen:
    """Ctrl+R lists the floor's recorded calls; typing the call's id filters to it."""
    app = pilot.app
    await pilot.press("ctrl+r")
    await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
    await pilot.press(*call_id, "enter")
    await until(lambda: isinstance(app.screen, ReplayScreen), pilot)
    replay = app.screen
    assert isinstance(replay, ReplayScreen)
    return replay


async def test_a_recorded_call_replays_in_order_with_pause_step_speed_and_becomes_a_draft(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    call_id = await a_recorded_call(centre)
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "trainer")
        replay = await open_replay(pilot, call_id)
        player = replay.player
        assert player.shown == 0 and not player.playing
        await pilot.press("f7", "f7")  # two events, one at a time
        assert player.shown == 2
        assert [e.type for e in player.visible()] == ["call.arrived", "call.queued"]
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s", "ctrl+s")  # 1× → 16×
        assert player.speed == 16.0
        await pilot.press("f6")  # play
        await until(lambda: player.finished, pilot)
        seqs = [e.seq for e in player.visible()]
        assert seqs == sorted(seqs) and player.visible()[-1].type == "call.wrapup_completed"
        assert "the end" in screen_text(app) and "wrapped up" in screen_text(app)
        await pilot.press("ctrl+t")  # the call as a scenario draft
        await until(lambda: f"scenario: from_{call_id}" in screen_text(app), pilot)
        assert "the checker finds nothing wrong" in screen_text(app)
        await pilot.press("ctrl+g")
        await until(lambda: isinstance(app.screen, ConsoleScreen), pilot)


async def test_the_replay_key_lists_recorded_calls_to_filter_by_agent_queue_customer_or_date(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    call_id = await a_recorded_call(centre)
    app = frozen_app(centre, tmp_path, config_dir, "t100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "trainer")
        await pilot.press("ctrl+r")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        (choice,) = picker.choices
        assert choice.value == call_id
        assert choice.detail == "1001 · enquiry · C000012 · info_given"
        date = choice.label.split(" ")[0]
        for wanted in ("1001", "enquiry", "C000012", date):
            assert [c.value for c in picker.choices if c.matches(wanted)] == [call_id]
        assert not choice.matches("1002") and not choice.matches("fault")
        await pilot.press(*"C000012", "enter")
        await until(lambda: isinstance(app.screen, ReplayScreen), pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_replay_of_a_recorded_call_half_way(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    call_id = asyncio.run(a_recorded_call(centre))

    async def steps(pilot: Pilot[Any]) -> None:
        replay = await open_replay(pilot, call_id)
        await pilot.press(*["f7"] * 6)
        await until(lambda: replay.player.shown == 6, pilot)

    assert login_picture("t100", "trainer", size, steps)
