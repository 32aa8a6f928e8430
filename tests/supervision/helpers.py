"""Small centres and hand-written event streams for the supervision core's tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from server_stub.centre.schema import CentreConfig, Distribution, Team
from server_stub.protocol.supervision import Thresholds
from server_stub.supervision.alerts import AlertChange, AlertEngine
from server_stub.supervision.workload import Forecast
from tests.engine.centres import agent, centre, queue

Entry = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]


def ev(
    at: float,
    event_type: str,
    call_id: str | None = None,
    agent_id: str | None = None,
    queue_id: str | None = None,
    **data: Any,
) -> Entry:
    return (at, event_type, call_id, agent_id, queue_id, data)


def state(
    at: float,
    agent_id: str,
    old: str,
    new: str,
    reason: str | None = None,
    *,
    call_id: str | None = None,
    queue_id: str | None = None,
    leg: str | None = None,
) -> Entry:
    return ev(
        at,
        "agent.state_changed",
        call_id,
        agent_id,
        queue_id,
        **{"from": old, "to": new, "reason": reason, "pending": None, "leg": leg},
    )


def login(at: float, agent_id: str) -> list[Entry]:
    """What the engine logs when an agent logs in: not ready (login), then ready."""
    return [
        state(at, agent_id, "logged_out", "not_ready", "login"),
        state(at, agent_id, "not_ready", "ready"),
    ]


def call_flow(
    queue_id: str,
    call_id: str,
    arrive: float,
    answer: float | None = None,
    *,
    agent_id: str = "a1",
    abandon: float | None = None,
) -> list[Entry]:
    """A caller who joins the queue and is answered (or abandons)."""
    entries = [ev(arrive, "call.queued", call_id, queue_id=queue_id, position=1, priority=0)]
    if answer is not None:
        entries.append(ev(answer, "call.offered", call_id, agent_id, queue_id))
        entries.append(ev(answer, "call.answered", call_id, agent_id, queue_id))
    if abandon is not None:
        entries.append(ev(abandon, "call.abandoned", call_id, queue_id=queue_id))
    return entries


def one_queue_centre(
    *,
    agents: int = 3,
    calls_per_day: float = 0.0,
    talk_s: float = 180.0,
    patience_s: float | None = 300.0,
    max_length: int = 50,
    sl_target_s: float = 20.0,
    wrapup_limit_s: float = 60.0,
    teams: Sequence[str] = ("t1",),
    epoch: str = "2026-11-23T10:00:00+08:00",
) -> CentreConfig:
    """One queue `q`, agents a1.. spread over `teams`, exponential talk and patience."""
    extra: dict[str, Any] = {
        "talk_time": Distribution(dist="exponential", mean_s=talk_s),
        "max_length": max_length,
        "sl_target_s": sl_target_s,
        "wrapup_limit_s": wrapup_limit_s,
    }
    if patience_s is not None:
        extra["patience"] = Distribution(dist="exponential", mean_s=patience_s)
    people = [
        agent(f"a{i + 1}").model_copy(update={"team": teams[i % len(teams)]}) for i in range(agents)
    ]
    config = centre(
        [queue("q", calls_per_day=calls_per_day, **extra)],
        people,
        teams=[Team(id=t, name=f"Team {t} 组") for t in teams],
    )
    info = config.centre.model_copy(update={"epoch": epoch})
    return config.model_copy(update={"centre": info})


def evaluator(
    config: CentreConfig,
    thresholds: Thresholds | None = None,
    forecast: Forecast | None = None,
) -> AlertEngine:
    return AlertEngine.for_centre(config, thresholds, forecast)


def feed(
    engine: AlertEngine, entries: Iterable[Entry], until: float | None = None
) -> list[AlertChange]:
    """Apply every entry in order (sorted by time, stable), then advance to `until`."""
    out: list[AlertChange] = []
    for entry in sorted(entries, key=lambda e: e[0]):
        out.extend(engine.apply_entry(*entry))
    if until is not None:
        out.extend(engine.advance(until))
    return out


def kinds(changes: Iterable[AlertChange]) -> list[tuple[str, str, str]]:
    """(event type, kind, subject id) of each change, for short assertions."""
    return [(c.type, c.data.kind.value, c.data.subject_id) for c in changes]


def fcfs_day(
    queue_id: str,
    arrivals: Sequence[float],
    agents: Sequence[str],
    handle_s: float,
) -> list[Entry]:
    """The events of a plain FCFS queue: agents log in at 0; each caller is answered by
    the agent free first (at once if one is free), talks `handle_s`, and the agent is
    ready again at once. Nobody abandons. In causal order within each instant."""
    entries: list[Entry] = [entry for agent_id in agents for entry in login(0.0, agent_id)]
    free_at = dict.fromkeys(agents, 0.0)
    for number, arrived in enumerate(arrivals, 1):
        call_id = f"c{number}"
        agent_id = min(agents, key=lambda a: (free_at[a], a))
        answered = max(arrived, free_at[agent_id])
        call = {"call_id": call_id, "queue_id": queue_id}
        entries += [
            ev(arrived, "call.queued", call_id, queue_id=queue_id, position=1, priority=0),
            ev(answered, "call.offered", call_id, agent_id, queue_id),
            state(answered, agent_id, "ready", "reserved", **call),
            ev(answered, "call.answered", call_id, agent_id, queue_id),
            state(answered, agent_id, "reserved", "busy", leg="talking", **call),
            ev(answered + handle_s, "call.ended", call_id, agent_id, queue_id),
            state(answered + handle_s, agent_id, "busy", "ready"),
        ]
        free_at[agent_id] = answered + handle_s
    return entries
