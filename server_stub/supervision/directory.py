"""Who and what is on the floor, from the centre file: agents' teams and queues, queue facts.

The supervision core reads events that carry ids only; this turns an agent id into its
team and the queues it serves (a skill the queue needs, level ≥ 1), and a queue id into
its service-level target, wrap-up limit, room, priority, AHT and patience.
"""

from __future__ import annotations

from dataclasses import dataclass

from server_stub.centre.schema import CentreConfig
from server_stub.supervision.workload import queue_aht_s, queue_patience_s


@dataclass(frozen=True)
class QueueFacts:
    queue_id: str
    priority: int
    sl_target_s: float
    wrapup_limit_s: float
    capacity: int  # max_length: callers who find it full overflow
    aht_s: float
    patience_s: float | None


@dataclass(frozen=True)
class AgentFacts:
    agent_id: str
    name: str
    team_id: str | None
    queues: tuple[str, ...]
    simulated: bool


class FloorDirectory:
    def __init__(
        self,
        agents: list[AgentFacts],
        queues: list[QueueFacts],
        teams: list[str],
        reason_labels: dict[str, str] | None = None,
    ) -> None:
        self.agents = {a.agent_id: a for a in agents}
        self.queues = {q.queue_id: q for q in queues}
        self.teams = list(teams)
        self.reason_labels = dict(reason_labels or {})  # a not-ready reason's words

    def reason_label(self, reason: str | None) -> str | None:
        return self.reason_labels.get(reason, reason) if reason else reason

    @classmethod
    def from_centre(cls, config: CentreConfig) -> FloorDirectory:
        queues = [
            QueueFacts(
                queue_id=q.id,
                priority=q.priority,
                sl_target_s=q.sl_target_s,
                wrapup_limit_s=q.wrapup_limit_s,
                capacity=q.max_length,
                aht_s=queue_aht_s(q),
                patience_s=queue_patience_s(q),
            )
            for q in config.queues
        ]
        agents = [
            AgentFacts(
                agent_id=a.id,
                name=a.name,
                team_id=a.team,
                queues=tuple(q.id for q in config.queues if a.skills.get(q.skill, 0) > 0),
                simulated=a.simulated,
            )
            for a in config.agents
        ]
        teams = [t.id for t in config.teams]
        teams += sorted({a.team for a in config.agents} - set(teams))
        labels = {c.code: c.label for c in config.reason_codes}
        return cls(agents, queues, teams, reason_labels=labels)

    def team_of(self, agent_id: str) -> str | None:
        facts = self.agents.get(agent_id)
        return facts.team_id if facts is not None else None

    def queues_of(self, agent_id: str) -> tuple[str, ...]:
        facts = self.agents.get(agent_id)
        return facts.queues if facts is not None else ()
