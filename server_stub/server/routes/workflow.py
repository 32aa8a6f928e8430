"""Work queues by role (TK3): the queues a login works, their items, pull the next one.

A department user works the queues its centre entry names (`work_queues`); a team
leader (a supervisor) the team-leader queue of its teams, one per team; the floor
manager and the admin every queue. Items come in the order they will be pulled: highest
priority first, then the earliest deadline, then first come. Pulling takes the first
item of the caller's part of a queue (`accept`), journaled like every command.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.events import Event
from server_stub.protocol.tickets import ActorRole, TicketEventType
from server_stub.protocol.workflow_api import (
    OutboxMessage,
    TicketDetail,
    TicketFiguresView,
    WorkItemView,
    WorkQueueView,
)
from server_stub.server.auth import Principal
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError
from server_stub.server.routes.tickets import detail_of
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope
from server_stub.workflow.ticket_figures import TicketFigures
from server_stub.workflow.ticket_loop import NAME as TICKET_LOOP
from server_stub.workflow.ticket_loop import TicketRecord

router = APIRouter(tags=["workflow"])

FigureReader = Annotated[Scope, Depends(scoped("supervisor", "admin"))]
LOOP_EVENT_PREFIXES = ("ticket.", "callback.")
QueueWorker = Annotated[Scope, Depends(scoped("supervisor", "admin", "department"))]


def worked_queues(principal: Principal, runtime: CentreRuntime) -> dict[str, list[str]]:
    """queue id → the keys of it the caller works (a team leader's: one per team)."""
    loop = runtime.tickets
    worked: dict[str, list[str]] = {}
    everything = principal.has("admin") or (principal.has("supervisor") and principal.whole_floor)
    for queue in runtime.workflow.config.queues:
        if everything and queue.role == "team_leader":
            teams = [t.id for t in runtime.config.teams]
            worked[queue.id] = [*loop.keys_for_queue(queue.id, teams), queue.id]
        elif everything:
            worked[queue.id] = [queue.id]
        elif queue.role == "team_leader" and principal.has("supervisor"):
            worked[queue.id] = loop.keys_for_queue(queue.id, principal.supervises)
        elif queue.role == "department" and queue.id in principal.work_queues:
            worked[queue.id] = [queue.id]
    return worked


def item_view(
    runtime: CentreRuntime, record: TicketRecord, queue: str, due: float | None
) -> WorkItemView:
    """One item as a list shows it; `due` is its deadline instant (POSIX; inf: none)."""
    loop = runtime.tickets
    due_sim = None if due is None or due == math.inf else loop.sim_time(due)
    snapshot = record.snapshot
    return WorkItemView(
        ticket_id=snapshot.ticket_id,
        queue=queue,
        priority=snapshot.priority.value,
        due_at=due_sim,
        remaining_s=None if due_sim is None else loop.business_seconds_until(due_sim, runtime.now),
        type=snapshot.type_id,
        subject=record.subject,
        state=snapshot.state.value,
    )


def queue_view(runtime: CentreRuntime, queue_id: str, keys: list[str], limit: int) -> WorkQueueView:
    loop = runtime.tickets
    config = runtime.workflow.config.queue(queue_id)
    assert config is not None
    items = [
        item_view(runtime, loop.tickets[item.item_id], item.queue, item.due)
        for item in loop.queue_items(keys, limit)
    ]
    return WorkQueueView(
        id=keys[0] if len(keys) == 1 else queue_id,
        queue=queue_id,
        name=config.name,
        role=config.role,
        size=loop.queue_size(keys),
        items=items,
    )


HELD = "mine"  # the pseudo-queue of the tickets the caller took and still works


def held_view(runtime: CentreRuntime, holder: str, limit: int) -> WorkQueueView:
    """The tickets `holder` took: in progress or waiting, earliest deadline first."""
    loop = runtime.tickets
    records = loop.held_by(holder)
    items = [
        item_view(runtime, record, record.snapshot.queue or "", record.clocks.due_at(loop.calendar))
        for record in records[:limit]
    ]
    return WorkQueueView(
        id=HELD,
        queue=HELD,
        name="在办 Mine",
        role="holder",
        size=len(records),
        items=items,
    )


@router.get("/workflow/queues", response_model=list[WorkQueueView])
async def my_queues(
    scope: QueueWorker,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=0, le=200)] = 20,
) -> list[WorkQueueView]:
    """The tickets the caller holds (`mine`), then the work queues it works, each with its
    first `limit` items."""
    runtime.catch_up()
    worked = worked_queues(scope.principal, runtime)
    held = held_view(runtime, scope.principal.user_id, limit)
    return [held, *(queue_view(runtime, queue, keys, limit) for queue, keys in worked.items())]


