"""The fields a transition requires, asked in one small form (a resolution note, a reason).

The whitelist (`protocol.tickets.TRANSITIONS`) says which fields a transition needs; the
form has one line for each, and refuses to send while one is empty (the server checks the
same, and its refusal is shown as a notice). A transition with no required field is sent
without a form.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from agent_tui.ui.pickers import FormDialog
from server_stub.protocol.tickets import (
    TRANSITIONS,
    CallbackOutcome,
    TicketField,
    Transition,
)
from server_stub.protocol.workflow_api import TransitionRequest

FIELD_LABELS: dict[TicketField, str] = {
    TicketField.RESOLUTION_NOTE: "Result 处理结果",
    TicketField.CALLBACK_OUTCOME: "Outcome 回访结果",
    TicketField.MERGE_TARGET: "Into ticket 合并到",
    TicketField.REASON: "Reason 原因",
    TicketField.NOTE: "Note 备注",
    TicketField.QUEUE: "Queue 队列",
}
PLACEHOLDERS: dict[TicketField, str] = {
    TicketField.CALLBACK_OUTCOME: " / ".join(o.value for o in CallbackOutcome),
    TicketField.MERGE_TARGET: "e.g. T000001",
}


def required_fields(transition: str) -> tuple[TicketField, ...]:
    return TRANSITIONS[Transition(transition)].required


class TransitionDialog(FormDialog[TransitionRequest | None]):
    """Asks the required fields of `transition`; dismisses with the request, or None."""

    def __init__(self, transition: str, ticket_id: str) -> None:
        super().__init__()
        self.transition = transition
        self.ticket_id = ticket_id
        self.fields = required_fields(transition)

    def compose(self) -> ComposeResult:
        spec = TRANSITIONS[Transition(self.transition)]
        with Vertical(classes="dialog-box"):
            yield Static(f"{spec.label} · {self.ticket_id}", classes="dialog-title")
            for field in self.fields:
                with Horizontal(classes="dialog-row"):
                    yield Label(FIELD_LABELS.get(field, field.value), classes="dialog-label")
                    yield Input(
                        placeholder=PLACEHOLDERS.get(field, ""),
                        id=f"field-{field.value}",
                        compact=True,
                    )
            yield Static("", id="dialog-error")
            yield Static("Enter sends · Esc cancels", classes="dialog-hint")

    @on(Input.Submitted)
    def _send(self) -> None:
        values: dict[str, str] = {}
        for field in self.fields:
            value = self.query_one(f"#field-{field.value}", Input).value.strip()
            if not value:
                self._error(f"{FIELD_LABELS.get(field, field.value)} is required 必填")
                return
            values[field.value] = value
        self.dismiss(TransitionRequest(transition=self.transition, fields=values))
