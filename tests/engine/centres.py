"""Small centre configurations built in Python for engine tests (no YAML loader needed)."""

from __future__ import annotations

from typing import Any

from server_stub.centre.schema import (
    AgentConfig,
    Arrivals,
    CentreConfig,
    CentreInfo,
    Distribution,
    QueueConfig,
)
from server_stub.engine import Engine

FLAT = [1.0] * 48


def queue(
    queue_id: str = "q1",
    *,
    skill: str = "general",
    calls_per_day: float = 0.0,
    talk_s: float = 100.0,
    **extra: Any,
) -> QueueConfig:
    extra.setdefault("talk_time", Distribution(dist="fixed", mean_s=talk_s))
    return QueueConfig(
        id=queue_id,
        name=f"Queue {queue_id} 队列",
        skill=skill,
        arrivals=Arrivals(calls_per_day=calls_per_day, profile="flat") if calls_per_day else None,
        **extra,
    )


def agent(
    agent_id: str, skills: dict[str, int] | None = None, *, simulated: bool = True, **extra: Any
) -> AgentConfig:
    return AgentConfig(
        id=agent_id,
        name=f"Agent {agent_id} 坐席",
        team="t1",
        skills=skills if skills is not None else {"general": 5},
        simulated=simulated,
        **extra,
    )


def centre(queues: list[QueueConfig], agents: list[AgentConfig], **extra: Any) -> CentreConfig:
    skills = sorted({q.skill for q in queues} | {s for a in agents for s in a.skills})
    extra.setdefault("arrival_profiles", {"flat": FLAT})
    return CentreConfig(
        centre=CentreInfo(name="Test centre 测试中心"),
        skills=skills,
        queues=queues,
        agents=agents,
        **extra,
    )


def work_calls_as_a_human(engine: Engine, agent_id: str, *, until: float) -> int:
    """Agent `agent_id` logs in and works every call it is offered with each control (hold,
    retrieve, every third transferred to the complaint queue, wrap-up with notes and a
    script path) until sim time `until`; returns how many calls it handled."""
    engine.login(agent_id)
    engine.set_state(agent_id, "ready")
    handled = 0
    while engine.now < until:
        engine.advance_to(engine.now + 5)
        view = engine.agent_view(agent_id)
        call_id = view["call_id"]
        if view["state"] == "not_ready":
            engine.set_state(agent_id, "ready")
        elif view["state"] == "reserved" and call_id is not None:
            engine.answer(agent_id, call_id)
            engine.hold(agent_id, call_id)
            engine.advance_to(engine.now + 20)
            engine.retrieve(agent_id, call_id)
            engine.advance_to(engine.now + 60)
            if handled % 3 == 2:
                engine.transfer(agent_id, call_id, to_queue="complaint")
            else:
                engine.hangup(agent_id, call_id)
            handled += 1
        elif view["state"] == "wrap_up" and call_id is not None:
            engine.complete_wrapup(agent_id, call_id, "resolved", "笔记 notes", [["greet", "1"]])
    return handled
