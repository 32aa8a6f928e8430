"""The trainee's desk against the real server: a session the trainer starts rings on the
desk, the caller's lines appear as they are said, the trainee works the call with the
desk's keys and reads the score at the end; done right it is top marks, done wrong in a
known way it loses exactly that."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import client_as, frozen_app, log_in_as, screen_text, until
from textual.pilot import Pilot

from agent_tui.client.api import new_request_id
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.training_call import TrainingCallScreen
from server_stub.protocol.training_api import SessionCreate
from server_stub.server.testing import LiveServer


async def start_session(centre: LiveServer, scenario: str) -> str:
    trainer = await client_as(centre.base_url, "t100")
    try:
        made = SessionCreate(request_id=new_request_id(), scenario=scenario, trainee="1001")
        return (await trainer.start_session(made)).id
    finally:
        await trainer.close()


async def work_the_call(pilot: Pilot[Any], keys: str, code: str) -> TrainingCallScreen:
    """Answer, walk the script by its option keys, hang up and wrap up with `code`."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    await until(lambda: isinstance(app.screen, TrainingCallScreen), pilot, timeout=15)
    training = app.screen
    assert isinstance(training, TrainingCallScreen)
    await until(lambda: training.session.trainee_state == "reserved", pilot)
    await pilot.press("f4")  # the desk's answer key
    await until(lambda: training.session.trainee_state == "busy", pilot)
    await until(lambda: training.query_one("#training-script").has_focus, pilot)
    for key in keys:
        before = len(training.session.events)
        await pilot.press(key)
        await until(lambda seen=before: len(training.session.events) > seen, pilot)
    await pilot.press("f9")  # hang up
    await until(lambda: training.session.trainee_state == "wrap_up", pilot)
    await pilot.press("f10")
    await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
    await pilot.press(*code, "enter")
    await until(lambda: training.session.score is not None, pilot)
    await pilot.pause()
    return training


def lost(training: TrainingCallScreen) -> list[tuple[str, str, float, str]]:
    score = training.session.score
    assert score is not None
    return [
        (dimension.name, line.item, line.possible - line.earned, line.reason)
        for dimension in score.dimensions
        for line in dimension.lines
        if line.earned < line.possible
    ]


RIGHT = [
    ("enquiry_tariffs", "112", "info_given"),  # tariffs, answered, nothing else
    ("fails_verification", "2rn", "not_verified"),  # own bill; ask again; not verified
]


@pytest.mark.parametrize(("scenario", "keys", "code"), RIGHT, ids=[r[0] for r in RIGHT])
async def test_a_scenario_done_right_on_the_trainees_desk_scores_top_marks(
    centre: LiveServer,
    tmp_path: Path,
    config_dir: Path,
    no_keyring: None,
    scenario: str,
    keys: str,
    code: str,
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "desk")
        await start_session(centre, scenario)
        training = await work_the_call(pilot, keys, code)
        assert lost(training) == []
        assert training.session.score is not None and training.session.score.total == 100
        text = screen_text(app)
        assert "Score 得分 100 / 100" in text
        await pilot.press("f10")  # closes the training call: back to the desk
        await until(lambda: not isinstance(app.screen, TrainingCallScreen), pilot)


async def test_a_wrong_wrap_up_code_loses_exactly_the_wrap_up_with_its_reason(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = frozen_app(centre, tmp_path, config_dir, "1001")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "desk")
        await start_session(centre, "enquiry_tariffs")
        training = await work_the_call(pilot, "112", "resolved")
        assert lost(training) == [
            ("wrapup", "wrap-up code", 15.0, "'resolved', expected 'info_given'")
        ]
        assert training.session.score is not None and training.session.score.total == 85
        text = screen_text(app)
        assert "Score 得分 85 / 100" in text
        assert "−15 wrapup: 'resolved', expected 'info_given'" in text
        # The caller's lines were on the desk as they were said.
        assert "喂,你好。 / Hello?" in text
