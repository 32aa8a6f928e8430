"""Dialogs every workspace uses: each a ModalScreen[T] that dismisses with the answer or None.

- `ChoicePicker`: a list with a filter (type to narrow, ↑/↓ to move, Enter to take,
  Esc to cancel). Reason codes, wrap-up codes, the pending state, consult actions, the
  transfer directory and the workspace switcher are all this one dialog.
- `FormDialog`: the base of small forms (a few inputs, Enter submits, Esc cancels).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from server_stub.protocol.api import Code
    from server_stub.protocol.training_api import ScenarioSummary

T = TypeVar("T")

PICKER_CSS = """
ChoicePicker, FormDialog {
    align: center middle;
}
.dialog-box {
    width: 64;
    max-width: 96%;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
.dialog-title {
    text-style: bold;
    color: $accent;
    margin-bottom: 1;
}
.dialog-hint {
    color: $text-muted;
    margin-top: 1;
}
.dialog-box OptionList {
    height: auto;
    max-height: 16;
    border: none;
    padding: 0;
}
.dialog-row {
    height: 1;
    margin-bottom: 1;
}
.dialog-label {
    width: 16;
    color: $text-muted;
}
.dialog-row Input {
    width: 1fr;
}
#picker-empty {
    color: $text-warning;
    height: auto;
}
#dialog-error {
    color: $text-error;
    height: auto;
}
"""


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    detail: str = ""  # dimmed after the label: a queue's waiting calls, an agent's state

    def matches(self, text: str) -> bool:
        needle = text.casefold().strip()
        return not needle or needle in f"{self.value} {self.label} {self.detail}".casefold()


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of `choices`; typing filters, Enter takes the highlighted one."""

    DEFAULT_CSS = PICKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice],
        *,
        selected: str | None = None,
        hint: str = "Type to filter · ↑↓ move · Enter choose · Esc cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.selected = selected
        self.hint = hint
        self.shown: list[Choice] = list(self.choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(placeholder="filter 筛选", id="picker-filter", compact=True)
            yield OptionList(id="picker-options")
            yield Static("", id="picker-empty")
            yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self._fill("")
        if self.selected is not None:
            for index, choice in enumerate(self.shown):
                if choice.value == self.selected:
                    self.query_one(OptionList).highlighted = index
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        self.shown = [choice for choice in self.choices if choice.matches(text)]
        options.clear_options()
        for choice in self.shown:
            prompt = Text(choice.label)
            if choice.detail:
                prompt.append(f"  {choice.detail}", style="dim")
            options.add_option(Option(prompt, id=choice.value))
        if self.shown:
            options.highlighted = 0
        empty = self.query_one("#picker-empty", Static)
        empty.display = not self.shown
        if not self.shown:
            what = f"“{text.strip()}”" if text.strip() else "this"
            empty.update(
                Text(f"Nothing matches {what}: ⌫ to widen the filter. 无匹配项", style="italic")
            )

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _take_highlighted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self.shown):
            self.dismiss(self.shown[index].value)
        else:
            self.app.bell()  # nothing to take: the empty line says why

    @on(OptionList.OptionSelected)
    def _take_clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


def code_choices(codes: Iterable[Code], *, skip: Iterable[str] = ()) -> list[Choice]:
    """`/v1/codes` entries as choices, leaving out codes a person never picks."""
    skipped = set(skip)
    return [
        Choice(code.code, code.label or code.code) for code in codes if code.code not in skipped
    ]


class FormDialog(ModalScreen[T]):
    """A small form: its inputs follow the app's cursor blink, Esc cancels, and `_error`
    says under the fields what is missing (what was typed stays)."""

    DEFAULT_CSS = PICKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def on_mount(self) -> None:
        blink = bool(getattr(self.app, "cursor_blink", True))
        for field in self.query(Input):
            field.cursor_blink = blink
        self.query(Input).first().focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, text: str) -> None:
        self.query_one("#dialog-error", Static).update(text)
        self.app.bell()


def scenario_choices(scenarios: Iterable[ScenarioSummary]) -> list[Choice]:
    """Training scenarios to pick, easiest first (as a trainee works through them)."""
    order = {"easy": 0, "medium": 1, "hard": 2}
    ranked = sorted(scenarios, key=lambda s: (order.get(s.difficulty, 3), s.title))
    return [Choice(s.id, s.title, f"{s.difficulty} · {s.queue}") for s in ranked]
