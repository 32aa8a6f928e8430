"""Quality against the real server: an evaluator samples a call, reads its transcript and
timeline, scores it on the form with what the log decides prefilled, confirms, and finds
it counted in the statistics; a blind calibration round of two evaluators; pictures."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from live_helpers import LoginPicture, World, client_as, frozen_app, log_in_as, screen_text, until
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.client.api import CentreApi, new_request_id
from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.quality.figures_screen import CalibrationScreen, StatisticsScreen
from agent_tui.workspaces.quality.scorecard_screen import ScorecardScreen
from agent_tui.workspaces.quality.screen import QualityScreen
from server_stub.protocol.api import TicketCreateRequest, TrainerCallRequest, WrapupRequest
from server_stub.protocol.quality_api import EvaluationConfirm, EvaluationCreate
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]
FAULT_PATH = [("greet", "1"), ("verify", "y"), ("describe_fault", "3"), ("log_fault", "1")]


async def a_slow_fault_call(centre: LiveServer) -> str:
    """1001 lets a fault call ring 14 s (the form allows 10), holds the caller at no step
    that carries the hold phrase, tickets the fault and closes by the book."""
    world = World(centre)
    agent = await client_as(centre.base_url, "1001")
    trainer = await client_as(centre.base_url, "t100")
    try:
        await agent.set_state("ready")
        sent = await trainer.send_caller(
            TrainerCallRequest(queue_id="fault", customer_id="C000002")
        )
        assert sent.call_id is not None
        await world.advance(14)
        await agent.answer(sent.call_id)
        await world.advance(20)
        await agent.hold(sent.call_id)
        await world.advance(8)
        await agent.retrieve(sent.call_id)
        await agent.create_ticket(
            TicketCreateRequest(
                request_id=new_request_id(),
                customer_id="C000002",
                call_id=sent.call_id,
                category="fault",
                subject="光猫无指示灯 Modem dead",
                department="network",
            )
        )
        await world.advance(30)
        await agent.hangup(sent.call_id)
        await agent.wrapup(
            sent.call_id,
            WrapupRequest(
                code="ticket_created", notes="光猫损坏 modem dead", script_path=FAULT_PATH
            ),
        )
        return sent.call_id
    finally:
        await agent.close()
        await trainer.close()


async def to_row(pilot: Pilot[Any], key: str) -> None:
    """Walk the scorecard's cursor down to the row `key`, as the evaluator would."""
    table = pilot.app.screen.query_one("#card-board", DataTable)
    for _ in range(table.get_row_index(key) - table.cursor_row):
        await pilot.press("down")
    assert table.cursor_row == table.get_row_index(key)


async def open_scorecard(pilot: Pilot[Any]) -> None:
    """F5 on the highlighted call: its scorecard, once the evaluation is read."""
    await pilot.press("f5")
    await until(
        lambda: (
            isinstance(pilot.app.screen, ScorecardScreen)
            and pilot.app.screen.evaluation is not None
        ),
        pilot,
    )


