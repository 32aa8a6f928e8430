"""The queues board as rows of cells, for every workspace that shows queues.

`queue_rows(queues)` returns {queue id: cells} for `ui.tables.sync_rows`; the figures are
the server's own (`QueueStats`, from `queue.stats` events and the queue routes), shown
as they are: nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.text import Text

from agent_tui.ui.labels import clock_face

if TYPE_CHECKING:
    from server_stub.protocol.api import QueueStats

# Short headers: the board fits 80 columns with the queues' names in both languages.
QUEUE_COLUMNS = ("Queue", "Wait", "Longest", "Ready", "Busy", "Offer", "Ans", "Aband", "SL")
LONG_WAIT_S = 20.0  # the demo centre's service-level target: a wait past it is shown hot
GOOD_SERVICE_LEVEL = 0.8


def service_level_text(service_level: float | None) -> Text:
    if service_level is None:
        return Text("—", style="dim", justify="right")
    style = "bold #8fbf7f" if service_level >= GOOD_SERVICE_LEVEL else "bold #e06c75"
    return Text(f"{service_level:.0%}", style=style, justify="right")


def queue_rows(queues: Iterable[QueueStats]) -> dict[str, tuple[Text, ...]]:
    rows: dict[str, tuple[Text, ...]] = {}
    for stats in sorted(queues, key=lambda q: q.queue_id):
        waiting_style = "bold #e06c75" if stats.waiting else "dim"
        longest_style = "bold #e0b860" if stats.longest_wait_s >= LONG_WAIT_S else ""
        rows[stats.queue_id] = (
            Text(stats.name or stats.queue_id),
            Text(str(stats.waiting), style=waiting_style, justify="right"),
            Text(clock_face(stats.longest_wait_s), style=longest_style, justify="right"),
            Text(str(stats.agents_ready), justify="right"),
            Text(str(stats.agents_busy), justify="right"),
            Text(str(stats.offered), justify="right"),
            Text(str(stats.answered), justify="right"),
            Text(str(stats.abandoned), justify="right"),
            service_level_text(stats.service_level),
        )
    return rows


def queues_title(
    label: str, queues: Iterable[QueueStats], centre_time: Callable[[float], str]
) -> Text:
    """The board's title with the time of its newest figures: the statistics are snapshots
    the centre takes every few seconds, and a board should say how fresh it is."""
    title = Text(label, style="bold")
    newest = max((stats.as_of for stats in queues), default=None)
    if newest is not None:
        title.append(f"  as of {centre_time(newest)}", style="dim")
    return title
