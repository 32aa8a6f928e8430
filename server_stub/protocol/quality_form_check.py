"""Reading and validating quality forms, and an evaluation against its pinned form.

As for scripts and scenarios, every problem comes in one pass with file, line and item;
a broken item is left out and the rest is still checked. `evaluation_problems` checks
marks against the form version an evaluation pins (a client-side form and the server
agree on what a mark may be).
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

from server_stub.protocol.content_check import (
    Item,
    LocatedChecker,
    check_versioned_files,
    did_you_mean,
    has_errors,
    sorted_problems,
)
from server_stub.protocol.quality_form_model import (
    PREFILL_RULES,
    RULES_NEEDING_OVER_S,
    Deduction,
    Evaluation,
    FormItem,
    FormSection,
    QualityForm,
)
from server_stub.protocol.script_model import STEP_ID, ScriptError, ScriptProblem
from server_stub.protocol.script_yaml import Path


def check_form_text(text: str, filename: str) -> tuple[QualityForm | None, list[ScriptProblem]]:
    """The form (None when any error was found) and every problem, sorted by line."""
    checker = _FormChecker(filename)
    form = checker.run(text)
    problems = sorted_problems(checker.problems)
    return (None if has_errors(problems) else form), problems


def parse_form(text: str, filename: str = "<form>") -> QualityForm:
    form, problems = check_form_text(text, filename)
    if form is None:
        raise ScriptError(problems)
    return form


def check_forms(path_or_dir: str | FilePath) -> list[ScriptProblem]:
    """Every problem in a form file, or in every `*.yaml` of a folder."""
    return check_versioned_files(path_or_dir, check_form_text, "form")[1]


def load_forms(path_or_dir: str | FilePath) -> dict[tuple[str, int], QualityForm]:
    """Every form by (id, version), old versions too (evaluations pin them)."""
    forms, problems = check_versioned_files(path_or_dir, check_form_text, "form")
    if has_errors(problems):
        raise ScriptError(problems)
    return forms


def evaluation_problems(form: QualityForm, evaluation: Evaluation) -> list[str]:
    """What in `evaluation` does not fit `form` (empty when it fits), one sentence each."""
    problems: list[str] = []
    if (evaluation.form, evaluation.form_version) != (form.id, form.version):
        pinned = f"{evaluation.form} version {evaluation.form_version}"
        problems.append(f"the evaluation is on {pinned}, not {form.id} version {form.version}")
        return problems
    item_ids = [item.id for _, item in form.items()]
    for item_id, mark in evaluation.marks.items():
        item = form.item(item_id)
        if item is None:
            problems.append(f"no item '{item_id}' on the form{did_you_mean(item_id, item_ids)}")
            continue
        if mark.na and not item.na:
            problems.append(f"item '{item_id}' may not be marked not applicable")
        if mark.na and mark.deductions:
            problems.append(f"item '{item_id}' is not applicable and has deductions")
        seen: set[str] = set()
        for deduction_mark in mark.deductions:
            rule = item.deduction(deduction_mark.id)
            if rule is None:
                ids = [d.id for d in item.deductions]
                hint = did_you_mean(deduction_mark.id, ids)
                problems.append(f"item '{item_id}' has no deduction '{deduction_mark.id}'{hint}")
            elif deduction_mark.count > rule.max_times:
                problems.append(
                    f"deduction '{rule.id}' of item '{item_id}' applies at most"
                    f" {rule.max_times} time(s), not {deduction_mark.count}"
                )
            if deduction_mark.id in seen:
                twice = f"deduction '{deduction_mark.id}' of item '{item_id}' is marked twice"
                problems.append(twice)
            seen.add(deduction_mark.id)
    if evaluation.status == "confirmed":
        left = [
            f"{item_id}.{d.id}"
            for item_id, mark in evaluation.marks.items()
            for d in mark.deductions
            if d.suggested
        ]
        if left:
            problems.append(f"a confirmed evaluation still has suggestions: {', '.join(left)}")
    return problems


class _FormChecker(LocatedChecker):
    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self.rules_seen: dict[str, Item] = {}  # prefill rule -> the item it feeds

    def run(self, text: str) -> QualityForm | None:
        data = self.load(text)
        if data is None and self.problems:
            return None
        if not isinstance(data, dict):
            self.report((), "a form is a mapping with form, version, title, header and sections")
            return None
        self.report_duplicates({})
        sections, broken = self.parse_sections(data.get("sections"))
        header = dict(data)
        if isinstance(data.get("sections"), list):
            header["sections"] = sections
        form = self.validate(QualityForm, header, (), None)
        self.check_header_ids(data.get("header"))
        self.check_weights(sections)
        return None if broken else form

    def parse_sections(self, raw: Any) -> tuple[list[FormSection], bool]:
        if not isinstance(raw, list):
            return [], raw is not None  # a missing or wrong field: the header check says so
        sections: list[FormSection] = []
        broken = False
        item_lines: dict[str, int] = {}
        section_lines: dict[str, int] = {}
        for index, raw_section in enumerate(raw):
            path: Path = ("sections", index)
            section_id = raw_section.get("id") if isinstance(raw_section, dict) else None
            item: Item = ("section", str(section_id if section_id is not None else index + 1))
            self.check_unique(section_id, section_lines, path, item, "section")
            items, items_broken = self.parse_items(raw_section, path, item_lines)
            fields = dict(raw_section) if isinstance(raw_section, dict) else raw_section
            if isinstance(fields, dict) and isinstance(fields.get("items"), list):
                # Broken items were reported one by one: stand in for them, not "no items".
                fields["items"] = items or ([_STAND_IN] if items_broken else [])
            section = self.validate(FormSection, fields, path, item)
            if section is not None and not items:
                section = section.model_copy(update={"items": items})
            broken = broken or items_broken or section is None
            if section is not None:
                sections.append(section)
        return sections, broken

    def parse_items(
        self, raw_section: Any, base: Path, item_lines: dict[str, int]
    ) -> tuple[list[FormItem], bool]:
        raw_items = raw_section.get("items") if isinstance(raw_section, dict) else None
        if not isinstance(raw_items, list):
            return [], False  # the section's own check reports it
        items: list[FormItem] = []
        broken = False
        for index, raw_item in enumerate(raw_items):
            path: Path = (*base, "items", index)
            item_id = raw_item.get("id") if isinstance(raw_item, dict) else None
            item: Item = ("item", str(item_id if item_id is not None else index + 1))
            self.check_unique(item_id, item_lines, path, item, "item")
            parsed = self.validate(FormItem, raw_item, path, item)
            if parsed is None:
                broken = True
                continue
            self.check_item(parsed, path, item)
            items.append(parsed)
        return items, broken

    def check_unique(
        self, raw_id: Any, lines: dict[str, int], path: Path, item: Item, noun: str
    ) -> None:
        if not isinstance(raw_id, str):
            return  # the model check reports a missing or wrong id
        line = self.located.line_of(path)
        if not STEP_ID.fullmatch(raw_id):
            self.report(path, f"{noun} id '{raw_id}' is a letter then letters, digits or _", item)
        if raw_id in lines:
            message = f"{noun} id '{raw_id}' is used twice (first at line {lines[raw_id]})"
            self.report(path, message, item)
        else:
            lines[raw_id] = line

    def check_item(self, form_item: FormItem, path: Path, item: Item) -> None:
        if not form_item.fatal and form_item.points <= 0:
            self.report((*path, "points"), "an item that is not fatal is worth some points", item)
        seen: dict[str, int] = {}
        for index, deduction in enumerate(form_item.deductions):
            where: Path = (*path, "deductions", index)
            if deduction.id in seen:
                message = f"deduction id '{deduction.id}' is used twice in this item"
                self.report(where, message, item)
            seen.setdefault(deduction.id, index)
            if not form_item.fatal and deduction.minus <= 0:
                message = f"deduction '{deduction.id}' takes no points off: give minus > 0"
                self.report((*where, "minus"), message, item)
            if deduction.minus > form_item.points > 0 and not form_item.fatal:
                message = (
                    f"deduction '{deduction.id}' takes {deduction.minus:g}, more than the item's"
                    f" {form_item.points:g} points (the item stops at 0)"
                )
                self.warn((*where, "minus"), message, item)
            if deduction.prefill is not None:
                self.check_prefill(deduction.prefill.rule, deduction.prefill.over_s, where, item)

    def check_prefill(self, rule: str, over_s: float | None, path: Path, item: Item) -> None:
        where: Path = (*path, "prefill")
        if rule not in PREFILL_RULES:
            hint = did_you_mean(rule, PREFILL_RULES)
            rules = ", ".join(PREFILL_RULES)
            self.report((*where, "rule"), f"unknown prefill rule '{rule}'{hint} ({rules})", item)
            return
        if rule in RULES_NEEDING_OVER_S and over_s is None:
            self.report(where, f"prefill rule '{rule}' needs over_s (seconds)", item)
        first = self.rules_seen.setdefault(rule, item)
        if first != item and item is not None and first is not None:
            message = f"prefill rule '{rule}' already feeds {first[0]} '{first[1]}'"
            self.report((*where, "rule"), message, item)

    def check_header_ids(self, raw: Any) -> None:
        if not isinstance(raw, list):
            return
        lines: dict[str, int] = {}
        for index, field in enumerate(raw):
            field_id = field.get("id") if isinstance(field, dict) else None
            item: Item = ("header field", str(field_id))
            self.check_unique(field_id, lines, ("header", index), item, "header field")

    def check_weights(self, sections: list[FormSection]) -> None:
        if sections and sum(section.weight for section in sections) <= 0:
            self.report(("sections",), "the section weights add up to 0: no total can be made")
        for index, section in enumerate(sections):
            counted = [item for item in section.items if not item.fatal and item.points > 0]
            if section.weight == 0 and counted:
                message = "weight 0: the points of its items never reach the total"
                self.warn(("sections", index, "weight"), message, ("section", section.id))


_STAND_IN = FormItem(
    id="stand_in", label="-", points=1, deductions=[Deduction(id="-", minus=1, label="-")]
)
