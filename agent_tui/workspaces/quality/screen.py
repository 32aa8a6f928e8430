"""Quality: the calls wrapped up since login, newest first, and the highlighted one in full.

The evaluator's feed carries every event; each `call.wrapup_completed` (and the tickets
made on the call) lands in the store's reviews, bounded to the last 200.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable

from agent_tui.client.parts import CONNECTION, REVIEWS
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.ui.tickets import show_a_ticket
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.quality.reviews import REVIEW_COLUMNS, review_block, review_rows

NOTE = (
    "Sampling, scorecards and quality statistics come with their own issue. Here today:"
    " each call as it is wrapped up, and any ticket by its id."
)
EMPTY = "No call has been wrapped up since you logged in. 暂无话后记录"

QUALITY_CSS = """
QualityScreen #reviews-body {
    height: 1fr;
}
QualityScreen #reviews-board {
    width: 1fr;
    height: 1fr;
}
QualityScreen #review-detail {
    width: 48;
}
QualityScreen.-narrow #reviews-body {
    layout: vertical;
}
QualityScreen.-narrow #review-detail {
    width: 100%;
    height: 9;
}
"""
# Below this width the call's details go under the list instead of beside it.
SIDE_BY_SIDE_WIDTH = 110


class QualityScreen(WorkspaceScreen):
    DEFAULT_CSS = QUALITY_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("quality")  # type: ignore[assignment]
    SCOPE = "quality"
    PARTS: ClassVar[frozenset[str]] = frozenset({REVIEWS, CONNECTION})

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Quality 质检", NOTE, id="quality-header")
        with Horizontal(id="reviews-body"):
            board: DataTable[object] = DataTable(id="reviews-board", cursor_type="row")
            yield board
            yield DetailPanel("Call 通话", EMPTY, id="review-detail")
        yield KeyHints(id="key-hints")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < SIDE_BY_SIDE_WIDTH, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.size.width < SIDE_BY_SIDE_WIDTH, "-narrow")
        self.query_one("#reviews-board", DataTable).add_columns(*REVIEW_COLUMNS)
        self.show_parts(self.PARTS)
        self.query_one("#reviews-board", DataTable).focus()

    def show_parts(self, parts: frozenset[str]) -> None:
        self.query_one(WorkspaceHeader).show(self.store)
        if REVIEWS in parts:
            board = self.query_one("#reviews-board", DataTable)
            sync_rows(board, review_rows(self.store))
            self._show_highlighted()
        self.refresh_key_hints()

    @on(DataTable.RowHighlighted, "#reviews-board")
    def _highlighted(self) -> None:
        self._show_highlighted()

    def _show_highlighted(self) -> None:
        panel = self.query_one(DetailPanel)
        call_id = highlighted_key(self.query_one("#reviews-board", DataTable))
        review = next((r for r in self.store.reviews if r.call_id == call_id), None)
        if review is not None:
            panel.show("Call 通话", review_block(review, self.store))
        elif call_id is None:
            panel.show("Call 通话", EMPTY)

    def action_find_ticket(self) -> None:
        self.find_ticket()

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def find_ticket(self) -> None:
        panel = self.query_one(DetailPanel)
        await show_a_ticket(self, self.shell.api, panel, self.store.sim_now())
