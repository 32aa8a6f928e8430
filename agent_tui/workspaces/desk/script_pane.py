"""The script pane (SC1–SC3): the call's flow script, one step at a time, on keys.

Shows the step's text with the caller's data filled in, the rule to follow, what the step
asks the desk to offer (ticket, transfer, callback), the options with their keys, and a
breadcrumb. With focus, an option's key (a digit or letter) chooses it, backspace goes
back one step. The walker's `path` goes to the server with the wrap-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from agent_tui.ui.desk_view import KeyNames, step_renderable
from server_stub.protocol.scripts import FlowScript, ScriptWalker, ScriptWalkError, Step


class ScriptPane(Static, can_focus=True):
    """Holds the walker; the desk sets the script and the caller's values."""

    DEFAULT_CSS = """
    ScriptPane {
        border: round $secondary 60%;
        border-title-color: $secondary;
        padding: 0 1;
        height: 1fr;
    }
    ScriptPane:focus {
        border: round $accent;
        border-title-color: $accent;
    }
    """

    class Walked(Message):
        """The agent chose an option (`key`) or went back (`key` None) from `from_step`;
        `step` is where the walk is now."""

        def __init__(
            self, pane: ScriptPane, step_id: str, step: Step, from_step: str, key: str | None
        ) -> None:
            super().__init__()
            self.pane = pane
            self.step_id = step_id
            self.step = step
            self.from_step = from_step
            self.key = key

        @property
        def action(self) -> dict[str, Any]:
            return dict(self.step.action or {})

    def __init__(self, keys: KeyNames, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.border_title = "Script 脚本"
        self.keys = keys
        self.walker: ScriptWalker | None = None
        self.values: dict[str, str] = {}
        self.waiting_text = "No script: it appears when a call rings."

    def on_mount(self) -> None:
        self._draw()

    def set_script(self, script: FlowScript | None, values: Mapping[str, str]) -> None:
        self.walker = ScriptWalker(script) if script is not None else None
        self.values = dict(values)
        if script is not None:
            self.border_title = f"Script 脚本 · {script.title} v{script.version}"
        else:
            self.border_title = "Script 脚本"
        self._draw()

    def resume(self, path: list[tuple[str, str]]) -> bool:
        """Walk `path` again silently (a desk that logged in mid-call); False, and the
        walk left at the start, when the path does not fit this script."""
        if self.walker is None:
            return False
        walker = ScriptWalker(self.walker.script)
        try:
            for step_id, key in path:
                if walker.current != step_id:
                    return False
                walker.choose(key)
        except ScriptWalkError:
            return False
        self.walker = walker
        self._draw()
        return True

    def set_values(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)
        self._draw()

    def clear(self, waiting_text: str) -> None:
        self.waiting_text = waiting_text
        self.set_script(None, {})

    @property
    def path(self) -> list[tuple[str, str]]:
        return list(self.walker.path) if self.walker is not None else []

    @property
    def outcome(self) -> str | None:
        return self.walker.outcome if self.walker is not None else None

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.walker is None:
            self.update(Text(self.waiting_text, style="dim"))
            return
        self.update(
            step_renderable(self.walker, self.values, self.keys, wide=self.size.width >= 70)
        )

    def choose(self, key: str) -> bool:
        """Take the option with `key`; False (and a bell) when there is none here."""
        if self.walker is None:
            return False
        from_step = self.walker.current
        try:
            step = self.walker.choose(key)
        except ScriptWalkError as error:
            self.notify(str(error), severity="warning", timeout=3)
            return False
        self._draw()
        self.post_message(self.Walked(self, self.walker.current, step, from_step, key))
        return True

    def back(self) -> bool:
        if self.walker is None or not self.walker.path:
            return False
        from_step = self.walker.current
        step = self.walker.back()
        self._draw()
        self.post_message(self.Walked(self, self.walker.current, step, from_step, None))
        return True

    def handles_key(self, key: str) -> bool:
        """True when `key` is one of the current step's option keys (or backspace)."""
        if self.walker is None:
            return False
        if key == "backspace":
            return bool(self.walker.path)
        return not self.walker.finished and self.walker.step.option(key) is not None

    def on_key(self, event: events.Key) -> None:
        if self.walker is None:
            return
        if event.key == "backspace":
            event.stop()
            self.back()
            return
        character = event.character
        if character and character.isprintable() and len(character) == 1 and character != " ":
            event.stop()
            if not self.choose(character):
                self.app.bell()
