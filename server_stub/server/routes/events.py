"""`GET /v1/events`: the SSE feed, filtered by role, resumable with `Last-Event-ID`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from starlette.responses import StreamingResponse

from server_stub.server.auth import Principal
from server_stub.server.deps import AnyUser, RuntimeDep
from server_stub.server.feed import Audience
from server_stub.server.runtime import CentreRuntime

router = APIRouter(tags=["events"])

# Why not sse-starlette's EventSourceResponse: per chunk it opens an anyio cancel scope and
# per client it runs a ping task; with 1,000 clients that overhead doubled the fan-out time
# (bench/fanout.py). The hub encodes the SSE frames itself and sends the pings.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def audience_for(runtime: CentreRuntime, user: Principal) -> Audience:
    floor = runtime.floor
    teams = frozenset(user.teams)
    audience = Audience(user_id=user.user_id, role=user.role, teams=teams)
    if user.role == "agent":
        agent = floor.agents.get(user.user_id)
        if agent is not None:
            audience.queues = frozenset(agent.queues)
            # Calls it already has: their later events may not name the agent.
            for call_id in (agent.last_call_id, agent.call_id):
                if call_id is not None and call_id not in audience.my_calls:
                    audience.my_calls.append(call_id)
    elif user.role == "supervisor":
        audience.team_agents = floor.team_agents(teams)
    return audience


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
        int | None, Query(ge=0, description="resume after this seq (or the header)")
    ] = None,
    last_event_id_header: Annotated[
        str | None, Header(alias="Last-Event-ID", include_in_schema=False)
    ] = None,
) -> StreamingResponse:
    resume_from = last_event_id
    if resume_from is None and last_event_id_header:
        try:
            resume_from = max(0, int(last_event_id_header.strip()))
        except ValueError:
            resume_from = None  # a garbled header: start live, as a new client would
    runtime.catch_up()
    stream = runtime.hub.stream(audience_for(runtime, user), resume_from)
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)
