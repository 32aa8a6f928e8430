"""The scorecard: a form's deductions as rows, the evaluator's marks on them, the live score.

Pure functions of a `QualityForm` and an `Evaluation` (tested as text): one row per
deduction rule, keyed `item:deduction`; marking a row adds one (up to the rule's
`max_times`) and past that drops it, so one key both marks and unmarks; a row the log
suggested shows ⚑ with its evidence until the evaluator confirms. The score is the
form's own arithmetic (`score_evaluation`), the same the server stores.
"""

from __future__ import annotations

from rich.text import Text

from server_stub.protocol.quality_forms import (
    DeductionMark,
    Evaluation,
    EvaluationScore,
    FormItem,
    ItemMark,
    QualityForm,
    score_evaluation,
)

CARD_COLUMNS = ("Marked", "−", "Item 项目", "Deduction 扣分项")
NARROW_WIDTH = 140  # below it, labels keep their Chinese half (the row's pane has both)


def short_label(label: str, wide: bool) -> str:
    """`态度冷淡 / Cold attitude` in full when there is room, else `态度冷淡`."""
    return label if wide else label.split(" / ")[0]


def row_key(item_id: str, deduction_id: str) -> str:
    return f"{item_id}:{deduction_id}"


def split_key(key: str) -> tuple[str, str]:
    item, _, deduction = key.partition(":")
    return item, deduction


def card_rows(
    form: QualityForm, evaluation: Evaluation, *, wide: bool
) -> dict[str, tuple[Text, ...]]:
    rows: dict[str, tuple[Text, ...]] = {}
    for _, item in form.items():
        mark = evaluation.marks.get(item.id, ItemMark())
        for index, rule in enumerate(item.deductions):
            marked = next((d for d in mark.deductions if d.id == rule.id), None)
            rows[row_key(item.id, rule.id)] = (
                _marked_cell(marked, rule.max_times),
                Text("0分" if item.fatal else f"{rule.minus:g}", style="dim", justify="right"),
                _item_cell(item, mark, wide) if index == 0 else Text(""),
                Text(short_label(rule.label, wide), style="dim" if mark.na else ""),
            )
    return rows


def _item_cell(item: FormItem, mark: ItemMark, wide: bool) -> Text:
    cell = Text(short_label(item.label, wide), style="bold #e06c75" if item.fatal else "bold")
    if mark.na:
        cell.append(" N/A", style="dim")
    elif not item.fatal:
        cell.append(f" {item.points:g}", style="dim")
    return cell


def _marked_cell(marked: DeductionMark | None, max_times: int) -> Text:
    if marked is None:
        return Text("·", style="dim")
    cell = Text(f"✖{marked.count}" if max_times > 1 else "✖", style="bold #e06c75")
    if marked.suggested:
        cell.append(" ⚑log", style="#e0b860")
    return cell


def toggled(form: QualityForm, evaluation: Evaluation, key: str) -> Evaluation:
    """One more of the deduction under `key`; past its `max_times` (or a suggestion the
    evaluator does not keep), none."""
    item_id, deduction_id = split_key(key)
    item = form.item(item_id)
    rule = item.deduction(deduction_id) if item is not None else None
    if item is None or rule is None:
        return evaluation
    mark = evaluation.marks.get(item_id, ItemMark())
    others = [d for d in mark.deductions if d.id != deduction_id]
    held = next((d for d in mark.deductions if d.id == deduction_id), None)
    if held is None:
        changed = [*others, DeductionMark(id=deduction_id)]
    elif held.suggested or held.count >= rule.max_times:
        changed = others
    else:
        changed = [*others, held.model_copy(update={"count": held.count + 1})]
    order = [d.id for d in item.deductions]
    changed.sort(key=lambda d: order.index(d.id))
    return _with_mark(evaluation, item_id, mark.model_copy(update={"deductions": changed}))


def not_applicable_toggled(form: QualityForm, evaluation: Evaluation, key: str) -> Evaluation:
    """Mark the row's item not applicable (or applicable again), where the form allows."""
    item_id, _ = split_key(key)
    item = form.item(item_id)
    if item is None or not item.na:
        return evaluation
    mark = evaluation.marks.get(item_id, ItemMark())
    return _with_mark(evaluation, item_id, mark.model_copy(update={"na": not mark.na}))


def _with_mark(evaluation: Evaluation, item_id: str, mark: ItemMark) -> Evaluation:
    marks = dict(evaluation.marks)
    if mark == ItemMark():
        marks.pop(item_id, None)
    else:
        marks[item_id] = mark
    return evaluation.model_copy(update={"marks": marks})


def allows_na(form: QualityForm, key: str) -> bool:
    item = form.item(split_key(key)[0])
    return item is not None and item.na


def score_line(form: QualityForm, evaluation: Evaluation) -> Text:
    """`Attitude 90% · Skill 95% · Initiative 100% · Total 94 · Deduction 15`."""
    score = score_evaluation(form, evaluation)
    return score_text(form, score)


def score_text(form: QualityForm, score: EvaluationScore) -> Text:
    line = Text()
    titles = {section.id: section.title for section in form.sections}
    for section in score.sections:
        if section.weight == 0:
            continue
        percent = "N/A" if section.percent is None else f"{section.percent:g}%"
        line.append(f"{short_label(titles[section.id], False)} {percent}  ", style="dim")
    style = "bold #e06c75" if score.fatal else "bold #8fbf7f"
    line.append(f"Total 总分 {score.total:g}", style=style)
    if score.fatal:
        line.append(f" (fatal; raw {score.raw_total:g})", style="#e06c75")
    line.append(f"  扣分合计 {score.total_deduction:g}", style="dim")
    return line


def evidence_text(form: QualityForm, evaluation: Evaluation, key: str) -> Text:
    """What the row is about: the item's guide, and the log's evidence for a suggestion."""
    item_id, deduction_id = split_key(key)
    item = form.item(item_id)
    if item is None:
        return Text("")
    rule = item.deduction(deduction_id)
    text = Text(f"{item.label} — {rule.label}" if rule is not None else item.label, style="bold")
    if item.guide:
        text.append(f"\n{item.guide}", style="dim")
    mark = evaluation.marks.get(item_id, ItemMark())
    marked = next((d for d in mark.deductions if d.id == deduction_id), None)
    if marked is not None and marked.evidence:
        text.append("\n⚑ from the log 日志: ", style="#e0b860")
        text.append("; ".join(e.text for e in marked.evidence))
    return text
