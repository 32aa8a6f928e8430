"""What every desk needs to know about the centre: directory, codes, queue statistics."""

from __future__ import annotations

from fastapi import APIRouter

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.api import (
    Code,
    Codes,
    Directory,
    DirectoryAgent,
    DirectoryQueue,
    QueueStats,
)
from server_stub.server.deps import AnyUser, RuntimeDep

router = APIRouter(tags=["centre"])


def ticket_categories(config: CentreConfig) -> list[Code]:
    """The centre file's ticket categories, or the TK2 set when it names none."""
    return [Code(code=c.code, label=c.label) for c in config.categories()]


@router.get("/directory", response_model=Directory)
async def directory(user: AnyUser, runtime: RuntimeDep) -> Directory:
    """Who may take a call now: queues (expert groups marked) and the agents logged in
    (team leaders marked); an agent logged out cannot be transferred to, so is not here."""
    runtime.catch_up()
    floor = runtime.floor
    leaders = {a.id for a in runtime.config.agents if "supervisor" in a.also}
    return Directory(
        queues=[
            DirectoryQueue(
                id=q.id,
                name=q.name,
                skill=q.skill,
                waiting=floor.queue_stats[q.id].waiting,
                agents_ready=floor.queue_stats[q.id].agents_ready,
                expert_group=q.expert_group,
            )
            for q in runtime.config.queues
        ],
        agents=[
            DirectoryAgent(
                id=a.agent_id,
                name=a.name,
                team=a.team,
                state=a.state,
                skills=a.skills,
                team_leader=a.agent_id in leaders,
            )
            for a in floor.agents.values()
            if a.state != "logged_out"
        ],
    )


@router.get("/codes", response_model=Codes)
async def codes(user: AnyUser, runtime: RuntimeDep) -> Codes:
    config = runtime.config
    return Codes(
        reason_codes=[Code(code=c.code, label=c.label) for c in config.reason_codes],
        wrapup_codes=[Code(code=c.code, label=c.label) for c in config.wrapup_codes],
        ticket_categories=ticket_categories(config),
        wrapup_extend_s={q.id: q.wrapup_extend_s for q in config.queues if q.wrapup_extend_s},
        ring_timeout_s={q.id: q.ring_timeout_s for q in config.queues},
    )


@router.get("/queues/stats", response_model=list[QueueStats])
async def queue_stats(user: AnyUser, runtime: RuntimeDep) -> list[QueueStats]:
    """An agent sees its own queues; everyone else (a team leader too) sees them all."""
    runtime.catch_up()
    floor = runtime.floor
    if all(role == "agent" for role in user.roles):
        agent = floor.agents.get(user.user_id)
        mine = set(agent.queues) if agent is not None else set()
        return [s for q, s in floor.queue_stats.items() if q in mine]
    return list(floor.queue_stats.values())
