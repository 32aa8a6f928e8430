"""Guidance to one agent, or an announcement to a team (SV3): who, and what to say."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from agent_tui.ui.pickers import FormDialog
from server_stub.protocol.api import SupervisorMessageRequest

TEAM_PREFIX, AGENT_PREFIX = "team:", "agent:"


class MessageDialog(FormDialog[SupervisorMessageRequest | None]):
    """`targets` are (value, label): `agent:<id>` or `team:<id>`; `selected` is preset."""

    def __init__(self, targets: Sequence[tuple[str, str]], selected: str | None) -> None:
        super().__init__()
        self.targets = list(targets)
        self.selected = selected

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Message 发送消息", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("To 发给", classes="dialog-label")
                yield Select(
                    [(label, value) for value, label in self.targets],
                    value=self.selected if self.selected is not None else Select.BLANK,
                    allow_blank=False,
                    id="message-to",
                    compact=True,
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Text 内容", classes="dialog-label")
                yield Input(id="message-text", compact=True, placeholder="统一口径 / guidance")
            yield Static("", id="dialog-error")
            yield Static("Enter sends · Tab next field · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _send(self) -> None:
        text = self.query_one("#message-text", Input).value.strip()
        target = self.query_one("#message-to", Select).value
        if not text:
            self._error("Type what to say.")
            return
        if not isinstance(target, str):
            self._error("Choose who gets it.")
            return
        kind_agent = target.startswith(AGENT_PREFIX)
        target_id = target.split(":", 1)[1]
        try:
            request = SupervisorMessageRequest(
                text=text,
                agent_id=target_id if kind_agent else None,
                team_id=None if kind_agent else target_id,
            )
        except ValidationError:
            self._error("The message is too long (4,000 characters at most).")
            return
        self.dismiss(request)
