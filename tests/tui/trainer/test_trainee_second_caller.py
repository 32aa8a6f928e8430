"""The trainer's second caller on the trainee's desk, against the real server: it waits
(with its wait on the session's clock) while the trainee is on the scenario's call, rings
once that call is wrapped up, and is answered, hung up and wrapped up by the desk's keys;
the scenario's score stands, and the training call closes after the second call."""

from __future__ import annotations

from typing import Any

import pytest
from live_helpers import LoginPicture, screen_text, until
from textual.pilot import Pilot
from trainee_desk import Trainee, Trainer

from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.training_call import TrainingCallScreen
from server_stub.protocol.training_api import SessionControl
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


async def a_second_caller_waiting(trainee: Trainee, waited_s: float) -> None:
    """The trainee on the tariff enquiry, at its first step; the trainer rings a second
    caller in and lets `waited_s` of the session's time pass."""
    trainer = trainee.trainer
    await trainer.start("enquiry_tariffs")
    await trainee.rung()
    await trainee.answer()
    await trainee.walk("1")  # tariffs
    await trainer.api.steer_session(trainer.session_id, SessionControl(action="second_caller"))
    await trainee.wait(waited_s)
    waiting = f"Call waiting · enquiry · 0:{int(waited_s):02d}"
    await until(lambda: waiting in screen_text(trainee.app), trainee.pilot)


async def test_the_second_caller_waits_then_rings_and_is_taken_by_the_desks_keys(
    trainee: Trainee,
) -> None:
    app, pilot, trainer = trainee.app, trainee.pilot, trainee.trainer
    await a_second_caller_waiting(trainee, 20)
    assert "rings after this call" in screen_text(app)
    assert trainee.session.phone_call_id == trainee.session.call_id
    await trainee.walk("12")  # answered, nothing else
    await trainee.hang_up()
    await trainee.wrap_up("info_given")
    # Scored on the scenario's call; the second caller rings at once.
    score = trainee.session.score
    assert score is not None and score.total == score.max_total
    await until(lambda: "The second caller rings" in screen_text(app), pilot)
    assert "F4 answers" in screen_text(app)
    assert "closes the training call" not in screen_text(app)
    await pilot.press("f4")
    await until(lambda: "On the second caller · F9 hangs up" in screen_text(app), pilot)
    await pilot.press("f9")
    await until(lambda: "The second caller's wrap-up" in screen_text(app), pilot)
    await pilot.press("f10")
    await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
    await pilot.press(*"info_given", "enter")
    await until(lambda: trainee.session.ended == "finished", pilot)
    assert trainee.session.score == score  # the second call scores nothing
    await until(lambda: "F10 closes the training call" in screen_text(app), pilot)
    assert "Call waiting" not in screen_text(app)
    await pilot.press("f10")
    await until(lambda: not isinstance(app.screen, TrainingCallScreen), pilot)
    results = await trainer.api.training_results("1001")
    assert [r.session_id for r in results] == [trainer.session_id]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_trainee_desk_with_a_second_caller_waiting(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        trainer = await Trainer.logged_in(centre)
        try:
            await a_second_caller_waiting(Trainee(pilot, trainer), 23)
        finally:
            await trainer.close()

    assert login_picture("1001", "desk", size, steps)
