"""The demo quality form, and evaluations on it written the way an evaluator marks them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from server_stub.protocol.quality_form_model import EvaluationStatus
from server_stub.protocol.quality_forms import (
    DeductionMark,
    Evaluation,
    ItemMark,
    QualityForm,
    load_forms,
)

FORMS_DIR = Path(__file__).resolve().parents[2] / "server_stub" / "centres" / "demo" / "forms"
FORM_FILE = FORMS_DIR / "call_quality.yaml"


@cache
def demo_forms() -> dict[tuple[str, int], QualityForm]:
    return load_forms(FORMS_DIR)


def demo_form() -> QualityForm:
    return demo_forms()[("call_quality", 1)]


def marks(**items: str | list[str]) -> dict[str, ItemMark]:
    """`marks(verbal_tics="tic*4", basic_marketing="na")`: deductions, `*n` repeats, `na`."""
    result: dict[str, ItemMark] = {}
    for item, spec in items.items():
        entries = [spec] if isinstance(spec, str) else spec
        if entries == ["na"]:
            result[item] = ItemMark(na=True)
            continue
        deductions = []
        for entry in entries:
            deduction, _, times = entry.partition("*")
            deductions.append(DeductionMark(id=deduction, count=int(times or 1)))
        result[item] = ItemMark(deductions=deductions)
    return result


def evaluation(
    evaluation_id: str,
    *,
    agent: str = "1001",
    evaluator: str = "e100",
    call: str = "c1",
    date: str = "2026-11-23",
    status: EvaluationStatus = "confirmed",
    **items: str | list[str],
) -> Evaluation:
    return Evaluation(
        id=evaluation_id,
        form="call_quality",
        form_version=1,
        call_id=call,
        agent_id=agent,
        evaluator_id=evaluator,
        call_date=date,
        marks=marks(**items),
        status=status,
    )
