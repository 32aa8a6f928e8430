"""The quality form: the source document's items, validation naming file, line and item,
and the arithmetic recomputed by hand (and independently from the YAML)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from server_stub.cli import main
from server_stub.protocol.quality_forms import (
    Evaluation,
    QualityForm,
    check_form_text,
    check_forms,
    evaluation_problems,
    load_forms,
    parse_form,
    score_evaluation,
)
from server_stub.protocol.scripts import ScriptError
from tests.quality.forms import FORM_FILE, FORMS_DIR, demo_form, evaluation

SOURCE_ITEMS = [
    "服务态度",
    "服务技能",
    "服务主动性",
    "决定性错误",
    "态度冷淡",
    "语速",
    "未及时应答",
    "音量",
    "通话不流畅",
    "询问方式",
    "服务不耐心",
    "业务知识",
    "操作规范",
    "操作熟练程度",
    "拔话筒",
    "口头禅",
    "背景音",
    "口径规范",
    "基础营销",
    "延伸营销",
    "主动服务意识",
]


def test_the_demo_form_checks_clean_and_carries_every_item_of_the_source() -> None:
    assert [str(problem) for problem in check_forms(FORMS_DIR)] == []
    form = demo_form()
    names = [section.title for section in form.sections] + [item.label for _, item in form.items()]
    for term in SOURCE_ITEMS:
        assert any(name.startswith(term + " /") for name in names), term
    assert [field.id for field in form.header] == [
        "agent",
        "call_serial",
        "call_reason",
        "total_deduction",
        "comments",
        "evaluator",
    ]
    assert [item.id for _, item in form.items() if item.fatal] == ["fatal_error"]
    assert {item.id for _, item in form.items() if item.na} == {
        "basic_marketing",
        "extended_marketing",
    }


def test_each_scored_section_of_the_demo_form_is_worth_100_points() -> None:
    for section in demo_form().sections:
        if section.weight:
            assert sum(item.points for item in section.items) == 100, section.id


def test_an_evaluation_is_scored_item_by_item_then_by_section_weight() -> None:
    marked = evaluation(
        "q1",
        cold_attitude="flat_tone",  # 20 - 5
        verbal_tics="tic*4",  # 15 - 12
        standard_wording=["no_greeting", "hold_without_phrase*3", "no_closing"],  # 15 - 25 -> 0
        procedure="wrapup_over_limit",  # 20 - 5
        basic_marketing="na",
        extended_marketing="na",
        proactive_service="no_anything_else",  # 40 - 20
    )
    score = score_evaluation(demo_form(), marked)
    sections = {s.id: (s.earned, s.possible, s.percent) for s in score.sections}
    assert sections == {
        "fatal": (0.0, 0.0, None),  # no points: out of the total
        "attitude": (83.0, 100.0, 83.0),
        "skill": (80.0, 100.0, 80.0),  # standard wording stops at 0: loses 15, not 25
        "initiative": (20.0, 40.0, 50.0),  # the two marketing items are not applicable
    }
    assert score.raw_total == score.total == (40 * 83 + 40 * 80 + 20 * 50) / 100 == 75.2
    assert score.total_deduction == 5 + 12 + 15 + 5 + 20
    item = {i.item: i.score for i in score.items}
    assert (item["standard_wording"], item["basic_marketing"], item["volume"]) == (0, None, 10)


def test_a_fatal_error_zeroes_the_total_and_keeps_the_raw_score() -> None:
    marked = evaluation("q2", fatal_error="disclosed", cold_attitude="flat_tone")
    score = score_evaluation(demo_form(), marked)
    assert score.total == 0.0
    assert score.raw_total == (40 * 95 + 40 * 100 + 20 * 100) / 100 == 98.0
    assert [hit.label for hit in score.fatal] == [
        "决定性错误 / Fatal error: 未核实身份泄露客户信息"
        " / Disclosed customer data without verification"
    ]
    assert next(i for i in score.items if i.item == "fatal_error").fatal_hit


def independent_total(form_yaml: dict[str, Any], marks: dict[str, Any]) -> float:
    """The total from the raw YAML and a plain {item: {deduction: count} | "na"} mapping."""
    weighted = weights = 0.0
    for section in form_yaml["sections"]:
        earned = possible = 0.0
        for item in section["items"]:
            mark = marks.get(item["id"], {})
            if mark == "na":
                continue
            minus = {d["id"]: d["minus"] for d in item["deductions"]}
            lost = sum(minus[d] * n for d, n in mark.items())
            earned += max(0.0, item["points"] - lost)
            possible += item["points"]
        if possible:
            weighted += section["weight"] * 100 * earned / possible
            weights += section["weight"]
    return round(weighted / weights, 2)


@pytest.mark.parametrize(
    "plain",
    [
        {},
        {"speech_rate": {"too_fast": 1}, "business_knowledge": {"incomplete": 1, "unsure": 1}},
        {"verbal_tics": {"tic": 5}, "headset_pulled": {"pulled": 1}, "basic_marketing": "na"},
        {
            "basic_marketing": "na",
            "extended_marketing": "na",
            "proactive_service": {"no_next_steps": 1},
        },
        {
            "impatience": {"interrupted": 1, "rushed": 1, "refused_repeat": 1},
            "fluency": {"dead_air": 1},
        },
    ],
)
def test_the_total_matches_an_independent_recomputation_from_the_yaml(
    plain: dict[str, Any],
) -> None:
    specs: dict[str, str | list[str]] = {
        item: "na" if mark == "na" else [f"{d}*{n}" for d, n in mark.items()]
        for item, mark in plain.items()
    }
    raw_form = yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))
    score = score_evaluation(demo_form(), evaluation("q", **specs))
    assert score.total == independent_total(raw_form, plain)


SMALL = """\
form: small
version: 2
title: Small
sections:
  - id: a
    title: A
    weight: 3
    items:
      - {id: x, label: X, points: 10, deductions: [{id: d, minus: 4, label: D}]}
  - id: b
    title: B
    weight: 1
    items:
      - {id: y, label: Y, points: 5, na: true, deductions: [{id: e, minus: 5, label: E}]}
