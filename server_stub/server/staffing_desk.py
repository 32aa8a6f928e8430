"""The server's side of the staffing view: today's log read off the event loop, the
staffing table, and what-if jobs run in worker processes while the server goes on.

A supervisor's queues are those whose skill an agent of a supervised team has (the
whole floor: every queue). Each what-if job belongs to the user who started it.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.staffing import (
    HappenedModel,
    SpreadModel,
    StaffingRowModel,
    StaffingSource,
    StaffingTable,
    WhatIfJob,
    WhatIfRequest,
    WhatIfResultModel,
    WhatIfRowModel,
)
from server_stub.server.scope import Reach
from server_stub.server.store import Store
from server_stub.supervision.clock import DAY_S, CentreClock
from server_stub.supervision.day_outcomes import (
    Caller,
    LogTuple,
    arrival_times,
    callers_reaching_queues,
    day_outcomes,
)
from server_stub.supervision.staffing import arrivals_per_slot, staffing_plan
from server_stub.supervision.whatif import (
    MAX_REPLICATIONS,
    BreakChange,
    Spread,
    StaffingChange,
    WhatIfInputs,
    run_whatif,
    worker_pool,
)
from server_stub.supervision.workload import queue_patience_s

MAX_WORKERS = 4
JOBS_KEPT = 32  # finished jobs kept for fetching, oldest forgotten first


def stored_log(store: Store) -> list[LogTuple]:
    """The stored log as engine-style tuples (blocking: read it in a thread)."""
    return [
        (e.sim_time, e.type, e.call_id, e.agent_id, e.queue_id, e.data) for e in store.iter_events()
    ]


def whatif_workers(replications: int) -> int:
    """Worker processes for a what-if: the machine's cores, at most 4, never more than runs."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1, replications))


def supervised_queues(config: CentreConfig, reach: Reach) -> list[str]:
    """The queues a login supervises, in config order."""
    if reach.whole_floor:
        return [q.id for q in config.queues]
    skills = {s for a in config.agents if a.team in reach.teams for s in a.skills}
    return [q.id for q in config.queues if q.skill in skills]


def day_start(config: CentreConfig, now: float) -> float:
    """Sim time of 00:00 local of the day `now` falls in (never before sim time 0)."""
    clock = CentreClock(config.centre.epoch)
    return max(0.0, math.floor(clock.local_s(now) / DAY_S) * DAY_S - clock.day_offset_s)


def staffing_table(
    config: CentreConfig,
    queues: Sequence[str],
    goals: dict[str, float],
    *,
    source: StaffingSource,
    now: float,
    shrinkage: float,
    log: Sequence[LogTuple] = (),
) -> StaffingTable:
    """Agents required per queue and half-hour, from the forecast or today's callers."""
    start = day_start(config, now)
    arrivals = None
    if source == "actual":
        callers = callers_reaching_queues(log, start=start, until=now)
        times: dict[str, list[float]] = {q: [] for q in queues}
        times |= arrival_times(callers)
        arrivals = arrivals_per_slot(times, CentreClock(config.centre.epoch))
    plan = staffing_plan(
        config, sl_goals=goals, arrivals=arrivals, shrinkage=shrinkage, queues=queues
    )
    by_id = {q.id: q for q in config.queues}
    rows = [
        StaffingRowModel(
            queue_id=r.queue_id,
            slot=r.slot,
            start=r.start,
            calls=r.calls,
            aht_s=r.aht_s,
            load_erlangs=r.load_erlangs,
            sl_goal=goals.get(r.queue_id, 0.8),
            sl_target_s=float(by_id[r.queue_id].sl_target_s),
            patience_s=queue_patience_s(by_id[r.queue_id]),
            agents_erlang_c=r.agents_erlang_c,
            agents_erlang_a=r.agents_erlang_a,
            scheduled_erlang_c=r.scheduled_erlang_c,
            scheduled_erlang_a=r.scheduled_erlang_a,
        )
        for r in plan
    ]
    return StaffingTable(
        source=source,
        as_of=now,
        shrinkage=shrinkage,
        day_start=start,
        now_slot=CentreClock(config.centre.epoch).slot(now),
        queues=list(queues),
        rows=rows,
    )


def _spread(s: Spread) -> SpreadModel:
    return SpreadModel(mean=s.mean, sd=s.sd, low=s.low, high=s.high)


