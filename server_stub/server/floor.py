"""The floor as the event log says it is: every agent's state, live calls, queue statistics.

A projection, rebuilt from the log (DESIGN "Storage": current state derives from the log),
so it depends only on the event vocabulary, not on the engine's internals. The server
reads it for `/v1/me`, the supervisor's boards, call ownership and the screen pop.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.api import AgentStatus, PendingState, QueueStats
from server_stub.protocol.events import Event, EventType

LIVE_CALLS_KEPT = 5_000  # finished calls are forgotten oldest first beyond this


@dataclass
class AgentView:
    agent_id: str
    name: str
    team: str
    simulated: bool
    skills: dict[str, int]
    queues: list[str]
    state: str = "logged_out"
    reason: str | None = None
    since: float = 0.0
    pending: dict[str, Any] | None = None
    call_id: str | None = None
    last_call_id: str | None = None
    leg: str | None = None
    direction: str | None = None
    wrapup_deadline: float | None = None
    calls_handled: int = 0

    def status(self) -> AgentStatus:
        return AgentStatus(
            agent_id=self.agent_id,
            name=self.name,
            team=self.team,
            simulated=self.simulated,
            state=self.state,
            reason=self.reason,
            since=self.since,
            pending=_pending(self.pending),
            call_id=self.call_id,
            leg=self.leg,
            direction=self.direction,
            wrapup_deadline=self.wrapup_deadline,
            queues=list(self.queues),
            calls_handled=self.calls_handled,
        )


@dataclass
class CallView:
    call_id: str
    queue_id: str | None = None
    agent_id: str | None = None  # the agent it rings at or is connected to now
    customer_id: str | None = None
    ani: str | None = None
    tier: str | None = None
    direction: str = "inbound"
    ivr_path: list[Any] = field(default_factory=list)
    arrived_at: float = 0.0
    waited_s: float | None = None
    agents: set[str] = field(default_factory=set)  # every agent who has had it
    ended: bool = False


class Floor:
    """Agents, calls and queue statistics, folded from events in seq order."""

    def __init__(self, config: CentreConfig) -> None:
        self.config = config
        self.agents: dict[str, AgentView] = {}
        for agent in config.agents:
            queues = [q.id for q in config.queues if q.skill in agent.skills]
            self.agents[agent.id] = AgentView(
                agent_id=agent.id,
                name=agent.name,
                team=agent.team,
                simulated=agent.simulated,
                skills=dict(agent.skills),
                queues=queues,
            )
        self.queue_stats: dict[str, QueueStats] = {
            q.id: QueueStats(queue_id=q.id, name=q.name) for q in config.queues
        }
        self.calls: OrderedDict[str, CallView] = OrderedDict()
        self.counts: dict[str, int] = {"arrived": 0, "answered": 0, "abandoned": 0}

    def team_agents(self, teams: frozenset[str]) -> frozenset[str]:
        return frozenset(a.agent_id for a in self.agents.values() if a.team in teams)

    def call(self, call_id: str) -> CallView | None:
        return self.calls.get(call_id)

    def apply(self, event: Event) -> None:
        kind = event.type
        if kind == EventType.AGENT_STATE_CHANGED:
            self._on_agent_state(event)
        elif kind == EventType.QUEUE_STATS:
            self._on_queue_stats(event)
        elif kind.startswith("call.") and event.call_id is not None:
            self._on_call(event, event.call_id)

    def _on_agent_state(self, event: Event) -> None:
        agent = self.agents.get(event.agent_id or "")
        if agent is None:
            return
        data = event.data
        new_state = str(data.get("to") or agent.state)
        if new_state != agent.state or data.get("reason") != agent.reason:
            agent.since = event.sim_time
        agent.state = new_state
        agent.reason = data.get("reason")
        pending = data.get("pending")
        agent.pending = pending if isinstance(pending, dict) else None
        agent.leg = data.get("leg")
        agent.direction = data.get("direction")
        deadline = data.get("wrapup_deadline")
        agent.wrapup_deadline = float(deadline) if deadline is not None else None
        if new_state in ("ready", "not_ready", "logged_out"):
            agent.call_id = None

    def _on_queue_stats(self, event: Event) -> None:
        queue_id = event.queue_id or ""
        current = self.queue_stats.get(queue_id)
        if current is None:
            return
        values = {k: v for k, v in event.data.items() if k in QueueStats.model_fields}
        self.queue_stats[queue_id] = current.model_copy(update={**values, "as_of": event.sim_time})

    def _on_call(self, event: Event, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is None:
            call = CallView(call_id=call_id, arrived_at=event.sim_time)
            self.calls[call_id] = call
            if len(self.calls) > LIVE_CALLS_KEPT:
                self._forget_finished()
        data = event.data
        kind = event.type
        if event.queue_id is not None:
            call.queue_id = event.queue_id
        for key in ("customer_id", "ani", "tier"):
            if data.get(key) is not None:
                setattr(call, key, data[key])
        if data.get("direction"):
            call.direction = str(data["direction"])
        if kind == EventType.CALL_ARRIVED:
            if call.direction != "outbound":
                self.counts["arrived"] += 1
            self._attach(call, event.agent_id)  # an outbound call arrives at its agent
        elif kind == EventType.CALL_IVR_STEP:
            call.ivr_path.append([data.get("node"), data.get("key")])
        elif kind == EventType.CALL_OFFERED:
            call.waited_s = data.get("waited_s")
            if data.get("ivr_path"):
                call.ivr_path = list(data["ivr_path"])
            self._attach(call, event.agent_id)
        elif kind == EventType.CALL_OFFER_TIMEOUT:
            self._detach(call, event.agent_id)
        elif kind == EventType.CALL_ANSWERED:
            self.counts["answered"] += 1
            call.waited_s = data.get("waited_s", call.waited_s)
            self._attach(call, event.agent_id)
            agent = self.agents.get(event.agent_id or "")
            if agent is not None:
                agent.calls_handled += 1
        elif kind == EventType.CALL_TRANSFERRED:
            target = data.get("to_agent") or data.get("agent_id") or data.get("target_agent")
            if isinstance(target, str):
                self._attach(call, target)
        elif kind in (EventType.CALL_ABANDONED, EventType.CALL_OVERFLOWED):
            if kind == EventType.CALL_ABANDONED:
                self.counts["abandoned"] += 1
            call.ended = True
        elif kind == EventType.CALL_ENDED:
            call.ended = True
        elif kind == EventType.CALL_WRAPUP_COMPLETED:
            agent = self.agents.get(event.agent_id or "")
            if agent is not None and agent.call_id == call_id:
                agent.call_id = None

    def _attach(self, call: CallView, agent_id: str | None) -> None:
        if agent_id is None:
            return
        call.agent_id = agent_id
        call.agents.add(agent_id)
        agent = self.agents.get(agent_id)
        if agent is not None:
            agent.call_id = call.call_id
            agent.last_call_id = call.call_id

    def _detach(self, call: CallView, agent_id: str | None) -> None:
        if agent_id is not None and call.agent_id == agent_id:
            call.agent_id = None
        agent = self.agents.get(agent_id or "")
        if agent is not None and agent.call_id == call.call_id:
            agent.call_id = None

    def _forget_finished(self) -> None:
        in_use = {a.call_id for a in self.agents.values()} | {
            a.last_call_id for a in self.agents.values()
        }
        for call_id in list(self.calls)[: LIVE_CALLS_KEPT // 5]:
            call = self.calls[call_id]
            if call.ended and call_id not in in_use:
                del self.calls[call_id]


def _pending(raw: dict[str, Any] | None) -> PendingState | None:
    if not raw or raw.get("state") not in ("ready", "not_ready", "logged_out"):
        return None
    return PendingState(state=raw["state"], reason=raw.get("reason"))
