"""The arithmetic of a quality form (QA1), exact, for the evaluator's live total and reports.

- Item score = points − Σ (minus × count) of its deductions marked, floor 0. An item marked
  not applicable (only where the form allows `na`) drops out of both sides.
- Section % = Σ item scores ÷ Σ item points over its applicable items × 100; a section
  with no applicable points drops out of the total.
- Total = Σ (weight × section %) ÷ Σ weight, over the sections that count.
- A deduction marked on a `fatal` item sets the total to 0; the raw total is kept so the
  coaching still sees everything else.
- Total deduction (the form's 扣分合计) = the points lost over applicable items, after the
  floor: what the agent actually lost, not the sum of the rules' sizes.

Fractions inside, two decimals only in the result, so a total recomputed by hand from the
rounded parts may differ from it by at most 0.01.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from server_stub.protocol.quality_form_model import (
    Evaluation,
    EvaluationScore,
    FatalHit,
    ItemMark,
    ItemScore,
    QualityForm,
    SectionScore,
)


def score_evaluation(form: QualityForm, evaluation: Evaluation) -> EvaluationScore:
    """The scores of `evaluation`'s marks on `form` (the version it pins)."""
    scores: dict[str, Fraction | None] = {}
    fatal: list[FatalHit] = []
    for _, item in form.items():
        mark = evaluation.marks.get(item.id, ItemMark())
        if mark.na and item.na:
            scores[item.id] = None
            continue
        lost = Fraction(0)
        for marked in mark.deductions:
            rule = item.deduction(marked.id)
            if rule is None:
                continue  # `evaluation_problems` names it; it takes nothing off
            lost += Fraction(str(rule.minus)) * marked.count
            if item.fatal:
                label = f"{item.label}: {rule.label}"
                fatal.append(FatalHit(item=item.id, deduction=rule.id, label=label))
        scores[item.id] = max(Fraction(0), Fraction(str(item.points)) - lost)
    return score_items(form, scores, fatal)


def score_items(
    form: QualityForm,
    item_scores: Mapping[str, Fraction | float | None],
    fatal: Sequence[FatalHit] = (),
) -> EvaluationScore:
    """The section and total figures from item scores (None: not applicable; a missing item
    keeps its full points). Calibration uses it for the consensus of several evaluators."""
    items: list[ItemScore] = []
    sections: list[SectionScore] = []
    weighted = Fraction(0)
    weights = Fraction(0)
    deduction = Fraction(0)
    for section in form.sections:
        earned = possible = Fraction(0)
        for item in section.items:
            points = Fraction(str(item.points))
            raw = item_scores.get(item.id, points)
            score = None if raw is None else Fraction(str(raw)) if isinstance(raw, float) else raw
            items.append(
                ItemScore(
                    item=item.id,
                    section=section.id,
                    points=float(points),
                    score=None if score is None else _round(score),
                    fatal_hit=any(hit.item == item.id for hit in fatal),
                )
            )
            if score is not None:
                earned += score
                possible += points
                deduction += points - score
        percent = 100 * earned / possible if possible > 0 else None
        weight = Fraction(str(section.weight))
        if percent is not None:
            weighted += weight * percent
            weights += weight
        sections.append(
            SectionScore(
                id=section.id,
                weight=float(weight),
                earned=_round(earned),
                possible=_round(possible),
                percent=None if percent is None else _round(percent),
            )
        )
    raw_total = weighted / weights if weights > 0 else Fraction(0)
    return EvaluationScore(
        form=form.id,
        version=form.version,
        items=items,
        sections=sections,
        raw_total=_round(raw_total),
        total=0.0 if fatal else _round(raw_total),
        total_deduction=_round(deduction),
        fatal=list(fatal),
    )


def _round(value: Fraction) -> float:
    return float(round(value, 2))
