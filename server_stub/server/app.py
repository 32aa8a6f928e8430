"""`create_app(runtime)`: the FastAPI application, with JSON errors that never leak a 500."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server_stub.protocol.api import ErrorResponse
from server_stub.server.activity import escape
from server_stub.server.body_limit import BodyLimit
from server_stub.server.errors import ApiError
from server_stub.server.routes import (
    agent,
    agent_tickets,
    attendance,
    auth,
    calls,
    customers,
    events,
    knowledge,
    quality,
    scripts,
    shift,
    supervision,
    supervision_actions,
    supervisor,
    survey,
    tickets,
    trainer,
    training,
    workflow,
)
from server_stub.server.routes import (
    centre as centre_routes,
)
from server_stub.server.routes import staffing as staffing_routes
from server_stub.server.runtime import CentreRuntime

log = logging.getLogger("server")

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (400, "bad request"),
        (401, "not logged in, or the token expired"),
        (403, "the role or the owner does not allow it"),
        (404, "no such thing"),
        (409, "the centre's state does not allow it now"),
        (413, "the request body is too large"),
        (422, "the request does not match its schema"),
        (429, "too many attempts (logins, searches): see Retry-After"),
    )
}


def create_app(runtime: CentreRuntime, *, manage_runtime: bool = True) -> FastAPI:
    """The API around `runtime`. With `manage_runtime`, the app starts and stops the
    runtime's driver with its lifespan (uvicorn); tests with a paused clock may not."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_runtime:
            await runtime.start()
        try:
            yield
        finally:
            if manage_runtime:
                await runtime.stop()

    app = FastAPI(
        title="agent-tui centre API",
        version="1",
        description="The simulated call centre: commands, queries, auth and the SSE event feed.",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.runtime = runtime
    app.add_middleware(BodyLimit)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
        return JSONResponse(error.body(), status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in error.errors()
        ]
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        body = {
            "error": {
                "code": "invalid_request",
                "message": f"{where}: {first['msg']}" if where else str(first["msg"]),
                "details": jsonable_encoder(details),
            }
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            error.status_code, "http_error"
        )
        body = {"error": {"code": code, "message": str(error.detail)}}
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        # A bug, not a bad request: log it in full; the client still gets JSON.
        log.exception("unhandled error on %s %s", request.method, escape(request.url.path))
        body = {"error": {"code": "internal_error", "message": "the server hit a bug"}}
        return JSONResponse(body, status_code=500)

    for module in (
        attendance,
        auth,
        agent,
        calls,
        customers,
        tickets,
        agent_tickets,  # the desk's ticket tracking
        centre_routes,
        scripts,
        knowledge,
        supervisor,
        supervision,
        supervision_actions,
        trainer,
        workflow,
        quality,
        training,
        survey,  # the post-call survey (IN8)
        shift,  # the agent's own shift figures (ST3)
    ):
        app.include_router(module.router, prefix="/v1")
    app.include_router(staffing_routes.router, prefix="/v1")  # issue 10 item 6
    app.include_router(events.router, prefix="/v1")
    return app
