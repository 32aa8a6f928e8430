"""Requests and responses of the REST API (`/v1`), shared by the server and the desk.

The server declares these as FastAPI request/response models, so the OpenAPI document
is generated from them; the desk (`agent_tui.client`) builds requests and parses
responses with the same classes. Times are simulation seconds since the centre's epoch
(`HealthResponse.epoch`); `expires_at` and events' `wall_time` are unix seconds.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Role = Literal["agent", "supervisor", "trainer", "evaluator", "admin", "department"]
# The states an agent may ask for; the others (reserved, busy, wrap_up) come from calls.
RequestableState = Literal["ready", "not_ready", "logged_out"]
# HTTP keep-alive, in seconds: the client lets an idle connection go well before the server
# closes it, so that no request goes out on a socket the server is closing ("Server
# disconnected without sending a response" after a pause at the desk).
SERVER_KEEP_ALIVE_S = 75
CLIENT_KEEP_ALIVE_S = 30.0

TicketPriority = Literal["low", "normal", "high", "urgent"]
TicketStatus = Literal["open", "dispatched", "in_progress", "resolved", "closed"]
OPEN_TICKET_STATUSES: frozenset[str] = frozenset({"open", "dispatched", "in_progress"})

# Bounds on free text so a fuzzer or a stuck key cannot store megabytes.
SHORT_TEXT = 200
LONG_TEXT = 4000


class Request(BaseModel):
    """Requests reject unknown fields (a typo in a field name is an error, not a no-op) and
    numbers that are not finite (`1e400`, `NaN`: JSON has no such numbers)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# --------------------------------------------------------------------------- errors


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. not_your_call")
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    """Every 4xx answer has this body."""

    error: ErrorBody


# --------------------------------------------------------------------------- health, auth


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    sim_time: float
    speed: float = Field(description="simulated seconds per real second; 0 = paused")
    epoch: str = Field(description="ISO date-time of sim time 0")
    last_seq: int = Field(description="seq of the newest event in the log")
    centre: str = Field(default="", description="the centre's name")
    log_id: str = Field(
        default="", description="this centre's log (its database): call ids are unique in it"
    )


class LoginRequest(Request):
    user_id: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserInfo(BaseModel):
    id: str
    name: str
    role: Role = Field(description="the primary role: the workspace a login opens")
    roles: list[Role] = Field(default_factory=list, description="every role, primary first")
    teams: list[str] = Field(default_factory=list)
    queues: list[str] = Field(default_factory=list, description="an agent's queues (by skill)")


class LoginResponse(BaseModel):
    token: str
    role: Role = Field(description="the primary role")
    roles: list[Role] = Field(default_factory=list, description="every role, primary first")
    expires_at: float = Field(description="unix time (wall clock) when the token stops working")
    user: UserInfo


class OkResponse(BaseModel):
    ok: Literal[True] = True


# --------------------------------------------------------------------------- agent state


class PendingState(BaseModel):
    state: RequestableState
    reason: str | None = None


class AgentStatus(BaseModel):
    """An agent's live state, as `GET /v1/me` and the supervisor's floor show it."""

    agent_id: str
    name: str
    team: str
    simulated: bool
    state: str = Field(description="an AgentState value")
    reason: str | None = None
    since: float = Field(description="sim time the agent entered this state")
    pending: PendingState | None = None
    call_id: str | None = None
    leg: str | None = Field(default=None, description="talking | held | conference when busy")
    direction: str | None = None
    wrapup_deadline: float | None = None
    queues: list[str] = Field(default_factory=list)
    calls_handled: int = 0


class MeResponse(BaseModel):
    """`GET /v1/me`: the agent's state, its queues' statistics and where the log stands."""

    agent_id: str
    name: str
    team: str
    role: Role
    centre: str = Field(default="", description="the centre's name, for scripts' {centre}")
    state: str
    reason: str | None = None
    since: float
    pending: PendingState | None = None
    call_id: str | None = None
    last_call_id: str | None = Field(default=None, description="the call in wrap-up or last")
    leg: str | None = None
    direction: str | None = None
    wrapup_deadline: float | None = None
    queues: list[QueueStats] = Field(default_factory=list)
    calls_handled: int = 0
    sim_time: float
    speed: float
    last_seq: int


