"""One line of text for the monitor: the agents board's filter, a whisper, a broadcast."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from agent_tui.ui.pickers import FormDialog

FILTER_HINT = "state: team: queue: and words of the id or name · Enter applies · Esc cancels"


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


def filter_dialog(current: str) -> TextDialog:
    return TextDialog(
        "Filter agents 筛选坐席",
        value=current,
        placeholder="state:busy team:A queue:vip 王",
        hint=FILTER_HINT,
    )
