"""Sample calls (QA1): at random, by agent, queue or customer account, or to fill the quota."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from agent_tui.ui.pickers import FormDialog
from server_stub.protocol.quality_api import SampleBy, SampleRequest

SAMPLE_WAYS: list[tuple[str, SampleBy]] = [
    ("Fill each agent's quota 按配额", "quota"),
    ("At random 随机", "random"),
    ("By agent 按座席", "agent"),
    ("By queue 按队列", "queue"),
    ("By customer or account 按客户", "customer"),
]


class SampleDialog(FormDialog[SampleRequest | None]):
    def __init__(self, current: SampleRequest) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Sample calls 抽样", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("How 方式", classes="dialog-label")
                yield Select(
                    [(label, way) for label, way in SAMPLE_WAYS],
                    value=self.current.by,
                    allow_blank=False,
                    id="sample-by",
                    compact=True,
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Who 对象", classes="dialog-label")
                yield Input(
                    value=self.current.value or "",
                    placeholder="agent, queue, customer id or account",
                    id="sample-value",
                    compact=True,
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Month 月份", classes="dialog-label")
                yield Input(
                    value=self.current.month or "",
                    placeholder="YYYY-MM, blank: this month",
                    id="sample-month",
                    compact=True,
                )
            yield Static("", id="dialog-error")
            yield Static("Enter draws · Tab next field · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _draw(self) -> None:
        way = self.query_one("#sample-by", Select).value
        value = self.query_one("#sample-value", Input).value.strip() or None
        month = self.query_one("#sample-month", Input).value.strip() or None
        if way in ("agent", "queue", "customer") and value is None:
            self._error(f"Say which {way} to sample.")
            return
        try:
            request = SampleRequest.model_validate(
                {"by": way, "value": value, "month": month, "count": self.current.count}
            )
        except ValidationError:
            self._error("A month is written YYYY-MM, e.g. 2026-11.")
            return
        self.dismiss(request)