class StateChangeRequest(Request):
    state: RequestableState
    reason: str | None = Field(default=None, max_length=SHORT_TEXT)


class PendingStateRequest(Request):
    """`PUT /v1/agent/pending`: the state to go to when the current call's wrap-up ends."""

    state: RequestableState
    reason: str | None = Field(default=None, max_length=SHORT_TEXT)


class CommandResult(BaseModel):
    """A command was applied; `seq` is the newest event it produced (or the log's end)."""

    ok: Literal[True] = True
    seq: int
    call_id: str | None = None


# --------------------------------------------------------------------------- calls


class TransferRequest(Request):
    mode: Literal["blind", "consult"]
    agent_id: str | None = Field(default=None, max_length=64)
    queue_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _exactly_one_target(self) -> TransferRequest:
        if (self.agent_id is None) == (self.queue_id is None):
            raise ValueError("give exactly one of agent_id or queue_id")
        return self


class ConsultRequest(Request):
    action: Literal["complete", "conference", "cancel"]


class DialRequest(Request):
    number: str = Field(min_length=1, max_length=32, pattern=r"^\+?[0-9 ()-]{1,32}$")
    customer_id: str | None = Field(default=None, max_length=64)


class WrapupRequest(Request):
    code: str = Field(min_length=1, max_length=64)
    notes: str = Field(default="", max_length=LONG_TEXT)
    script_path: list[tuple[str, str]] = Field(
        default_factory=list, max_length=500, description="(step id, option key) pairs taken"
    )


class CallbackRequest(Request):
    request_id: str = Field(min_length=8, max_length=64, description="client-generated id")
    customer_id: str = Field(min_length=1, max_length=64)
    number: str = Field(min_length=1, max_length=32, pattern=r"^\+?[0-9 ()-]{1,32}$")
    due_at: float = Field(ge=0, description="sim time to call back")
    note: str = Field(default="", max_length=LONG_TEXT)


class Callback(BaseModel):
    id: str
    request_id: str
    customer_id: str
    number: str
    due_at: float
    note: str
    agent_id: str
    created_at: float
    # placed: it fell due and became a call (callback.placed, kind `requested`)
    status: Literal["scheduled", "placed", "done", "cancelled"] = "scheduled"


class CallbackList(BaseModel):
    """`GET /v1/callbacks`: the agent's own booked callbacks, soonest first."""

    callbacks: list[Callback]


# --------------------------------------------------------------------------- customers


class CustomerRecord(BaseModel):
    id: str
    name: str
    tier: str
    account: str
    phones: list[str]
    address: str
    email: str | None = None
    locale: str | None = Field(default=None, description="e.g. zh_CN, en_US")
    since: str | None = Field(default=None, description="customer since (ISO date)")


class ContactRecord(BaseModel):
    """One call with a customer: a row of the CDR (or of the generated history)."""

    call_id: str
    customer_id: str | None
    queue_id: str | None
    agent_id: str | None
    direction: str
    channel: str = Field(default="phone", description="phone, email, chat, wechat, sms")
    reason: str | None = Field(default=None, description="why the customer got in touch")
    at: str | None = Field(default=None, description="ISO date, for history before the run")
    ani: str | None = None
    arrived_at: float = Field(description="sim time; negative for history before the run")
    answered_at: float | None = None
    ended_at: float | None = None
    waited_s: float | None = None
    talk_s: float | None = None
    outcome: str | None = None
    wrapup_code: str | None = None
    notes: str | None = None
    script_path: list[tuple[str, str]] = Field(default_factory=list)
    survey_score: int | None = Field(default=None, description="the caller's 1..5 (IN8)")