async def test_an_evaluator_scores_a_sampled_call_prefilled_from_its_log_and_it_is_counted(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    call_id = await a_slow_fault_call(centre)
    app = frozen_app(centre, tmp_path, config_dir, "e100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "quality")
        await until(lambda: call_id in screen_text(app), pilot)
        await until(lambda: "Transcript" in screen_text(app), pilot)
        text = screen_text(app)
        for expected in (
            "Quota 配额 2026-11: 1001 0/4",
            "Transcript 通话记录",
            "— the agent answers —",
            "我是1001号座席",  # the greeting as the script words it
        ):
            assert expected in text, expected

        await pilot.press("f5")
        await until(lambda: isinstance(app.screen, ScorecardScreen), pilot)
        card = app.screen
        assert isinstance(card, ScorecardScreen)
        await until(lambda: card.evaluation is not None, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert (
            "Total 总分 94" in text
        )  # rang 14 s (−10 attitude), held without the phrase (−5 skill)
        assert "✖ ⚑log" in text  # the slow answer, suggested from the log

        await to_row(pilot, "verbal_tics:tic")
        await pilot.press("ctrl+t", "ctrl+t")  # two verbal tics heard
        await until(lambda: "Total 总分 91.6" in screen_text(app), pilot)
        await to_row(pilot, "standard_wording:hold_without_phrase")
        text = screen_text(app)
        assert "口径规范 / Standard wording — 保持未使用标准用语(每次)" in text
        assert "⚑ from the log 日志: hold 1 of the call" in text
        await pilot.press("alt+c", *"语速适中", "enter")
        await pilot.press("f10")
        await until(lambda: isinstance(app.screen, QualityScreen), pilot)

        await pilot.press("f7")
        await until(lambda: isinstance(app.screen, StatisticsScreen), pilot)
        await until(lambda: "1 evaluations · mean 91.6" in screen_text(app), pilot)
        text = screen_text(app)
        assert "未及时应答 / Slow to answer" in text and "e100" in text
        await pilot.press("ctrl+g")
        await until(lambda: isinstance(app.screen, QualityScreen), pilot)

    evaluator = await client_as(centre.base_url, "e100")
    try:
        (stored,) = await evaluator.my_evaluations(call_id)
    finally:
        await evaluator.close()
    assert stored.evaluation.status == "confirmed"
    assert stored.evaluation.comments == "语速适中"
    assert stored.score.total == 91.6
    marked = {
        (item, d.id, d.count) for item, m in stored.evaluation.marks.items() for d in m.deductions
    }
    assert marked == {
        ("slow_to_answer", "rang_long", 1),
        ("standard_wording", "hold_without_phrase", 1),
        ("verbal_tics", "tic", 2),
    }


async def test_a_dropped_suggestion_and_a_kept_draft_come_back_as_left(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    call_id = await a_slow_fault_call(centre)
    app = frozen_app(centre, tmp_path, config_dir, "e100")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "quality")
        await until(lambda: call_id in screen_text(app), pilot)
        await open_scorecard(pilot)
        await to_row(pilot, "standard_wording:hold_without_phrase")
        await pilot.press("ctrl+t")  # the evaluator heard the hold phrase after all
        await until(lambda: "Total 总分 96" in screen_text(app), pilot)
        await pilot.press("ctrl+g")  # back: the draft is kept
        await until(lambda: isinstance(app.screen, QualityScreen), pilot)
        await open_scorecard(pilot)
        await pilot.pause()
        assert "Total 总分 96" in screen_text(app)
        assert screen_text(app).count("⚑log") == 1


async def test_two_evaluators_calibrate_a_call_blind_and_see_their_agreement(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    call_id = await a_slow_fault_call(centre)
    app = frozen_app(centre, tmp_path, config_dir, "e100")
    other: CentreApi = await client_as(centre.base_url, "e101")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "quality")
            await until(lambda: call_id in screen_text(app), pilot)
            await pilot.press("f6")  # no round yet: one is opened and e100 scores blind
            await until(
                lambda: (
                    isinstance(app.screen, ScorecardScreen) and app.screen.evaluation is not None
                ),
                pilot,
            )
            card = app.screen
            assert isinstance(card, ScorecardScreen) and card.calibration is not None
            assert f"blind round {card.calibration}" in screen_text(app)
            await pilot.press("f10")
            await until(lambda: isinstance(app.screen, QualityScreen), pilot)

            # e101 scores the same call in the round, keeping only the slow answer.
            draft = await other.create_evaluation(
                EvaluationCreate(
                    request_id=new_request_id(), call_id=call_id, calibration=card.calibration
                )
            )
            await other.confirm_evaluation(
                draft.evaluation.id,
                EvaluationConfirm(rejected=[("standard_wording", "hold_without_phrase")]),
            )

            await pilot.press("f6")  # scored already: the round's figures
            await until(lambda: isinstance(app.screen, CalibrationScreen), pilot)
            await until(lambda: "consensus total" in screen_text(app), pilot)
            text = screen_text(app)
            assert "e100" in text and "e101" in text
            # e100 94, e101 96 (no hold deduction); the consensus takes the median of the
            # hold item (12.5 of 15): (40 × 90 + 40 × 97.5 + 20 × 100) ÷ 100 = 95.
            assert "consensus total 95" in text
            assert "-1" in text and "+1" in text
    finally:
        await other.close()


async def a_scored_and_sampled_centre(centre: LiveServer) -> str:
    call_id = await a_slow_fault_call(centre)
    evaluator = await client_as(centre.base_url, "e101")
    try:
        draft = await evaluator.create_evaluation(
            EvaluationCreate(request_id="s1", call_id=call_id)
        )
        await evaluator.confirm_evaluation(draft.evaluation.id, EvaluationConfirm())
    finally:
        await evaluator.close()
    return call_id


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_quality_sample_with_a_call_transcript(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        shell = pilot.app
        assert isinstance(shell, ShellApp)
        await until(lambda: "Transcript" in screen_text(shell), pilot)

    asyncio.run(a_scored_and_sampled_centre(centre))
    assert login_picture("e100", "quality", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_quality_scorecard_prefilled(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        shell = pilot.app
        await until(lambda: "Transcript" in screen_text(shell), pilot)
        await pilot.press("f5")
        await until(
            lambda: (
                isinstance(shell.screen, ScorecardScreen) and shell.screen.evaluation is not None
            ),
            pilot,
        )
        await to_row(pilot, "slow_to_answer:rang_long")

    asyncio.run(a_slow_fault_call(centre))
    assert login_picture("e100", "quality", size, steps)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_quality_statistics(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        shell = pilot.app
        await until(lambda: "Transcript" in screen_text(shell), pilot)
        await pilot.press("f7")
        await until(lambda: "1 evaluations" in screen_text(shell), pilot)

    asyncio.run(a_scored_and_sampled_centre(centre))
    assert login_picture("e100", "quality", size, steps)
