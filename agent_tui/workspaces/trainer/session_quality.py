"""A scored session's quality form, prefilled from the session's call, as the trainer reads it.

After the score, the trainer debriefs from the same facts on the centre's quality form
(the evaluator's form, issue 12 item 3): what the log decides is marked, each with the
event that shows it. The server prefills it when asked
(`GET /v1/training/sessions/{id}/quality`); it is a draft that is never stored.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from server_stub.protocol.quality_api import EvaluationView


def quality_block(view: EvaluationView) -> RenderableType:
    """The form's total and deduction, then each suggested deduction with its evidence."""
    score, evaluation = view.score, view.evaluation
    title = Text(f"Quality form 质检表 {score.form} v{score.version} ", style="bold #5fa8d3")
    title.append(f"{score.total:g} / 100 · 扣分 −{score.total_deduction:g}", style="bold")
    title.append(" (prefilled, not stored 预评)", style="dim")
    lines: list[RenderableType] = [title]
    for item, mark in evaluation.marks.items():
        for deduction in mark.deductions:
            said = deduction.evidence[-1].text if deduction.evidence else ""
            line = Text(f"⚑ {item} · {deduction.id}", style="#e0b860")
            line.append(f"  {said}", style="dim")
            lines.append(line)
    if len(lines) == 1:
        lines.append(Text("Nothing the log decides was missed. 无自动扣分项", style="#8fbf7f"))
    return Group(*lines)
