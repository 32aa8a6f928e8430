"""The script pane (SC1–SC3): the call's flow script, one step at a time, on keys.

Shows the step's text with the caller's data filled in, the rule to follow, what the step
asks the desk to offer (ticket, transfer, callback), the options with their keys, and a
breadcrumb. With focus, an option's key (a digit or letter) chooses it, backspace goes
back one step. The walker's `path` goes to the server with the wrap-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from server_stub.protocol.scripts import (
    FlowScript,
    ScriptWalker,
    ScriptWalkError,
    Step,
    fill_placeholders,
)

# A binding id → the key to name on screen for it (`ResolvedKeymap.key`).
KeyNames = Callable[[str], str]

# What a step's `action` asks for, in the agent's words, with the desk keys that do it:
# `{key:<binding id>}` as in script text.
ACTION_HINTS: dict[str, str] = {
    "open_ticket": "open the ticket form (prefilled)  {key:desk.ticket}",
    "escalate": (
        "escalate: transfer to a team leader or expert group"
        "  {key:call.transfer} blind · {key:call.consult} consult"
    ),
    "transfer": "transfer the caller  {key:call.transfer} blind · {key:call.consult} consult",
    "schedule_callback": "schedule a callback  {key:call.callback}",
    "hold": "put the caller on hold  {key:call.hold}",
    "knowledge": "look it up in the knowledge base",
}
END_HINT = "■ End: {outcome}. {key:desk.wrapup} wraps up with this code."


def action_hint(action_name: str, keys: KeyNames) -> str:
    return fill_placeholders(ACTION_HINTS.get(action_name, action_name), {}, {}, keys)


def end_hint(outcome: str, keys: KeyNames) -> str:
    return fill_placeholders(END_HINT, {"outcome": outcome}, {}, keys)


def identity_verified(walker: ScriptWalker) -> bool | None:
    """What the walk says about identity (IN5): True after leaving a `verify…` step forward,
    False on reaching a `not_verified…` step, None when the script has not asked yet."""
    verified: bool | None = None
    for step_id, key in walker.path:
        if not step_id.startswith("verify"):
            continue
        option = walker.script.steps[step_id].option(key)
        if option is None:
            continue
        if option.next.startswith("not_verified"):
            verified = False
        elif not option.next.startswith("verify"):
            verified = True
    return verified


def step_renderable(
    walker: ScriptWalker, values: Mapping[str, str], keys: KeyNames, *, wide: bool = False
) -> RenderableType:
    script = walker.script
    step = walker.step
    crumbs = walker.breadcrumb()
    if not wide and len(crumbs) > 4:
        crumbs = ["…", *crumbs[-3:]]
    trail = Text(" › ".join(crumbs), style="dim")
    parts: list[RenderableType] = [trail]
    if step.say:
        say = fill_placeholders(step.say, values, script.variables, keys)
        parts.append(Text(say, style="bold"))
    if step.rule:
        rule = Text("Rule 规则: ", style="bold #e0b860")
        rule.append(fill_placeholders(step.rule, values, script.variables, keys), style="italic")
        parts.append(rule)
    for action_name in step.action or {}:
        parts.append(Text(f"▸ {action_hint(action_name, keys)}", style="#8fbcbb"))
    if step.end is not None:
        parts.append(Text(end_hint(step.end.outcome, keys), style="bold #8fbf7f"))
    else:
        for option in step.options:
            label = fill_placeholders(option.label, values, script.variables, keys)
            line = Text()
            if walker.is_exhausted(option):
                line.append(f" {option.key} ", style="dim strike")
                line.append(f" {label} (used up)", style="dim")
            else:
                line.append(f" {option.key} ", style="bold #1f2430 on #5fa8d3")
                line.append(f" {label}")
            parts.append(line)
    if walker.path:
        parts.append(Text("⌫ back one step", style="dim"))
    return Group(*parts)


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
        """The agent chose an option or went back; `step` is where the walk is now."""

        def __init__(self, pane: ScriptPane, step_id: str, step: Step) -> None:
            super().__init__()
            self.pane = pane
            self.step_id = step_id
            self.step = step

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
        try:
            step = self.walker.choose(key)
        except ScriptWalkError as error:
            self.notify(str(error), severity="warning", timeout=3)
            return False
        self._draw()
        self.post_message(self.Walked(self, self.walker.current, step))
        return True

    def back(self) -> bool:
        if self.walker is None or not self.walker.path:
            return False
        step = self.walker.back()
        self._draw()
        self.post_message(self.Walked(self, self.walker.current, step))
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