@router.post("/workflow/queues/{queue_id}/next", response_model=TicketDetail)
async def pull_next(queue_id: str, scope: QueueWorker, runtime: RuntimeDep) -> TicketDetail:
    """Take the first item of the caller's part of `queue_id`: it is the caller's now."""
    runtime.catch_up()
    principal = scope.principal
    keys = worked_queues(principal, runtime).get(queue_id)
    if keys is None:
        raise ApiError(403, "not_your_queue", f"you do not work the queue {queue_id!r}")
    config = runtime.workflow.config.queue(queue_id)
    assert config is not None
    if config.role == "team_leader":
        role = ActorRole.TEAM_LEADER
    elif principal.has("department"):
        role = ActorRole.DEPARTMENT
    else:
        role = ActorRole.TEAM_LEADER  # the floor manager or the admin stands in for the lead
    args = {"keys": keys, "actor": principal.user_id, "actor_role": role.value}
    applied = await runtime.command(
        "companion", {"name": TICKET_LOOP, "method": "pull_next", "args": args}, principal.user_id
    )
    ticket_id = str(applied.value["ticket_id"])
    ticket = runtime.store.ticket(ticket_id)
    if ticket is None:
        raise ApiError(409, "not_in_workflow", f"{ticket_id} has no ticket record")
    return detail_of(ticket, scope, runtime)


@router.get("/workflow/figures", response_model=TicketFiguresView)
async def ticket_figures(scope: FigureReader, runtime: RuntimeDep) -> TicketFiguresView:
    """Tickets opened, resolved, overdue, time to resolve in business hours, reopen rate
    and satisfaction, per type and per department, folded from the log: a supervisor's
    teams', the floor manager's and the admin's of the whole floor."""
    figures = TicketFigures(runtime.workflow.calendar, runtime.tickets.epoch)
    for event in loop_events(scope, runtime):
        figures.apply(event.sim_time, event.type, event.data)
    scope.audit_read("tickets.figures", ",".join(sorted(scope.reach.teams)) or "floor")
    return TicketFiguresView.model_validate(figures.report())


def loop_events(scope: Scope, runtime: CentreRuntime) -> Iterator[Event]:
    """The ticket loop's events of the caller's teams (all of them for the whole floor)."""
    runtime.catch_up()
    reach = scope.reach
    teams_of = {agent.id: agent.team for agent in runtime.config.agents}
    for event in runtime.store.iter_ticket_events():
        if not event.type.startswith(LOOP_EVENT_PREFIXES):
            continue
        team = event.team_id or teams_of.get(event.agent_id or "")
        if reach.whole_floor or (team is not None and team in reach.teams):
            yield event


@router.get("/workflow/outbox", response_model=list[OutboxMessage])
async def outbox(
    scope: FigureReader,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OutboxMessage]:
    """The automatic messages sent to customers (TK8), newest first: what an SMS or e-mail
    gateway would have been handed."""
    messages = [
        OutboxMessage(
            seq=event.seq,
            sim_time=event.sim_time,
            ticket_id=str(event.ticket_id),
            customer_id=event.data.get("customer_id"),
            channel=str(event.data.get("channel")),
            template=str(event.data.get("template")),
            text=str(event.data.get("text")),
        )
        for event in loop_events(scope, runtime)
        if event.type == TicketEventType.MESSAGE
    ]
    scope.audit_read("tickets.outbox", ",".join(sorted(scope.reach.teams)) or "floor")
    return messages[::-1][:limit]