class TicketCreateRequest(Request):
    request_id: str = Field(
        min_length=8, max_length=64, description="client-generated id: a retry never duplicates"
    )
    customer_id: str = Field(min_length=1, max_length=64)
    call_id: str | None = Field(default=None, max_length=64)
    category: str = Field(min_length=1, max_length=64)
    subject: str = Field(min_length=1, max_length=SHORT_TEXT)
    description: str = Field(default="", max_length=LONG_TEXT)
    priority: TicketPriority = "normal"
    department: str | None = Field(default=None, max_length=64)


class Ticket(BaseModel):
    id: str
    request_id: str
    customer_id: str
    call_id: str | None
    category: str
    subject: str
    description: str
    priority: TicketPriority
    status: TicketStatus
    department: str | None
    created_by: str
    created_at: float
    updated_at: float


class CustomerView(BaseModel):
    """`GET /v1/customers/...`: the record, prior contacts (newest first), open tickets."""

    customer: CustomerRecord
    contacts: list[ContactRecord]
    open_tickets: list[Ticket]


class ScreenPop(BaseModel):
    """What the desk shows when a call rings (IN4); also added to `call.offered` as `pop`."""

    call_id: str
    queue_id: str | None
    ani: str | None
    tier: str | None
    waited_s: float | None
    ivr_path: list[Any] = Field(default_factory=list, description="IVR nodes and keys")
    customer: CustomerRecord | None = Field(description="None for an unknown caller")
    contacts: list[ContactRecord] = Field(default_factory=list)
    open_tickets: list[Ticket] = Field(default_factory=list)


# --------------------------------------------------------------------------- queues, directory


class QueueStats(BaseModel):
    queue_id: str
    name: str
    waiting: int = 0
    longest_wait_s: float = 0.0
    agents_ready: int = 0
    agents_busy: int = 0
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    service_level: float | None = Field(default=None, description="0..1, None before any call")
    as_of: float = Field(default=0.0, description="sim time of the snapshot")


class DirectoryQueue(BaseModel):
    id: str
    name: str
    skill: str
    waiting: int
    agents_ready: int
    expert_group: bool = Field(default=False, description="an escalation target (IN7, TK5)")


class DirectoryAgent(BaseModel):
    """A logged-in agent (the directory never lists one who is logged out)."""

    id: str
    name: str
    team: str
    state: str
    skills: dict[str, int]
    team_leader: bool = Field(default=False, description="supervises a team (TK5)")


class Directory(BaseModel):
    queues: list[DirectoryQueue]
    agents: list[DirectoryAgent]


class Code(BaseModel):
    code: str
    label: str


class Codes(BaseModel):
    reason_codes: list[Code]
    wrapup_codes: list[Code]
    ticket_categories: list[Code]
    wrapup_extend_s: dict[str, float] = Field(
        default_factory=dict, description="queue id → seconds a wrap-up may be extended, once"
    )
    ring_timeout_s: dict[str, float] = Field(
        default_factory=dict, description="queue id → seconds a call rings before it goes back"
    )


# --------------------------------------------------------------------------- supervisor


class SupervisorMessageRequest(Request):
    text: str = Field(min_length=1, max_length=LONG_TEXT)
    agent_id: str | None = Field(default=None, max_length=64)
    team_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _exactly_one_target(self) -> SupervisorMessageRequest:
        if (self.agent_id is None) == (self.team_id is None):
            raise ValueError("give exactly one of agent_id or team_id")
        return self


# --------------------------------------------------------------------------- trainer, admin


class TrainerCallRequest(Request):
    queue_id: str = Field(min_length=1, max_length=64)
    customer_id: str | None = Field(default=None, max_length=64)


class ClockRequest(Request):
    speed: float | None = Field(default=None, ge=0, le=1000, description="0 pauses the clock")
    advance_s: float | None = Field(
        default=None, gt=0, le=86_400, description="step a paused clock by this many seconds"
    )

    @model_validator(mode="after")
    def _something_to_do(self) -> ClockRequest:
        if self.speed is None and self.advance_s is None:
            raise ValueError("give speed or advance_s")
        return self


class ClockStatus(BaseModel):
    sim_time: float
    speed: float
    last_seq: int
