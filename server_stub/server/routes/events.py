"""`GET /v1/events`: the SSE feed, filtered by scope, resumable with `Last-Event-ID`.

`Last-Event-ID` (the header, or the `last_event_id` query) is the seq of the last event the
client has: a whole number, 0 for "everything from the start". Anything else (negative,
not a number) is refused with 422, the header and the query alike. The stream ends when
the session does (logout, expiry) and when the server stops.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from starlette.responses import StreamingResponse

from server_stub.server.deps import AnyUser, RuntimeDep
from server_stub.server.errors import ApiError
from server_stub.server.feed import StreamSession
from server_stub.server.scope import audience_for

router = APIRouter(tags=["events"])

# Why not sse-starlette's EventSourceResponse: per chunk it opens an anyio cancel scope and
# per client it runs a ping task; with 1,000 clients that overhead doubled the fan-out time
# (bench/fanout.py). The hub encodes the SSE frames itself and sends the pings.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def resume_point(query: int | None, header: str | None) -> int | None:
    """Where the client resumes: the query wins over the header; both must be ≥ 0."""
    if query is not None:
        return query
    if header is None or not header.strip():
        return None
    text = header.strip()
    if not text.isdigit():  # no sign, no spaces, no "1e3": a seq as this server sent it
        raise ApiError(
            422,
            "invalid_last_event_id",
            f"Last-Event-ID must be a seq this server sent (a whole number ≥ 0), not {text!r}",
        )
    return int(text)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`id: seq`, `event: type`, `data: Event JSON`; `resync` when behind",
        }
    },
)
async def event_stream(
    user: AnyUser,
    runtime: RuntimeDep,
    last_event_id: Annotated[
        int | None, Query(ge=0, description="resume after this seq (or the header); 0: all")
    ] = None,
    last_event_id_header: Annotated[
        str | None, Header(alias="Last-Event-ID", include_in_schema=False)
    ] = None,
) -> StreamingResponse:
    resume_from = resume_point(last_event_id, last_event_id_header)
    runtime.catch_up()
    scope = runtime.scope(user)
    scope.audit_read("feed.open", ",".join(sorted(scope.reach.teams)) or "floor")
    stream = runtime.hub.stream(
        audience_for(user, runtime.floor),
        resume_from,
        StreamSession(token_hash=user.token_hash, expires_at=user.expires_at),
    )
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)
