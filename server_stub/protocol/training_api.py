"""The training API's requests and responses (TR1, TR2): sessions, their controls, results.

A session is one scenario's call to one trainee on a simulated centre of its own
(`SessionView` carries the session's own clock, its events, and the score once the
trainee has wrapped up). The trainer starts, pauses, steps, resumes, moves the caller's
mood, injects a second caller and whispers (`SessionControl`, `WhisperRequest`); the
trainee's desk acts on the session's call (`DeskAction`). `TrainingResult` is one scored
session, kept for the trainee's history.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from server_stub.protocol.api import SHORT_TEXT, Directory, Request, ScreenPop
from server_stub.protocol.events import Event
from server_stub.protocol.scenario_model import TrainingScore

# second_caller: a plain caller of the scenario's queue rings in too (the trainee hears a
# call waiting while on the scenario's call); scoring follows the scenario's call alone.
# stop: the trainer ends the session before it is scored (the trainee's seat goes back).
ControlAction = Literal["pause", "resume", "step", "angrier", "calmer", "second_caller", "stop"]
# How a session ended: scored at the wrap-up, stopped by the trainer, or abandoned (the
# trainee logged out of the live floor, or the server restarted).
SessionEnd = Literal["finished", "stopped", "abandoned"]
DeskActionKind = Literal[
    "answer",
    "hold",
    "retrieve",
    "hangup",
    "script_step",
    "ticket",
    "transfer",
    "consult",
    "wrapup",
]


class ScenarioSummary(BaseModel):
    id: str
    version: int
    title: str
    difficulty: str
    queue: str
    script: str
    max_total: float


class SessionCreate(Request):
    request_id: str = Field(min_length=1, max_length=64)
    scenario: str = Field(min_length=1, max_length=64)
    trainee: str = Field(min_length=1, max_length=64)
    paused: bool = Field(default=False, description="ring, but hold the clock until resumed")


class PracticeCreate(Request):
    """A trainee starts a session of a scenario for itself (TR2: replay a scenario alone)."""

    request_id: str = Field(min_length=1, max_length=64)
    scenario: str = Field(min_length=1, max_length=64)


class PushRequest(Request):
    """A trainer or supervisor pushes a scenario to idle agents while traffic is low."""

    request_id: str = Field(min_length=1, max_length=64)
    scenario: str = Field(min_length=1, max_length=64)
    agents: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="the agents to push to; empty: every idle agent in the caller's reach",
    )


class PushedSession(BaseModel):
    agent_id: str
    session_id: str


class SkippedAgent(BaseModel):
    agent_id: str
    reason: str  # why no session was started for this agent (busy, not idle…)


class PushResult(BaseModel):
    scenario: str
    started: list[PushedSession]
    skipped: list[SkippedAgent]


class SessionControl(Request):
    action: ControlAction
    seconds: float = Field(default=5.0, gt=0, le=3600, description="for step")


class WhisperRequest(Request):
    text: str = Field(min_length=1, max_length=SHORT_TEXT)


class DeskAction(Request):
    action: DeskActionKind
    args: dict[str, Any] = Field(
        default_factory=dict,
        description="script_step {step, key, next} or {back}; hold {phrase, script_step}; "
        "ticket {category, …}; transfer {to_agent | to_queue, mode}; "
        "consult {action: complete | conference | cancel}; wrapup {code, notes, script_path}",
    )


class SessionView(BaseModel):
    id: str
    scenario: str
    scenario_version: int
    title: str
    queue: str
    script: str
    trainee: str
    trainer: str
    call_id: str | None
    sim_time: float = Field(description="the session's own clock")
    paused: bool
    trainee_state: str
    phone_call_id: str | None = Field(
        default=None, description="the call on the trainee's phone: the scenario's or a second's"
    )
    mood: str
    events: list[Event]
    score: TrainingScore | None = None
    ended: SessionEnd | None = Field(default=None, description="None while it runs")
    directory: Directory = Field(
        default_factory=lambda: Directory(queues=[], agents=[]),
        description="whom the trainee can consult or transfer to on the session's centre",
    )
    pop: ScreenPop | None = Field(
        default=None, description="the caller's record, for the trainee's desk only"
    )


class RecordedCall(BaseModel):
    """A call from the floor's log, to replay: its events in order (personal data masked
    for a trainer)."""

    call_id: str
    agent_id: str | None
    queue_id: str | None
    events: list[Event]


class RecordedCallSummary(BaseModel):
    """A call of the floor's log the trainer may replay: who took it, where, when."""

    call_id: str
    agent_id: str | None
    queue_id: str | None
    customer_id: str | None
    date: str = Field(description="the centre's calendar date, YYYY-MM-DD")
    clock: str = Field(description="when it arrived, HH:MM:SS on the centre's clock")
    talk_s: float | None
    wrapup_code: str | None


class ScenarioDraft(BaseModel):
    call_id: str
    scenario: str
    text: str = Field(description="scenario YAML, to edit and save beside the centre")
    problems: list[str] = Field(description="what the checker says of it (file:line: …)")


class TrainingResult(BaseModel):
    session_id: str
    trainee: str
    trainer: str
    scenario: str
    scenario_version: int
    total: float
    max_total: float
    wall_time: float
    score: TrainingScore
