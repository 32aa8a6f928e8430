"""A bordered panel that shows one thing in full: a call under review, a ticket found."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPanel(VerticalScroll):
    DEFAULT_CSS = """
    DetailPanel {
        height: 1fr;
        border: round $secondary 60%;
        border-title-color: $secondary;
        padding: 0 1;
    }
    """

    def __init__(self, title: str, body: RenderableType, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = title
        self._body = body

    def compose(self) -> ComposeResult:
        yield Static(self._body, classes="detail-body")

    def show(self, title: str, body: RenderableType) -> None:
        self.border_title = title
        self.query_one(".detail-body", Static).update(body)
        self.scroll_home(animate=False)
