"""The survey's block in the centre file (IN8): checked like the rest, file and line named."""

from __future__ import annotations

from tests.centre.test_centre_loader import SMALL_CENTRE, error_for, line_of

SURVEY_BLOCK = """\
survey:
  scores: {1: 0.1, 2: 0.1, 3: 0.2, 4: 0.3, 5: 0.3}
  hang_up_share: 0.2
"""


def test_a_score_outside_1_to_5_names_the_line_of_the_survey() -> None:
    text = SMALL_CENTRE + SURVEY_BLOCK.replace("5: 0.3", "6: 0.3")
    error = error_for(text)
    assert error.field == "survey"
    assert error.line == line_of(text, "survey:")
    assert "survey scores are 1..5, not [6]" in str(error)
    assert str(error).startswith(f"centre.yaml:{error.line}: ")


def test_a_share_above_one_names_its_own_line() -> None:
    text = SMALL_CENTRE + SURVEY_BLOCK.replace("hang_up_share: 0.2", "hang_up_share: 1.5")
    error = error_for(text)
    assert error.field == "survey.hang_up_share"
    assert error.line == line_of(text, "hang_up_share: 1.5")


def test_a_queues_survey_with_no_weight_is_refused_at_the_queue() -> None:
    text = SMALL_CENTRE.replace(
        "    max_length: 5\n", "    max_length: 5\n    survey: {scores: {3: 0}}\n"
    )
    error = error_for(text)
    assert error.field == "queues[0].survey"
    assert error.line == line_of(text, "survey: {scores: {3: 0}}")
    assert "need a weight above 0" in str(error)
