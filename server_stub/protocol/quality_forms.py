"""Quality forms (QA1): the one import for the server, the evaluator's workspace and tests.

A form is versioned YAML (`server_stub/centres/*/forms/*.yaml`): header fields (agent,
call serial number, total deduction, comments, evaluator…), sections with weights, items
with points, deduction rules, fatal items and items that may be marked not applicable,
and the deductions the log can prefill. The pieces:

- `quality_form_model`: `QualityForm`, `Evaluation` (pins form id and version; marks per
  item; draft or confirmed), `EvaluationScore`, `PREFILL_RULES`;
- `quality_form_check`: validation with file, line and item; `evaluation_problems`;
- `quality_score`: the arithmetic (`score_evaluation`, `score_items`).

Prefill from a call's events is `server_stub.quality.prefill`; statistics and calibration
are `server_stub.quality.statistics` and `server_stub.quality.calibration`.
"""

from __future__ import annotations

from server_stub.protocol.quality_form_check import (
    check_form_text,
    check_forms,
    evaluation_problems,
    load_forms,
    parse_form,
)
from server_stub.protocol.quality_form_model import (
    PREFILL_RULES,
    Deduction,
    DeductionMark,
    Evaluation,
    EvaluationScore,
    Evidence,
    FatalHit,
    FormItem,
    FormSection,
    HeaderField,
    ItemMark,
    ItemScore,
    Prefill,
    QualityForm,
    SectionScore,
)
from server_stub.protocol.quality_score import score_evaluation, score_items

__all__ = [
    "PREFILL_RULES",
    "Deduction",
    "DeductionMark",
    "Evaluation",
    "EvaluationScore",
    "Evidence",
    "FatalHit",
    "FormItem",
    "FormSection",
    "HeaderField",
    "ItemMark",
    "ItemScore",
    "Prefill",
    "QualityForm",
    "SectionScore",
    "check_form_text",
    "check_forms",
    "evaluation_problems",
    "load_forms",
    "parse_form",
    "score_evaluation",
    "score_items",
]
