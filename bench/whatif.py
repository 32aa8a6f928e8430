"""Time to re-run a demo day with changed staffing: 20 replications on worker processes.

"What happened" is the demo centre simulated for one whole day (its epoch moved to 00:00,
so the day is 00:00–24:00; about 2,750 callers reach a queue). The what-if takes that
day's callers from its log, takes five enquiry agents off the phones in each half-hour of
the 10:00–12:00 peak and cancels the 12:00 lunches, and re-runs the day 20 times
(`supervision.whatif.run_whatif`) on min(4, cores) worker processes, and folds what
happened beside it. The server starts its workers with the first what-if and keeps them:
the first run here includes their start, the second (the figure) runs on them warm, as
every later what-if on the server does. The same 20 replications in this one process are
timed in the same run as the baseline.

    .venv/bin/python bench/whatif.py [--replications 20] [--workers N]

The last line is `whatif_s=X` (target ≤ 2): the wall time of the warm parallel re-run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server_stub.centre.loader import load_default_centre
from server_stub.engine import BUILD, Engine
from server_stub.server.staffing_desk import whatif_workers
from server_stub.supervision.day_outcomes import callers_reaching_queues, day_outcomes
from server_stub.supervision.whatif import (
    BreakChange,
    StaffingChange,
    WhatIfInputs,
    run_whatif,
    worker_pool,
)

DAY_S = 86_400.0
SEED = 20261123
PEAK = range(20, 24)  # 10:00–12:00


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    replications = args.replications
    workers = args.workers or whatif_workers(replications)

    demo = load_default_centre()
    config = demo.model_copy(
        update={"centre": demo.centre.model_copy(update={"epoch": "2026-11-23T00:00:00+08:00"})}
    )
    engine = Engine(config, SEED, emit_queue_stats=False, keep_log=True)
    engine.advance_to(DAY_S)
    assert engine.log is not None
    log = engine.log
    callers = tuple(callers_reaching_queues(log, start=0.0, until=DAY_S))
    inputs = WhatIfInputs(
        config=config,
        callers=callers,
        start=0.0,
        until=DAY_S,
        seed=1,
        staffing=tuple(StaffingChange("enquiry", slot, -5) for slot in PEAK),
        breaks=(BreakChange(24, None),),
    )
    print(f"engine: {BUILD}; cores: {os.cpu_count()}; load average: {os.getloadavg()}")
    print(f"demo day: {len(log)} events, {len(callers)} callers reaching a queue")

    started = time.perf_counter()
    alone = run_whatif(inputs, replications, workers=1)
    alone_s = time.perf_counter() - started
    print(f"{replications} replications in this process: {alone_s:.2f} s (baseline)")

    pool = worker_pool(workers)
    try:
        started = time.perf_counter()
        cold = run_whatif(inputs, replications, workers=workers, pool=pool)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        result = run_whatif(inputs, replications, workers=workers, pool=pool)
        happened = day_outcomes(log, config, start=0.0, until=DAY_S)
        warm_s = time.perf_counter() - started
    finally:
        pool.shutdown()
    assert result.slots == cold.slots == alone.slots, "the workers' result differs"
    peak = next(r for r in result.slots if (r.queue_id, r.slot) == ("enquiry", 20))
    had = happened.get("enquiry", 20)
    print(
        f"enquiry 10:00: SL had {had.service_level:.2f} → what-if "
        f"{peak.service_level.mean:.2f} ± {peak.service_level.sd:.2f}; abandons had "
        f"{had.abandoned} → {peak.abandoned.mean:.1f} ± {peak.abandoned.sd:.1f}"
    )
    print(
        f"first what-if, {replications} replications on {cold.workers} worker processes "
        f"started for it: {cold_s:.2f} s"
    )
    print(
        f"next what-if on the same (warm) workers, as the server's later ones: {warm_s:.2f} s; "
        f"speedup over one process {alone_s / warm_s:.2f}×"
    )
    print(f"load average after: {os.getloadavg()}")
    print(f"whatif_s={warm_s:.2f}")


if __name__ == "__main__":
    main()
