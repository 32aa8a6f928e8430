"""Call controls (answer, hold, transfer, wrap-up…), outbound dial, screen pop, callbacks.

An agent may act only on a call it has (or had, for wrap-up): anything else is 403
`not_your_call`. What the engine refuses (wrong state) comes back as 409 with its code.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from server_stub.protocol.api import (
    Callback,
    CallbackRequest,
    CommandResult,
    ConsultRequest,
    DialRequest,
    ScreenPop,
    TransferRequest,
    WrapupRequest,
)
from server_stub.server.auth import Principal
from server_stub.server.deps import AgentUser, RuntimeDep, require
from server_stub.server.errors import ApiError, not_found, request_id_taken
from server_stub.server.floor import CallView
from server_stub.server.runtime import CentreRuntime

router = APIRouter(tags=["calls"])

CALL_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


def own_call(runtime: CentreRuntime, call_id: str, user: Principal) -> CallView:
    runtime.catch_up()
    call = runtime.floor.call(call_id)
    if call is None:
        raise not_found("call", call_id)
    if user.role == "agent" and user.user_id not in call.agents:
        raise ApiError(403, "not_your_call", f"call {call_id} is not yours")
    return call


async def _call_command(
    runtime: CentreRuntime, kind: str, call_id: str, user: Principal, **extra: Any
) -> CommandResult:
    own_call(runtime, call_id, user)
    args = {"agent_id": user.user_id, "call_id": call_id, **extra}
    applied = await runtime.command(kind, args, user.user_id)
    return CommandResult(seq=applied.seq, call_id=call_id)


@router.post("/calls/{call_id}/answer", response_model=CommandResult)
async def answer(call_id: str, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    return await _call_command(runtime, "answer", call_id, user)


@router.post("/calls/{call_id}/reject", response_model=CommandResult)
async def reject(call_id: str, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    return await _call_command(runtime, "reject", call_id, user)


@router.post("/calls/{call_id}/hold", response_model=CommandResult)
async def hold(call_id: str, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    return await _call_command(runtime, "hold", call_id, user)


@router.post("/calls/{call_id}/retrieve", response_model=CommandResult)
async def retrieve(call_id: str, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    return await _call_command(runtime, "retrieve", call_id, user)


@router.post("/calls/{call_id}/hangup", response_model=CommandResult)
async def hangup(call_id: str, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    return await _call_command(runtime, "hangup", call_id, user)


@router.post("/calls/{call_id}/transfer", response_model=CommandResult)
async def transfer(
    call_id: str, body: TransferRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    if body.agent_id is not None and body.agent_id not in runtime.floor.agents:
        raise not_found("agent", body.agent_id)
    if body.queue_id is not None and body.queue_id not in runtime.floor.queue_stats:
        raise not_found("queue", body.queue_id)
    if body.agent_id == user.user_id:
        raise ApiError(409, "transfer_to_self", "a call cannot be transferred to yourself")
    return await _call_command(
        runtime,
        "transfer",
        call_id,
        user,
        mode=body.mode,
        to_agent=body.agent_id,
        to_queue=body.queue_id,
    )


@router.post("/calls/{call_id}/consult", response_model=CommandResult)
async def consult(
    call_id: str, body: ConsultRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    return await _call_command(runtime, "consult", call_id, user, action=body.action)


@router.post("/calls/{call_id}/wrapup", response_model=CommandResult)
async def wrapup(
    call_id: str, body: WrapupRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    known = {c.code for c in runtime.config.wrapup_codes}
    if known and body.code not in known:
        raise ApiError(422, "unknown_wrapup_code", f"{body.code!r} is not a wrap-up code")
    return await _call_command(
        runtime,
        "wrapup",
        call_id,
        user,
        code=body.code,
        notes=body.notes,
        script_path=[list(pair) for pair in body.script_path],
    )


@router.post("/calls/dial", response_model=CommandResult)
async def dial(body: DialRequest, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    if body.customer_id is not None and runtime.store.customer(body.customer_id) is None:
        raise not_found("customer", body.customer_id)
    args = {"agent_id": user.user_id, "number": body.number, "customer_id": body.customer_id}
    applied = await runtime.command("dial", args, user.user_id)
    return CommandResult(seq=applied.seq, call_id=applied.call_id)


PopReader = Annotated[Principal, Depends(require("agent", "supervisor", "admin"))]


@router.get("/calls/{call_id}/pop", response_model=ScreenPop)
async def screen_pop(call_id: str, user: PopReader, runtime: RuntimeDep) -> ScreenPop:
    call = own_call(runtime, call_id, user)
    return runtime.screen_pop(
        call_id=call.call_id,
        queue_id=call.queue_id,
        customer_id=call.customer_id,
        ani=call.ani,
        tier=call.tier,
        waited_s=call.waited_s,
        ivr_path=list(call.ivr_path),
    )


@router.post("/callbacks", response_model=Callback, status_code=201)
async def schedule_callback(
    body: CallbackRequest, user: AgentUser, runtime: RuntimeDep
) -> Callback:
    existing = runtime.store.callback_by_request(body.request_id)
    if existing is not None:
        if existing.agent_id != user.user_id:
            raise request_id_taken()
        return existing
    if runtime.store.customer(body.customer_id) is None:
        raise not_found("customer", body.customer_id)
    runtime.catch_up()
    callback = Callback(
        id=f"CB-{body.request_id}",
        request_id=body.request_id,
        customer_id=body.customer_id,
        number=body.number,
        due_at=body.due_at,
        note=body.note,
        agent_id=user.user_id,
        created_at=runtime.engine.now,
    )
    runtime.store.put_callback(callback)
    return callback
