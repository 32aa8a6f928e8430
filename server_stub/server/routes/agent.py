"""The agent's own state: `/v1/me`, state changes, the pending state."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from server_stub.protocol.api import (
    CommandResult,
    MeResponse,
    PendingStateRequest,
    Role,
    StateChangeRequest,
)
from server_stub.server.auth import Principal
from server_stub.server.deps import AgentUser, RuntimeDep
from server_stub.server.errors import ApiError
from server_stub.server.floor import AgentView
from server_stub.server.runtime import CentreRuntime

router = APIRouter(tags=["agent"])


def my_view(runtime: CentreRuntime, agent_id: str) -> AgentView:
    view = runtime.floor.agents.get(agent_id)
    if view is None:  # an agent login always has a seat in the config; guard anyway
        raise ApiError(404, "agent_not_found", f"no agent seat {agent_id!r} in this centre")
    return view


@router.get("/me", response_model=MeResponse)
async def me(user: AgentUser, runtime: RuntimeDep) -> MeResponse:
    runtime.catch_up()
    view = my_view(runtime, user.user_id)
    status = view.status()
    return MeResponse(
        agent_id=view.agent_id,
        name=view.name,
        team=view.team,
        role=cast(Role, user.role),
        centre=runtime.config.centre.name,
        state=status.state,
        reason=status.reason,
        since=status.since,
        pending=status.pending,
        call_id=view.call_id,
        last_call_id=view.last_call_id,
        leg=status.leg,
        direction=status.direction,
        wrapup_deadline=status.wrapup_deadline,
        queues=[
            runtime.floor.queue_stats[q] for q in view.queues if q in runtime.floor.queue_stats
        ],
        calls_handled=view.calls_handled,
        sim_time=runtime.now,
        speed=runtime.speed,
        last_seq=runtime.hub.last_seq,
    )


async def _my_command(
    runtime: CentreRuntime, user: Principal, kind: str, **extra: str | None
) -> CommandResult:
    """Apply an engine command to the calling agent's own seat."""
    my_view(runtime, user.user_id)
    applied = await runtime.command(kind, {"agent_id": user.user_id, **extra}, user.user_id)
    return CommandResult(seq=applied.seq)


@router.post("/agent/state", response_model=CommandResult)
async def change_state(
    body: StateChangeRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    return await _my_command(runtime, user, "set_state", state=body.state, reason=body.reason)


@router.put("/agent/pending", response_model=CommandResult)
async def set_pending(
    body: PendingStateRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    return await _my_command(runtime, user, "set_pending", state=body.state, reason=body.reason)


@router.delete("/agent/pending", response_model=CommandResult)
async def clear_pending(user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    return await _my_command(runtime, user, "clear_pending")
