"""`GET /v1/agent/shift`: the calling agent's own shift today (ST3), and no one else's.

The figures are `ShiftCompanion`'s (`server_stub.supervision.shift`), defined in
`protocol.agent_shift`. Only an agent login reaches it (a team leader's own seat too);
it names no agent: there is no way to ask for another's.
"""

from __future__ import annotations

from fastapi import APIRouter

from server_stub.protocol.agent_shift import AgentShift
from server_stub.server.deps import AgentUser, RuntimeDep
from server_stub.server.routes.agent import my_view

router = APIRouter(tags=["agent"])


@router.get("/agent/shift", response_model=AgentShift)
async def my_shift(user: AgentUser, runtime: RuntimeDep) -> AgentShift:
    runtime.catch_up()
    my_view(runtime, user.user_id)
    return runtime.shifts.shift(user.user_id, runtime.engine.now, runtime.hub.last_seq)
