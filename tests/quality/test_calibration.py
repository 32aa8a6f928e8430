"""Calibration: evaluators who scored one call blind, against their consensus."""

from __future__ import annotations

import pytest

from server_stub.quality.calibration import calibrate
from tests.quality.forms import demo_form, evaluation

# e100: cold attitude 15, verbal tics 9, basic marketing N/A
#   total (40*89 + 4000 + 20*100) / 100 = 95.6 (initiative: 70 of 70 applicable)
# e101: cold attitude 10, verbal tics 9, basic marketing 15
#   total (40*84 + 4000 + 20*85) / 100 = 90.6
A = evaluation(
    "k1",
    call="c9",
    evaluator="e100",
    cold_attitude="flat_tone",
    verbal_tics="tic*2",
    basic_marketing="na",
)
B = evaluation(
    "k2",
    call="c9",
    evaluator="e101",
    cold_attitude=["flat_tone", "no_empathy"],
    verbal_tics="tic*2",
    basic_marketing="missed_offer",
)
# e102: cold attitude 15, verbal tics 15, basic marketing N/A
C = evaluation("k3", call="c9", evaluator="e102", cold_attitude="flat_tone", basic_marketing="na")


def test_two_evaluators_agree_on_some_items_and_differ_on_others() -> None:
    result = calibrate(demo_form(), [A, B])
    items = {i.item: (i.scores, i.consensus, i.agreement, i.spread) for i in result.items}
    assert items["cold_attitude"] == ({"e100": 15.0, "e101": 10.0}, 12.5, 0.0, 5.0)
    assert items["verbal_tics"] == ({"e100": 9.0, "e101": 9.0}, 9.0, 1.0, 0.0)
    # One N/A of two is not a majority: the consensus is the one score given.
    assert items["basic_marketing"] == ({"e100": None, "e101": 15.0}, 15.0, 0.0, 0.0)
    assert items["volume"] == ({"e100": 10.0, "e101": 10.0}, 10.0, 1.0, 0.0)
    # Consensus: attitude 100 - 7.5 - 6 = 86.5; initiative 85 of 100.
    assert result.consensus.total == (40 * 86.5 + 4000 + 20 * 85) / 100 == 91.6
    deviations = {
        d.evaluator: (d.total, d.deviation, d.mean_item_deviation, d.items_off)
        for d in result.evaluators
    }
    assert deviations == {
        "e100": (95.6, 4.0, round(2.5 / 17, 2), ["cold_attitude", "basic_marketing"]),
        "e101": (90.6, -1.0, round(2.5 / 18, 2), ["cold_attitude"]),
    }


def test_three_evaluators_take_the_median_and_a_majority_for_not_applicable() -> None:
    result = calibrate(demo_form(), [A, B, C])
    items = {i.item: (i.consensus, i.agreement) for i in result.items}
    assert items["cold_attitude"] == (15.0, round(1 / 3, 4))  # 15, 10, 15: one pair of three
    assert items["verbal_tics"] == (9.0, round(1 / 3, 4))  # 9, 9, 15
    assert items["basic_marketing"] == (None, round(1 / 3, 4))  # N/A twice: N/A
    # attitude 100 - 5 - 6 = 89, initiative 70 of 70: the consensus equals e100's total.
    assert result.consensus.total == 95.6
    assert {d.evaluator: d.deviation for d in result.evaluators} == {
        "e100": 0.0,
        "e101": -5.0,
        "e102": round((40 * 95 + 4000 + 2000) / 100 - 95.6, 2),
    }


def test_a_fatal_error_counts_in_the_consensus_only_when_most_evaluators_saw_it() -> None:
    rude_a = A.model_copy(
        update={"marks": {**A.marks, **evaluation("x", fatal_error="rude").marks}}
    )
    rude_c = C.model_copy(
        update={"marks": {**C.marks, **evaluation("x", fatal_error="rude").marks}}
    )
    assert calibrate(demo_form(), [rude_a, B, C]).consensus.total == 95.6
    two_of_three = calibrate(demo_form(), [rude_a, B, rude_c]).consensus
    assert two_of_three.total == 0.0 and two_of_three.raw_total == 95.6
    assert [hit.deduction for hit in two_of_three.fatal] == ["rude"]


def test_a_calibration_is_of_one_call_one_form_version_and_one_mark_per_evaluator() -> None:
    with pytest.raises(ValueError, match="one call"):
        calibrate(demo_form(), [A, evaluation("k9", call="c1", evaluator="e103")])
    with pytest.raises(ValueError, match="once"):
        calibrate(demo_form(), [A, A.model_copy(update={"id": "k4"})])
    with pytest.raises(ValueError, match="at least one"):
        calibrate(demo_form(), [])
    single = calibrate(demo_form(), [B])
    assert all(item.agreement == 1.0 for item in single.items)
    assert single.evaluators[0].deviation == 0.0
