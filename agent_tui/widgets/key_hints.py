"""The desk's footer: the keys that do something now, as the keymap in force binds them.

One line of text, redrawn only when the set of keys on offer changes. Textual's own
Footer rebuilds a widget per key on every focus or binding change, which on a desk that
changes state many times a minute costs more than the screen pop itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from agent_tui.actions import ACTIONS, DeskAction
from agent_tui.keymap import ResolvedKeymap

KEY_STYLE = "bold #1f2430 on #5fa8d3"


def hint_line(keymap: ResolvedKeymap, offered: Iterable[str]) -> Text:
    """`F4 Answer  F5 Hold …` for the offered desk actions (footer ones), then help."""
    offered_names = set(offered)
    shown: list[DeskAction] = [
        action
        for action in ACTIONS
        if action.show
        and (action.scope == "app" or action.action in offered_names)
        and keymap.keys_for(action.id)
    ]
    # The desk's keys first, the app's (help) last: what to do now comes first.
    shown.sort(key=lambda action: action.scope == "app")
    line = Text(no_wrap=True, overflow="ellipsis")
    for action in shown:
        key = keymap.display(action.id).split(" / ")[0]
        line.append(f" {key} ", style=KEY_STYLE)
        line.append(f" {action.description} ")
    palette = keymap.display("app.palette").split(" / ")[0]
    if palette:
        line.append(f" {palette} ", style=KEY_STYLE)
        line.append(" Commands")
    return line


class KeyHints(Static):
    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    def show(self, keymap: ResolvedKeymap, offered: Iterable[str]) -> None:
        self.update(hint_line(keymap, offered), layout=False)  # always one line
