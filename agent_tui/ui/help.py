"""The help screen: the keys in force (after keymap overrides) where the user is now.

Two sections: the shell's keys (everywhere) and the open workspace's. The key that opened
help closes it again (the shell's help action toggles), and so does Esc.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from agent_tui.actions import Scope, actions_of
from agent_tui.keymap import ResolvedKeymap

HELP_CSS = """
HelpScreen {
    align: center middle;
}
#help-box {
    width: 90;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: round $primary;
    background: $surface;
    padding: 0 1;
}
#help-title {
    text-style: bold;
    color: $primary;
}
.help-scope {
    margin-top: 1;
    text-style: bold;
    color: $accent;
}
.help-table {
    height: auto;
}
#help-footnote {
    margin-top: 1;
    color: $text-muted;
}
"""


def help_rows(
    keymap: ResolvedKeymap, scope: Scope, labels: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for each action of one scope, in registry order;
    `labels` names what a key does now where that differs (Retrieve while on hold)."""
    labels = labels or {}
    return [
        (
            keymap.display(action.id) or "—  (palette)",
            labels.get(action.id, action.description),
            action.id,
        )
        for action in actions_of(scope)
    ]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = HELP_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_help", "Close")]

    def __init__(
        self,
        keymap: ResolvedKeymap,
        sections: Sequence[tuple[str, Scope]],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.keymap = keymap
        self.sections = list(sections)  # (title, scope), the shell's first
        self.labels = dict(labels or {})

    def compose(self) -> ComposeResult:
        closing = " / ".join(dict.fromkeys(["Esc", self.keymap.key("app.help")]))
        with VerticalScroll(id="help-box"):
            yield Static(f"Keys  (keymap: {self.keymap.name})   {closing} closes", id="help-title")
            for title, scope in self.sections:
                yield Static(title, classes="help-scope")
                table: DataTable[str] = DataTable(
                    show_cursor=False, zebra_stripes=True, classes="help-table"
                )
                table.can_focus = False  # the scroll box takes the keys: arrows, pgup/pgdn
                table.add_columns("Keys", "Action", "Binding id")
                for row in help_rows(self.keymap, scope, self.labels):
                    table.add_row(*row)
                yield table
            files = ", ".join(path.name for path in self.keymap.files)
            yield Static(
                f"From {files}. Every action is also in the command palette "
                f"({self.keymap.key('app.palette')}).",
                id="help-footnote",
            )

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
