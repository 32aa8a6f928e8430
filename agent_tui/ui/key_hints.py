"""A workspace's footer: the keys that do something now, as the keymap in force binds them.

One line of text, redrawn only when the set of keys on offer changes. Textual's own
Footer rebuilds a widget per key on every focus or binding change, which on a desk that
changes state many times a minute costs more than the screen pop itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.text import Text
from textual.widgets import Static

from agent_tui.actions import ACTIONS, Action, Scope
from agent_tui.keymap import ResolvedKeymap

KEY_STYLE = "bold #1f2430 on #5fa8d3"


def hint_line(
    keymap: ResolvedKeymap,
    scope: Scope,
    offered: Iterable[str],
    labels: Mapping[str, str] | None = None,
) -> Text:
    """`F4 Answer  F5 Hold …`: the offered actions of `scope` and of the app (by action
    name) that are shown in hints, the workspace's first; then the command palette.
    `labels` (binding id → words) names what a key does now (F5 Retrieve while on hold)."""
    labels = labels or {}
    offered_names = set(offered)
    shown: list[Action] = [
        action
        for action in ACTIONS
        if action.show
        and action.scope in ("app", scope)
        and action.action in offered_names
        and keymap.keys_for(action.id)
    ]
    # The workspace's keys first, the app's (help, switch) last: what to do now comes first.
    shown.sort(key=lambda action: action.scope == "app")
    line = Text(no_wrap=True, overflow="ellipsis")
    for action in shown:
        line.append(f" {keymap.key(action.id)} ", style=KEY_STYLE)
        line.append(f" {labels.get(action.id, action.description)} ")
    if keymap.keys_for("app.palette"):
        line.append(f" {keymap.key('app.palette')} ", style=KEY_STYLE)
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

    def show(
        self,
        keymap: ResolvedKeymap,
        scope: Scope,
        offered: Iterable[str],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.update(hint_line(keymap, scope, offered, labels), layout=False)  # always one line
