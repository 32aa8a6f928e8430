"""Send a caller (TR1): into which queue, and as which customer (blank: an unknown caller)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from agent_tui.ui.pickers import FormDialog
from server_stub.protocol.api import TrainerCallRequest


class SendCallerDialog(FormDialog[TrainerCallRequest | None]):
    """`queues` are (queue id, label); `selected` is the queue highlighted on the board."""

    def __init__(self, queues: Sequence[tuple[str, str]], selected: str | None) -> None:
        super().__init__()
        self.queues = list(queues)
        self.selected = selected

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Send a caller 发送来电", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Queue 队列", classes="dialog-label")
                yield Select(
                    [(label, queue_id) for queue_id, label in self.queues],
                    value=self.selected if self.selected is not None else Select.BLANK,
                    allow_blank=False,
                    id="send-queue",
                    compact=True,
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Customer id", classes="dialog-label")
                yield Input(
                    placeholder="blank: unknown caller 未知来电", id="send-customer", compact=True
                )
            yield Static("", id="dialog-error")
            yield Static("Enter sends · Tab next field · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _send(self) -> None:
        queue_id = self.query_one("#send-queue", Select).value
        if not isinstance(queue_id, str):
            self._error("Choose a queue.")
            return
        customer_id = self.query_one("#send-customer", Input).value.strip() or None
        try:
            request = TrainerCallRequest(queue_id=queue_id, customer_id=customer_id)
        except ValidationError:
            self._error("A customer id is at most 64 characters.")
            return
        self.dismiss(request)
