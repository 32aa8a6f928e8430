"""The supervisor's floor (SV1) and messages to agents and teams (SV3).

A supervisor sees and messages its own teams; the floor manager and the admin the whole
floor (`scope.py`). Queue statistics are the centre's, not a team's: everyone sees them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server_stub.protocol.api import (
    AgentStatus,
    CommandResult,
    QueueStats,
    SupervisorMessageRequest,
)
from server_stub.protocol.events import EventType
from server_stub.server.deps import FLOOR_READERS, FloorReader, RuntimeDep, scoped
from server_stub.server.errors import not_found
from server_stub.server.scope import Scope

router = APIRouter(tags=["supervisor"])

FloorScope = Annotated[Scope, Depends(scoped(*FLOOR_READERS))]


@router.get("/supervisor/agents", response_model=list[AgentStatus])
async def team_agents(scope: FloorScope, runtime: RuntimeDep) -> list[AgentStatus]:
    runtime.catch_up()
    return [a.status() for a in scope.agents()]


@router.get("/supervisor/queues", response_model=list[QueueStats])
async def all_queues(user: FloorReader, runtime: RuntimeDep) -> list[QueueStats]:
    runtime.catch_up()
    return list(runtime.floor.queue_stats.values())


@router.post("/supervisor/messages", response_model=CommandResult, status_code=201)
async def send_message(
    body: SupervisorMessageRequest, scope: FloorScope, runtime: RuntimeDep
) -> CommandResult:
    user = scope.principal
    if body.agent_id is not None and body.agent_id not in runtime.floor.agents:
        raise not_found("agent", body.agent_id)
    if body.team_id is not None and body.team_id not in {t.id for t in runtime.config.teams}:
        raise not_found("team", body.team_id)
    scope.check_message_target(body.agent_id, body.team_id)
    data = {
        "text": body.text,
        "sender": user.user_id,
        "sender_name": user.name,
        "team_id": body.team_id,
        "broadcast": body.team_id is not None,
    }
    args = {"type": EventType.SUPERVISOR_MESSAGE.value, "agent_id": body.agent_id, "data": data}
    applied = await runtime.command("record", args, user.user_id)
    return CommandResult(seq=applied.seq)
