"""Who a scenario may be pushed to (TR2): the idle agents in reach, and only while traffic is low.

An agent is idle when it is a person at a seat (not a simulated agent) with no call on
its phone, and either ready or not ready for training (`IDLE_REASONS`): a break, a meal
or a meeting is the agent's own time, never taken for training. Traffic is low when
none of the chosen agents' queues has a caller waiting: taking them off the floor then
costs no caller a longer wait. Pushing never changes an agent's live state: the session
runs on its own engine, and the desk opens the training call over the live desk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from server_stub.server.errors import ApiError
from server_stub.server.floor import AgentView

IDLE_REASONS = frozenset({"training"})


def not_idle_because(agent: AgentView) -> str | None:
    """Why `agent` is not idle for training, or None when it is."""
    if agent.simulated:
        return "simulated"
    if agent.call_id is not None:
        return "on_a_call"
    if agent.state == "ready":
        return None
    if agent.state == "not_ready" and agent.reason in IDLE_REASONS:
        return None
    return agent.state if agent.state != "not_ready" else f"not_ready:{agent.reason}"


def check_traffic_low(waiting_in: Callable[[str], int], agents: Iterable[AgentView]) -> None:
    """A 409 naming the queues with callers waiting (`waiting_in(queue)`, counted now: the
    floor's queue figures lag by their reporting interval), among those the agents take."""
    queues = sorted({q for agent in agents for q in agent.queues})
    counts = {q: waiting_in(q) for q in queues}
    busy = {q: n for q, n in counts.items() if n > 0}
    if busy:
        listed = ", ".join(f"{q} ({n} waiting)" for q, n in busy.items())
        raise ApiError(
            409, "traffic_not_low", f"callers are waiting in {listed}: push when queues are empty"
        )
