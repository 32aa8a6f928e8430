"""Quality routes (QA1–QA3): sample calls, read one's timeline, evaluate, count, calibrate.

Evaluators and the admin only. An evaluator reads calls with personal data masked
(`Scope.readable_event`) and every read of a call is audited; only the author edits or
confirms an evaluation, and a confirmed one never changes; in a calibration round the
others' scores stay hidden until the reader has confirmed its own (blind).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

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
from server_stub.protocol.quality_forms import Evaluation
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found
from server_stub.server.quality_desk import QualityDesk
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope, out_of_scope

router = APIRouter(tags=["quality"], prefix="/quality")

QualityUser = Annotated[Scope, Depends(scoped("evaluator", "admin"))]
CoachingReader = Annotated[Scope, Depends(scoped("evaluator", "supervisor", "admin"))]
CoachingCloser = Annotated[Scope, Depends(scoped("supervisor", "admin"))]


def desk_of(runtime: CentreRuntime) -> QualityDesk:
    runtime.catch_up()
    return runtime.quality


def _readable(scope: Scope, desk: QualityDesk, evaluation: Evaluation) -> Evaluation:
    scored = {
        e.calibration
        for e in desk.store.evaluations(evaluator_id=scope.principal.user_id)
        if e.calibration is not None and e.status == "confirmed"
    }
    if not scope.may_read_evaluation(evaluation, scored):
        raise out_of_scope(
            f"evaluation {evaluation.id} is in a blind calibration round: confirm your own first"
        )
    return evaluation


@router.get("/forms", response_model=FormList)
async def forms(scope: QualityUser, runtime: RuntimeDep) -> FormList:
    return FormList(forms=desk_of(runtime).newest_forms())


@router.post("/sample", response_model=SampleResult)
async def sample(body: SampleRequest, scope: QualityUser, runtime: RuntimeDep) -> SampleResult:
    return desk_of(runtime).sample(body, scope.principal.user_id)


@router.get("/calls/{call_id}", response_model=CallTimeline)
async def call_timeline(call_id: str, scope: QualityUser, runtime: RuntimeDep) -> CallTimeline:
    found = desk_of(runtime).timeline(call_id, scope.readable_event)
    scope.audit_read("quality.call", call_id, call_id=call_id)
    return found


@router.post("/evaluations", response_model=EvaluationView, status_code=201)
async def create_evaluation(
    body: EvaluationCreate, scope: QualityUser, runtime: RuntimeDep
) -> EvaluationView:
    desk = desk_of(runtime)
    evaluation = desk.create(body, scope.principal.user_id)
    scope.audit_read("quality.evaluate", body.call_id, call_id=body.call_id)
    return desk.view(evaluation)


@router.get("/evaluations", response_model=list[EvaluationView])
async def list_evaluations(
    scope: QualityUser,
    runtime: RuntimeDep,
    call_id: Annotated[str | None, Query(max_length=64)] = None,
    mine: bool = False,
) -> list[EvaluationView]:
    desk = desk_of(runtime)
    evaluator = scope.principal.user_id if mine else None
    found = desk.store.evaluations(call_id=call_id, evaluator_id=evaluator)
    scored = {
        e.calibration
        for e in found
        if e.evaluator_id == scope.principal.user_id
        and e.status == "confirmed"
        and e.calibration is not None
    }
    return [desk.view(e) for e in found if scope.may_read_evaluation(e, scored)]


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationView)
async def read_evaluation(
    evaluation_id: str, scope: QualityUser, runtime: RuntimeDep
) -> EvaluationView:
    desk = desk_of(runtime)
    return desk.view(_readable(scope, desk, desk.evaluation(evaluation_id)))


@router.put("/evaluations/{evaluation_id}", response_model=EvaluationView)
async def update_evaluation(
    evaluation_id: str, body: EvaluationUpdate, scope: QualityUser, runtime: RuntimeDep
) -> EvaluationView:
    desk = desk_of(runtime)
    evaluation = desk.evaluation(evaluation_id)
    scope.check_evaluation_author(evaluation)
    return desk.view(desk.update(evaluation, body))


@router.post("/evaluations/{evaluation_id}/confirm", response_model=EvaluationView)
async def confirm_evaluation(
    evaluation_id: str, body: EvaluationConfirm, scope: QualityUser, runtime: RuntimeDep
) -> EvaluationView:
    desk = desk_of(runtime)
    evaluation = desk.evaluation(evaluation_id)
    scope.check_evaluation_author(evaluation)
    return desk.view(desk.confirm(evaluation, body))


@router.post("/evaluations/{evaluation_id}/coaching", response_model=CoachingTask, status_code=201)
async def coach_on_evaluation(
    evaluation_id: str, body: CoachingCreate, scope: QualityUser, runtime: RuntimeDep
) -> CoachingTask:
    """An individual problem: a one-to-one coaching task for the agent's team leaders."""
    desk = desk_of(runtime)
    evaluation = desk.evaluation(evaluation_id)
    scope.check_evaluation_author(evaluation)
    return desk.coach(evaluation, body, scope.principal.user_id)


