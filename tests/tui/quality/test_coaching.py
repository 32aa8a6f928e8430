"""Coaching tasks (QA3) against the real server: an evaluator's individual finding reaches
the agent's team leader, who closes it with a note by keys; another team's leader never
sees it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from live_helpers import LoginPicture, client_as, frozen_app, log_in_as, screen_text, until
from test_quality import SIZES, a_slow_fault_call, open_scorecard
from textual.pilot import Pilot
from textual.widgets import Input

from agent_tui.client.api import new_request_id
from agent_tui.workspaces.quality.screen import QualityScreen
from agent_tui.workspaces.supervisor.coaching_view import CoachingScreen
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from agent_tui.workspaces.supervisor.text_dialog import TextDialog
from server_stub.protocol.quality_api import CoachingCreate, EvaluationConfirm, EvaluationCreate
from server_stub.server.testing import LiveServer

FINDING = "接听太慢,保持未说规范用语 / slow to answer, hold without the phrase"
COACHED = "一对一辅导:接听十秒内 / coached: answer within 10 s"


async def a_coaching_task(centre: LiveServer) -> str:
    """e100 scores team A's 1001 on a slow fault call and opens a coaching task on it."""
    call_id = await a_slow_fault_call(centre)
    evaluator = await client_as(centre.base_url, "e100")
    try:
        made = await evaluator.create_evaluation(
            EvaluationCreate(request_id=new_request_id(), call_id=call_id)
        )
        evaluation_id = made.evaluation.id
        await evaluator.confirm_evaluation(evaluation_id, EvaluationConfirm())
        task = await evaluator.open_coaching_task(
            evaluation_id, CoachingCreate(request_id=new_request_id(), note=FINDING)
        )
        return task.id
    finally:
        await evaluator.close()


async def open_coaching(pilot: Pilot[Any]) -> CoachingScreen:
    await until(lambda: isinstance(pilot.app.screen, MonitorScreen), pilot)
    await pilot.press("alt+k")
    await until(lambda: isinstance(pilot.app.screen, CoachingScreen), pilot)
    coaching = pilot.app.screen
    assert isinstance(coaching, CoachingScreen)
    await until(lambda: "loading… 加载中" not in screen_text(pilot.app), pilot)
    return coaching


async def test_the_team_leader_closes_a_coaching_task_with_a_note_by_keys(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    task_id = await a_coaching_task(centre)
    app = frozen_app(centre, tmp_path, config_dir, "s100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        coaching = await open_coaching(pilot)
        shown = screen_text(app)
        assert task_id in shown and "1001" in shown and "待辅导 open" in shown
        assert "未及时应答 / Slow to answer" in shown  # the item the call lost points on
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, TextDialog), pilot)
        await pilot.press("enter")  # an empty note is refused: the dialog stays
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = COACHED
        await pilot.press("enter")
        await until(lambda: coaching.tasks[task_id].status == "closed", pilot)
        await until(lambda: "已辅导 closed by s100" in screen_text(app), pilot)
        assert "辅导记录 (s100): 一对一辅导" in screen_text(app)
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, MonitorScreen), pilot)
    leader = await client_as(centre.base_url, "s100")
    try:
        (task,) = await leader.coaching_tasks()
    finally:
        await leader.close()
    assert (task.id, task.status, task.closed_by, task.closing_note) == (
        task_id,
        "closed",
        "s100",
        COACHED,
    )


async def test_an_evaluator_confirms_a_scorecard_with_a_coaching_task_by_key(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    call_id = await a_slow_fault_call(centre)
    app = frozen_app(centre, tmp_path, config_dir, "e100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "quality")
        await until(lambda: call_id in screen_text(app), pilot)
        await open_scorecard(pilot)
        await pilot.press("ctrl+o")
        await until(lambda: isinstance(app.screen, TextDialog), pilot)
        assert "Enter confirms the scorecard" in screen_text(app)
        await pilot.press("enter")  # an empty note is refused: the dialog stays
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = FINDING
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, QualityScreen), pilot)
        await until(lambda: "Quota 配额 2026-11: 1001 1/4" in screen_text(app), pilot)
    leader = await client_as(centre.base_url, "s100")
    try:
        (task,) = await leader.coaching_tasks()
    finally:
        await leader.close()
    assert (task.call_id, task.agent_id, task.note, task.created_by) == (
        call_id,
        "1001",
        FINDING,
        "e100",
    )
    assert "s100" in task.team_leaders and task.status == "open"
    assert "未及时应答 / Slow to answer" in task.items


async def test_another_teams_leader_does_not_see_the_coaching_task(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    task_id = await a_coaching_task(centre)
    app = frozen_app(centre, tmp_path, config_dir, "s101")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")
        coaching = await open_coaching(pilot)
        assert coaching.tasks == {}
        assert "0 open 待辅导 of 0" in screen_text(app) and task_id not in screen_text(app)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_coaching_tasks_of_the_team_leader(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    asyncio.run(a_coaching_task(centre))

    async def steps(pilot: Pilot[Any]) -> None:
        await open_coaching(pilot)

    assert login_picture("s100", "supervisor", size, steps)
