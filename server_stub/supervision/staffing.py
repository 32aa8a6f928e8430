"""The staffing calculator (KP1): agents required per queue and half-hour, and the inverse.

For each interval: the calls expected (the forecast, or actual arrivals given as input),
the queue's AHT (talk + after-call work, `workload.queue_aht_s`) and the target (e.g.
80/20: 80 % of calls answered within the queue's `sl_target_s` of 20 s). Required agents
are the fewest N whose service level reaches the target by Erlang C (no abandonment) and
by Erlang A (the queue's mean patience), from `server_stub.erlang`. Shrinkage (breaks,
training, absence) turns agents on the phones into agents to schedule: ⌈N / (1 − s)⌉.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from server_stub.centre.schema import CentreConfig
from server_stub.erlang import erlang_a, erlang_c
from server_stub.supervision.clock import SLOT_S, SLOTS_PER_DAY, CentreClock
from server_stub.supervision.workload import forecast_calls, queue_aht_s, queue_patience_s

# Above this many agents the search gives up: a target no staffing can meet (a patience
# so short that callers leave before any agent could answer).
MAX_AGENTS = 100_000


@dataclass(frozen=True)
class IntervalFigures:
    """What `agents` would give for one interval, by one model."""

    model: str  # "erlang_c" or "erlang_a"
    agents: int
    service_level: float  # answered within T ÷ offered
    asa_s: float  # mean wait of answered calls
    p_wait: float
    p_abandon: float  # 0 under Erlang C
    occupancy: float


def interval_figures(
    calls: float,
    aht_s: float,
    agents: int,
    *,
    target_s: float = 20.0,
    patience_s: float | None = None,
    interval_s: float = SLOT_S,
) -> IntervalFigures:
    """SL, ASA, P(wait), P(abandon) and occupancy of `agents` for `calls` in an interval:
    Erlang A with the mean patience `patience_s`, Erlang C without it. No agents: nothing
    is answered."""
    if agents <= 0:
        return IntervalFigures(
            "erlang_a" if patience_s is not None else "erlang_c",
            0,
            0.0 if calls > 0 else 1.0,
            math.inf if calls > 0 else 0.0,
            1.0 if calls > 0 else 0.0,
            1.0 if calls > 0 and patience_s is not None else 0.0,
            0.0,
        )
    per_hour = calls * 3600.0 / interval_s
    if patience_s is None:
        c = erlang_c(per_hour, aht_s, agents, target_s)
        return IntervalFigures(
            "erlang_c", agents, c.service_level, c.asa_s, c.p_wait, 0.0, c.occupancy
        )
    a = erlang_a(per_hour, aht_s, agents, patience_s, target_s)
    return IntervalFigures(
        "erlang_a", agents, a.service_level, a.asa_s, a.p_wait, a.p_abandon, a.occupancy
    )


def _fewest(meets: Callable[[int], bool], low: int) -> int:
    """The smallest n ≥ low with meets(n), for meets monotone in n."""
    if meets(low):
        return low
    high = max(low + 1, 2 * low)
    while not meets(high):
        low = high
        high *= 2
        if high > MAX_AGENTS:
            raise ValueError("no staffing up to 100,000 agents meets the target")
    while high - low > 1:  # meets(high), not meets(low)
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle
    return high


def required_agents(
    calls: float,
    aht_s: float,
    *,
    target_s: float = 20.0,
    sl_goal: float = 0.8,
    patience_s: float | None = None,
    interval_s: float = SLOT_S,
    max_occupancy: float | None = None,
) -> int:
    """The fewest agents whose service level within `target_s` is at least `sl_goal`
    (Erlang A with `patience_s`, else Erlang C), and whose occupancy is at most
    `max_occupancy` when given. 0 when no calls are expected."""
    if calls <= 0:
        return 0
    if not 0 < sl_goal <= 1:
        raise ValueError("sl_goal must be in (0, 1]")
    load = calls * aht_s / interval_s
    low = 1 if patience_s is not None else math.floor(load) + 1
    if max_occupancy is not None:
        if not 0 < max_occupancy <= 1:
            raise ValueError("max_occupancy must be in (0, 1]")
        low = max(low, math.ceil(load / max_occupancy - 1e-12))

    def meets(agents: int) -> bool:
        figures = interval_figures(
            calls, aht_s, agents, target_s=target_s, patience_s=patience_s, interval_s=interval_s
        )
        return figures.service_level >= sl_goal

    return _fewest(meets, max(low, 1))


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are on the phones when `shrinkage` are away."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


@dataclass(frozen=True)
class StaffingRow:
    """One queue in one half-hour."""

    queue_id: str
    slot: int  # 0 = 00:00–00:30 local
    start: str  # "HH:MM"
    calls: float
    aht_s: float
    load_erlangs: float
    agents_erlang_c: int
    agents_erlang_a: int | None  # None: the queue's callers never abandon
    scheduled_erlang_c: int  # with shrinkage
    scheduled_erlang_a: int | None


def staffing_plan(
    config: CentreConfig,
    *,
    sl_goals: Mapping[str, float] | None = None,
    arrivals: Mapping[str, Sequence[float]] | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
    queues: Sequence[str] | None = None,
    slots: Sequence[int] | None = None,
) -> list[StaffingRow]:
    """Agents required per queue and half-hour, by Erlang C and Erlang A.

    `arrivals`: calls per half-hour (48 a queue) that actually came, instead of the forecast
    (`workload.forecast_calls`). `sl_goals`: the share to reach per queue (default 0.8);
    the time is each queue's `sl_target_s`. Rows come by queue, then by half-hour.
    """
    counts = dict(arrivals) if arrivals is not None else forecast_calls(config)
    chosen = set(queues) if queues is not None else None
    wanted_slots = list(slots) if slots is not None else list(range(SLOTS_PER_DAY))
    clock = CentreClock("2000-01-01T00:00:00")  # labels only: slot k starts at k × 30 min
    rows: list[StaffingRow] = []
    for queue in config.queues:
        if chosen is not None and queue.id not in chosen:
            continue
        per_slot = counts.get(queue.id)
        if per_slot is None:
            continue
        if len(per_slot) != SLOTS_PER_DAY:
            raise ValueError(f"{queue.id}: {len(per_slot)} half-hours of arrivals, not 48")
        aht = queue_aht_s(queue)
        patience = queue_patience_s(queue)
        goal = (sl_goals or {}).get(queue.id, 0.8)
        for slot in wanted_slots:
            calls = float(per_slot[slot])
            agents_c = required_agents(
                calls,
                aht,
                target_s=queue.sl_target_s,
                sl_goal=goal,
                max_occupancy=max_occupancy,
            )
            agents_a = (
                required_agents(
                    calls,
                    aht,
                    target_s=queue.sl_target_s,
                    sl_goal=goal,
                    patience_s=patience,
                    max_occupancy=max_occupancy,
                )
                if patience is not None
                else None
            )
            rows.append(
                StaffingRow(
                    queue_id=queue.id,
                    slot=slot,
                    start=clock.label(slot * SLOT_S),
                    calls=calls,
                    aht_s=aht,
                    load_erlangs=calls * aht / SLOT_S,
                    agents_erlang_c=agents_c,
                    agents_erlang_a=agents_a,
                    scheduled_erlang_c=with_shrinkage(agents_c, shrinkage),
                    scheduled_erlang_a=(
                        with_shrinkage(agents_a, shrinkage) if agents_a is not None else None
                    ),
                )
            )
    return rows


def arrivals_per_slot(
    arrival_times: Mapping[str, Sequence[float]], clock: CentreClock
) -> dict[str, list[float]]:
    """Actual arrivals (sim times per queue, e.g. each call's `call.queued`) as 48 counts."""
    counts: dict[str, list[float]] = {}
    for queue_id, times in arrival_times.items():
        per_slot = [0.0] * SLOTS_PER_DAY
        for t in times:
            per_slot[clock.slot(t)] += 1.0
        counts[queue_id] = per_slot
    return counts