@router.get("/coaching", response_model=list[CoachingTask])
async def coaching_tasks(scope: CoachingReader, runtime: RuntimeDep) -> list[CoachingTask]:
    """Evaluators and the admin: every task; a supervisor: those of its teams."""
    tasks = desk_of(runtime).store.coaching_tasks()
    if scope.reach.whole_floor or scope.principal.has("evaluator"):
        return tasks
    return [task for task in tasks if task.team in scope.reach.teams]


@router.post("/coaching/{task_id}/close", response_model=CoachingTask)
async def close_coaching_task(
    task_id: str, body: CoachingClose, scope: CoachingCloser, runtime: RuntimeDep
) -> CoachingTask:
    """The agent's team leader coached it: the task closes with what was done (once; a
    retry gets the closed task back)."""
    store = desk_of(runtime).store
    task = next((t for t in store.coaching_tasks() if t.id == task_id), None)
    if task is None:
        raise not_found("coaching_task", task_id)
    scope.check_coaches(task.team)
    if task.status == "closed":
        return task
    closed = task.model_copy(
        update={"status": "closed", "closed_by": scope.principal.user_id, "closing_note": body.note}
    )
    store.replace_coaching_task(closed)
    return closed


@router.get("/statistics", response_model=QualityStatistics)
async def quality_statistics(
    scope: QualityUser, runtime: RuntimeDep, period: StatisticsPeriod = "month"
) -> QualityStatistics:
    return desk_of(runtime).statistics(period)


@router.post("/calibrations", response_model=CalibrationRound, status_code=201)
async def create_calibration(
    body: CalibrationCreate, scope: QualityUser, runtime: RuntimeDep
) -> CalibrationRound:
    return desk_of(runtime).create_round(body, scope.principal.user_id)


@router.get("/calibrations", response_model=list[CalibrationRound])
async def calibrations_of_call(
    call_id: Annotated[str, Query(min_length=1, max_length=64)],
    scope: QualityUser,
    runtime: RuntimeDep,
) -> list[CalibrationRound]:
    """The rounds on one call (who has scored in each; never what they gave)."""
    desk = desk_of(runtime)
    return [desk.round(round_id) for round_id in desk.store.calibration_ids(call_id)]


@router.get("/calibrations/{round_id}", response_model=CalibrationView)
async def read_calibration(
    round_id: str, scope: QualityUser, runtime: RuntimeDep
) -> CalibrationView:
    desk = desk_of(runtime)
    round_ = desk.round(round_id)
    if not scope.reach.whole_floor and scope.principal.user_id not in round_.evaluators:
        raise ApiError(
            403,
            "blind_round",
            f"confirm your own score of {round_.call_id} to see round {round_id}",
        )
    return desk.calibration(round_)
