"""The top of a workspace: what it is, who is logged in, the link; and what is not built yet.

Workspaces whose own issue is still to come say so here in one plain line, so nobody
mistakes what is on screen for the finished tool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore

CONNECTION_STYLES: dict[str, tuple[str, str]] = {
    "online": ("● online", "#8fbf7f"),
    "connecting": ("◌ connecting", "#e0b860"),
    "reconnecting": ("◌ reconnecting", "bold #e0b860"),
    "offline": ("✖ offline", "bold #e06c75"),
}


def connection_text(connection: str) -> Text:
    label, style = CONNECTION_STYLES.get(connection, (connection, "bold"))
    return Text(label, style=style)


def who_text(store: ClientStore) -> Text:
    user = store.user
    if user is None:
        return Text("")
    line = Text(user.name, style="bold")
    if user.id not in user.name:
        line.append(f" ({user.id})", style="dim")
    if user.teams:
        line.append(f" · team {', '.join(user.teams)}", style="dim")
    return line


class WorkspaceHeader(Static):
    """Two lines: title · who · link, then the note (dim)."""

    DEFAULT_CSS = """
    WorkspaceHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, title: str, note: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.note = note

    def show(self, store: ClientStore) -> None:
        top = Table.grid(expand=True, padding=(0, 1))
        top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        top.add_column(justify="right", no_wrap=True)
        title = Text(self.title_text, style="bold #5fa8d3")
        title.append("  ")
        title.append_text(who_text(store))
        top.add_row(title, connection_text(store.connection))
        self.update(Group(top, Text(self.note, style="dim italic")))
