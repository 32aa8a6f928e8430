"""Quality statistics (QA2): figures over confirmed evaluations, and where agents leave a script.

Every figure counts **confirmed** evaluations only (a draft is the evaluator's work in
progress), except the evaluator workload, which shows drafts beside them. Each
evaluation is scored on the form version it pins. Means are over evaluations, each
counting once; a figure with nothing to count is None, never 0.

- Centre-wide quality: the mean total (fatal hits count as 0) and the mean raw total.
- Fatal errors: the share of evaluations with a fatal hit, and the count of each fatal
  deduction (one evaluation may hit several).
- Per agent, per day / month / year of the call (`call_date`).
- Evaluator workload: evaluations confirmed and in draft, and the agents covered.
- Items most often lost (training needs): per item, in how many evaluations it lost
  points and how many points in all; most often first, then most points, then item id.
- Knowledge gaps: per script step, how many walks left the path there. With an expected
  path (a training scenario), a walk leaves at the last step it shared with the expected
  one (or where it stopped short of the end); without, at the step where it stopped if
  that is not an end step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, TypeVar

from server_stub.protocol.call_facts import PathChoice
from server_stub.protocol.phrases import walk_of
from server_stub.protocol.quality_form_model import Evaluation, EvaluationScore, QualityForm
from server_stub.protocol.quality_score import score_evaluation
from server_stub.protocol.script_model import FlowScript

Period = Literal["day", "month", "year"]
FigureT = TypeVar("FigureT")
_PERIOD_LENGTH = {"day": 10, "month": 7, "year": 4}  # characters of the ISO date kept


@dataclass(frozen=True)
class ScoredEvaluation:
    evaluation: Evaluation
    score: EvaluationScore


@dataclass(frozen=True)
class QualitySummary:
    evaluations: int
    mean_total: float | None
    mean_raw_total: float | None
    fatal: int
    fatal_rate: float | None


@dataclass(frozen=True)
class FatalFrequency:
    evaluations: int
    with_fatal: int
    rate: float | None
    by_deduction: dict[str, int]  # label -> hits


@dataclass(frozen=True)
class Workload:
    confirmed: int
    drafts: int
    agents: frozenset[str]


@dataclass(frozen=True)
class ItemLoss:
    item: str
    label: str
    evaluations: int  # evaluations in which the item lost points
    points_lost: float
    share: float  # of the evaluations where the item applied


@dataclass(frozen=True)
class CallWalk:
    """One call's walk through a script; `expected` when it was a training scenario."""

    call_id: str
    script: str
    path: Sequence[PathChoice]
    expected: Sequence[str] | None = None


@dataclass(frozen=True)
class StepGap:
    script: str
    step: str
    walks: int  # walks that reached the step
    left: int  # walks that left the path at it
    calls: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return round(self.left / self.walks, 4) if self.walks else 0.0


def score_all(
    evaluations: Iterable[Evaluation], forms: Mapping[tuple[str, int], QualityForm]
) -> list[ScoredEvaluation]:
    """Each evaluation with its score on the form version it pins (KeyError if missing)."""
    return [
        ScoredEvaluation(e, score_evaluation(forms[(e.form, e.form_version)], e))
        for e in evaluations
    ]


def _confirmed(scored: Iterable[ScoredEvaluation]) -> list[ScoredEvaluation]:
    return [entry for entry in scored if entry.evaluation.status == "confirmed"]


def _mean(values: Sequence[float]) -> float | None:
    if not values:
        return None
    return float(round(sum((Fraction(str(v)) for v in values), Fraction(0)) / len(values), 2))


def summarise(scored: Iterable[ScoredEvaluation]) -> QualitySummary:
    """Centre-wide quality over the confirmed evaluations given."""
    counted = _confirmed(scored)
    fatal = sum(1 for entry in counted if entry.score.fatal)
    return QualitySummary(
        evaluations=len(counted),
        mean_total=_mean([entry.score.total for entry in counted]),
        mean_raw_total=_mean([entry.score.raw_total for entry in counted]),
        fatal=fatal,
        fatal_rate=round(fatal / len(counted), 4) if counted else None,
    )


def fatal_frequency(scored: Iterable[ScoredEvaluation]) -> FatalFrequency:
    counted = _confirmed(scored)
    by_deduction: dict[str, int] = defaultdict(int)
    for entry in counted:
        for hit in entry.score.fatal:
            by_deduction[hit.label] += 1
    with_fatal = sum(1 for entry in counted if entry.score.fatal)
    return FatalFrequency(
        evaluations=len(counted),
        with_fatal=with_fatal,
        rate=round(with_fatal / len(counted), 4) if counted else None,
        by_deduction=dict(sorted(by_deduction.items())),
    )


