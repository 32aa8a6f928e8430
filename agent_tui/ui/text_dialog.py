"""One line of text in a small dialog: a filter, a whisper, a note for a task."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from agent_tui.ui.pickers import FormDialog


class TextDialog(FormDialog[str | None]):
    """Dismisses with the text typed (None when cancelled); `required` refuses an empty one."""

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", hint: str = "",
        required: bool = False,
    ) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint or "Enter sends · Esc cancels"
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(
                value=self.value, id="dialog-text", compact=True, placeholder=self.placeholder
            )
            yield Static("", id="dialog-error")
            yield Static(self.hint, classes="dialog-hint")

    @on(Input.Submitted)
    def _apply(self) -> None:
        text = self.query_one("#dialog-text", Input).value.strip()
        if self.required and not text:
            self._error("Type what to say.")
            return
        self.dismiss(text)
