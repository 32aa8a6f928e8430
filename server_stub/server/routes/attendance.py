"""Attendance and discipline (SV5): who came, who is late or away, and violations.

`GET /v1/supervision/attendance` reports each team against today's roster (the caller's
teams; the floor manager's whole floor). A supervisor records a violation (level 1/2/3,
1/3/5 points, a category and a note) for an agent of its teams: a journaled
`supervisor.violation_recorded` event. The agent reads only its own violations and may
acknowledge each once (`agent.violation_acknowledged`). Points add up per agent per month
of the centre's local time. Everything is folded from the log by the "register"
companion (`supervision.register`), so a restart by replay gives the same figures.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import CommandResult
from server_stub.protocol.attendance_api import (
    AttendanceView,
    CodeLabel,
    ViolationAckRequest,
    ViolationRequest,
    ViolationsView,
)
from server_stub.protocol.supervision import (
    VIOLATION_ACKNOWLEDGED,
    VIOLATION_RECORDED,
    ViolationView,
)
from server_stub.server.deps import FLOOR_READERS, RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope, out_of_scope
from server_stub.supervision.config import Code
from server_stub.supervision.discipline import DisciplineError, new_violation

router = APIRouter(tags=["supervision"])

FloorScope = Annotated[Scope, Depends(scoped(*FLOOR_READERS))]
AgentScope = Annotated[Scope, Depends(scoped("agent"))]
Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]

_STATUS = {
    "invalid_level": 422,
    "unknown_category": 422,
    "invalid_violation": 422,
    "duplicate_violation": 409,
    "already_acknowledged": 409,
    # Another agent's violation is not even said to exist.
    "no_such_violation": 404,
    "not_your_violation": 404,
}


def _refused(error: DisciplineError) -> ApiError:
    code = "violation_not_found" if _STATUS[error.code] == 404 else error.code
    return ApiError(_STATUS[error.code], code, error.message)


def _labels(codes: list[Code]) -> list[CodeLabel]:
    return [CodeLabel(code=c.code, label=c.label) for c in codes]


def _month(runtime: CentreRuntime, month: str | None) -> str:
    return month or runtime.supervision.register.clock.month(runtime.now)


def _teams(runtime: CentreRuntime, scope: Scope) -> list[str]:
    if scope.reach.whole_floor:
        return [t.id for t in runtime.config.teams]
    return sorted(scope.reach.teams)


@router.get("/supervision/attendance", response_model=AttendanceView)
async def attendance(scope: FloorScope, runtime: RuntimeDep, month: Month = None) -> AttendanceView:
    runtime.catch_up()
    register = runtime.supervision.register
    now, chosen = runtime.now, _month(runtime, month)
    teams = register.book.report(now, _teams(runtime, scope))
    late = [r for team in teams for r in team.rows if r.status == "late"]
    points = register.ledger.points(chosen)
    seen = {r.agent_id for team in teams for r in team.rows}
    scope.audit_read("attendance.read", ",".join(t.team_id for t in teams) or "floor")
    return AttendanceView(
        as_of=now,
        month=chosen,
        teams=teams,
        late=late,
        points={a: p for a, p in points.items() if a in seen or scope.sees_agent(a)},
        absence_reasons=_labels(register.absence_reasons),
        violation_categories=_labels(register.categories),
    )


def _view(
    runtime: CentreRuntime, scope: Scope, month: str | None, agents: set[str] | None
) -> ViolationsView:
    register = runtime.supervision.register
    chosen = _month(runtime, month)
    shown = [
        v
        for v in register.ledger.violations()
        if (agents is None or v.agent_id in agents) and scope.sees_agent(v.agent_id)
    ]
    points = register.ledger.points(chosen)
    return ViolationsView(
        as_of=runtime.now,
        month=chosen,
        violations=shown,
        points={a: p for a, p in points.items() if a in {v.agent_id for v in shown}},
        categories=_labels(register.categories),
    )


@router.get("/supervision/violations", response_model=ViolationsView)
async def violations(scope: FloorScope, runtime: RuntimeDep, month: Month = None) -> ViolationsView:
    """The violations of the caller's teams' agents (the floor manager's: all)."""
    runtime.catch_up()
    scope.audit_read("violations.read", ",".join(sorted(scope.reach.teams)) or "floor")
    return _view(runtime, scope, month, None)


@router.post("/supervision/violations", response_model=ViolationView, status_code=201)
async def record_violation(
    body: ViolationRequest, scope: FloorScope, runtime: RuntimeDep
) -> ViolationView:
    runtime.catch_up()
    agent = next((a for a in runtime.config.agents if a.id == body.agent_id), None)
    if agent is None:
        raise not_found("agent", body.agent_id)
    if not scope.sees_agent(body.agent_id) or body.agent_id == scope.principal.user_id:
        raise out_of_scope(f"agent {body.agent_id} is not in a team you supervise")
    register = runtime.supervision.register
    violation_id = register.next_violation_id()
    try:
        recorded = new_violation(
            violation_id=violation_id,
            agent_id=body.agent_id,
            team_id=agent.team,
            level=body.level,
            category=body.category,
            note=body.note,
            by=scope.principal.user_id,
            categories=[c.code for c in register.categories],
        )
    except DisciplineError as error:
        raise _refused(error) from None
    args = {"type": VIOLATION_RECORDED, "agent_id": body.agent_id, "data": recorded.model_dump()}
    await runtime.command("record", args, scope.principal.user_id)
    view = register.ledger.get(violation_id)
    assert view is not None  # the register folded the event just logged
    return view


@router.get("/agent/violations", response_model=ViolationsView)
async def my_violations(
    scope: AgentScope, runtime: RuntimeDep, month: Month = None
) -> ViolationsView:
    """The caller's own violations, and its points in `month`."""
    runtime.catch_up()
    return _view(runtime, scope, month, {scope.principal.user_id})


@router.post("/agent/violations/{violation_id}/acknowledge", response_model=CommandResult)
async def acknowledge_violation(
    violation_id: str, body: ViolationAckRequest, scope: AgentScope, runtime: RuntimeDep
) -> CommandResult:
    runtime.catch_up()
    user = scope.principal.user_id
    try:
        ack = runtime.supervision.register.ledger.check_acknowledgement(
            violation_id, user, body.comment
        )
    except DisciplineError as error:
        raise _refused(error) from None
    args = {"type": VIOLATION_ACKNOWLEDGED, "agent_id": user, "data": ack.model_dump()}
    applied = await runtime.command("record", args, user)
    return CommandResult(seq=applied.seq)
