"""Wrap-up (IN8, ST2 after-call work): the countdown, the disposition code, the notes.

The notes are a draft like the ticket form (kind "wrapup", keyed by the call id), saved on
every change, and the desk sends them to the centre too (`NotesChanged`), so that an
automatic wrap-up at the deadline carries them. The code is picked in a dialog (the
wrap-up key); the script's outcome is offered first. `WARN_S` before the deadline the
countdown turns red and says the notes go with it, and how to extend where that is allowed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TextArea

from agent_tui.drafts import DraftStore
from agent_tui.ui.labels import clock_face, code_label

DRAFT_KIND = "wrapup"
WARN_S = 15.0  # the countdown warns this long before the deadline


def countdown_text(remaining: float | None, extend_hint: str | None = None) -> Text:
    """The countdown; near the end it says what happens, and how to get more time."""
    if remaining is None:
        return Text("Wrap-up 话后处理: no deadline", style="dim")
    line = Text("Wrap-up 话后处理  ")
    style = "bold #e06c75" if remaining < WARN_S else "bold #d08770"
    line.append(f" {clock_face(max(0.0, remaining))} left ", style=f"{style} reverse")
    if remaining <= 0:
        line.append("  time is up: your notes go with it", style="bold #e06c75")
    elif remaining < WARN_S:
        line.append("  ends soon: your notes go with it 备注将随自动话后提交", style="#e06c75")
    if extend_hint and remaining > 0:
        line.append(f"\n{extend_hint}", style="dim")
    return line


def code_line(code: str | None, wrapup_key: str) -> Text:
    line = Text("Code 结果: ", style="dim")
    if code:
        line.append(code_label(code), style="bold #8fbf7f")
        line.append(
            f"  suggested by the script 脚本建议 · {wrapup_key} confirms or changes", style="dim"
        )
    else:
        line.append(f"{wrapup_key} to choose a disposition code", style="dim")
    return line


class WrapupPanel(Vertical):
    class NotesChanged(Message):
        """The agent typed in the notes (the desk sends them to the centre, debounced)."""

    DEFAULT_CSS = """
    WrapupPanel {
        border: round $warning 60%;
        border-title-color: $warning;
        padding: 0 1;
        height: 1fr;
    }
    WrapupPanel:focus-within {
        border: round $warning;
    }
    WrapupPanel #wrapup-countdown, WrapupPanel #wrapup-code {
        height: auto;
    }
    WrapupPanel #wrapup-notes {
        height: 1fr;
        min-height: 3;
        margin-top: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Wrap-up 话后"
        self.drafts: DraftStore | None = None
        self.call_id: str | None = None
        self.suggested_code: str | None = None
        self.sent = False  # the agent wrapped up (not the timer)

    def compose(self) -> ComposeResult:
        yield Static("", id="wrapup-countdown")
        yield Static("", id="wrapup-code")
        yield TextArea(
            id="wrapup-notes",
            compact=True,
            placeholder="Notes 备注: what was asked, what was done, what was promised…",
        )

    def on_mount(self) -> None:
        self.query_one(TextArea).cursor_blink = bool(getattr(self.app, "cursor_blink", True))

    def start(self, drafts: DraftStore, call_id: str) -> None:
        """Bind to the call in wrap-up; notes typed before a crash come back."""
        self.drafts = drafts
        self.call_id = call_id
        self.border_title = f"Wrap-up 话后 · call {call_id}"
        self.sent = False
        saved = drafts.load(DRAFT_KIND, call_id)
        self.query_one(TextArea).text = str((saved or {}).get("notes") or "")

    def show_countdown(self, remaining: float | None, extend_hint: str | None = None) -> None:
        self.query_one("#wrapup-countdown", Static).update(countdown_text(remaining, extend_hint))

    def suggest(self, code: str | None, wrapup_key: str) -> None:
        """Show the script's outcome, if any, and the key (`wrapup_key`) that picks a code."""
        self.suggested_code = code
        self.query_one("#wrapup-code", Static).update(code_line(code, wrapup_key))

    @property
    def notes(self) -> str:
        return self.query_one(TextArea).text

    def submitted(self) -> None:
        self.sent = True
        self.forget_draft()

    def forget_draft(self) -> None:
        """The centre has the notes: drop the draft, and let go of the call, so that a
        change of the text handled late (a loaded machine) cannot save it again."""
        if self.drafts is not None and self.call_id is not None:
            self.drafts.discard(DRAFT_KIND, self.call_id)
        self.call_id = None

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self.drafts is None or self.call_id is None:
            return
        self.post_message(self.NotesChanged())
        if event.text_area.text:
            self.drafts.save(DRAFT_KIND, self.call_id, {"notes": event.text_area.text})
        else:
            self.drafts.discard(DRAFT_KIND, self.call_id)
