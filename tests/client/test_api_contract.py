"""The client against the real server: every method of `CentreApi`, and what it parses.

The server is the real app in process (httpx's ASGITransport: no sockets), on a paused
quiet centre, so every call goes where the test sends it. Each method must return the
protocol model its route declares; `test_every_client_method_is_called_here` fails when a
method is added to the client without a call to it here.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from agent_tui.client.api import CentreApi, new_request_id
from agent_tui.client.errors import ApiError, ServerUnreachable
from server_stub.protocol.agent_shift import AgentShift
from server_stub.protocol.api import (
    AgentStatus,
    Callback,
    CallbackRequest,
    Codes,
    CommandResult,
    ConsultRequest,
    DialRequest,
    Directory,
    HealthResponse,
    LoginResponse,
    MeResponse,
    QueueStats,
    ScreenPop,
    SupervisorMessageRequest,
    Ticket,
    TicketCreateRequest,
    TrainerCallRequest,
    TransferRequest,
    WrapupRequest,
)
from server_stub.protocol.attendance_api import AttendanceView, ViolationRequest, ViolationsView
from server_stub.protocol.caller_link import CallerLinkRequest
from server_stub.protocol.desk_screen import (
    DeskScreenState,
    HoldRequest,
    ScriptStepRequest,
    WrapupExtended,
    WrapupNotesRequest,
)
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
    QualityStatistics,
    SampleRequest,
)
from server_stub.protocol.scripts import FlowScript
from server_stub.protocol.staffing import StaffingTable, WhatIfJob, WhatIfRequest
from server_stub.protocol.supervision import ViolationView
from server_stub.protocol.supervision_actions import (
    Broadcast,
    BroadcastRequest,
    ForceStateRequest,
    ForceStateResult,
    MonitorRequest,
    MonitorSession,
)
from server_stub.protocol.supervision_board import AlertsView, SupervisionBoard
from server_stub.protocol.training_api import (
    DeskAction,
    PracticeCreate,
    PushRequest,
    PushResult,
    RecordedCall,
    RecordedCallSummary,
    ScenarioDraft,
    SessionControl,
    SessionCreate,
    SessionView,
)
from server_stub.protocol.training_api import (
    WhisperRequest as TraineeWhisper,
)
from server_stub.protocol.workflow_api import TransitionRequest
from server_stub.server.app import create_app
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import demo_centre, paused_runtime, supervised_runtime

CUSTOMER = "C000001"


@pytest.fixture
def runtime() -> Iterator[CentreRuntime]:
    runtime = paused_runtime()
    yield runtime
    runtime.store.close()


Connect = Callable[[str], Awaitable[CentreApi]]


@contextlib.asynccontextmanager
async def _clients_of(runtime: CentreRuntime) -> AsyncIterator[Connect]:
    transport = httpx.ASGITransport(app=create_app(runtime, manage_runtime=False))
    made: list[CentreApi] = []

    async def connect_as(user: str) -> CentreApi:
        api = CentreApi("http://centre", transport=transport)
        made.append(api)
        login = await api.login(user, "demo")
        assert isinstance(login, LoginResponse) and login.user.id == user
        return api

    try:
        yield connect_as
    finally:
        for api in made:
            await api.close()


@pytest.fixture
async def connect(runtime: CentreRuntime) -> AsyncIterator[Connect]:
    """`await connect(user)`: a client on the in-process app, logged in as `user`."""
    async with _clients_of(runtime) as connect_as:
        yield connect_as


@pytest.fixture
async def connect_supervised() -> AsyncIterator[Connect]:
    """The same on the demo centre with its supervision file (roster, violation kinds)."""
    config = demo_centre()
    runtime = supervised_runtime(config)
    try:
        async with _clients_of(runtime) as connect_as:
            yield connect_as
    finally:
        runtime.store.close()


async def test_an_agents_call_from_ring_to_wrap_up_parses_at_every_step(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    agent = await connect("1001")
    trainer = await connect("t100")
    other = await connect("1002")

    health = await agent.health()
    assert isinstance(health, HealthResponse) and health.speed == 0.0
    me = await agent.me()
    assert isinstance(me, MeResponse) and (me.agent_id, me.team) == ("1001", "A")
    assert all(isinstance(stats, QueueStats) for stats in me.queues)

    codes = await agent.codes()
    assert isinstance(codes, Codes) and "resolved" in {c.code for c in codes.wrapup_codes}
    scripts = await agent.scripts_for("enquiry")
    assert scripts and all(isinstance(script, FlowScript) for script in scripts)
    stats = await agent.queue_stats()
    assert {s.queue_id for s in stats} == {q.queue_id for q in me.queues}

    assert isinstance(await agent.set_state("ready"), CommandResult)
    assert isinstance(await other.set_state("ready"), CommandResult)
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id=CUSTOMER))
    assert isinstance(sent, CommandResult) and sent.call_id is not None
    call_id = sent.call_id

    pop = await agent.pop(call_id)
    assert isinstance(pop, ScreenPop) and pop.customer is not None and pop.customer.id == CUSTOMER
    assert (await agent.answer(call_id)).call_id == call_id
    assert isinstance(await agent.hold(call_id, HoldRequest(phrase=True)), CommandResult)
    assert isinstance(await agent.retrieve(call_id), CommandResult)
    walked = ScriptStepRequest(step="greet", key="1", next="verify")
    assert (await agent.script_step(call_id, walked)).call_id == call_id
    assert (await agent.script_progress(call_id)).path == [("greet", "1")]
    assert isinstance(await agent.my_messages(), list)
    screen = DeskScreenState(call_id=call_id, customer_id=CUSTOMER, step="verify", pane="script")
    assert (await agent.publish_screen(screen)).call_id == call_id
    assert isinstance(await agent.set_pending("not_ready", "break"), CommandResult)
    assert isinstance(await agent.clear_pending(), CommandResult)

    directory = await agent.directory()
    assert isinstance(directory, Directory) and "1002" in {a.id for a in directory.agents}
    consult = TransferRequest(mode="consult", agent_id="1002")
    assert isinstance(await agent.transfer(call_id, consult), CommandResult)
    assert isinstance(await agent.consult(call_id, ConsultRequest(action="cancel")), CommandResult)
    parties = await agent.call_party_events(call_id)  # the consult, for a desk back mid-call
    assert [e.type for e in parties][-1] == "call.consult_ended"
    assert all("pop" not in e.data for e in parties)

    ticket = await agent.create_ticket(
        TicketCreateRequest(
            request_id=new_request_id(),
            customer_id=CUSTOMER,
            call_id=call_id,
            category="fault",
            subject="断网 No internet",
        )
    )
    assert isinstance(ticket, Ticket) and ticket.call_id == call_id
    assert ticket.id in {t.id for t in await agent.tickets_for(CUSTOMER)}
    assert (await agent.ticket(ticket.id)).subject == "断网 No internet"
    callback = await agent.create_callback(
        CallbackRequest(
            request_id=new_request_id(),
            customer_id=CUSTOMER,
            number="13800000000",
            due_at=3600.0,
        )
    )
    assert isinstance(callback, Callback) and callback.agent_id == "1001"
    assert [c.id for c in await agent.my_callbacks()] == [callback.id]
    cancelled = await agent.cancel_callback(callback.id)
    assert isinstance(cancelled, Callback) and cancelled.status == "cancelled"
    assert await agent.my_callbacks() == []

    assert isinstance(await agent.hangup(call_id), CommandResult)
    notes = WrapupNotesRequest(notes="so far", script_path=[("greet", "1")])
    assert (await agent.save_wrapup_notes(call_id, notes)).call_id == call_id
    extended = await agent.extend_wrapup(call_id)
    assert isinstance(extended, WrapupExtended) and extended.wrapup_deadline > 0
    wrapped = await agent.wrapup(call_id, WrapupRequest(code="resolved", notes="ok"))
    assert isinstance(wrapped, CommandResult)
    assert (await agent.me()).state in ("ready", "not_ready")


async def test_rejecting_dialling_and_logging_out_parse(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    agent = await connect("1001")
    trainer = await connect("t100")
    await agent.set_state("ready")
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
    assert sent.call_id is not None
    assert isinstance(await agent.reject(sent.call_id), CommandResult)

    dialled = await agent.dial(DialRequest(number="13800138000"))
    assert isinstance(dialled, CommandResult) and dialled.call_id is not None

    await agent.logout()
    assert agent.token is None
    with pytest.raises(ApiError) as refused:
        await agent.me()
    assert (refused.value.status, refused.value.code) == (401, "not_authenticated")


async def test_the_floor_and_messages_parse_for_a_supervisor(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    supervisor = await connect("s100")
    agents = await supervisor.floor_agents()
    assert agents and all(isinstance(agent, AgentStatus) for agent in agents)
    queues = await supervisor.floor_queues()
    assert queues and all(isinstance(stats, QueueStats) for stats in queues)
    sent = await supervisor.send_message(SupervisorMessageRequest(text="统一口径", team_id="A"))
    assert isinstance(sent, CommandResult)


async def test_the_work_queue_pull_and_a_transition_parse_for_a_department_user(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    agent, trainer = await connect("1001"), await connect("t100")
    await agent.set_state("ready")
    await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id="C000001"))
    call_id = (await agent.me()).call_id
    assert call_id is not None
    await agent.answer(call_id)
    ticket = await agent.create_ticket(
        TicketCreateRequest(
            request_id=new_request_id(),
            customer_id="C000001",
            call_id=call_id,
            category="billing",
            subject="多收月租 Charged twice",
        )
    )
    billing = await connect("d101")
    queues = await billing.work_queues()
    assert [q.queue for q in queues] == ["mine", "billing"]
    assert [item.ticket_id for item in queues[1].items] == [ticket.id]
    taken = await billing.pull_next("billing")
    assert taken.workflow is not None and taken.workflow.state == "in_progress"
    request = TransitionRequest(transition="resolve", fields={"resolution_note": "已退 Refunded"})
    done = await billing.take_transition(ticket.id, request)
    assert done.workflow is not None and done.workflow.state == "callback_pending"
    seen = await agent.ticket_detail(ticket.id)
    assert [h.transition for h in seen.history if h.transition][-1] == "schedule_callback"


async def test_every_supervisor_action_parses_and_reaches_the_log(
    connect: Callable[[str], Awaitable[CentreApi]], runtime: CentreRuntime
) -> None:
    supervisor, agent = await connect("s100"), await connect("1001")
    trainer = await connect("t100")
    pinned = await supervisor.broadcast(BroadcastRequest(text="统一口径", team_id="A"))
    assert isinstance(pinned, Broadcast) and pinned.team_id == "A"
    assert [b.broadcast_id for b in (await agent.broadcasts()).active] == [pinned.broadcast_id]
    assert isinstance(await supervisor.withdraw_broadcast(pinned.broadcast_id), CommandResult)
    await agent.set_state("ready")
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
    assert sent.call_id is not None
    await agent.answer(sent.call_id)
    await agent.publish_screen(DeskScreenState(call_id=sent.call_id, pane="script"))
    assert (await supervisor.agent_screen("1001")).call_id == sent.call_id
    session = await supervisor.monitor(MonitorRequest(agent_id="1001"))
    assert isinstance(session, MonitorSession) and session.call_id == sent.call_id
    assert isinstance(await supervisor.whisper("1001", "慢一点 slower"), CommandResult)
    assert isinstance(await supervisor.barge(session.monitor_id), CommandResult)
    assert isinstance(await supervisor.stop_monitor(session.monitor_id), CommandResult)
    forced = await supervisor.force_state("1001", ForceStateRequest(state="logged_out"))
    assert isinstance(forced, ForceStateResult) and forced.after_call
    await agent.hangup(sent.call_id)
    assert isinstance(await supervisor.end_wrapup("1001"), CommandResult)
    kinds = [e.type for e in runtime.store.iter_events() if e.type.startswith("supervisor.")]
    assert kinds[-6:] == [
        "supervisor.monitor_started",
        "supervisor.whisper",
        "supervisor.barged",
        "supervisor.monitor_ended",
        "supervisor.forced_state",
        "supervisor.wrapup_ended",
    ]


async def test_the_supervision_board_and_alerts_parse_and_a_stale_alert_is_refused(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    supervisor = await connect("s100")
    board = await supervisor.supervision_board()
    assert isinstance(board, SupervisionBoard) and board.queues
    assert {row.status.team for row in board.agents} == {"A"}
    alerts = await supervisor.supervision_alerts()
    assert isinstance(alerts, AlertsView) and alerts.active == []
    with pytest.raises(ApiError) as missing:
        await supervisor.acknowledge_alert("al1", "看过了 seen")
    assert (missing.value.status, missing.value.code) == (404, "alert_not_found")


async def test_a_refusal_carries_the_servers_code_and_words(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    evaluator = await connect("e100")
    with pytest.raises(ApiError) as refused:
        await evaluator.floor_agents()
    assert refused.value.status == 403 and refused.value.code == "forbidden_role"
    with pytest.raises(ApiError) as missing:
        await evaluator.ticket("T999999")
    assert (missing.value.status, missing.value.code) == (404, "ticket_not_found")


async def test_an_answer_of_the_wrong_shape_is_a_bad_response_not_a_crash(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    agent = await connect("1001")
    # /v1/health answered where a ticket was expected: the parse names the route.
    with pytest.raises(ApiError) as wrong:
        await agent._call(Ticket, "GET", "/health")
    assert wrong.value.code == "bad_response" and "/v1/health" in wrong.value.message


async def test_no_server_is_server_unreachable() -> None:
    api = CentreApi("http://127.0.0.1:9", timeout=2.0)  # the discard port: nobody listens
    with pytest.raises(ServerUnreachable) as unreachable:
        await api.health()
    assert "connection refused" in unreachable.value.reason
    await api.close()


async def test_the_quality_routes_parse_for_an_evaluator(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    agent, trainer, evaluator = await connect("1001"), await connect("t100"), await connect("e100")
    await agent.set_state("ready")
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id=CUSTOMER))
    assert sent.call_id is not None
    await agent.answer(sent.call_id)
    await agent.hangup(sent.call_id)
    await agent.wrapup(sent.call_id, WrapupRequest(code="resolved"))

    forms = await evaluator.quality_forms()
    assert [form.id for form in forms.forms] == ["call_quality"]
    sample = await evaluator.quality_sample(SampleRequest())
    assert [c.call_id for c in sample.calls] == [sent.call_id]
    timeline = await evaluator.quality_call(sent.call_id)
    assert isinstance(timeline, CallTimeline) and timeline.entries
    made = await evaluator.create_evaluation(
        EvaluationCreate(request_id=new_request_id(), call_id=sent.call_id)
    )
    assert isinstance(made, EvaluationView) and made.evaluation.status == "draft"
    assert [v.evaluation.id for v in await evaluator.my_evaluations(sent.call_id)] == [
        made.evaluation.id
    ]
    updated = await evaluator.update_evaluation(
        made.evaluation.id, EvaluationUpdate(marks={}, comments="好 good")
    )
    assert updated.evaluation.comments == "好 good"
    confirmed = await evaluator.confirm_evaluation(made.evaluation.id, EvaluationConfirm())
    assert confirmed.evaluation.status == "confirmed"
    task = await evaluator.open_coaching_task(
        made.evaluation.id, CoachingCreate(request_id=new_request_id(), note="慢 slow")
    )
    assert isinstance(task, CoachingTask) and task.status == "open"
    leader = await connect("s100")
    assert [t.id for t in await leader.coaching_tasks()] == [task.id]
    closed = await leader.close_coaching_task(task.id, CoachingClose(note="辅导了 coached"))
    assert (closed.status, closed.closed_by) == ("closed", "s100")
    statistics = await evaluator.quality_statistics("month")
    assert isinstance(statistics, QualityStatistics) and statistics.centre.evaluations == 1
    round_ = await evaluator.create_calibration(
        CalibrationCreate(request_id=new_request_id(), call_id=sent.call_id)
    )
    assert isinstance(round_, CalibrationRound)
    assert [r.id for r in await evaluator.calibrations_of(sent.call_id)] == [round_.id]
    scored = await evaluator.create_evaluation(
        EvaluationCreate(request_id=new_request_id(), call_id=sent.call_id, calibration=round_.id)
    )
    await evaluator.confirm_evaluation(scored.evaluation.id, EvaluationConfirm())
    view = await evaluator.calibration(round_.id)
    assert isinstance(view, CalibrationView) and view.round.evaluators == ["e100"]


async def test_the_training_routes_parse_for_a_trainer_and_a_trainee(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    trainer, trainee = await connect("t100"), await connect("1001")
    scenarios = await trainer.training_scenarios()
    assert "enquiry_tariffs" in {s.id for s in scenarios}
    made = SessionCreate(request_id=new_request_id(), scenario="enquiry_tariffs", trainee="1001")
    session = await trainer.start_session(made)
    assert isinstance(session, SessionView) and session.trainee_state == "reserved"
    assert [s.id for s in await trainer.training_sessions()] == [session.id]
    assert (await trainee.my_session()).id == session.id
    paused = await trainer.steer_session(session.id, SessionControl(action="pause"))
    assert paused.paused
    whispered = await trainer.whisper_to_trainee(session.id, TraineeWhisper(text="慢一点 slower"))
    assert whispered.events[-1].type == "training.whisper"
    answered = await trainee.session_desk(session.id, DeskAction(action="answer"))
    assert answered.trainee_state == "busy"
    assert (await trainer.training_session(session.id)).trainee_state == "busy"
    assert await trainee.training_results() == []
    assert await trainer.training_results("1001") == []

    # A call of the live floor, replayed and drafted into a scenario.
    await trainee.set_state("ready")
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id=CUSTOMER))
    assert sent.call_id is not None
    await trainee.answer(sent.call_id)
    await trainee.hangup(sent.call_id)
    await trainee.wrapup(sent.call_id, WrapupRequest(code="resolved"))
    recorded = await trainer.recorded_call(sent.call_id)
    assert isinstance(recorded, RecordedCall) and recorded.events[0].type == "call.arrived"
    draft = await trainer.scenario_draft(sent.call_id)
    assert isinstance(draft, ScenarioDraft) and draft.call_id == sent.call_id


async def test_the_desks_lookups_parse_for_an_agent_on_a_call(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    agent, trainer = await connect("1001"), await connect("t100")
    await agent.set_state("ready")
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry"))
    assert sent.call_id is not None
    await agent.answer(sent.call_id)
    found = await agent.search_customers(CUSTOMER, sent.call_id)
    assert [view.customer.id for view in found][:1] == [CUSTOMER]
    pop = await agent.link_caller(
        sent.call_id,
        CallerLinkRequest(request_id=new_request_id(), customer_id=CUSTOMER, need="查话费"),
    )
    assert isinstance(pop, ScreenPop) and pop.customer is not None
    assert pop.customer.id == CUSTOMER
    hits = await agent.knowledge_search("话费", queue="enquiry")
    assert isinstance(hits, KnowledgeSearchResult) and hits.hits
    article = await agent.knowledge_article(hits.hits[0].id)
    assert isinstance(article, KnowledgeArticleResponse)
    assert article.article.id == hits.hits[0].id
    tracked = await agent.tracked_tickets()
    assert tracked == []  # no ticket of its own yet
    assert await agent.tracked_tickets(customer_id=CUSTOMER) == []


async def test_attendance_and_violations_parse_for_a_supervisor_and_its_agent(
    connect_supervised: Connect,
) -> None:
    supervisor, agent = await connect_supervised("s100"), await connect_supervised("1001")
    attendance = await supervisor.attendance()
    assert isinstance(attendance, AttendanceView)
    assert [team.team_id for team in attendance.teams] == ["A"]
    category = attendance.violation_categories[0].code  # the supervision file's first
    recorded = await supervisor.record_violation(
        ViolationRequest(agent_id="1001", level=1, category=category, note="迟到 late")
    )
    assert isinstance(recorded, ViolationView) and recorded.points == 1
    team = await supervisor.team_violations()
    assert isinstance(team, ViolationsView) and team.points == {"1001": 1}
    mine = await agent.my_violations()
    assert [v.violation_id for v in mine.violations] == [recorded.violation_id]
    acknowledged = await agent.acknowledge_violation(recorded.violation_id, "收到 noted")
    assert isinstance(acknowledged, CommandResult)


async def test_the_staffing_table_and_a_whatif_parse_for_a_supervisor(
    connect: Callable[[str], Awaitable[CentreApi]],
) -> None:
    supervisor = await connect("s100")
    table = await supervisor.staffing()
    assert isinstance(table, StaffingTable) and table.rows and table.source == "forecast"
    job = await supervisor.start_whatif(WhatIfRequest(replications=1))
    assert isinstance(job, WhatIfJob)
    for _ in range(600):  # the re-run goes on off the server's loop
        job = await supervisor.whatif(job.job_id)
        if job.status != "running":
            break
        await asyncio.sleep(0.05)
    assert job.status == "done", job.error


async def test_practice_and_a_pushed_scenario_parse(connect: Connect) -> None:
    trainee, trainer, other = await connect("1001"), await connect("t100"), await connect("1002")
    alone = await trainee.practise(
        PracticeCreate(request_id=new_request_id(), scenario="enquiry_tariffs")
    )
    assert isinstance(alone, SessionView) and alone.trainee == "1001"
    await other.set_state("ready")  # idle, and no caller waits in the quiet centre
    pushed = await trainer.push_scenario(
        PushRequest(request_id=new_request_id(), scenario="enquiry_tariffs", agents=["1002"])
    )
    assert isinstance(pushed, PushResult)
    assert [s.agent_id for s in pushed.started] == ["1002"]


async def test_the_survey_and_my_shift_parse_for_an_agent(connect: Connect) -> None:
    agent, trainer = await connect("1001"), await connect("t100")
    await agent.set_state("ready")
    sent = await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id=CUSTOMER))
    assert sent.call_id is not None
    await agent.answer(sent.call_id)
    assert (await agent.transfer_to_survey(sent.call_id)).call_id == sent.call_id
    shift = await agent.my_shift()
    assert isinstance(shift, AgentShift) and shift.agent_id == "1001"
    assert shift.surveys.offered == 1 and shift.login_at is not None


async def test_a_sessions_quality_form_and_the_recorded_calls_parse(connect: Connect) -> None:
    trainee, trainer = await connect("1001"), await connect("t100")
    made = SessionCreate(request_id=new_request_id(), scenario="enquiry_tariffs", trainee="1001")
    session = await trainer.start_session(made)
    await trainee.session_desk(session.id, DeskAction(action="answer"))
    await trainee.session_desk(session.id, DeskAction(action="hangup"))
    wrapup = DeskAction(action="wrapup", args={"code": "info_given", "notes": "x"})
    assert (await trainee.session_desk(session.id, wrapup)).ended == "finished"
    form = await trainer.session_quality(session.id)
    assert isinstance(form, EvaluationView) and form.evaluation.agent_id == "1001"
    calls = await trainer.recorded_calls(agent="1001", queue="enquiry", day="2001-01-01")
    assert calls == []
    assert all(isinstance(c, RecordedCallSummary) for c in await trainer.recorded_calls())


def test_every_client_method_is_called_here() -> None:
    methods = {
        name
        for name, _ in inspect.getmembers(CentreApi, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }
    called = set(re.findall(r"\.(\w+)\(", Path(__file__).read_text(encoding="utf-8")))
    assert methods - called == set()
