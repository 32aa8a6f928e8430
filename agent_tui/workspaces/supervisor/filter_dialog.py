"""Filter the agents board: one line, `state:busy team:A queue:vip 王` (empty: everyone)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from agent_tui.ui.pickers import FormDialog


class FilterDialog(FormDialog[str | None]):
    """Dismisses with the filter text (None when cancelled)."""

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Filter agents 筛选坐席", classes="dialog-title")
            yield Input(
                value=self.current,
                id="filter-text",
                compact=True,
                placeholder="state:busy team:A queue:vip 王",
            )
            yield Static("", id="dialog-error")
            yield Static(
                "state: team: queue: and words of the id or name · Enter applies · Esc cancels",
                classes="dialog-hint",
            )

    @on(Input.Submitted)
    def _apply(self) -> None:
        self.dismiss(self.query_one("#filter-text", Input).value.strip())
