"""The client of the centre's REST API: one httpx AsyncClient, one typed method per route.

Every method returns the models of `server_stub.protocol` (the classes the server
declares its routes with), never raw JSON: a response that does not parse is an
`ApiError` with code `bad_response`, not a `KeyError` three screens later. Widgets never
call HTTP themselves; screens call these methods from workers. Errors are two kinds the
UI can word for people: `ApiError` (the server answered with a 4xx/5xx JSON error and a
stable code) and `ServerUnreachable` (no answer at all).
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from agent_tui.client.errors import ApiError, ServerUnreachable
from server_stub.protocol.agent_shift import AgentShift
from server_stub.protocol.api import (
    CLIENT_KEEP_ALIVE_S,
    AgentStatus,
    Callback,
    CallbackList,
    CallbackRequest,
    Codes,
    CommandResult,
    ConsultRequest,
    CustomerView,
    DialRequest,
    Directory,
    ErrorResponse,
    HealthResponse,
    LoginRequest,
    LoginResponse,
    MeResponse,
    OkResponse,
    PendingStateRequest,
    QueueStats,
    RequestableState,
    ScreenPop,
    StateChangeRequest,
    SupervisorMessageRequest,
    Ticket,
    TicketCreateRequest,
    TrainerCallRequest,
    TransferRequest,
    WrapupRequest,
)
from server_stub.protocol.attendance_api import (
    AttendanceView,
    ViolationAckRequest,
    ViolationRequest,
    ViolationsView,
)
from server_stub.protocol.caller_link import CallerLinkRequest
from server_stub.protocol.desk_screen import (
    DeskScreenState,
    HoldRequest,
    ScriptProgress,
    ScriptStepRequest,
    WrapupExtended,
    WrapupNotesRequest,
)
from server_stub.protocol.events import Event
from server_stub.protocol.knowledge import KnowledgeArticleResponse, KnowledgeSearchResult
from server_stub.protocol.quality_api import (
    CalibrationCreate,
    CalibrationRound,
    CalibrationView,
    CallTimeline,
    CoachingClose,
    CoachingCreate,
    CoachingTask,
    EvaluationConfirm,
    EvaluationCreate,
    EvaluationUpdate,
    EvaluationView,
    FormList,
    QualityStatistics,
    SampleRequest,
    SampleResult,
    StatisticsPeriod,
)
from server_stub.protocol.scripts import FlowScript
from server_stub.protocol.staffing import StaffingSource, StaffingTable, WhatIfJob, WhatIfRequest
from server_stub.protocol.supervision import ViolationView
from server_stub.protocol.supervision_actions import (
    Broadcast,
    BroadcastRequest,
    Broadcasts,
    EndWrapupRequest,
    ForceStateRequest,
    ForceStateResult,
    MonitorRequest,
    MonitorSession,
    WhisperRequest,
)
from server_stub.protocol.supervision_board import AcknowledgeRequest, AlertsView, SupervisionBoard
from server_stub.protocol.ticket_tracking import TrackedTicket
from server_stub.protocol.training_api import (
    DeskAction,
    PracticeCreate,
    PushRequest,
    PushResult,
    RecordedCall,
    RecordedCallSummary,
    ScenarioDraft,
    ScenarioSummary,
    SessionControl,
    SessionCreate,
    SessionView,
    TrainingResult,
)
from server_stub.protocol.training_api import (
    WhisperRequest as TraineeWhisper,
)
from server_stub.protocol.workflow_api import TicketDetail, TransitionRequest, WorkQueueView

__all__ = ["ApiError", "CentreApi", "ServerUnreachable", "new_request_id"]

API_PREFIX = "/v1"
ModelT = TypeVar("ModelT", bound=BaseModel)

_TICKETS = TypeAdapter(list[Ticket])
_TRACKED = TypeAdapter(list[TrackedTicket])
_CUSTOMERS = TypeAdapter(list[CustomerView])
_QUEUES = TypeAdapter(list[QueueStats])
_AGENTS = TypeAdapter(list[AgentStatus])
_SCRIPTS = TypeAdapter(list[FlowScript])
_WORK_QUEUES = TypeAdapter(list[WorkQueueView])
_EVENTS = TypeAdapter(list[Event])
_EVALUATIONS = TypeAdapter(list[EvaluationView])
_RECORDED_CALLS = TypeAdapter(list[RecordedCallSummary])
_COACHING_TASKS = TypeAdapter(list[CoachingTask])
_ROUNDS = TypeAdapter(list[CalibrationRound])
_SCENARIOS = TypeAdapter(list[ScenarioSummary])
_SESSIONS = TypeAdapter(list[SessionView])
_RESULTS = TypeAdapter(list[TrainingResult])


class CentreApi:
    """Async client of the server's `/v1` API; holds the bearer token after login."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token: str | None = None
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(keepalive_expiry=CLIENT_KEEP_ALIVE_S),
        )

    # -- plumbing -------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        content = body.model_dump_json(exclude_none=True) if body is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = await self._client.request(
                method, API_PREFIX + path, content=content, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, _describe_transport_error(exc)) from exc
        if response.status_code >= 400:
            raise _api_error(response)
        return response

    async def _call(
        self,
        model: type[ModelT],
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        params: dict[str, str] | None = None,
    ) -> ModelT:
        response = await self._send(method, path, body=body, params=params)
        return _parse(response, model.model_validate_json)

    async def _list(
        self, adapter: TypeAdapter[list[ModelT]], path: str, params: dict[str, str] | None = None
    ) -> list[ModelT]:
        response = await self._send("GET", path, params=params)
        return _parse(response, adapter.validate_json)

    # -- session --------------------------------------------------------------------

    async def health(self) -> HealthResponse:
        return await self._call(HealthResponse, "GET", "/health")

    async def login(self, user_id: str, password: str) -> LoginResponse:
        body = LoginRequest(user_id=user_id, password=password)
        result = await self._call(LoginResponse, "POST", "/auth/login", body=body)
        self.token = result.token
        return result

    async def logout(self) -> None:
        if self.token is None:
            return
        try:
            await self._call(OkResponse, "POST", "/auth/logout")
        finally:
            self.token = None

    async def me(self) -> MeResponse:
        return await self._call(MeResponse, "GET", "/me")

    # -- agent state ----------------------------------------------------------------

    async def set_state(self, state: RequestableState, reason: str | None = None) -> CommandResult:
        body = StateChangeRequest(state=state, reason=reason)
        return await self._call(CommandResult, "POST", "/agent/state", body=body)

    async def set_pending(
        self, state: RequestableState, reason: str | None = None
    ) -> CommandResult:
        body = PendingStateRequest(state=state, reason=reason)
        return await self._call(CommandResult, "PUT", "/agent/pending", body=body)

    async def clear_pending(self) -> CommandResult:
        return await self._call(CommandResult, "DELETE", "/agent/pending")

    # -- call controls --------------------------------------------------------------

    async def _call_control(self, call_id: str, control: str) -> CommandResult:
        return await self._call(CommandResult, "POST", f"/calls/{call_id}/{control}")

    async def answer(self, call_id: str) -> CommandResult:
        return await self._call_control(call_id, "answer")

    async def reject(self, call_id: str) -> CommandResult:
        return await self._call_control(call_id, "reject")

    async def hold(self, call_id: str, request: HoldRequest | None = None) -> CommandResult:
        path = f"/calls/{call_id}/hold"
        return await self._call(CommandResult, "POST", path, body=request)

    async def script_step(self, call_id: str, request: ScriptStepRequest) -> CommandResult:
        return await self._call(CommandResult, "POST", f"/calls/{call_id}/script", body=request)

    async def script_progress(self, call_id: str) -> ScriptProgress:
        return await self._call(ScriptProgress, "GET", f"/calls/{call_id}/script")

    async def call_party_events(self, call_id: str) -> list[Event]:
        """The events that say who is on the call's line, for a desk back mid-call."""
        return await self._list(_EVENTS, f"/calls/{call_id}/parties")

    async def my_messages(self) -> list[Event]:
        return await self._list(_EVENTS, "/agent/messages")

    async def publish_screen(self, screen: DeskScreenState) -> CommandResult:
        return await self._call(CommandResult, "PUT", "/agent/screen", body=screen)

    async def retrieve(self, call_id: str) -> CommandResult:
        return await self._call_control(call_id, "retrieve")

    async def hangup(self, call_id: str) -> CommandResult:
        return await self._call_control(call_id, "hangup")

    async def transfer_to_survey(self, call_id: str) -> CommandResult:
        """The caller goes to the post-call survey (IN8); the agent wraps up."""
        return await self._call_control(call_id, "survey")

    async def my_shift(self) -> AgentShift:
        """The agent's own shift today (ST3)."""
        return await self._call(AgentShift, "GET", "/agent/shift")

    async def transfer(self, call_id: str, request: TransferRequest) -> CommandResult:
        return await self._call(CommandResult, "POST", f"/calls/{call_id}/transfer", body=request)

    async def consult(self, call_id: str, request: ConsultRequest) -> CommandResult:
        return await self._call(CommandResult, "POST", f"/calls/{call_id}/consult", body=request)

    async def dial(self, request: DialRequest) -> CommandResult:
        return await self._call(CommandResult, "POST", "/calls/dial", body=request)

    async def wrapup(self, call_id: str, request: WrapupRequest) -> CommandResult:
        return await self._call(CommandResult, "POST", f"/calls/{call_id}/wrapup", body=request)

    async def save_wrapup_notes(self, call_id: str, request: WrapupNotesRequest) -> CommandResult:
        path = f"/calls/{call_id}/wrapup/notes"
        return await self._call(CommandResult, "PUT", path, body=request)

    async def extend_wrapup(self, call_id: str) -> WrapupExtended:
        return await self._call(WrapupExtended, "POST", f"/calls/{call_id}/wrapup/extend")

    # -- lookups --------------------------------------------------------------------

    async def pop(self, call_id: str) -> ScreenPop:
        return await self._call(ScreenPop, "GET", f"/calls/{call_id}/pop")

    async def search_customers(self, query: str, call_id: str) -> list[CustomerView]:
        """Customers by name, phone or account, searched during `call_id` (rate-limited)."""
        return await self._list(_CUSTOMERS, "/customers", {"q": query, "call_id": call_id})

    async def link_caller(self, call_id: str, request: CallerLinkRequest) -> ScreenPop:
        """The call's caller is this customer (found or new): the call's pop, now theirs."""
        return await self._call(ScreenPop, "POST", f"/calls/{call_id}/customer", body=request)

    async def knowledge_search(self, query: str, queue: str | None = None) -> KnowledgeSearchResult:
        """Articles ranked for `query` (Chinese, English or both); `queue`'s rank first."""
        params = {"q": query} | ({"queue": queue} if queue else {})
        return await self._call(KnowledgeSearchResult, "GET", "/knowledge", params=params)

    async def knowledge_article(self, article_id: str) -> KnowledgeArticleResponse:
        return await self._call(KnowledgeArticleResponse, "GET", f"/knowledge/{article_id}")

    async def tickets_for(self, customer_id: str) -> list[Ticket]:
        return await self._list(_TICKETS, "/tickets", {"customer_id": customer_id})

    async def tracked_tickets(self, customer_id: str | None = None) -> list[TrackedTicket]:
        """The agent's own tickets (or its caller's), with workflow state and result."""
        params = None if customer_id is None else {"customer_id": customer_id}
        return await self._list(_TRACKED, "/agent/tickets", params)

    async def ticket(self, ticket_id: str) -> Ticket:
        return await self._call(Ticket, "GET", f"/tickets/{ticket_id}")

    async def ticket_detail(self, ticket_id: str) -> TicketDetail:
        """A ticket with its workflow state (clocks in business time) and its history."""
        return await self._call(TicketDetail, "GET", f"/tickets/{ticket_id}")

    async def take_transition(self, ticket_id: str, request: TransitionRequest) -> TicketDetail:
        path = f"/tickets/{ticket_id}/transitions"
        return await self._call(TicketDetail, "POST", path, body=request)

    async def work_queues(self, limit: int = 50) -> list[WorkQueueView]:
        """The work queues this login works, each with its first `limit` items."""
        return await self._list(_WORK_QUEUES, "/workflow/queues", {"limit": str(limit)})

    async def pull_next(self, queue_id: str) -> TicketDetail:
        """Take the first item of a work queue: it is this login's now."""
        return await self._call(TicketDetail, "POST", f"/workflow/queues/{queue_id}/next")

    async def directory(self) -> Directory:
        return await self._call(Directory, "GET", "/directory")

    async def codes(self) -> Codes:
        return await self._call(Codes, "GET", "/codes")

    async def scripts_for(self, queue_id: str) -> list[FlowScript]:
        """A queue's flow scripts, in the queue's order (the route sends the parsed
        `FlowScript` as JSON, declared untyped on the server: it is rebuilt here)."""
        return await self._list(_SCRIPTS, "/scripts", {"queue": queue_id})

    async def queue_stats(self) -> list[QueueStats]:
        return await self._list(_QUEUES, "/queues/stats")

    # -- things that are created (idempotent by a client-made request id) -----------

    async def create_ticket(self, request: TicketCreateRequest) -> Ticket:
        """Create a ticket; the request carries its own `request_id`, so a retry is safe."""
        return await self._call(Ticket, "POST", "/tickets", body=request)

    async def create_callback(self, request: CallbackRequest) -> Callback:
        return await self._call(Callback, "POST", "/callbacks", body=request)

    async def my_callbacks(self) -> list[Callback]:
        """The callbacks this agent booked and has not cancelled, soonest first."""
        booked = await self._call(CallbackList, "GET", "/callbacks")
        return booked.callbacks

    async def cancel_callback(self, callback_id: str) -> Callback:
        return await self._call(Callback, "POST", f"/callbacks/{callback_id}/cancel")

    # -- the floor (supervisors and admins) -----------------------------------------

    async def floor_agents(self) -> list[AgentStatus]:
        return await self._list(_AGENTS, "/supervisor/agents")

    async def floor_queues(self) -> list[QueueStats]:
        return await self._list(_QUEUES, "/supervisor/queues")

    async def send_message(self, request: SupervisorMessageRequest) -> CommandResult:
        return await self._call(CommandResult, "POST", "/supervisor/messages", body=request)

    async def supervision_board(self) -> SupervisionBoard:
        """Both boards at one instant, and the seq they stand after."""
        return await self._call(SupervisionBoard, "GET", "/supervision/board")

    async def supervision_alerts(self) -> AlertsView:
        return await self._call(AlertsView, "GET", "/supervision/alerts")

    async def acknowledge_alert(self, alert_id: str, note: str = "") -> CommandResult:
        path = f"/supervision/alerts/{alert_id}/acknowledge"
        return await self._call(CommandResult, "POST", path, body=AcknowledgeRequest(note=note))

    async def broadcast(self, request: BroadcastRequest) -> Broadcast:
        """Pin a text on a team's desks (the floor's, for the floor manager)."""
        return await self._call(Broadcast, "POST", "/supervision/broadcasts", body=request)

    async def withdraw_broadcast(self, broadcast_id: str) -> CommandResult:
        path = f"/supervision/broadcasts/{broadcast_id}"
        return await self._call(CommandResult, "DELETE", path)

    async def broadcasts(self) -> Broadcasts:
        """The broadcasts pinned now (an agent: those on its desk)."""
        return await self._call(Broadcasts, "GET", "/supervision/broadcasts")

    async def force_state(self, agent_id: str, request: ForceStateRequest) -> ForceStateResult:
        path = f"/supervision/agents/{agent_id}/state"
        return await self._call(ForceStateResult, "POST", path, body=request)

    async def end_wrapup(self, agent_id: str) -> CommandResult:
        path = f"/supervision/agents/{agent_id}/end-wrapup"
        return await self._call(CommandResult, "POST", path, body=EndWrapupRequest())

    async def whisper(self, agent_id: str, text: str) -> CommandResult:
        path = f"/supervision/agents/{agent_id}/whisper"
        return await self._call(CommandResult, "POST", path, body=WhisperRequest(text=text))

    async def monitor(self, request: MonitorRequest) -> MonitorSession:
        return await self._call(MonitorSession, "POST", "/supervision/monitors", body=request)

    async def barge(self, monitor_id: str) -> CommandResult:
        path = f"/supervision/monitors/{monitor_id}/barge"
        return await self._call(CommandResult, "POST", path)

    async def stop_monitor(self, monitor_id: str) -> CommandResult:
        return await self._call(CommandResult, "DELETE", f"/supervision/monitors/{monitor_id}")

    # -- attendance and discipline (SV5) ----------------------------------------------

    async def attendance(self) -> AttendanceView:
        """Each team against today's roster (the caller's teams; the floor manager's all)."""
        return await self._call(AttendanceView, "GET", "/supervision/attendance")

    async def team_violations(self) -> ViolationsView:
        return await self._call(ViolationsView, "GET", "/supervision/violations")

    async def record_violation(self, request: ViolationRequest) -> ViolationView:
        return await self._call(ViolationView, "POST", "/supervision/violations", body=request)

    async def my_violations(self) -> ViolationsView:
        return await self._call(ViolationsView, "GET", "/agent/violations")

    async def acknowledge_violation(self, violation_id: str, comment: str = "") -> CommandResult:
        path = f"/agent/violations/{violation_id}/acknowledge"
        body = ViolationAckRequest(comment=comment)
        return await self._call(CommandResult, "POST", path, body=body)

    async def agent_screen(self, agent_id: str) -> DeskScreenState:
        """What an agent's desk shows now (a supervisor's view of it)."""
        path = f"/supervision/agents/{agent_id}/screen"
        return await self._call(DeskScreenState, "GET", path)

    # -- staffing and what-if (issue 10 item 6) ---------------------------------------

    async def staffing(self, source: StaffingSource = "forecast") -> StaffingTable:
        """Agents required per queue and half-hour (Erlang C and A) for my queues."""
        params: dict[str, str] = {"source": source}
        return await self._call(StaffingTable, "GET", "/supervision/staffing", params=params)

    async def start_whatif(self, request: WhatIfRequest) -> WhatIfJob:
        """Start re-running today with changed staffing; the job runs on the server."""
        return await self._call(WhatIfJob, "POST", "/supervision/whatif", body=request)

    async def whatif(self, job_id: str) -> WhatIfJob:
        return await self._call(WhatIfJob, "GET", f"/supervision/whatif/{job_id}")

    # -- training (trainers and admins) ---------------------------------------------

    async def send_caller(self, request: TrainerCallRequest) -> CommandResult:
        """A caller arrives now in a queue (TR1); the result names the new call."""
        return await self._call(CommandResult, "POST", "/trainer/calls", body=request)

    # -- training sessions (trainers and admins; a trainee its own) -------------------

    async def training_scenarios(self) -> list[ScenarioSummary]:
        return await self._list(_SCENARIOS, "/training/scenarios")

    async def start_session(self, request: SessionCreate) -> SessionView:
        """The scenario's call rings the trainee, on a centre and clock of its own."""
        return await self._call(SessionView, "POST", "/training/sessions", body=request)

    async def training_sessions(self) -> list[SessionView]:
        return await self._list(_SESSIONS, "/training/sessions")

    async def training_session(self, session_id: str) -> SessionView:
        return await self._call(SessionView, "GET", f"/training/sessions/{session_id}")

    async def my_session(self) -> SessionView:
        return await self._call(SessionView, "GET", "/training/me")

    async def practise(self, request: PracticeCreate) -> SessionView:
        """A trainee's session of a scenario for itself (TR2: replay a scenario alone)."""
        return await self._call(SessionView, "POST", "/training/practice", body=request)

    async def push_scenario(self, request: PushRequest) -> PushResult:
        """A scenario to the idle agents in reach; 409 `traffic_not_low` while callers wait."""
        return await self._call(PushResult, "POST", "/training/push", body=request)

    async def session_quality(self, session_id: str) -> EvaluationView:
        """A scored session's quality form, prefilled from its call (a draft, not stored)."""
        path = f"/training/sessions/{session_id}/quality"
        return await self._call(EvaluationView, "GET", path)

    async def steer_session(self, session_id: str, request: SessionControl) -> SessionView:
        path = f"/training/sessions/{session_id}/control"
        return await self._call(SessionView, "POST", path, body=request)

    async def whisper_to_trainee(self, session_id: str, request: TraineeWhisper) -> SessionView:
        path = f"/training/sessions/{session_id}/whisper"
        return await self._call(SessionView, "POST", path, body=request)

    async def session_desk(self, session_id: str, request: DeskAction) -> SessionView:
        path = f"/training/sessions/{session_id}/desk"
        return await self._call(SessionView, "POST", path, body=request)

    async def recorded_calls(
        self,
        *,
        agent: str | None = None,
        queue: str | None = None,
        customer: str | None = None,
        day: str | None = None,
    ) -> list[RecordedCallSummary]:
        """The floor's recorded calls to replay, newest first (`day`: YYYY-MM-DD)."""
        wanted = {"agent": agent, "queue": queue, "customer": customer, "date": day}
        params = {k: v for k, v in wanted.items() if v is not None}
        return await self._list(_RECORDED_CALLS, "/training/calls", params or None)

    async def recorded_call(self, call_id: str) -> RecordedCall:
        """A call of the floor's log, to replay (personal data masked for a trainer)."""
        return await self._call(RecordedCall, "GET", f"/training/calls/{call_id}")

    async def scenario_draft(self, call_id: str) -> ScenarioDraft:
        return await self._call(ScenarioDraft, "GET", f"/training/calls/{call_id}/draft")

    async def training_results(self, trainee: str | None = None) -> list[TrainingResult]:
        params = {"trainee": trainee} if trainee is not None else None
        return await self._list(_RESULTS, "/training/results", params)

    # -- quality (evaluators and admins) ---------------------------------------------

    async def quality_forms(self) -> FormList:
        return await self._call(FormList, "GET", "/quality/forms")

    async def quality_sample(self, request: SampleRequest) -> SampleResult:
        """Calls to evaluate, and the month's quota per agent (QA1)."""
        return await self._call(SampleResult, "POST", "/quality/sample", body=request)

    async def quality_call(self, call_id: str) -> CallTimeline:
        return await self._call(CallTimeline, "GET", f"/quality/calls/{call_id}")

    async def create_evaluation(self, request: EvaluationCreate) -> EvaluationView:
        """A draft prefilled from the call's log (the same request id: the same draft)."""
        return await self._call(EvaluationView, "POST", "/quality/evaluations", body=request)

    async def my_evaluations(self, call_id: str) -> list[EvaluationView]:
        params: dict[str, str] = {"call_id": call_id, "mine": "true"}
        return await self._list(_EVALUATIONS, "/quality/evaluations", params)

    async def update_evaluation(
        self, evaluation_id: str, request: EvaluationUpdate
    ) -> EvaluationView:
        path = f"/quality/evaluations/{evaluation_id}"
        return await self._call(EvaluationView, "PUT", path, body=request)

    async def confirm_evaluation(
        self, evaluation_id: str, request: EvaluationConfirm
    ) -> EvaluationView:
        path = f"/quality/evaluations/{evaluation_id}/confirm"
        return await self._call(EvaluationView, "POST", path, body=request)

    async def open_coaching_task(self, evaluation_id: str, request: CoachingCreate) -> CoachingTask:
        """An individual problem on a confirmed evaluation: a task for the team leaders."""
        path = f"/quality/evaluations/{evaluation_id}/coaching"
        return await self._call(CoachingTask, "POST", path, body=request)

    async def coaching_tasks(self) -> list[CoachingTask]:
        """The coaching tasks the login may see (a supervisor: its teams')."""
        return await self._list(_COACHING_TASKS, "/quality/coaching")

    async def close_coaching_task(self, task_id: str, request: CoachingClose) -> CoachingTask:
        path = f"/quality/coaching/{task_id}/close"
        return await self._call(CoachingTask, "POST", path, body=request)

    async def quality_statistics(self, period: StatisticsPeriod) -> QualityStatistics:
        params: dict[str, str] = {"period": period}
        return await self._call(QualityStatistics, "GET", "/quality/statistics", params=params)

    async def create_calibration(self, request: CalibrationCreate) -> CalibrationRound:
        return await self._call(CalibrationRound, "POST", "/quality/calibrations", body=request)

    async def calibrations_of(self, call_id: str) -> list[CalibrationRound]:
        return await self._list(_ROUNDS, "/quality/calibrations", {"call_id": call_id})

    async def calibration(self, round_id: str) -> CalibrationView:
        return await self._call(CalibrationView, "GET", f"/quality/calibrations/{round_id}")

    async def close(self) -> None:
        await self._client.aclose()


def new_request_id() -> str:
    return uuid.uuid4().hex


def _parse(response: httpx.Response, validate: Any) -> Any:
    try:
        return validate(response.content)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the body"
        message = f"{response.request.url.path}: {where}: {first['msg']}"
        raise ApiError(response.status_code, "bad_response", message) from exc


def _api_error(response: httpx.Response) -> ApiError:
    code, message = f"http_{response.status_code}", response.reason_phrase
    try:
        error = ErrorResponse.model_validate_json(response.content).error
        code, message = error.code, error.message
    except ValidationError:
        pass  # not the server's error shape (a proxy's page, an unknown route): say the status
    retry_after: float | None = None
    header = response.headers.get("retry-after")
    if header is not None:
        try:
            retry_after = float(header)
        except ValueError:
            retry_after = None
    return ApiError(response.status_code, code, message, retry_after=retry_after)


def _describe_transport_error(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host not found"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    return str(exc) or type(exc).__name__
