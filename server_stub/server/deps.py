"""Request dependencies: the runtime, and the caller's identity checked against roles (SV6)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server_stub.server.auth import ROLES, Principal
from server_stub.server.errors import ApiError
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope

bearer = HTTPBearer(auto_error=False, description="the token from POST /v1/auth/login")

ANY_ROLE: tuple[str, ...] = ROLES
FLOOR_READERS: tuple[str, ...] = ("supervisor", "admin")


def get_runtime(request: Request) -> CentreRuntime:
    runtime: CentreRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[CentreRuntime, Depends(get_runtime)]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def authorize(
    runtime: CentreRuntime,
    credentials: HTTPAuthorizationCredentials | None,
    allowed: frozenset[str],
) -> Principal:
    """The caller, if its token is good and one of its roles is `allowed` (else 401/403)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "not_authenticated", "log in and send Authorization: Bearer <token>")
    principal = runtime.auth.authenticate(credentials.credentials)
    if principal is None:
        raise ApiError(401, "invalid_token", "the token is unknown or has expired")
    if allowed.isdisjoint(principal.roles):
        raise ApiError(
            403,
            "forbidden_role",
            f"{_with_article(principal.role)} may not do this "
            f"(needs {' or '.join(sorted(allowed))})",
        )
    return principal


def _with_article(role: str) -> str:
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"  # an admin, an evaluator


def require(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets in only callers with one of `roles` (401 without a token)."""
    allowed = frozenset(roles)

    async def check(runtime: RuntimeDep, credentials: Credentials) -> Principal:
        return authorize(runtime, credentials, allowed)

    return check


def scoped(*roles: str) -> Callable[..., Awaitable[Scope]]:
    """Like `require`, but hands the route the caller's `Scope` (what it may read)."""
    allowed = frozenset(roles)

    async def scope(runtime: RuntimeDep, credentials: Credentials) -> Scope:
        return runtime.scope(authorize(runtime, credentials, allowed))

    return scope


AnyUser = Annotated[Principal, Depends(require(*ANY_ROLE))]
AgentUser = Annotated[Principal, Depends(require("agent"))]
FloorReader = Annotated[Principal, Depends(require(*FLOOR_READERS))]