def period_of(call_date: str, period: Period) -> str:
    """`2026-11-23` as a day, `2026-11` as a month, `2026` as a year."""
    return call_date[: _PERIOD_LENGTH[period]]


def by_agent(
    scored: Iterable[ScoredEvaluation], period: Period
) -> dict[tuple[str, str], QualitySummary]:
    """Quality per (agent, period), in agent then period order."""
    return _grouped(
        _confirmed(scored),
        lambda e: (e.agent_id, period_of(e.call_date, period)),
        summarise,
    )


def evaluator_workload(
    scored: Iterable[ScoredEvaluation], period: Period
) -> dict[tuple[str, str], Workload]:
    """Per (evaluator, period): evaluations confirmed, drafts, and the agents covered."""

    def workload(entries: list[ScoredEvaluation]) -> Workload:
        confirmed = [entry for entry in entries if entry.evaluation.status == "confirmed"]
        return Workload(
            confirmed=len(confirmed),
            drafts=len(entries) - len(confirmed),
            agents=frozenset(entry.evaluation.agent_id for entry in entries),
        )

    return _grouped(
        list(scored),
        lambda e: (e.evaluator_id, period_of(e.call_date, period)),
        workload,
    )


def _grouped(
    scored: list[ScoredEvaluation],
    key: Callable[[Evaluation], tuple[str, str]],
    figure: Callable[[list[ScoredEvaluation]], FigureT],
) -> dict[tuple[str, str], FigureT]:
    groups: dict[tuple[str, str], list[ScoredEvaluation]] = defaultdict(list)
    for entry in scored:
        groups[key(entry.evaluation)].append(entry)
    return {group: figure(groups[group]) for group in sorted(groups)}


def items_most_lost(
    scored: Iterable[ScoredEvaluation],
    forms: Mapping[tuple[str, int], QualityForm],
    top: int | None = None,
) -> list[ItemLoss]:
    """The items that lose points most often: training needs (QA2, QA3)."""
    lost_in: dict[str, int] = defaultdict(int)
    applied: dict[str, int] = defaultdict(int)
    points: dict[str, Fraction] = defaultdict(Fraction)
    labels: dict[str, tuple[int, str]] = {}  # item -> (form version, label): newest wins
    for entry in _confirmed(scored):
        form = forms[(entry.evaluation.form, entry.evaluation.form_version)]
        for _, item in form.items():
            known = labels.get(item.id)
            if known is None or known[0] < form.version:
                labels[item.id] = (form.version, item.label)
        for item_score in entry.score.items:
            if item_score.score is None:
                continue
            applied[item_score.item] += 1
            loss = Fraction(str(item_score.points)) - Fraction(str(item_score.score))
            if loss > 0:
                lost_in[item_score.item] += 1
                points[item_score.item] += loss
    ranked = sorted(lost_in, key=lambda item: (-lost_in[item], -points[item], item))
    return [
        ItemLoss(
            item=item,
            label=labels[item][1],
            evaluations=lost_in[item],
            points_lost=float(round(points[item], 2)),
            share=round(lost_in[item] / applied[item], 4),
        )
        for item in ranked[:top]
    ]


def knowledge_gaps(walks: Iterable[CallWalk], scripts: Mapping[str, FlowScript]) -> list[StepGap]:
    """Script steps where agents leave the path, most left first (then script, step)."""
    reached: dict[tuple[str, str], int] = defaultdict(int)
    left: dict[tuple[str, str], list[str]] = defaultdict(list)
    for walk in walks:
        script = scripts.get(walk.script)
        if script is None or not walk.path:
            continue
        steps = walk_of(script, walk.path).steps
        for step in dict.fromkeys(steps):
            reached[(walk.script, step)] += 1
        departure = _departure(script, steps, walk.expected)
        if departure is not None:
            left[(walk.script, departure)].append(walk.call_id)
    gaps = [
        StepGap(script, step, reached[(script, step)], len(calls), calls)
        for (script, step), calls in left.items()
    ]
    return sorted(gaps, key=lambda gap: (-gap.left, gap.script, gap.step))


def _departure(
    script: FlowScript, steps: Sequence[str], expected: Sequence[str] | None
) -> str | None:
    if expected is not None:
        for index, step in enumerate(steps):
            if index >= len(expected) or expected[index] != step:
                return steps[index - 1] if index > 0 else step
        return None if len(steps) >= len(expected) else steps[-1]
    final = script.steps.get(steps[-1])
    return None if final is not None and final.is_end else steps[-1]
