"""Health, login and logout."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request

from server_stub.protocol.api import (
    HealthResponse,
    LoginRequest,
    LoginResponse,
    OkResponse,
    Role,
    UserInfo,
)
from server_stub.server.auth import Principal
from server_stub.server.deps import AnyUser, RuntimeDep
from server_stub.server.floor import Floor

router = APIRouter(tags=["session"])


@router.get("/health", response_model=HealthResponse)
async def health(runtime: RuntimeDep) -> HealthResponse:
    return HealthResponse(
        sim_time=runtime.sim_now(),
        speed=runtime.speed,
        epoch=runtime.config.centre.epoch,
        last_seq=runtime.hub.last_seq,
        centre=runtime.config.centre.name,
        log_id=runtime.log_id,
    )


@router.post("/auth/login", response_model=LoginResponse)
async def login(body: LoginRequest, request: Request, runtime: RuntimeDep) -> LoginResponse:
    # The peer's address (uvicorn runs without proxy headers: a client cannot claim one).
    source = request.client.host if request.client is not None else "unknown"
    session = await runtime.auth.login(body.user_id, body.password, source)
    principal = session.principal
    return LoginResponse(
        token=session.token,
        role=cast(Role, principal.role),
        roles=[cast(Role, role) for role in principal.roles],
        expires_at=principal.expires_at,
        user=user_info(runtime.floor, principal),
    )


@router.post("/auth/logout", response_model=OkResponse)
async def logout(user: AnyUser, runtime: RuntimeDep) -> OkResponse:
    runtime.auth.end_session(user.token_hash)
    return OkResponse()


def user_info(floor: Floor, principal: Principal) -> UserInfo:
    agent = floor.agents.get(principal.user_id) if principal.has("agent") else None
    return UserInfo(
        id=principal.user_id,
        name=principal.name,
        role=cast(Role, principal.role),
        roles=[cast(Role, role) for role in principal.roles],
        teams=list(principal.teams),
        queues=list(agent.queues) if agent is not None else [],
    )
