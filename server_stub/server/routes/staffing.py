"""The staffing calculator and the what-if re-run (issue 10 item 6), by the supervisor's
queues (`staffing_desk.supervised_queues`).

`GET /v1/supervision/staffing?source=forecast|actual&shrinkage=0.3` — agents required per
queue and half-hour by Erlang C and A. `POST /v1/supervision/whatif` — start a re-run of
today so far with the body's changes (202, the job); `GET /v1/supervision/whatif/{job_id}`
— the job, with its result once done. The log is read and the replications run off the
event loop, so the server goes on serving while a what-if runs.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from server_stub.protocol.staffing import (
    StaffingSource,
    StaffingTable,
    WhatIfJob,
    WhatIfRequest,
    WhatIfResultModel,
)
from server_stub.server.deps import RuntimeDep
from server_stub.server.errors import ApiError, not_found
from server_stub.server.routes.supervision import FloorScope
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import out_of_scope
from server_stub.server.staffing_desk import (
    staffing_table,
    stored_log,
    supervised_queues,
    whatif_result,
)

router = APIRouter(tags=["supervision"])


def _goals(runtime: CentreRuntime, queues: list[str]) -> dict[str, float]:
    thresholds = runtime.supervision.alerts.alerts.thresholds
    return {q: thresholds.queue_rules(q).service_level.target for q in queues}


@router.get("/supervision/staffing", response_model=StaffingTable)
async def staffing(
    scope: FloorScope,
    runtime: RuntimeDep,
    source: StaffingSource = "forecast",
    shrinkage: Annotated[float, Query(ge=0.0, lt=1.0)] = 0.0,
) -> StaffingTable:
    runtime.catch_up()
    queues = supervised_queues(runtime.config, scope.reach)
    log = await asyncio.to_thread(stored_log, runtime.store) if source == "actual" else []
    return staffing_table(
        runtime.config,
        queues,
        _goals(runtime, queues),
        source=source,
        now=runtime.now,
        shrinkage=shrinkage,
        log=log,
    )


@router.post("/supervision/whatif", response_model=WhatIfJob, status_code=202)
async def start_whatif(body: WhatIfRequest, scope: FloorScope, runtime: RuntimeDep) -> WhatIfJob:
    runtime.catch_up()
    queues = supervised_queues(runtime.config, scope.reach)
    for change in body.staffing:
        if change.queue_id not in {q.id for q in runtime.config.queues}:
            raise ApiError(422, "no_such_queue", f"no queue {change.queue_id!r}")
        if change.queue_id not in queues:
            raise out_of_scope(f"queue {change.queue_id} is not one you supervise")
    user = scope.principal.user_id
    jobs = runtime.whatif_jobs
    if jobs.running(user):
        raise ApiError(409, "whatif_running", "a what-if of yours is still running")
    config, now = runtime.config, runtime.now
    store = runtime.store
    workers = jobs.workers_for(body.replications)

    def compute() -> WhatIfResultModel:  # in a thread: reads the log, waits on the worker processes
        log = stored_log(store)
        pool = jobs.pool() if workers > 1 else None
        return whatif_result(config, log, body, queues, now=now, workers=workers, pool=pool)

    return jobs.start(user, body, queues, compute)


@router.get("/supervision/whatif/{job_id}", response_model=WhatIfJob)
async def whatif(job_id: str, scope: FloorScope, runtime: RuntimeDep) -> WhatIfJob:
    job = runtime.whatif_jobs.get(scope.principal.user_id, job_id)
    if job is None:
        raise not_found("whatif", job_id)
    return job
