"""Cheap read-only queries the server uses to answer GET requests and re-sync clients."""

from __future__ import annotations

from typing import Any

from server_stub.engine.commands import CommandEngine
from server_stub.engine.errors import EngineError
from server_stub.engine.model import CALL_ENDED, Agent, Call


class Engine(CommandEngine):
    """The engine as others use it: the simulation + human commands + queries.

    `Engine(config, seed, customers=None, *, emit_queue_stats=True, keep_log=False,
    flat_hot_path=True)`; see `Simulation` and docs/architecture.md "Engine".
    """

    def agent_view(self, agent_id: str) -> dict[str, Any]:
        return _agent_view(self._agent(agent_id))

    def call_view(self, call_id: str) -> dict[str, Any]:
        call = self._find_call(call_id)
        if call is None:
            raise EngineError("no_such_call", f"no call {call_id!r}")
        return _call_view(call)

    def queue_stats(self, queue_id: str) -> dict[str, Any]:
        queue = self.queues_by_id.get(queue_id)
        if queue is None:
            raise EngineError("no_such_queue", f"no queue {queue_id!r}")
        return self._queue_stats(queue)

    def agents(self) -> list[dict[str, Any]]:
        return [_agent_view(agent) for agent in self.agents_by_id.values()]

    def queues(self) -> list[dict[str, Any]]:
        return [
            {
                "id": q.id,
                "name": q.config.name,
                "skill": q.config.skill,
                "priority": q.priority,
                "strategy": q.strategy,
                "max_length": q.config.max_length,
                "agents": [a.id for a in q.agents],
            }
            for q in self.queues_by_id.values()
        ]

    def calls_in_progress(self) -> list[str]:
        """Ids of calls that have arrived and not ended (conservation: the rest ended once)."""
        return [c.id for c in self.calls.values() if c.state != CALL_ENDED]


def _agent_view(agent: Agent) -> dict[str, Any]:
    call = agent.call
    return {
        "id": agent.id,
        "name": agent.config.name,
        "team": agent.config.team,
        "simulated": agent.simulated,
        "state": agent.state,
        "reason": agent.reason,
        "since": agent.since,
        "pending": agent.pending,
        "leg": agent.leg,
        "direction": agent.direction,
        "call_id": call.id if call is not None else None,
        "wrapup_deadline": agent.wrapup_deadline,
        "queues": [q.id for q in agent.queues],
        "skills": dict(agent.config.skills),
        "calls_handled": agent.calls_handled,
    }


def _call_view(call: Call) -> dict[str, Any]:
    return {
        "id": call.id,
        "ani": call.ani,
        "customer_id": call.customer_id,
        "tier": call.tier,
        "direction": call.direction,
        "queue": call.queue.id if call.queue is not None else None,
        "priority": call.priority,
        "ivr_path": [list(step) for step in call.ivr_path],
        "arrived_at": call.arrived_at,
        "queued_at": call.queued_at,
        "answered_at": call.answered_at,
        "agent": call.agent.id if call.agent is not None else None,
        "consult_agent": call.consult_agent.id if call.consult_agent is not None else None,
        "consult_state": call.consult_state,
        "state": call.state,
    }
