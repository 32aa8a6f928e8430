"""Re-run today: the day's callers so far, with staffing or breaks changed, in the engine.

A what-if takes the callers who reached a queue today (`day_outcomes.callers_reaching_queues`),
changes the centre's staffing (`StaffingChange`: agents with a queue's skill added to, or
taken off the phones for, a half-hour) and breaks (`BreakChange`: the breaks that start
in a half-hour moved or cancelled), and re-runs the day so far in the engine, N times.

Common random numbers: replication r gives every caller the same talk, after-call work
and patience in every variant (drawn in the callers' order from streams of its own, one
per purpose, and handed to the engine with the call: `Engine.place_call(talk_s=…)`), so
the difference between two variants is the change, not the luck of the draw. The engine's
own streams (`{seed}/service` …) are drawn in answer order, which staffing changes; the
live server's log is untouched by any of this.

Replications run in worker processes (`run_whatif(…, workers=N)`); each is a pure
function of (inputs, r), and results are combined in r's order, so the figures do not
depend on how many workers ran them.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import statistics
import sys
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from server_stub.centre.schema import AgentConfig, Break, CentreConfig, Shift
from server_stub.engine import Engine
from server_stub.engine.distributions import make_sampler
from server_stub.engine.vocabulary import LogEntry
from server_stub.supervision.clock import SLOT_S, SLOTS_PER_DAY, CentreClock
from server_stub.supervision.day_outcomes import Caller, SlotOutcome, day_outcomes

EXTRA_LEVEL = 5  # the skill level of an extra agent
MAX_REPLICATIONS = 100


@dataclass(frozen=True)
class StaffingChange:
    """`agents` more (or, below 0, fewer) on the phones for `queue_id` in half-hour `slot`."""

    queue_id: str
    slot: int
    agents: int


@dataclass(frozen=True)
class BreakChange:
    """Breaks that start in half-hour `slot` move to `to_slot` (None: cancelled)."""

    slot: int
    to_slot: int | None


@dataclass(frozen=True)
class WhatIfInputs:
    """Everything a replication needs (picklable: it goes to worker processes)."""

    config: CentreConfig  # the centre as it was
    callers: tuple[Caller, ...]
    start: float  # sim time the re-run day starts
    until: float  # sim time of "now": the re-run ends here
    seed: int
    staffing: tuple[StaffingChange, ...] = ()
    breaks: tuple[BreakChange, ...] = ()


# (offered, answered, answered_in_sl, abandoned, waiting_short, on_call_s, ready_s)
SlotCounts = tuple[int, int, int, int, int, float, float]
Replication = dict[str, dict[int, SlotCounts]]


@dataclass(frozen=True)
class Spread:
    """A figure over the replications: mean, sample standard deviation, min and max."""

    mean: float | None
    sd: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, values: Sequence[float | None]) -> Spread:
        known = [v for v in values if v is not None]
        if not known:
            return cls(None, None, None, None)
        sd = statistics.stdev(known) if len(known) > 1 else 0.0
        return cls(statistics.fmean(known), sd, min(known), max(known))


@dataclass(frozen=True)
class WhatIfSlot:
    """One queue in one half-hour: the what-if over the replications."""

    queue_id: str
    slot: int
    offered: int  # the same callers in every replication
    service_level: Spread
    abandoned: Spread
    occupancy: Spread


@dataclass(frozen=True)
class WhatIfResult:
    replications: int
    workers: int  # worker processes the replications ran on (1: the caller's own)
    slots: tuple[WhatIfSlot, ...]  # by queue (config order), then half-hour


# ---------------------------------------------------------------------- the changed centre


def _hhmm(slot: int) -> str:
    minutes = (slot % SLOTS_PER_DAY) * 30
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slot_of(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return (int(hours) * 60 + int(minutes)) // 30 % SLOTS_PER_DAY


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _on_shift(shift: Shift | None, slot: int) -> bool:
    """Whether a shift covers the whole of half-hour `slot` (None: on all day)."""
    if shift is None:
        return True
    start, end = _minutes(shift.start), _minutes(shift.end)
    length = (end - start) % 1440 or 1440
    begin = slot * 30
    return (begin - start) % 1440 + 30 <= length


def _moved_breaks(shift: Shift, changes: Sequence[BreakChange]) -> Shift:
    moves = {change.slot: change.to_slot for change in changes}
    kept: list[Break] = []
    for brk in shift.breaks:
        slot = _slot_of(brk.at)
        if slot not in moves:
            kept.append(brk)
            continue
        target = moves[slot]
        if target is None:
            continue
        offset = _minutes(brk.at) % 30
        minutes = target * 30 + offset
        kept.append(brk.model_copy(update={"at": f"{minutes // 60:02d}:{minutes % 60:02d}"}))
    return shift.model_copy(update={"breaks": kept})


def changed_config(
    config: CentreConfig,
    staffing: Sequence[StaffingChange] = (),
    breaks: Sequence[BreakChange] = (),
) -> CentreConfig:
    """The centre with the what-if's changes: shifts' breaks moved, extra agents on short
    shifts of their own, agents taken off the phones by a half-hour break ("whatif")."""
    queues = {q.id: q for q in config.queues}
    shifts = {name: _moved_breaks(s, breaks) for name, s in config.shifts.items()}
    agents = list(config.agents)
    taken: set[tuple[str, int]] = set()  # (agent, slot) already off the phones
    for change in staffing:
        queue = queues.get(change.queue_id)
        if queue is None:
            raise ValueError(f"no queue {change.queue_id!r}")
        if not 0 <= change.slot < SLOTS_PER_DAY:
            raise ValueError(f"no half-hour {change.slot} (0–47)")
        if change.agents > 0:
            shift_name = f"whatif-{change.slot:02d}"
            shifts.setdefault(
                shift_name, Shift(start=_hhmm(change.slot), end=_hhmm(change.slot + 1))
            )
            team = next((a.team for a in agents if queue.skill in a.skills), "whatif")
            for n in range(change.agents):
                agents.append(
                    AgentConfig(
                        id=f"whatif-{queue.id}-{change.slot:02d}-{n + 1}",
                        name=f"what-if {queue.id} {_hhmm(change.slot)} #{n + 1}",
                        team=team,
                        skills={queue.skill: EXTRA_LEVEL},
                        shift=shift_name,
                    )
                )
            continue
        # fewer: the queue's own agents first (best level there), those on shift then
        candidates = sorted(
            (
                (i, a)
                for i, a in enumerate(agents)
                if a.simulated
                and queue.skill in a.skills
                and (a.id, change.slot) not in taken
                and _on_shift(shifts.get(a.shift) if a.shift else None, change.slot)
            ),
            key=lambda pair: (-pair[1].skills[queue.skill], pair[1].id),
        )
        for i, agent in candidates[: -change.agents]:
            base = shifts[agent.shift] if agent.shift else Shift(start="00:00", end="00:00")
            name = f"{agent.shift or 'all-day'}~{agent.id}"
            off = Break(at=_hhmm(change.slot), minutes=30, reason="whatif")
            shifts[name] = base.model_copy(update={"breaks": [*base.breaks, off]})
            agents[i] = agent.model_copy(update={"shift": name})
            taken.add((agent.id, change.slot))
    return config.model_copy(update={"shifts": shifts, "agents": agents})


# ---------------------------------------------------------------------- one replication


def _durations(
    config: CentreConfig, callers: Sequence[Caller], seed: int, replication: int
) -> list[tuple[float, float, float]]:
    """(talk, after-call work, patience) per caller, in the callers' order: one stream per
    purpose, so every variant of replication r gives each caller the same three."""
    rngs = [random.Random(f"{seed}/whatif/{replication}/{p}") for p in ("talk", "acw", "wait")]
    samplers = {}
    for queue in config.queues:
        samplers[queue.id] = (
            make_sampler(queue.talk_time, rngs[0]),
            make_sampler(queue.after_call_work, rngs[1]) if queue.after_call_work else None,
            make_sampler(queue.patience, rngs[2]) if queue.patience else None,
        )
    out = []
    for caller in callers:
        talk, acw, patience = samplers[caller.queue_id]
        out.append((talk(), acw() if acw else -1.0, patience() if patience else -1.0))
    return out


def rerun_log(inputs: WhatIfInputs, replication: int) -> tuple[CentreConfig, list[LogEntry]]:
    """The changed centre, and the log of replication `replication` re-run to `until`."""
    config = changed_config(inputs.config, inputs.staffing, inputs.breaks)
    silent = [q.model_copy(update={"arrivals": None}) for q in config.queues]
    config = config.model_copy(update={"queues": silent})  # the log's callers, no others
    engine = Engine(config, inputs.seed * 1000 + replication, emit_queue_stats=False, keep_log=True)
    durations = _durations(config, inputs.callers, inputs.seed, replication)
    for caller, (talk_s, acw_s, patience_s) in zip(inputs.callers, durations, strict=True):
        engine.advance_to(max(caller.at, engine.now))
        engine.place_call(
            caller.queue_id,
            tier=caller.tier,
            customer_id=caller.customer_id,
            talk_s=talk_s,
            acw_s=acw_s,
            patience_s=patience_s,
        )
    engine.advance_to(max(inputs.until, engine.now))
    assert engine.log is not None
    return config, engine.log


def replicate(inputs: WhatIfInputs, replication: int) -> Replication:
    """Replication `replication` of the what-if, folded per queue and half-hour."""
    config, log = rerun_log(inputs, replication)
    outcomes = day_outcomes(log, config, start=inputs.start, until=inputs.until)
    return {
        queue_id: {slot: _counts(o) for slot, o in per_slot.items()}
        for queue_id, per_slot in outcomes.slots.items()
    }


def _counts(o: SlotOutcome) -> SlotCounts:
    return (
        o.offered,
        o.answered,
        o.answered_in_sl,
        o.abandoned,
        o.waiting_short,
        o.on_call_s,
        o.ready_s,
    )


def _outcome(counts: SlotCounts) -> SlotOutcome:
    return SlotOutcome(
        offered=counts[0],
        answered=counts[1],
        answered_in_sl=counts[2],
        abandoned=counts[3],
        waiting_short=counts[4],
        on_call_s=counts[5],
        ready_s=counts[6],
    )


# ---------------------------------------------------------------------- N of them


def _replicate_many(inputs: WhatIfInputs, replications: Sequence[int]) -> list[Replication]:
    return [replicate(inputs, r) for r in replications]


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for replications. Not forked from a threaded server: forkserver on
    Linux, spawn elsewhere (macOS, Windows)."""
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # workers fork from a server that has imported the engine once, not each on its own
        context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def run_whatif(
    inputs: WhatIfInputs,
    replications: int,
    *,
    workers: int = 1,
    pool: Executor | None = None,
) -> WhatIfResult:
    """`replications` replications of the what-if, on `workers` processes (1: this one), or
    on `pool` (of `workers` processes) when given; the same result whatever the number of
    workers. Where worker processes cannot start (a host whose stderr is not a file, as
    under a TUI test harness), they run here, and the result says 1 worker."""
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ValueError(f"replications must be 1–{MAX_REPLICATIONS}")
    reps = list(range(replications))
    runs: list[Replication] | None = None
    used = 1
    if pool is not None or workers > 1:
        used = max(workers, 1)
        runs = _in_workers(inputs, reps, used, pool)
    if runs is None:
        used = 1
        runs = _replicate_many(inputs, reps)
    return summarise(inputs.config, runs, inputs.start, inputs.until, workers=used)


