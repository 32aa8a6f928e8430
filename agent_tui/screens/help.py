"""The help screen: the keys in force (after keymap overrides), grouped by scope."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from agent_tui.actions import ACTIONS, Scope
from agent_tui.keymap import ResolvedKeymap

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Everywhere",
    "desk": "On the desk",
}


def help_rows(keymap: ResolvedKeymap, scope: Scope) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for each action of one scope, in registry order."""
    return [
        (keymap.display(action.id) or "—  (palette)", action.description, action.id)
        for action in ACTIONS
        if action.scope == scope
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_help", "Close", show=True),
        Binding("f1", "dismiss_help", "Close", show=False),
    ]

    def __init__(self, keymap: ResolvedKeymap) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(f"Keys  (keymap: {self.keymap.name})   Esc closes", id="help-title")
            for scope, title in SCOPE_TITLES.items():
                yield Static(title, classes="help-scope")
                table: DataTable[str] = DataTable(
                    show_cursor=False, zebra_stripes=True, classes="help-table"
                )
                table.can_focus = False  # the scroll box takes the keys: arrows, pgup/pgdn
                table.add_columns("Keys", "Action", "Binding id")
                for row in help_rows(self.keymap, scope):
                    table.add_row(*row)
                yield table
            files = ", ".join(path.name for path in self.keymap.files)
            yield Static(
                f"From {files}. Every action is also in the command palette.",
                id="help-footnote",
            )

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
