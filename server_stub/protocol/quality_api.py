"""The quality API's requests and responses (QA1–QA3), shared by the server and the workspace.

Sampling (`SampleRequest` → `SampleResult` with the month's quota per agent), a call's
timeline and transcript (`CallTimeline`), evaluations (create prefilled, edit, confirm:
`EvaluationView` carries the score the form's arithmetic gives), statistics
(`QualityStatistics`) and blind calibration rounds (`CalibrationView`). Times are sim
seconds; `clock` fields are the centre's wall-clock text of them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from server_stub.protocol.api import LONG_TEXT, SHORT_TEXT, Request
from server_stub.protocol.quality_form_model import (
    Evaluation,
    EvaluationScore,
    ItemMark,
    QualityForm,
)

SampleBy = Literal["random", "agent", "queue", "customer", "quota"]
Speaker = Literal["agent", "caller", "system"]
StatisticsPeriod = Literal["day", "month", "year"]


# --------------------------------------------------------------------------- sampling


class SampleRequest(Request):
    by: SampleBy = Field(
        default="random",
        description="random; agent, queue or customer (id or account) given in `value`; "
        "quota: enough calls to fill each agent's quota for the month",
    )
    value: str | None = Field(default=None, max_length=64)
    month: str | None = Field(
        default=None, pattern=r"^\d{4}-\d{2}$", description="the calls' month; default: now"
    )
    count: int = Field(default=5, ge=1, le=50)
    seed: int = Field(default=1, description="the same seed draws the same calls")


class CallSample(BaseModel):
    call_id: str
    agent_id: str | None
    queue_id: str | None
    customer_id: str | None
    call_date: str
    clock: str = Field(description="when it was answered, centre time")
    talk_s: float | None
    wrapup_code: str | None
    evaluations: int = Field(description="confirmed evaluations of this call so far")


class QuotaLine(BaseModel):
    agent_id: str
    month: str
    quota: int
    done: int = Field(description="calls of the agent's month with a confirmed evaluation")

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.done)


class SampleResult(BaseModel):
    month: str
    calls: list[CallSample]
    quota: list[QuotaLine]


# --------------------------------------------------------------------------- timeline


class TimelineEntry(BaseModel):
    seq: int
    sim_time: float
    clock: str
    type: str
    agent_id: str | None
    text: str


class TranscriptLine(BaseModel):
    sim_time: float | None = Field(description="None where the log does not time it")
    speaker: Speaker
    step: str | None = None
    text: str


class CallTimeline(BaseModel):
    call_id: str
    agent_id: str | None
    queue_id: str | None
    customer_id: str | None
    call_date: str
    script: str | None = Field(description="the flow script walked, id@version")
    path: list[str] = Field(description="the steps walked, start first")
    notes: str
    tickets: list[str]
    entries: list[TimelineEntry]
    transcript: list[TranscriptLine]


# --------------------------------------------------------------------------- evaluations


class EvaluationCreate(Request):
    request_id: str = Field(min_length=1, max_length=64)
    call_id: str = Field(min_length=1, max_length=64)
    form: str | None = Field(default=None, max_length=64, description="default: the newest")
    calibration: str | None = Field(default=None, max_length=64, description="a round's id")


class EvaluationUpdate(Request):
    marks: dict[str, ItemMark]
    comments: str = Field(default="", max_length=LONG_TEXT)
    call_reason: str | None = Field(default=None, max_length=SHORT_TEXT)


class EvaluationConfirm(Request):
    rejected: list[tuple[str, str]] = Field(
        default_factory=list, description="(item, deduction) suggestions the evaluator drops"
    )


class EvaluationView(BaseModel):
    evaluation: Evaluation
    score: EvaluationScore


class FormList(BaseModel):
    forms: list[QualityForm]


# --------------------------------------------------------------------------- statistics


class SummaryFigures(BaseModel):
    evaluations: int
    mean_total: float | None
    mean_raw_total: float | None
    fatal: int
    fatal_rate: float | None


class AgentPeriodFigures(SummaryFigures):
    agent_id: str
    period: str


class WorkloadFigures(BaseModel):
    evaluator_id: str
    period: str
    confirmed: int
    drafts: int
    agents: int


class ItemLossFigures(BaseModel):
    item: str
    label: str
    evaluations: int
    points_lost: float
    share: float


class StepGapFigures(BaseModel):
    script: str
    step: str
    walks: int
    left: int
    share: float


class QualityStatistics(BaseModel):
    period: StatisticsPeriod
    centre: SummaryFigures
    fatal_by_deduction: dict[str, int]
    by_agent: list[AgentPeriodFigures]
    workload: list[WorkloadFigures]
    items_most_lost: list[ItemLossFigures]
    knowledge_gaps: list[StepGapFigures]


# --------------------------------------------------------------------------- coaching


class CoachingCreate(Request):
    request_id: str = Field(min_length=1, max_length=64)
    note: str = Field(default="", max_length=LONG_TEXT)


class CoachingTask(BaseModel):
    """A one-to-one coaching task (QA3) for the agent's team leaders, from an evaluation."""

    id: str
    evaluation_id: str
    call_id: str
    agent_id: str
    team: str | None
    team_leaders: list[str] = Field(description="who coaches: the team's supervisors")
    items: list[str] = Field(description="the items that lost points, as the form names them")
    note: str
    created_by: str
    status: Literal["open", "closed"] = "open"
    closed_by: str | None = None
    closing_note: str = Field(default="", description="what the team leader did about it")


class CoachingClose(Request):
    """`POST /v1/quality/coaching/{id}/close`: the team leader coached the agent."""

    note: str = Field(min_length=1, max_length=LONG_TEXT)


# --------------------------------------------------------------------------- calibration


class CalibrationCreate(Request):
    request_id: str = Field(min_length=1, max_length=64)
    call_id: str = Field(min_length=1, max_length=64)
    form: str | None = Field(default=None, max_length=64)


class CalibrationRound(BaseModel):
    id: str
    call_id: str
    form: str
    form_version: int
    created_by: str
    evaluators: list[str] = Field(description="who has confirmed their evaluation")


class ItemAgreementFigures(BaseModel):
    item: str
    label: str
    scores: dict[str, float | None]
    consensus: float | None
    agreement: float
    spread: float


class EvaluatorDeviationFigures(BaseModel):
    evaluator: str
    total: float
    deviation: float
    mean_item_deviation: float | None
    items_off: list[str]


class CalibrationView(BaseModel):
    round: CalibrationRound
    consensus_total: float
    items: list[ItemAgreementFigures]
    evaluators: list[EvaluatorDeviationFigures]
