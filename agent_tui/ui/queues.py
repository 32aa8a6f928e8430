"""The queues board, for every workspace that shows queues (the monitor, the console).

`QueuesBoard` is a title and a table; `queue_rows(queues)` are its rows as cells, diffed
into the table by `ui.tables.sync_rows`. The figures are the server's own (`QueueStats`,
from `queue.stats` events and the queue routes), shown as they are: nothing is
recomputed here, and the title says when the newest of them was taken.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from agent_tui.ui.labels import clock_face
from agent_tui.ui.tables import sync_rows

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


class QueuesBoard(Vertical):
    """The queues board: its title (with how fresh the figures are) over the table."""

    DEFAULT_CSS = """
    QueuesBoard {
        height: auto;
    }
    QueuesBoard > .board-title {
        padding: 0 1;
        color: $accent;
    }
    QueuesBoard > DataTable {
        height: auto;
        max-height: 9;
    }
    """

    def __init__(self, label: str, *, cursor: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.cursor = cursor

    def compose(self) -> ComposeResult:
        yield Static("", classes="board-title")
        table: DataTable[object] = DataTable(
            id="queues-board", cursor_type="row" if self.cursor else "none"
        )
        yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*QUEUE_COLUMNS)

    def show(self, queues: Collection[QueueStats], centre_time: Callable[[float], str]) -> None:
        self.query_one(".board-title", Static).update(queues_title(self.label, queues, centre_time))
        sync_rows(self.query_one(DataTable), queue_rows(queues))

    @property
    def table(self) -> DataTable[object]:
        return self.query_one(DataTable)
