"""Training routes (TR1, TR2): scenarios, sessions on their own clock, controls, results.

Trainers and the admin start and steer sessions; a trainee (an agent) reads and works
only its own session, and reads only its own results. A session's events live with the
session, on its own engine: they never enter the live floor's log or feed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.quality_api import EvaluationView
from server_stub.protocol.training_api import (
    DeskAction,
    PracticeCreate,
    PushedSession,
    PushRequest,
    PushResult,
    RecordedCall,
    RecordedCallSummary,
    ScenarioDraft,
    ScenarioSummary,
    SessionControl,
    SessionCreate,
    SessionView,
    SkippedAgent,
    TrainingResult,
    WhisperRequest,
)
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope
from server_stub.server.training_calls import CALLS_LISTED, recorded_calls
from server_stub.server.training_push import check_traffic_low, not_idle_because
from server_stub.server.training_sessions import TrainingSession

router = APIRouter(tags=["training"], prefix="/training")

TrainerScope = Annotated[Scope, Depends(scoped("trainer", "admin"))]
SessionReader = Annotated[Scope, Depends(scoped("agent", "trainer", "admin"))]
TraineeScope = Annotated[Scope, Depends(scoped("agent"))]
# Who reads the scenario list: trainers, a trainee choosing one to practise, and a
# supervisor choosing one to push to idle agents.
ScenarioReader = Annotated[Scope, Depends(scoped("agent", "trainer", "supervisor", "admin"))]
PusherScope = Annotated[Scope, Depends(scoped("trainer", "supervisor", "admin"))]
MOOD_STEPS = {"angrier": -1, "calmer": 1}


@router.get("/scenarios", response_model=list[ScenarioSummary])
async def scenarios(scope: ScenarioReader, runtime: RuntimeDep) -> list[ScenarioSummary]:
    return [
        ScenarioSummary(
            id=s.id,
            version=s.version,
            title=s.title,
            difficulty=s.difficulty,
            queue=s.queue,
            script=s.script,
            max_total=s.score.path
            + s.score.actions
            + s.score.phrases
            + s.score.time
            + s.score.wrapup,
        )
        for s in runtime.training.scenarios.values()
    ]


@router.post("/sessions", response_model=SessionView, status_code=201)
async def start_session(
    body: SessionCreate, scope: TrainerScope, runtime: RuntimeDep
) -> SessionView:
    _check_off_the_phone(runtime, body.trainee, f"{body.trainee} is on a live call")
    session = runtime.training.create(
        body.request_id, body.scenario, body.trainee, scope.principal.user_id, paused=body.paused
    )
    return _view_for(scope, session)


@router.post("/practice", response_model=SessionView, status_code=201)
async def practise(body: PracticeCreate, scope: TraineeScope, runtime: RuntimeDep) -> SessionView:
    """A trainee replays a scenario alone: a session for itself, scored as any other (its
    own trainer). Refused while its live phone has a call: the caller comes first."""
    me = scope.principal.user_id
    _check_off_the_phone(runtime, me, "finish your live call before you practise")
    return runtime.training.create(body.request_id, body.scenario, me, me).view()


def _check_off_the_phone(runtime: CentreRuntime, agent_id: str, refusal: str) -> None:
    """A 409 `on_a_call` while the agent's live seat has a call: the caller comes first
    (and the seat is set aside for training only between calls)."""
    runtime.catch_up()
    seat = runtime.floor.agents.get(agent_id)
    if seat is not None and seat.call_id is not None:
        raise ApiError(409, "on_a_call", refusal)


@router.post("/push", response_model=PushResult)
async def push(body: PushRequest, scope: PusherScope, runtime: RuntimeDep) -> PushResult:
    """A scenario to the idle agents in reach (named, or all of them), refused with 409
    `traffic_not_low` while any of their queues has callers waiting."""
    if body.scenario not in runtime.training.scenarios:
        raise not_found("scenario", body.scenario)
    runtime.catch_up()
    floor = runtime.floor
    if body.agents:
        unknown = [a for a in body.agents if a not in floor.agents]
        if unknown:
            raise not_found("agent", unknown[0])
        for agent_id in body.agents:
            if not scope.trains:
                scope.check_message_target(agent_id, None)
        named = [floor.agents[a] for a in body.agents]
    else:
        named = [
            a
            for a in floor.agents.values()
            if not a.simulated and (scope.trains or scope.sees_agent(a.agent_id))
        ]
    skipped = [
        SkippedAgent(agent_id=a.agent_id, reason=r) for a in named if (r := not_idle_because(a))
    ]
    idle = [a for a in named if not_idle_because(a) is None]
    if not idle:
        raise ApiError(409, "no_idle_agents", "none of these agents is idle")
    check_traffic_low(lambda queue: int(runtime.engine.queue_stats(queue)["waiting"]), idle)
    started: list[PushedSession] = []
    for agent in idle:
        try:  # one request id per agent: a retried push finds the sessions it made
            session = runtime.training.create(
                f"{body.request_id}:{agent.agent_id}",
                body.scenario,
                agent.agent_id,
                scope.principal.user_id,
            )
        except ApiError as error:
            if error.code != "trainee_busy":
                raise
            skipped.append(SkippedAgent(agent_id=agent.agent_id, reason=error.code))
            continue
        started.append(PushedSession(agent_id=agent.agent_id, session_id=session.id))
    return PushResult(scenario=body.scenario, started=started, skipped=skipped)


@router.get("/sessions", response_model=list[SessionView])
async def sessions(scope: TrainerScope, runtime: RuntimeDep) -> list[SessionView]:
    return [_view_for(scope, session) for session in runtime.training.all()]


@router.get("/me", response_model=SessionView)
async def my_session(scope: TraineeScope, runtime: RuntimeDep) -> SessionView:
    session = runtime.training.of_trainee(scope.principal.user_id)
    if session is None:
        raise ApiError(404, "no_session", "you are not in a training session")
    return session.view()


def _readable(scope: Scope, session: TrainingSession) -> TrainingSession:
    scope.check_training_reader(session.trainee)
    return session


def _view_for(scope: Scope, session: TrainingSession) -> SessionView:
    """The session as this reader gets it: the trainee all of it; a trainer without the
    caller's record and with calling numbers masked, as on the floor."""
    view = session.view()
    if session.trainee == scope.principal.user_id:
        return view
    events = [scope.readable_event(event) for event in view.events]
    return view.model_copy(update={"events": events, "pop": None})


