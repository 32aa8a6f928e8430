"""The agent's own state: `/v1/me`, state changes, the pending state, what its desk shows.

`PUT /v1/agent/screen` logs the desk's `DeskScreenState` as `agent.screen` (only on
change, at most `SCREENS_PER_S` a second); who sees it is `scope.py`'s rule (the agent's
supervisors, the floor manager, the admin; never other agents, trainers or evaluators).
"""

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
from server_stub.protocol.desk_screen import SCREENS_PER_S, DeskScreenState
from server_stub.protocol.events import Event, EventType
from server_stub.server.auth import Principal
from server_stub.server.deps import AgentUser, RuntimeDep
from server_stub.server.errors import ApiError
from server_stub.server.floor import AgentView
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import HIDDEN, audience_for
from server_stub.server.throttle import retry_after

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


@router.put("/agent/screen", response_model=CommandResult)
async def publish_screen(
    body: DeskScreenState, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    view = my_view(runtime, user.user_id)
    if body.call_id is not None and body.call_id not in (view.call_id, view.last_call_id):
        raise ApiError(403, "not_your_call", f"call {body.call_id} is not on your desk")
    data = body.model_dump(mode="json")
    last = runtime.last_screens.get(user.user_id)
    if last is not None and last[1] == data:  # unchanged: nothing new to log
        return CommandResult(seq=last[0], call_id=body.call_id)
    wait_s = runtime.screens.take(user.user_id, runtime.monotonic())
    if wait_s > 0:
        raise ApiError(
            429,
            "too_many_screens",
            f"publish the screen at most {SCREENS_PER_S:g} times a second",
            retry_after=retry_after(wait_s),
        )
    args = {
        "type": EventType.AGENT_SCREEN.value,
        "agent_id": user.user_id,
        "call_id": body.call_id,
        "data": data,
    }
    applied = await runtime.command("record", args, user.user_id)
    runtime.last_screens[user.user_id] = (applied.seq, data)
    return CommandResult(seq=applied.seq, call_id=body.call_id)


MESSAGES_KEPT = 200  # the desk's log holds as many (client/state.py MAX_MESSAGES)


@router.get("/agent/messages", response_model=list[Event])
async def my_messages(user: AgentUser, runtime: RuntimeDep) -> list[Event]:
    """The supervisors' messages this agent's feed would have carried, newest last: a desk
    that logs in again has its message log back."""
    runtime.catch_up()
    audience = audience_for(user, runtime.floor)
    recent = runtime.store.recent_messages(MESSAGES_KEPT * 4)
    return [event for event in recent if audience.admits(event) != HIDDEN][-MESSAGES_KEPT:]