"""


def small_evaluation(**items: Any) -> Evaluation:
    return evaluation("s", **items).model_copy(update={"form": "small", "form_version": 2})


def test_a_section_with_nothing_applicable_drops_out_of_the_total() -> None:
    form = parse_form(SMALL)
    # Only section a counts: 6 of 10 = 60 %, whatever b's weight.
    assert score_evaluation(form, small_evaluation(x="d", y="na")).total == 60.0
    # Both count: (3 x 60 + 1 x 0) / 4.
    assert score_evaluation(form, small_evaluation(x="d", y="e")).total == 45.0


def test_evaluation_marks_are_checked_against_the_form_version_they_pin() -> None:
    form = parse_form(SMALL)
    bad = small_evaluation(x=["d*2", "z"], q="d")
    assert evaluation_problems(form, bad) == [
        "deduction 'd' of item 'x' applies at most 1 time(s), not 2",
        "item 'x' has no deduction 'z'",
        "no item 'q' on the form",
    ]
    na_on_x = small_evaluation(x="na")
    assert evaluation_problems(form, na_on_x) == ["item 'x' may not be marked not applicable"]
    other_version = small_evaluation().model_copy(update={"form_version": 1})
    assert evaluation_problems(form, other_version) == [
        "the evaluation is on small version 1, not small version 2"
    ]
    assert evaluation_problems(form, small_evaluation(x="d", y="na")) == []


def test_a_broken_form_reports_every_problem_with_file_line_and_item() -> None:
    broken = textwrap.dedent(
        """\
        form: broken
        version: 1
        title: Broken
        sections:
          - id: a
            title: A
            weight: 0
            items:
              - {id: x, label: X, points: 0, deductions: [{id: d, minus: 2, label: D}]}
              - id: x
                label: X again
                points: 5
                deductions:
                  - {id: d, minus: 0, label: D}
                  - {id: d, minus: 9, label: D2}
                  - {id: p, minus: 1, label: P, prefill: {rule: slow_to_anwser}}
                  - {id: q, minus: 1, label: Q, prefill: {rule: hold_over}}
              - {id: z, label: Z, points: 5, deductions: []}
          - id: a
            title: A2
            weight: 0
            items:
              - {id: w, label: W, points: 5, colour: red, deductions: [{id: d, minus: 1, label: D}]}
        """
    )
    assert [str(p) for p in check_form_text(broken, "f.yaml")[1]] == [
        "f.yaml:4: the section weights add up to 0: no total can be made",
        "f.yaml:7: warning: section 'a': weight 0: the points of its items never reach the total",
        "f.yaml:9: item 'x': an item that is not fatal is worth some points",
        "f.yaml:10: item 'x': item id 'x' is used twice (first at line 9)",
        "f.yaml:14: item 'x': deduction 'd' takes no points off: give minus > 0",
        "f.yaml:15: item 'x': deduction id 'd' is used twice in this item",
        "f.yaml:15: warning: item 'x': deduction 'd' takes 9, more than the item's 5 points"
        " (the item stops at 0)",
        "f.yaml:16: item 'x': unknown prefill rule 'slow_to_anwser' (did you mean"
        " 'slow_to_answer'?) (slow_to_answer, hold_without_phrase, no_greeting_phrase,"
        " no_closing_phrase, wrapup_over_limit, hold_over)",
        "f.yaml:17: item 'x': prefill rule 'hold_over' needs over_s (seconds)",
        "f.yaml:18: item 'z': deductions: List should have at least 1 item after validation, not 0",
        "f.yaml:19: section 'a': section id 'a' is used twice (first at line 5)",
        "f.yaml:21: warning: section 'a': weight 0: the points of its items never reach the total",
        "f.yaml:23: item 'w': unknown field 'colour'",
    ]
    with pytest.raises(ScriptError):
        parse_form(broken)


def test_a_form_travels_as_json_and_two_versions_load_side_by_side(tmp_path: Path) -> None:
    form = parse_form(SMALL)
    assert QualityForm.model_validate_json(form.model_dump_json()) == form
    (tmp_path / "v2.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "v3.yaml").write_text(SMALL.replace("version: 2", "version: 3"), encoding="utf-8")
    assert sorted(load_forms(tmp_path)) == [("small", 2), ("small", 3)]


def test_confirming_drops_rejected_suggestions_and_keeps_the_rest_as_marks() -> None:
    draft = evaluation("q", status="draft", procedure="wrapup_over_limit", volume="too_loud")
    suggested = draft.model_copy(
        update={
            "marks": {
                item: mark.model_copy(
                    update={
                        "deductions": [
                            d.model_copy(update={"suggested": True}) for d in mark.deductions
                        ]
                    }
                )
                for item, mark in draft.marks.items()
            }
        }
    )
    assert evaluation_problems(
        demo_form(), suggested.model_copy(update={"status": "confirmed"})
    ) == [
        "a confirmed evaluation still has suggestions: procedure.wrapup_over_limit, volume.too_loud"
    ]
    confirmed = suggested.confirmed(rejected={("volume", "too_loud")})
    assert confirmed.status == "confirmed"
    assert confirmed.marks["volume"].deductions == []
    assert [(d.id, d.suggested) for d in confirmed.marks["procedure"].deductions] == [
        ("wrapup_over_limit", False)
    ]
    assert evaluation_problems(demo_form(), confirmed) == []


def test_the_forms_check_command_passes_the_demo_and_fails_a_broken_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forms", "check", str(FORMS_DIR)]) == 0
    assert capsys.readouterr().out.splitlines() == ["forms: 0 error(s), 0 warning(s)"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL.replace("minus: 4", "minus: -4"), encoding="utf-8")
    assert main(["forms", "check", str(broken)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{broken}:9: item 'x': deductions.0.minus: Input should be greater than or equal to 0"
    ]
    assert captured.out.splitlines() == ["forms: 1 error(s), 0 warning(s)"]