@router.get("/sessions/{session_id}", response_model=SessionView)
async def session(session_id: str, scope: SessionReader, runtime: RuntimeDep) -> SessionView:
    return _view_for(scope, _readable(scope, runtime.training.session(session_id)))


@router.get("/sessions/{session_id}/quality", response_model=EvaluationView)
async def session_quality(
    session_id: str, scope: SessionReader, runtime: RuntimeDep
) -> EvaluationView:
    """The quality form prefilled from the session's call (item 3: after the score, the
    form of the quality workspace from the same facts); 409 `not_scored` before."""
    found = _readable(scope, runtime.training.session(session_id))
    return runtime.training.quality(found, runtime.quality)


@router.post("/sessions/{session_id}/control", response_model=SessionView)
async def control(
    session_id: str, body: SessionControl, scope: TrainerScope, runtime: RuntimeDep
) -> SessionView:
    found = runtime.training.session(session_id)
    if body.action == "pause":
        found.pause()
    elif body.action == "resume":
        found.resume()
    elif body.action == "step":
        found.step(body.seconds)
    elif body.action == "second_caller":
        found.second_caller()
    elif body.action == "stop":
        runtime.training.stop(found)
    else:
        found.mood(MOOD_STEPS[body.action])
    return _view_for(scope, found)


@router.post("/sessions/{session_id}/whisper", response_model=SessionView)
async def whisper(
    session_id: str, body: WhisperRequest, scope: TrainerScope, runtime: RuntimeDep
) -> SessionView:
    found = runtime.training.session(session_id)
    found.whisper(body.text)
    return _view_for(scope, found)


@router.post("/sessions/{session_id}/desk", response_model=SessionView)
async def desk(
    session_id: str, body: DeskAction, scope: TraineeScope, runtime: RuntimeDep
) -> SessionView:
    found = runtime.training.session(session_id)
    scope.check_trainee(found.trainee)
    found.desk(body.action, body.args)
    runtime.training.finish(found)
    return found.view()


@router.get("/calls", response_model=list[RecordedCallSummary])
async def recorded_calls_list(
    scope: TrainerScope,
    runtime: RuntimeDep,
    agent: Annotated[str | None, Query(max_length=64)] = None,
    queue: Annotated[str | None, Query(max_length=64)] = None,
    customer: Annotated[str | None, Query(max_length=64, description="id or account")] = None,
    day: Annotated[date | None, Query(alias="date", description="YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=CALLS_LISTED)] = CALLS_LISTED,
) -> list[RecordedCallSummary]:
    """The floor's recorded calls to pick one to replay: by agent, queue, customer, date;
    newest first."""
    runtime.catch_up()
    return recorded_calls(
        runtime.store,
        runtime.quality,
        agent_id=agent,
        queue_id=queue,
        customer=customer,
        day=day,
        limit=limit,
    )


@router.get("/calls/{call_id}", response_model=RecordedCall)
async def recorded_call(call_id: str, scope: TrainerScope, runtime: RuntimeDep) -> RecordedCall:
    """A recorded call of the floor, to replay on a desk view."""
    runtime.catch_up()
    contact = runtime.quality.call_contact(call_id)
    events = [scope.readable_event(e) for e in runtime.store.call_events(call_id)]
    return RecordedCall(
        call_id=call_id, agent_id=contact.agent_id, queue_id=contact.queue_id, events=events
    )


@router.get("/calls/{call_id}/draft", response_model=ScenarioDraft)
async def draft_from_call(call_id: str, scope: TrainerScope, runtime: RuntimeDep) -> ScenarioDraft:
    """The recorded call as a training scenario draft, checked against the centre."""
    runtime.catch_up()
    return runtime.training.draft(call_id, runtime.quality)


@router.get("/results", response_model=list[TrainingResult])
async def results(
    scope: SessionReader,
    runtime: RuntimeDep,
    trainee: Annotated[str | None, Query(max_length=64)] = None,
) -> list[TrainingResult]:
    """Scored sessions, oldest first: a trainer's pick of trainee (or all), an agent's own."""
    if trainee is None and not scope.trains:
        trainee = scope.principal.user_id
    if trainee is not None:
        scope.check_training_reader(trainee)
    return runtime.training.store.training_results(trainee)
