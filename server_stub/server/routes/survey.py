"""`POST /v1/calls/{call_id}/survey`: the agent transfers its caller to the post-call survey.

The agent leaves the call as after a hang-up (it wraps up); the call ends with reason
"survey" and the survey companion (`server_stub.survey`) offers it and logs the caller's
score or hang-up. Only the agent talking on the call may: another's call is 403
`not_your_call`, a call not connected (ringing, in wrap-up) is 409 `invalid_state`.
"""

from __future__ import annotations

from fastapi import APIRouter

from server_stub.protocol.api import CommandResult
from server_stub.server.deps import AgentUser, RuntimeDep
from server_stub.server.routes.calls import own_call

router = APIRouter(tags=["calls"])


@router.post("/calls/{call_id}/survey", response_model=CommandResult)
async def transfer_to_survey(call_id: str, user: AgentUser, runtime: RuntimeDep) -> CommandResult:
    own_call(runtime, call_id, user)
    args = {"agent_id": user.user_id, "call_id": call_id}
    applied = await runtime.command("survey", args, user.user_id)
    return CommandResult(seq=applied.seq, call_id=call_id)
