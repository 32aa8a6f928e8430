"""The trainee's desk against the real server: each demo scenario's call rings on the desk
when the trainer starts it, the caller's lines appear as they are said, the trainee works
the call by keys and reads the score at the end; done right it is top marks, done wrong in
a known way it loses exactly that, and the same keys give the same score on every run."""

from __future__ import annotations

import pytest
from live_helpers import screen_text, until
from trainee_desk import Lost, Trainee
from trainee_runs import RIGHT, WRONG, Run

from agent_tui.workspaces.desk.training_call import TrainingCallScreen
from server_stub.protocol.scenario_model import TrainingScore


async def play(trainee: Trainee, scenario: str, run: Run) -> tuple[TrainingScore, Lost, str]:
    """The trainer starts `scenario` (paused: the test moves its clock); the trainee works
    it with `run`, reads the score, and closes the training call."""
    await trainee.trainer.start(scenario)
    await trainee.rung()
    await run(trainee)
    score = trainee.session.score
    assert score is not None
    text, lost = screen_text(trainee.app), trainee.lost()
    await trainee.pilot.press("f10")  # closes the training call: back to the desk
    await until(lambda: not isinstance(trainee.app.screen, TrainingCallScreen), trainee.pilot)
    return score, lost, text


HOLD_PHRASE = "hold phrase confirmed"
GONE_AT_REMEDY = "not reached: the caller hung up at 'resolve_now' (0 s)"
HUNG_UP = "not reached: the caller hung up at 'line_test' (40 s)"
# Each scenario done wrong: (total, every point lost as (dimension, item, points, reason)).
WRONG_SCORES: dict[str, tuple[float, Lost]] = {
    "enquiry_tariffs": (85, [("wrapup", "wrap-up code", 15, "'resolved', expected 'info_given'")]),
    "fault_damaged_modem": (
        85,
        [("actions", "ticket (category fault, department network)", 15, "not done")],
    ),
    "angry_complaint": (  # offered a remedy, he goes furious and hangs up at once
        48.5,
        [
            ("path", "step escalate_leader", 8, f"'escalate_leader' {GONE_AT_REMEDY}"),
            ("path", "step transferred_leader", 8, f"'transferred_leader' {GONE_AT_REMEDY}"),
            ("path", "step resolve_now", 8, "walked 'resolve_now', off the expected path"),
            ("actions", "ticket (category complaint)", 7.5, "not done"),
            ("actions", "hold_with_phrase (max_s 60)", 7.5, "not done"),
            ("actions", "transfer (mode consult, role team_leader)", 7.5, "not done"),
            ("wrapup", "wrap-up code", 5, "'complaint_logged', expected 'transferred'"),
        ],
    ),
    "vip_quick_change": (
        82.5,
        [
            (
                "actions",
                "hold_with_phrase (max_s 30)",
                15,
                f"hold at 0 s for 45 s ({HOLD_PHRASE}), over 30 s",
            ),
            ("time", "longest hold ≤ 30 s", 2.5, "45 s, over the limit of 30 s"),
        ],
    ),
    "fails_verification": (
        0,
        [
            ("path", "step verify", 10, "'verify' not walked"),
            ("path", "step not_verified", 10, "'not_verified' not walked"),
            ("path", "step account_info", 10, "walked 'account_info', off the expected path"),
            ("path", "step anything_else", 10, "walked 'anything_else', off the expected path"),
            ("path", "step closing_info", 10, "walked 'closing_info', off the expected path"),
            ("actions", "verify_identity (key n)", 20, "not done"),
            ("wrapup", "wrap-up code", 10, "'info_given', expected 'not_verified'"),
        ],
    ),
    "hold_hangup": (  # the hold ends when she hangs up, at 40 s: not over its limit
        70.24,
        [
            ("path", "step log_fault", 5.71, f"'log_fault' {HUNG_UP}"),
            ("path", "step closing_ticket", 5.71, f"'closing_ticket' {HUNG_UP}"),
            ("actions", "ticket (category fault)", 10, "not done"),
            (
                "phrases",
                "结束语 / closing",
                3.33,
                "the walk stopped at 'line_test', which has no closing",
            ),
            ("wrapup", "wrap-up code", 5, "'no_action', expected 'ticket_created'"),
        ],
    ),
}


@pytest.mark.parametrize("scenario", list(RIGHT))
async def test_each_scenario_on_the_trainees_desk_scores_top_marks_done_right_and_exactly_its_losses_done_wrong(  # noqa: E501
    trainee: Trainee, scenario: str
) -> None:
    score, lost, text = await play(trainee, scenario, RIGHT[scenario])
    assert lost == [] and score.fatal == []
    assert score.total == score.max_total == 100
    assert "Score 得分 100 / 100" in text

    score, lost, text = await play(trainee, scenario, WRONG[scenario])
    total, expected = WRONG_SCORES[scenario]
    assert lost == expected
    assert score.total == total
    assert f"Score 得分 {total:g} / 100" in text
    name, _, points, reason = expected[0]
    assert f"−{points:g} {name}: {reason}"[:30] in text  # the first loss, on screen


async def test_the_same_keys_give_the_same_score_line_for_line_on_every_run(
    trainee: Trainee,
) -> None:
    first, _, _ = await play(trainee, "angry_complaint", WRONG["angry_complaint"])
    again, _, _ = await play(trainee, "angry_complaint", WRONG["angry_complaint"])
    assert first.call_id == again.call_id  # each session's centre starts afresh
    assert first.model_dump() == again.model_dump()


async def test_the_caller_says_its_lines_on_the_desk_and_a_fatal_walk_scores_nothing(
    trainee: Trainee,
) -> None:
    score, _, text = await play(trainee, "fails_verification", WRONG["fails_verification"])
    # path 0 of 40 (its losses floor at 0), actions 0 of 20, wrap-up 0 of 10
    assert score.raw_total == 30 and score.total == 0
    assert score.fatal == ["walked 'account_info', which a trainee must never do in this scenario"]
    assert "✖ 0 points 零分: walked 'account_info'" in text
    assert "客户" in text  # the caller's lines, as said


async def test_a_caller_kept_on_hold_too_long_hangs_up_on_the_trainees_desk(
    trainee: Trainee,
) -> None:
    await trainee.trainer.start("hold_hangup")
    await trainee.rung()
    await trainee.answer()
    await trainee.walk("1y22")
    await trainee.hold()
    await trainee.wait(45)
    await trainee.until_state("wrap_up")
    text = screen_text(trainee.app)
    assert "The caller hung up." in text
    assert "ENDED" in text  # the caller's card
