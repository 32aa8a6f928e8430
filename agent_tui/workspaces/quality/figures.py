"""Quality statistics (QA2) and a calibration round (QA3) as text.

Pure renderables of `QualityStatistics` and `CalibrationView`: the figures are the
server's, computed from the stored confirmed evaluations; nothing is recomputed here.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from server_stub.protocol.quality_api import CalibrationView, QualityStatistics

HEADING = "bold #5fa8d3"


def _figure(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:g}{suffix}"


def _score(value: float | None) -> str:
    return "N/A" if value is None else f"{value:g}"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _table(*columns: str) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="dim")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right", no_wrap=True)
    return table


def statistics_block(stats: QualityStatistics, *, wide: bool) -> RenderableType:
    centre = stats.centre
    head = Text()
    head.append("Centre 全中心: ", style=HEADING)
    head.append(f"{centre.evaluations} evaluations · mean {_figure(centre.mean_total)}")
    head.append(f" (raw {_figure(centre.mean_raw_total)})", style="dim")
    head.append(f" · fatal {centre.fatal} ({_percent(centre.fatal_rate)})")
    parts: list[RenderableType] = [head]
    if stats.fatal_by_deduction:
        fatal = ", ".join(f"{label} ×{n}" for label, n in stats.fatal_by_deduction.items())
        parts.append(Text(f"Fatal errors 决定性错误: {fatal}", style="#e06c75"))

    agents = _table(f"Agent 座席 by {stats.period}", "Period", "Evals", "Mean", "Fatal")
    for row in stats.by_agent:
        agents.add_row(
            row.agent_id, row.period, str(row.evaluations), _figure(row.mean_total), str(row.fatal)
        )
    lost = _table("Items most lost 培训需求", "Evals", "Points", "Share")
    for item in stats.items_most_lost:
        label = item.label if wide else item.label.split(" / ")[0]
        lost.add_row(label, str(item.evaluations), f"{item.points_lost:g}", _percent(item.share))
    gaps = _table("Where walks leave the script 知识缺口", "Walks", "Left", "Share")
    for gap in stats.knowledge_gaps:
        gaps.add_row(
            f"{gap.script} › {gap.step}", str(gap.walks), str(gap.left), _percent(gap.share)
        )
    load = _table("Evaluator workload 工作量", "Period", "Done", "Drafts", "Agents")
    for work in stats.workload:
        load.add_row(
            work.evaluator_id, work.period, str(work.confirmed), str(work.drafts), str(work.agents)
        )
    for table, empty in (
        (agents, "no confirmed evaluation yet 暂无"),
        (lost, "no item lost points 无扣分项"),
        (gaps, "every walk kept to its script 无偏离"),
        (load, "no evaluation yet 暂无"),
    ):
        parts.append(Text(""))
        parts.append(table if table.row_count else Group(table, Text(empty, style="dim")))
    return Group(*parts)


def calibration_block(view: CalibrationView, *, wide: bool) -> RenderableType:
    evaluators = view.round.evaluators
    head = Text()
    head.append(f"Round {view.round.id} · call {view.round.call_id}", style=HEADING)
    head.append(f" · {view.round.form} v{view.round.form_version}", style="dim")
    head.append(f" · consensus total {view.consensus_total:g}")
    items = _table("Item 项目", *evaluators, "Consensus", "Agree")
    for item in view.items:
        label = item.label if wide else item.label.split(" / ")[0]
        style = "" if item.agreement == 1.0 else "bold #e0b860"
        items.add_row(
            Text(label, style=style),
            *(_score(item.scores.get(e)) for e in evaluators),
            _score(item.consensus),
            Text(_percent(item.agreement), style=style),
        )
    people = _table("Evaluator 评估人", "Total", "± consensus", "Mean item ±", "Items off")
    for person in view.evaluators:
        people.add_row(
            person.evaluator,
            f"{person.total:g}",
            f"{person.deviation:+g}",
            _figure(person.mean_item_deviation),
            str(len(person.items_off)),
        )
    return Group(head, Text(""), people, Text(""), items)
