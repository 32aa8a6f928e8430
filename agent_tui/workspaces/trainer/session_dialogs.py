"""Start a training session (a scenario for a trainee), and whisper to the trainee."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from agent_tui.client.api import new_request_id
from agent_tui.ui.pickers import FormDialog
from server_stub.protocol.training_api import ScenarioSummary, SessionCreate, WhisperRequest


class StartSessionDialog(FormDialog[SessionCreate | None]):
    """`scenarios` from the server; `trainee` the agent suggested (the last one trained)."""

    def __init__(self, scenarios: Sequence[ScenarioSummary], trainee: str) -> None:
        super().__init__()
        self.scenarios = list(scenarios)
        self.trainee = trainee

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Start a training session 开始培训", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Scenario 场景", classes="dialog-label")
                yield Select(
                    [(f"{s.title} [{s.difficulty}]", s.id) for s in self.scenarios],
                    allow_blank=False,
                    id="session-scenario",
                    compact=True,
                )
            with Horizontal(classes="dialog-row"):
                yield Label("Trainee 学员", classes="dialog-label")
                yield Input(
                    value=self.trainee,
                    placeholder="agent id, e.g. 1001",
                    id="session-trainee",
                    compact=True,
                )
            yield Static("", id="dialog-error")
            yield Static("Enter starts · Tab next field · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _start(self) -> None:
        scenario = self.query_one("#session-scenario", Select).value
        trainee = self.query_one("#session-trainee", Input).value.strip()
        if not isinstance(scenario, str):
            self._error("Choose a scenario.")
            return
        if not trainee:
            self._error("Say which agent trains (their id).")
            return
        self.dismiss(SessionCreate(request_id=new_request_id(), scenario=scenario, trainee=trainee))


class WhisperDialog(FormDialog[WhisperRequest | None]):
    def __init__(self, trainee: str) -> None:
        super().__init__()
        self.trainee = trainee

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"Whisper to {self.trainee} 耳语", classes="dialog-title")
            yield Input(placeholder="only the trainee sees it", id="whisper-text", compact=True)
            yield Static("", id="dialog-error")
            yield Static("Enter sends · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _send(self) -> None:
        text = self.query_one("#whisper-text", Input).value.strip()
        if not text:
            self._error("Say something first.")
            return
        self.dismiss(WhisperRequest(text=text[:200]))
