"""The quality-form format (QA1) and the evaluation that pins a version of it.

A form is YAML text (`server_stub/centres/*/forms/*.yaml`), versioned: header fields,
sections with weights, items with points, deduction rules `{id, minus, label}`, items
that are `fatal` (a hit sets the total to 0, the raw score is kept for coaching) or may
be marked `na` (they drop out of both sides), and `prefill` on the deductions the log
can decide. An `Evaluation` is one evaluator's marks on one call against one form
version. Validation lives in `quality_form_check`, the arithmetic in `quality_score`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Final, Literal

from pydantic import Field, StrictInt

from server_stub.protocol.content_model import Strict, VersionedContent

# What the log can decide (DESIGN.md "Quality forms"), and the arguments each rule takes.
PREFILL_RULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "slow_to_answer": "ring to answer over `over_s` seconds",
        "hold_without_phrase": "each hold placed without the standard hold phrase",
        "no_greeting_phrase": "the call did not open with the standard greeting",
        "no_closing_phrase": "the call did not end with the standard closing",
        "wrapup_over_limit": "wrap-up past its deadline (or `over_s` after release), or run out",
        "hold_over": "each hold longer than `over_s` seconds",
    }
)
RULES_NEEDING_OVER_S: Final = frozenset({"slow_to_answer", "hold_over"})

EvaluationStatus = Literal["draft", "confirmed"]


class Prefill(Strict):
    rule: str
    over_s: float | None = Field(default=None, gt=0)


class Deduction(Strict):
    id: str
    minus: float = Field(ge=0, description="points taken off each time it applies")
    label: str
    max_times: int = Field(default=1, ge=1, description="how often it may apply in one call")
    prefill: Prefill | None = None


class FormItem(Strict):
    id: str
    label: str
    points: float = Field(ge=0)
    fatal: bool = Field(default=False, description="a hit sets the total to 0")
    na: bool = Field(default=False, description="may be marked not applicable")
    guide: str | None = Field(default=None, description="what the evaluator listens for")
    deductions: list[Deduction] = Field(min_length=1)

    def deduction(self, deduction_id: str) -> Deduction | None:
        return next((d for d in self.deductions if d.id == deduction_id), None)


class FormSection(Strict):
    id: str
    title: str
    weight: float = Field(ge=0)
    items: list[FormItem] = Field(min_length=1)


class HeaderField(Strict):
    id: str
    label: str
    computed: bool = Field(default=False, description="filled in by the form, not typed")


class QualityForm(VersionedContent):
    id: str = Field(alias="form", min_length=1)
    version: StrictInt = Field(gt=0, description="a published version never changes")
    title: str
    header: list[HeaderField] = Field(default_factory=list)
    sections: list[FormSection] = Field(min_length=1)

    def items(self) -> list[tuple[FormSection, FormItem]]:
        return [(section, item) for section in self.sections for item in section.items]

    def item(self, item_id: str) -> FormItem | None:
        return next((item for _, item in self.items() if item.id == item_id), None)


# ------------------------------------------------------------------------------ evaluations


class Evidence(Strict):
    """The event that shows why a deduction was suggested."""

    seq: int
    sim_time: float
    text: str


class DeductionMark(Strict):
    id: str
    count: int = Field(default=1, ge=1)
    suggested: bool = Field(default=False, description="prefilled from the log, not confirmed")
    evidence: list[Evidence] = Field(default_factory=list)


class ItemMark(Strict):
    na: bool = False
    deductions: list[DeductionMark] = Field(default_factory=list)
    note: str = ""


class Evaluation(Strict):
    id: str
    form: str
    form_version: int = Field(gt=0, description="the version this evaluation was made on")
    call_id: str
    agent_id: str
    evaluator_id: str
    call_date: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO date of the call, centre time"
    )
    call_serial: str | None = None
    call_reason: str | None = None
    marks: dict[str, ItemMark] = Field(default_factory=dict, description="by item id")
    comments: str = ""
    status: EvaluationStatus = "draft"
    calibration: str | None = Field(default=None, description="a blind calibration round")

    def confirmed(self, rejected: Collection[tuple[str, str]] = ()) -> Evaluation:
        """The evaluator's confirmation: suggestions in `rejected` ((item, deduction) pairs)
        are dropped, the rest become the evaluator's own marks."""
        marks = {
            item_id: mark.model_copy(
                update={
                    "deductions": [
                        deduction.model_copy(update={"suggested": False})
                        for deduction in mark.deductions
                        if not (deduction.suggested and (item_id, deduction.id) in rejected)
                    ]
                }
            )
            for item_id, mark in self.marks.items()
        }
        return self.model_copy(update={"marks": marks, "status": "confirmed"})


# ------------------------------------------------------------------------------ scores


class ItemScore(Strict):
    item: str
    section: str
    points: float
    score: float | None = Field(description="points − deductions, floor 0; None when N/A")
    fatal_hit: bool = False


class SectionScore(Strict):
    id: str
    weight: float
    earned: float
    possible: float
    percent: float | None = Field(description="None when no item of it applies")


class FatalHit(Strict):
    item: str
    deduction: str
    label: str


class EvaluationScore(Strict):
    form: str
    version: int
    items: list[ItemScore]
    sections: list[SectionScore]
    raw_total: float = Field(description="Σ weight × section % ÷ Σ weight, before fatal")
    total: float = Field(description="0 after a fatal hit, else raw_total")
    total_deduction: float = Field(description="points lost over applicable items")
    fatal: list[FatalHit] = Field(default_factory=list, description="the fatal deductions hit")
