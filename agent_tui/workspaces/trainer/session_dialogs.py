"""Start training sessions (a scenario for one trainee or several, a session each), and
whisper to a trainee."""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from agent_tui.client.api import new_request_id
from agent_tui.ui.pickers import FormDialog
from server_stub.protocol.training_api import ScenarioSummary, SessionCreate, WhisperRequest


def trainee_ids(typed: str) -> list[str]:
    """The agent ids typed, in order, once each: "1001 1002", "1001,1002", "1001、1002"."""
    return list(dict.fromkeys(part for part in re.split(r"[\s,，、;；]+", typed) if part))


class StartSessionDialog(FormDialog[list[SessionCreate] | None]):
    """`scenarios` from the server; `trainees` the agents suggested (the last ones trained).
    Gives a session request per trainee: each trains on a centre of its own."""

    def __init__(self, scenarios: Sequence[ScenarioSummary], trainees: str) -> None:
        super().__init__()
        self.scenarios = list(scenarios)
        self.trainees = trainees

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
                yield Label("Trainees 学员", classes="dialog-label")
                yield Input(
                    value=self.trainees,
                    placeholder="agent ids, e.g. 1001 1002",
                    id="session-trainee",
                    compact=True,
                )
            yield Static("", id="dialog-error")
            yield Static(
                "Enter starts one each · Tab next field · Esc cancel", classes="dialog-hint"
            )

    @on(Input.Submitted)
    def _start(self) -> None:
        scenario = self.query_one("#session-scenario", Select).value
        trainees = trainee_ids(self.query_one("#session-trainee", Input).value)
        if not isinstance(scenario, str):
            self._error("Choose a scenario.")
            return
        if not trainees:
            self._error("Say which agents train (their ids).")
            return
        self.dismiss(
            [
                SessionCreate(request_id=new_request_id(), scenario=scenario, trainee=trainee)
                for trainee in trainees
            ]
        )


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
