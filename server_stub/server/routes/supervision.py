"""The supervisor's monitor (SV1, SV4): both boards at one instant, alerts, acknowledgements.

`GET /v1/supervision/board` gives the queues board (every queue: a queue's figures are the
centre's) and the agents board (the caller's teams; the floor manager's whole floor) at the
same instant, with the seq they stand after, so a client can follow on with the feed's
`supervision.queue_board` and `agent.state_changed` events. Alerts are the "alerts"
companion's (`supervision.companions`); a team supervisor sees its teams' agents' and
teams' alerts and every queue's, and acknowledges only those.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server_stub.protocol.api import CommandResult
from server_stub.protocol.supervision import AlertSnapshot
from server_stub.protocol.supervision_board import (
    AcknowledgeRequest,
    AgentBoardRow,
    AlertHistoryItem,
    AlertsView,
    SupervisionBoard,
)
from server_stub.server.deps import FLOOR_READERS, RuntimeDep, scoped
from server_stub.server.errors import not_found
from server_stub.server.scope import Scope, out_of_scope
from server_stub.supervision.companions import ALERTS

router = APIRouter(tags=["supervision"])

FloorScope = Annotated[Scope, Depends(scoped(*FLOOR_READERS))]


def _sees_alert(scope: Scope, agent_id: object, team_id: object) -> bool:
    """An agent's alert by the agent, a team's by the team, a queue's by every supervisor."""
    if scope.reach.whole_floor:
        return True
    if isinstance(agent_id, str):
        return scope.sees_agent(agent_id)
    if isinstance(team_id, str):
        return team_id in scope.reach.teams
    return True


@router.get("/supervision/board", response_model=SupervisionBoard)
async def board(scope: FloorScope, runtime: RuntimeDep) -> SupervisionBoard:
    runtime.catch_up()
    now = runtime.now
    companion = runtime.supervision.board
    rows = []
    for agent in scope.agents():
        call = runtime.floor.call(agent.call_id) if agent.call_id else None
        rows.append(
            AgentBoardRow(
                status=agent.status(),
                day=companion.agent_day(agent.agent_id, runtime.engine.now),
                call_queue=call.queue_id if call is not None else None,
                call_tier=call.tier if call is not None else None,
            )
        )
    return SupervisionBoard(
        as_of=now,
        seq=runtime.hub.last_seq,
        queues=companion.figures(runtime.engine.now),
        agents=rows,
        thresholds=runtime.supervision.alerts.alerts.thresholds,
    )


@router.get("/supervision/alerts", response_model=AlertsView)
async def alerts(scope: FloorScope, runtime: RuntimeDep) -> AlertsView:
    runtime.catch_up()
    companion = runtime.supervision.alerts
    active = [a for a in companion.active() if _sees_alert(scope, a.agent_id, a.team_id)]
    history = [
        AlertHistoryItem(sim_time=h.sim_time, type=h.type, data=h.data)
        for h in companion.history
        if _sees_alert(scope, h.data.get("agent_id"), h.data.get("team_id"))
    ]
    scope.audit_read("alerts.read", ",".join(sorted(scope.reach.teams)) or "floor")
    return AlertsView(active=active, history=history)


@router.post("/supervision/alerts/{alert_id}/acknowledge", response_model=CommandResult)
async def acknowledge(
    alert_id: str, body: AcknowledgeRequest, scope: FloorScope, runtime: RuntimeDep
) -> CommandResult:
    runtime.catch_up()
    alert = _active_alert(runtime.supervision.alerts.active(), alert_id)
    if alert is None:
        raise not_found("alert", alert_id)
    if not _sees_alert(scope, alert.agent_id, alert.team_id):
        raise out_of_scope(f"alert {alert_id} is not about a team you supervise")
    user = scope.principal.user_id
    ack = {"alert_id": alert_id, "by": user}
    if body.note:
        ack["note"] = body.note
    args = {"name": ALERTS, "method": "acknowledge", "args": ack}
    applied = await runtime.command("companion", args, user)
    return CommandResult(seq=applied.seq)


def _active_alert(active: list[AlertSnapshot], alert_id: str) -> AlertSnapshot | None:
    return next((a for a in active if a.alert_id == alert_id), None)