def whatif_result(
    config: CentreConfig,
    log: Sequence[LogTuple],
    request: WhatIfRequest,
    queues: Sequence[str],
    *,
    now: float,
    workers: int,
    pool: Executor | None = None,
) -> WhatIfResultModel:
    """Re-run today so far with the request's changes, beside what happened (blocking:
    call it in a thread)."""
    start = day_start(config, now)
    callers: tuple[Caller, ...] = tuple(callers_reaching_queues(log, start=start, until=now))
    inputs = WhatIfInputs(
        config=config,
        callers=callers,
        start=start,
        until=now,
        seed=request.seed,
        staffing=tuple(StaffingChange(c.queue_id, c.slot, c.agents) for c in request.staffing),
        breaks=tuple(BreakChange(b.slot, b.to_slot) for b in request.breaks),
    )
    result = run_whatif(inputs, request.replications, workers=workers, pool=pool)
    happened = day_outcomes(log, config, start=start, until=now)
    clock = CentreClock(config.centre.epoch)
    wanted = set(queues)
    rows = []
    for row in result.slots:
        if row.queue_id not in wanted:
            continue
        actual = happened.get(row.queue_id, row.slot)
        rows.append(
            WhatIfRowModel(
                queue_id=row.queue_id,
                slot=row.slot,
                start=clock.label(row.slot * 1800.0 - clock.day_offset_s),
                happened=HappenedModel(
                    offered=actual.offered,
                    answered=actual.answered,
                    abandoned=actual.abandoned,
                    service_level=actual.service_level,
                    occupancy=actual.occupancy,
                ),
                offered=row.offered,
                service_level=_spread(row.service_level),
                abandoned=_spread(row.abandoned),
                occupancy=_spread(row.occupancy),
            )
        )
    return WhatIfResultModel(
        replications=result.replications,
        workers=result.workers,
        start=start,
        until=now,
        callers=len(callers),
        rows=rows,
    )


@dataclass
class _Job:
    owner: str
    view: WhatIfJob
    task: asyncio.Task[None] | None = None


class WhatIfJobs:
    """What-if jobs by id: started on the loop, run in a thread that waits on worker
    processes, fetched by their owner. The worker processes start with the first what-if
    and stay for the next ones (a broken pool is replaced)."""

    def __init__(self, max_workers: int | None = None) -> None:
        # None: as many as the machine gives (whatif_workers); 1: in the job's thread.
        self._workers = whatif_workers(MAX_REPLICATIONS) if max_workers is None else max_workers
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._numbers = itertools.count(1)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def workers_for(self, replications: int) -> int:
        """How many worker processes a what-if of `replications` runs on here."""
        return min(self._workers, whatif_workers(replications))

    def pool(self) -> ProcessPoolExecutor | None:
        """The worker processes (None where they cannot start: replications run in the
        job's thread then)."""
        with self._pool_lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                self._pool.shutdown(wait=False)
                self._pool = None
            if self._pool is None and self._workers > 1:
                try:
                    self._pool = worker_pool(self._workers)
                except (OSError, ValueError):
                    return None
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def start(
        self,
        owner: str,
        request: WhatIfRequest,
        queues: Sequence[str],
        compute: Callable[[], WhatIfResultModel],
    ) -> WhatIfJob:
        job_id = f"w{next(self._numbers)}"
        view = WhatIfJob(job_id=job_id, status="running", request=request, queues=list(queues))
        job = _Job(owner, view)
        self._jobs[job_id] = job
        job.task = asyncio.get_running_loop().create_task(self._run(job, compute))
        while len(self._jobs) > JOBS_KEPT:
            oldest = next(iter(self._jobs))
            if self._jobs[oldest].view.status == "running":
                break
            self._jobs.popitem(last=False)
        return view

    async def _run(self, job: _Job, compute: Callable[[], WhatIfResultModel]) -> None:
        try:
            result = await asyncio.to_thread(compute)
        except Exception as exc:  # a broken pool or a bad change: the job says so
            job.view = job.view.model_copy(update={"status": "failed", "error": str(exc)})
            return
        job.view = job.view.model_copy(update={"status": "done", "result": result})

    def get(self, owner: str, job_id: str) -> WhatIfJob | None:
        job = self._jobs.get(job_id)
        return job.view if job is not None and job.owner == owner else None

    def running(self, owner: str) -> bool:
        return any(j.owner == owner and j.view.status == "running" for j in self._jobs.values())
