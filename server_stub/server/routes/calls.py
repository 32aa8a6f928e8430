"""Call controls (answer, hold, transfer, wrap-up…), outbound dial, screen pop, callbacks.

An agent may act only on a call it has (or had, for wrap-up): anything else is 403
`not_your_call`. What the engine refuses (wrong state) comes back as 409 with its code.
A screen pop is read by the call's agents, their supervisors and the floor (`scope.py`);
dial and callbacks name only customers the agent may read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from server_stub.protocol.api import (
    Callback,
    CallbackList,
    CallbackRequest,
    CommandResult,
    ConsultRequest,
    DialRequest,
    ScreenPop,
    TransferRequest,
    WrapupRequest,
)
from server_stub.protocol.call_facts import BOOKED_KIND
from server_stub.protocol.desk_screen import (
    HoldRequest,
    ScriptProgress,
    ScriptStepRequest,
    WrapupExtended,
    WrapupNotesRequest,
    walked_path,
)
from server_stub.protocol.events import CALL_PARTY_EVENTS, Event, EventType
from server_stub.server.auth import Principal
from server_stub.server.deps import AgentUser, RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found, request_id_reused
from server_stub.server.floor import CallView
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope
from server_stub.server.ticket_access import check_callback_time

router = APIRouter(tags=["calls"])

CALL_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


def live_call(runtime: CentreRuntime, call_id: str) -> CallView:
    runtime.catch_up()
    call = runtime.floor.call(call_id)
    if call is None:
        raise not_found("call", call_id)
    return call


def own_call(runtime: CentreRuntime, call_id: str, user: Principal) -> CallView:
    """A call the agent has or had (controls act on the caller's own seat only)."""
    call = live_call(runtime, call_id)
    if user.user_id not in call.agents:
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
async def hold(
    call_id: str, user: AgentUser, runtime: RuntimeDep, body: HoldRequest | None = None
) -> CommandResult:
    """The body is optional: `{phrase: true}` when the agent said the standard hold phrase."""
    said = body or HoldRequest()
    extra: dict[str, Any] = {"phrase": True} if said.phrase else {}
    if said.script_step is not None:
        extra["script_step"] = said.script_step
    return await _call_command(runtime, "hold", call_id, user, **extra)


@router.post("/calls/{call_id}/script", response_model=CommandResult, status_code=201)
async def script_step(
    call_id: str, body: ScriptStepRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    """A step of the call's flow script walked (or undone), logged as `call.script_step`."""
    call = own_call(runtime, call_id, user)
    data: dict[str, Any] = {"step": body.step}
    if body.back:
        data["back"] = True
    else:
        data.update(key=body.key, next=body.next)
    args = {
        "type": EventType.CALL_SCRIPT_STEP.value,
        "call_id": call_id,
        "agent_id": user.user_id,
        "queue_id": call.queue_id,
        "data": data,
    }
    applied = await runtime.command("record", args, user.user_id)
    return CommandResult(seq=applied.seq, call_id=call_id)


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


@router.get("/calls/{call_id}/script", response_model=ScriptProgress)
async def script_progress(call_id: str, user: AgentUser, runtime: RuntimeDep) -> ScriptProgress:
    """Where the agent's walk of the call's script stands (its own call only)."""
    own_call(runtime, call_id, user)
    steps = (
        event.data
        for event in runtime.store.call_events(call_id)
        if event.type == EventType.CALL_SCRIPT_STEP and event.agent_id == user.user_id
    )
    return ScriptProgress(call_id=call_id, path=walked_path(steps))


@router.get("/calls/{call_id}/parties", response_model=list[Event])
async def call_parties(call_id: str, user: AgentUser, runtime: RuntimeDep) -> list[Event]:
    """The events that say who is on the call's line (a consult, a conference), for a desk
    logging in mid-call to fold as its feed would have (its own call only; no pops)."""
    own_call(runtime, call_id, user)
    return [
        event.model_copy(update={"data": {k: v for k, v in event.data.items() if k != "pop"}})
        for event in runtime.store.call_events(call_id)
        if event.type in CALL_PARTY_EVENTS
    ]


@router.put("/calls/{call_id}/wrapup/notes", response_model=CommandResult)
async def save_wrapup_notes(
    call_id: str, body: WrapupNotesRequest, user: AgentUser, runtime: RuntimeDep
) -> CommandResult:
    """Notes typed so far: they go with the automatic wrap-up if the time runs out."""
    return await _call_command(
        runtime,
        "save_wrapup_notes",
        call_id,
        user,
        notes=body.notes,
        script_path=[list(pair) for pair in body.script_path],
    )


@router.post("/calls/{call_id}/wrapup/extend", response_model=WrapupExtended)
async def extend_wrapup(call_id: str, user: AgentUser, runtime: RuntimeDep) -> WrapupExtended:
    """Once per wrap-up, where the queue allows it (`wrapup_extend_s`; else 409)."""
    own_call(runtime, call_id, user)
    args = {"agent_id": user.user_id, "call_id": call_id}
    applied = await runtime.command("extend_wrapup", args, user.user_id)
    return WrapupExtended(seq=applied.seq, wrapup_deadline=float(applied.value))


AgentScope = Annotated[Scope, Depends(scoped("agent"))]
PopReader = Annotated[Scope, Depends(scoped("agent", "supervisor", "admin"))]


@router.post("/calls/dial", response_model=CommandResult)
async def dial(body: DialRequest, scope: AgentScope, runtime: RuntimeDep) -> CommandResult:
    user = scope.principal
    if body.customer_id is not None:
        if runtime.store.customer(body.customer_id) is None:
            raise not_found("customer", body.customer_id)
        runtime.catch_up()
        scope.check_customer(body.customer_id)  # the dial's pop would show the customer
    args = {"agent_id": user.user_id, "number": body.number, "customer_id": body.customer_id}
    applied = await runtime.command("dial", args, user.user_id)
    return CommandResult(seq=applied.seq, call_id=applied.call_id)


@router.get("/calls/{call_id}/pop", response_model=ScreenPop)
async def screen_pop(call_id: str, scope: PopReader, runtime: RuntimeDep) -> ScreenPop:
    call = live_call(runtime, call_id)
    scope.check_call(call)
    return call_pop(runtime, scope, call)


def call_pop(runtime: CentreRuntime, scope: Scope, call: CallView) -> ScreenPop:
    """The pop of a live call as it stands (its customer may have been linked since)."""
    pop = runtime.pops.build(
        call_id=call.call_id,
        queue_id=call.queue_id,
        customer_id=call.customer_id,
        ani=call.ani,
        tier=call.tier,
        waited_s=call.waited_s,
        ivr_path=list(call.ivr_path),
    )
    return pop.model_copy(update={"open_tickets": scope.readable_tickets(pop.open_tickets)})


CALLBACK_FIELDS = ("customer_id", "number", "due_at", "note")


@router.post("/callbacks", response_model=Callback, status_code=201)
async def schedule_callback(
    body: CallbackRequest, scope: AgentScope, runtime: RuntimeDep
) -> Callback:
    user = scope.principal
    existing = runtime.store.callback_by_request(body.request_id, agent_id=user.user_id)
    if existing is not None:
        if any(getattr(existing, f) != getattr(body, f) for f in CALLBACK_FIELDS):
            raise request_id_reused("callback")
        return existing
    if runtime.store.customer(body.customer_id) is None:
        raise not_found("customer", body.customer_id)
    runtime.catch_up()
    scope.check_customer(body.customer_id)
    # OB3: only a time the centre is open (ticket_access.check_callback_time)
    check_callback_time(runtime.workflow.calendar, runtime.tickets.epoch, body.due_at, runtime.now)
    callback = Callback(
        id=f"CB{runtime.store.callback_count() + 1:06d}",
        request_id=body.request_id,
        customer_id=body.customer_id,
        number=body.number,
        due_at=body.due_at,
        note=body.note,
        agent_id=user.user_id,
        created_at=runtime.now,
    )
    runtime.store.put_callback(callback)
    runtime.note_booked_callback(callback.due_at)
    agent = runtime.floor.agents.get(user.user_id)
    call_id = (agent.call_id or agent.last_call_id) if agent is not None else None
    scheduled = {
        "callback_id": callback.id,
        "customer_id": callback.customer_id,
        "number": callback.number,
        "due_at": callback.due_at,
        "note": callback.note,
        "kind": BOOKED_KIND,
    }
    await _record_callback(runtime, user, CALLBACK_SCHEDULED, scheduled, call_id)
    return callback


CALLBACK_SCHEDULED, CALLBACK_CANCELLED = "callback.scheduled", "callback.cancelled"


async def _record_callback(
    runtime: CentreRuntime,
    user: Principal,
    kind: str,
    data: dict[str, Any],
    call_id: str | None = None,
) -> None:
    args = {"type": kind, "agent_id": user.user_id, "call_id": call_id, "data": data}
    await runtime.command("record", args, user.user_id)


@router.get("/callbacks", response_model=CallbackList)
async def my_callbacks(scope: AgentScope, runtime: RuntimeDep) -> CallbackList:
    """The callbacks this agent booked and has not cancelled, soonest first (its own only)."""
    return CallbackList(callbacks=runtime.store.callbacks_of(scope.principal.user_id))


@router.post("/callbacks/{callback_id}/cancel", response_model=Callback)
async def cancel_callback(callback_id: str, scope: AgentScope, runtime: RuntimeDep) -> Callback:
    """Cancel one of this agent's callbacks (logged as `callback.cancelled`); again is a
    no-op; anyone else's is 404, as if it did not exist."""
    user = scope.principal
    callback = runtime.store.callback(callback_id)
    if callback is None or callback.agent_id != user.user_id:
        raise not_found("callback", callback_id)
    if callback.status == "cancelled":
        return callback
    if callback.status != "scheduled":
        raise ApiError(409, "callback_done", f"callback {callback_id} is {callback.status}")
    runtime.store.set_callback_status(callback_id, "cancelled")
    cancelled = {
        "callback_id": callback.id,
        "customer_id": callback.customer_id,
        "due_at": callback.due_at,
    }
    await _record_callback(runtime, user, CALLBACK_CANCELLED, cancelled)
    return callback.model_copy(update={"status": "cancelled"})
