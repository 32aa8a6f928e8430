"""A trainee's scored sessions over time, as the trainer reads them under a session (TR1).

Every scored session of the trainee (`GET /v1/training/results?trainee=`), oldest first:
when, which scenario and version, the total, and how it moved since the trainee's last
go at the same scenario.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from server_stub.protocol.training_api import TrainingResult

SHOWN = 10  # the latest results listed; the rest are in the API


def history_block(trainee: str, results: list[TrainingResult]) -> RenderableType:
    """The trainee's results, the latest `SHOWN`, each with its change on the scenario."""
    title = Text(f"Results over time 历次成绩 · {trainee}", style="bold #5fa8d3")
    if not results:
        return Group(title, Text("No scored session yet. 暂无成绩", style="dim"))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    last: dict[str, float] = {}
    rows: list[tuple[Text, ...]] = []
    for result in results:
        when = datetime.fromtimestamp(result.wall_time).strftime("%m-%d %H:%M")
        before = last.get(result.scenario)
        last[result.scenario] = result.total
        moved = Text("")
        if before is not None and result.total != before:
            change = result.total - before
            moved = Text(f"{change:+g}", style="#8fbf7f" if change > 0 else "#e06c75")
        rows.append(
            (
                Text(when, style="dim"),
                Text(f"{result.scenario} v{result.scenario_version}"),
                Text(f"{result.total:g}/{result.max_total:g}", style="bold"),
                moved,
            )
        )
    for row in rows[-SHOWN:]:
        table.add_row(*row)
    return Group(title, table)
