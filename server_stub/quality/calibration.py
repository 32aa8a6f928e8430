"""Calibration (QA3): several evaluators score one call blind; how far do they agree?

- Each evaluator's item score is points − deductions (floor 0), or N/A.
- Consensus per item: N/A when more than half the evaluators marked it N/A; otherwise the
  median of the numeric scores (the mean of the middle two for an even count).
- Consensus fatal: a fatal deduction counts when more than half the evaluators marked it.
- Consensus total: the form's arithmetic on the consensus item scores and fatal hits.
- Agreement per item: the share of evaluator pairs who gave the same value (N/A equals
  N/A); 1.0 with a single evaluator.
- Each evaluator's deviation: their total minus the consensus total (positive: more
  lenient), the mean absolute difference from the consensus over the items where both
  are numeric, and the items where their value differs from the consensus.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from server_stub.protocol.quality_form_model import (
    Evaluation,
    EvaluationScore,
    FatalHit,
    QualityForm,
)
from server_stub.protocol.quality_score import score_evaluation, score_items


@dataclass(frozen=True)
class ItemAgreement:
    item: str
    label: str
    scores: dict[str, float | None]  # evaluator -> item score (None: N/A)
    consensus: float | None
    agreement: float
    spread: float  # highest minus lowest numeric score


@dataclass(frozen=True)
class EvaluatorDeviation:
    evaluator: str
    total: float
    deviation: float  # total − consensus total
    mean_item_deviation: float | None
    items_off: list[str]


@dataclass(frozen=True)
class Calibration:
    call_id: str
    form: str
    version: int
    items: list[ItemAgreement]
    evaluators: list[EvaluatorDeviation]
    consensus: EvaluationScore


def calibrate(form: QualityForm, evaluations: Sequence[Evaluation]) -> Calibration:
    """Agreement of `evaluations` (one call, one form version, one per evaluator)."""
    if not evaluations:
        raise ValueError("a calibration needs at least one evaluation")
    calls = {e.call_id for e in evaluations}
    versions = {(e.form, e.form_version) for e in evaluations}
    evaluators = [e.evaluator_id for e in evaluations]
    if len(calls) != 1 or versions != {(form.id, form.version)}:
        raise ValueError("a calibration compares evaluations of one call on one form version")
    if len(set(evaluators)) != len(evaluators):
        raise ValueError("each evaluator scores the call once in a calibration")
    scores = {e.evaluator_id: score_evaluation(form, e) for e in evaluations}
    items: list[ItemAgreement] = []
    consensus_scores: dict[str, Fraction | None] = {}
    for _, form_item in form.items():
        given = {
            evaluator: next(s.score for s in score.items if s.item == form_item.id)
            for evaluator, score in scores.items()
        }
        consensus = _consensus(list(given.values()))
        consensus_scores[form_item.id] = consensus
        numeric = [value for value in given.values() if value is not None]
        items.append(
            ItemAgreement(
                item=form_item.id,
                label=form_item.label,
                scores=given,
                consensus=None if consensus is None else float(round(consensus, 2)),
                agreement=_pairwise_agreement(list(given.values())),
                spread=(max(numeric) - min(numeric)) if numeric else 0.0,
            )
        )
    fatal = _consensus_fatal(list(scores.values()))
    consensus_score = score_items(form, consensus_scores, fatal)
    deviations = [
        _deviation(evaluator, score, items, consensus_score) for evaluator, score in scores.items()
    ]
    return Calibration(
        call_id=next(iter(calls)),
        form=form.id,
        version=form.version,
        items=items,
        evaluators=deviations,
        consensus=consensus_score,
    )


def _consensus(values: list[float | None]) -> Fraction | None:
    numeric = [Fraction(str(value)) for value in values if value is not None]
    if len(values) - len(numeric) > len(values) / 2 or not numeric:
        return None
    return Fraction(statistics.median(numeric))


def _pairwise_agreement(values: list[float | None]) -> float:
    pairs = list(combinations(values, 2))
    if not pairs:
        return 1.0
    return round(sum(1 for a, b in pairs if a == b) / len(pairs), 4)


def _consensus_fatal(scores: list[EvaluationScore]) -> list[FatalHit]:
    counts: dict[tuple[str, str], list[FatalHit]] = {}
    for score in scores:
        for hit in {(hit.item, hit.deduction): hit for hit in score.fatal}.values():
            counts.setdefault((hit.item, hit.deduction), []).append(hit)
    return [hits[0] for _, hits in sorted(counts.items()) if len(hits) > len(scores) / 2]


def _deviation(
    evaluator: str,
    score: EvaluationScore,
    items: list[ItemAgreement],
    consensus: EvaluationScore,
) -> EvaluatorDeviation:
    differences = [
        abs(Fraction(str(value)) - Fraction(str(item.consensus)))
        for item in items
        if (value := item.scores[evaluator]) is not None and item.consensus is not None
    ]
    mean = (
        float(round(sum(differences, Fraction(0)) / len(differences), 2)) if differences else None
    )
    return EvaluatorDeviation(
        evaluator=evaluator,
        total=score.total,
        deviation=float(round(Fraction(str(score.total)) - Fraction(str(consensus.total)), 2)),
        mean_item_deviation=mean,
        items_off=[item.item for item in items if item.scores[evaluator] != item.consensus],
    )
