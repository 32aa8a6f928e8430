"""A supervisor's actions on agents (SV2, SV3): broadcasts, forced states, wrap-ups,
whispers and monitoring. Each one is an event in the log (journaled, so a restart gives
it again); a team supervisor acts only on its teams' agents, the floor manager on all.

What the agent's desk sees of them is `protocol.supervision_actions.AGENT_NOTICE_TYPES`
and the pinned broadcasts; silent monitoring never reaches the agent, and every session
is in the log and the audit trail for later review.
"""

from __future__ import annotations

import random
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from server_stub.protocol.api import CommandResult
from server_stub.protocol.desk_screen import DeskScreenState
from server_stub.protocol.events import EventType
from server_stub.protocol.supervision_actions import (
    BARGED,
    FORCED_STATE,
    MESSAGE_WITHDRAWN,
    MONITOR_ENDED,
    MONITOR_STARTED,
    WHISPER,
    WRAPUP_ENDED,
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
from server_stub.server.deps import FLOOR_READERS, RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found
from server_stub.server.floor import AgentView
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope, out_of_scope

router = APIRouter(tags=["supervision"])

FloorScope = Annotated[Scope, Depends(scoped(*FLOOR_READERS))]
ReaderScope = Annotated[Scope, Depends(scoped("agent", *FLOOR_READERS))]
ON_A_CALL = frozenset({"reserved", "busy", "wrap_up"})


async def _record(
    runtime: CentreRuntime, scope: Scope, event_type: str, agent_id: str | None, data: Any
) -> int:
    args = {"type": event_type, "agent_id": agent_id, "data": data}
    applied = await runtime.command("record", args, scope.principal.user_id)
    return applied.seq


def _agent(runtime: CentreRuntime, scope: Scope, agent_id: str) -> AgentView:
    runtime.catch_up()
    agent = runtime.floor.agents.get(agent_id)
    if agent is None:
        raise not_found("agent", agent_id)
    if not scope.sees_agent(agent_id) or agent_id == scope.principal.user_id:
        raise out_of_scope(f"agent {agent_id} is not in a team you supervise")
    return agent


# ---------------------------------------------------------------------- broadcasts


@router.post("/supervision/broadcasts", response_model=Broadcast, status_code=201)
async def broadcast(body: BroadcastRequest, scope: FloorScope, runtime: RuntimeDep) -> Broadcast:
    """Pin a text (统一口径) on the desks of a team, or of the whole floor (floor manager)."""
    if body.team_id is None and not scope.reach.whole_floor:
        raise out_of_scope("only the floor manager broadcasts to the whole floor: name a team")
    if body.team_id is not None and body.team_id not in {t.id for t in runtime.config.teams}:
        raise not_found("team", body.team_id)
    scope.check_message_target(None, body.team_id)
    runtime.catch_up()
    user = scope.principal
    broadcast_id = runtime.supervision.actions.next_broadcast_id()
    data = {
        "text": body.text,
        "sender": user.user_id,
        "sender_name": user.name,
        "team_id": body.team_id,
        "broadcast": True,
        "pinned": True,
        "broadcast_id": broadcast_id,
    }
    await _record(runtime, scope, EventType.SUPERVISOR_MESSAGE, None, data)
    return runtime.supervision.actions.broadcasts[broadcast_id]


@router.delete("/supervision/broadcasts/{broadcast_id}", response_model=CommandResult)
async def withdraw(broadcast_id: str, scope: FloorScope, runtime: RuntimeDep) -> CommandResult:
    runtime.catch_up()
    pinned = runtime.supervision.actions.broadcasts.get(broadcast_id)
    if pinned is None:
        raise not_found("broadcast", broadcast_id)
    if not scope.reach.whole_floor and pinned.team_id not in scope.reach.teams:
        raise out_of_scope(f"broadcast {broadcast_id} is not to a team you supervise")
    data = {"broadcast_id": broadcast_id, "team_id": pinned.team_id, "by": scope.principal.user_id}
    return CommandResult(seq=await _record(runtime, scope, MESSAGE_WITHDRAWN, None, data))


@router.get("/supervision/broadcasts", response_model=Broadcasts)
async def broadcasts(scope: ReaderScope, runtime: RuntimeDep) -> Broadcasts:
    """The broadcasts pinned now: a supervisor's teams' (the floor manager's all), and for
    an agent those on its desk (its team's and the floor's)."""
    runtime.catch_up()
    reach = scope.reach
    own_team = None
    if reach.own_seat:
        seat = runtime.floor.agents.get(reach.user_id)
        own_team = seat.team if seat is not None else None
    active = [
        b
        for b in runtime.supervision.actions.broadcasts.values()
        if reach.whole_floor
        or b.team_id in reach.teams
        or (reach.own_seat and (b.team_id is None or b.team_id == own_team))
    ]
    return Broadcasts(active=active)


# ---------------------------------------------------------------------- agents' states


@router.post("/supervision/agents/{agent_id}/state", response_model=ForceStateResult)
async def force_state(
    agent_id: str, body: ForceStateRequest, scope: FloorScope, runtime: RuntimeDep
) -> ForceStateResult:
    """Now when the agent is off calls; after its current call when it is on one.
    Simulated agents follow their own schedule: the engine refuses (409 `not_human`)."""
    agent = _agent(runtime, scope, agent_id)
    if agent.state == "logged_out":
        raise ApiError(409, "logged_out", f"agent {agent_id} is logged out")
    after_call = agent.state in ON_A_CALL
    args = {"agent_id": agent_id, "state": body.state, "reason": body.reason}
    await runtime.command(
        "set_pending" if after_call else "set_state", args, scope.principal.user_id
    )
    data = {
        "state": body.state,
        "reason": body.reason,
        "by": scope.principal.user_id,
        "after_call": after_call,
    }
    seq = await _record(runtime, scope, FORCED_STATE, agent_id, data)
    return ForceStateResult(seq=seq, after_call=after_call)


@router.post("/supervision/agents/{agent_id}/end-wrapup", response_model=CommandResult)
async def end_wrapup(
    agent_id: str, body: EndWrapupRequest, scope: FloorScope, runtime: RuntimeDep
) -> CommandResult:
    """End an agent's wrap-up now. (The engine ends a human's wrap-up by itself at its
    queue's limit, so a wrap-up the supervisor sees running long is still within it.)"""
    agent = _agent(runtime, scope, agent_id)
    call_id = agent.call_id or agent.last_call_id
    if agent.state != "wrap_up" or call_id is None:
        raise ApiError(409, "not_in_wrap_up", f"agent {agent_id} is not wrapping up a call")
    codes = [c.code for c in runtime.config.wrapup_codes]
    code = body.code or (codes[0] if codes else "resolved")
    user = scope.principal.user_id
    notes = f"结束话后 wrap-up ended by supervisor {user}"
    wrapup = {"agent_id": agent_id, "call_id": call_id, "code": code, "notes": notes}
    await runtime.command("wrapup", wrapup, user)
    data = {"call_id": call_id, "code": code, "by": user}
    return CommandResult(seq=await _record(runtime, scope, WRAPUP_ENDED, agent_id, data))


@router.post("/supervision/agents/{agent_id}/whisper", response_model=CommandResult)
async def whisper(
    agent_id: str, body: WhisperRequest, scope: FloorScope, runtime: RuntimeDep
) -> CommandResult:
    """Coach text that only the agent sees, during its call."""
    agent = _agent(runtime, scope, agent_id)
    if agent.state not in ON_A_CALL or agent.call_id is None:
        raise ApiError(409, "not_on_a_call", f"agent {agent_id} is not on a call")
    data = {"text": body.text, "by": scope.principal.user_id, "call_id": agent.call_id}
    return CommandResult(seq=await _record(runtime, scope, WHISPER, agent_id, data))


# ---------------------------------------------------------------------- monitoring


@router.post("/supervision/monitors", response_model=MonitorSession, status_code=201)
async def monitor(body: MonitorRequest, scope: FloorScope, runtime: RuntimeDep) -> MonitorSession:
    """Listen in silently to a call: an agent's, a queue's (DNIS), a customer's, or one at
    random among the calls the caller supervises."""
    runtime.catch_up()
    live = []
    for agent in scope.agents():
        call = runtime.floor.call(agent.call_id) if agent.call_id else None
        if agent.state == "busy" and call is not None and agent.agent_id != scope.reach.user_id:
            live.append((agent, call))
    chosen_by = "random"
    if body.agent_id is not None:
        chosen_by, live = "agent", [(a, c) for a, c in live if a.agent_id == body.agent_id]
    elif body.queue_id is not None:
        chosen_by, live = "queue", [(a, c) for a, c in live if c.queue_id == body.queue_id]
    elif body.customer_id is not None:
        chosen_by = "customer"
        live = [(a, c) for a, c in live if c.customer_id == body.customer_id]
    if not live:
        raise ApiError(409, "no_call", "no call of yours to listen to matches")
    agent, call = random.Random(runtime.hub.last_seq).choice(
        sorted(live, key=lambda p: p[0].agent_id)
    )
    actions = runtime.supervision.actions
    monitor_id = actions.next_monitor_id()
    data = {
        "monitor_id": monitor_id,
        "agent_id": agent.agent_id,
        "call_id": call.call_id,
        "queue_id": call.queue_id,
        "by": scope.principal.user_id,
        "chosen_by": chosen_by,
        "team_id": agent.team,
    }
    scope.audit_read("call.monitor", call.call_id, call_id=call.call_id)
    await _record(runtime, scope, MONITOR_STARTED, agent.agent_id, data)
    return actions.monitors[monitor_id]


def _session(runtime: CentreRuntime, scope: Scope, monitor_id: str) -> MonitorSession:
    runtime.catch_up()
    session = runtime.supervision.actions.monitors.get(monitor_id)
    if session is None:
        raise not_found("monitor", monitor_id)
    if session.by != scope.principal.user_id and not scope.reach.whole_floor:
        raise out_of_scope(f"monitoring session {monitor_id} is someone else's")
    return session


@router.post("/supervision/monitors/{monitor_id}/barge", response_model=CommandResult)
async def barge(monitor_id: str, scope: FloorScope, runtime: RuntimeDep) -> CommandResult:
    """Join the call being monitored: from now the agent (and the caller) hear the supervisor."""
    session = _session(runtime, scope, monitor_id)
    data = {"monitor_id": monitor_id, "call_id": session.call_id, "by": scope.principal.user_id}
    return CommandResult(seq=await _record(runtime, scope, BARGED, session.agent_id, data))


@router.delete("/supervision/monitors/{monitor_id}", response_model=CommandResult)
async def stop_monitor(monitor_id: str, scope: FloorScope, runtime: RuntimeDep) -> CommandResult:
    session = _session(runtime, scope, monitor_id)
    data = {
        "monitor_id": monitor_id,
        "call_id": session.call_id,
        "by": scope.principal.user_id,
        "team_id": runtime.floor.agents[session.agent_id].team,
    }
    return CommandResult(seq=await _record(runtime, scope, MONITOR_ENDED, session.agent_id, data))


@router.get("/supervision/agents/{agent_id}/screen", response_model=DeskScreenState)
async def agent_screen(agent_id: str, scope: FloorScope, runtime: RuntimeDep) -> DeskScreenState:
    """What the agent's desk shows now (its last `agent.screen`); the feed carries the next."""
    _agent(runtime, scope, agent_id)
    last = runtime.last_screens.get(agent_id)
    if last is None:
        raise not_found("screen", agent_id)
    scope.audit_read("agent.screen", agent_id)
    return DeskScreenState.model_validate(last[1])
