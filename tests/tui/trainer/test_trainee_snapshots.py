"""Pictures of the training call on the trainee's desk: a session in progress (the fault
report at its ticket step, the form prefilled) and a session scored with its losses."""

from __future__ import annotations

from typing import Any

import pytest
from live_helpers import LoginPicture
from textual.pilot import Pilot
from trainee_desk import Trainee, Trainer
from trainee_runs import WRONG

from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


def trainee_steps(centre: LiveServer, scenario: str, *, to_the_end: bool) -> Any:
    """Steps after 1001's login: the trainer starts `scenario` paused, the trainee works it."""

    async def steps(pilot: Pilot[Any]) -> None:
        trainer = await Trainer.logged_in(centre)
        try:
            await trainer.start(scenario)
            trainee = Trainee(pilot, trainer)
            await trainee.rung()
            if to_the_end:
                await WRONG[scenario](trainee)
            else:
                await trainee.answer()
                await trainee.walk("1y3")  # at log_fault: the ticket form opens, prefilled
                await pilot.press(*"光猫损坏 Modem dead")
        finally:
            await trainer.close()

    return steps


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_trainee_desk_with_a_training_call_in_progress(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    steps = trainee_steps(centre, "fault_damaged_modem", to_the_end=False)
    assert login_picture("1001", "desk", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_trainee_desk_with_a_training_call_scored(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    steps = trainee_steps(centre, "vip_quick_change", to_the_end=True)
    assert login_picture("1001", "desk", size, steps)