def _in_workers(
    inputs: WhatIfInputs, reps: list[int], size: int, pool: Executor | None
) -> list[Replication] | None:
    """The replications, dealt round-robin to `size` workers; None if none could start."""
    chunks = [reps[i::size] for i in range(size) if reps[i::size]]
    owned: ProcessPoolExecutor | None = None
    try:
        try:
            # the pool's semaphores start multiprocessing's resource tracker, which passes
            # it sys.stderr's file descriptor: here is where a host without one fails
            owned = worker_pool(size) if pool is None else None
            executor = owned if owned is not None else pool
            assert executor is not None
            futures = [executor.submit(_replicate_many, inputs, chunk) for chunk in chunks]
        except (OSError, ValueError, BrokenProcessPool):
            return None
        by_rep: dict[int, Replication] = {}
        for chunk, future in zip(chunks, futures, strict=True):
            by_rep.update(zip(chunk, future.result(), strict=True))
    finally:
        if owned is not None:
            owned.shutdown()
    return [by_rep[r] for r in reps]


def summarise(
    config: CentreConfig,
    runs: Sequence[Replication],
    start: float,
    until: float,
    *,
    workers: int = 1,
) -> WhatIfResult:
    """Mean and spread per queue and half-hour between `start` and `until`, in rep order."""
    clock = CentreClock(config.centre.epoch)
    first = clock.interval_start(start)
    count = max(1, math.ceil((until - first) / SLOT_S))
    slots = [clock.slot(first + k * SLOT_S) for k in range(count)]
    rows: list[WhatIfSlot] = []
    for queue in config.queues:
        for slot in slots:
            outcomes = [
                _outcome(run.get(queue.id, {}).get(slot, (0, 0, 0, 0, 0, 0.0, 0.0))) for run in runs
            ]
            rows.append(
                WhatIfSlot(
                    queue_id=queue.id,
                    slot=slot,
                    offered=outcomes[0].offered if outcomes else 0,
                    service_level=Spread.of([o.service_level for o in outcomes]),
                    abandoned=Spread.of([float(o.abandoned) for o in outcomes]),
                    occupancy=Spread.of([o.occupancy for o in outcomes]),
                )
            )
    return WhatIfResult(len(runs), workers, tuple(rows))
