"""Trainer and admin controls: inject a caller now (TR1), set or step the clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server_stub.protocol.api import ClockRequest, ClockStatus, CommandResult, TrainerCallRequest
from server_stub.server.auth import Principal
from server_stub.server.deps import RuntimeDep, require
from server_stub.server.errors import ApiError, not_found

router = APIRouter(tags=["trainer"])

TrainerUser = Annotated[Principal, Depends(require("trainer", "admin"))]
AdminUser = Annotated[Principal, Depends(require("admin"))]


@router.post("/trainer/calls", response_model=CommandResult, status_code=201)
async def inject_call(
    body: TrainerCallRequest, user: TrainerUser, runtime: RuntimeDep
) -> CommandResult:
    if body.queue_id not in runtime.floor.queue_stats:
        raise not_found("queue", body.queue_id)
    if body.customer_id is not None and runtime.store.customer(body.customer_id) is None:
        raise not_found("customer", body.customer_id)
    args = {"queue_id": body.queue_id, "customer_id": body.customer_id}
    applied = await runtime.command("inject_call", args, user.user_id)
    return CommandResult(seq=applied.seq, call_id=applied.call_id)


@router.get("/admin/clock", response_model=ClockStatus)
async def clock(user: AdminUser, runtime: RuntimeDep) -> ClockStatus:
    return ClockStatus(
        sim_time=runtime.sim_now(), speed=runtime.speed, last_seq=runtime.hub.last_seq
    )


@router.post("/admin/clock", response_model=ClockStatus)
async def set_clock(body: ClockRequest, user: AdminUser, runtime: RuntimeDep) -> ClockStatus:
    if body.speed is not None:
        runtime.set_speed(body.speed)
    if body.advance_s is not None:
        if runtime.speed > 0:
            raise ApiError(409, "clock_running", "pause the clock (speed 0) before stepping it")
        runtime.advance(body.advance_s)
    return ClockStatus(
        sim_time=runtime.sim_now(), speed=runtime.speed, last_seq=runtime.hub.last_seq
    )
