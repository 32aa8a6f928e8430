"""Speed of one simulated day: SimPy's plainest model against our engine.

Both run one 24-hour day in this process: 500 agents, Poisson arrivals at
2,500 calls/h, exponential patience (mean 120 s), exponential handling (mean
734.4 s). SimPy: one process per call racing `Resource.request()` against a
patience timeout. Ours: the full engine with skills routing (two queues, two
skills, every agent has both at different levels), the handle time split into
talk (exponential, mean 724.4 s) + after-call work (fixed 10 s) so the load is
the same, and every event logged and handed to a subscriber (as the server's runtime
takes every event; the engine keeps none). Best of N runs each, taken in turns.

The engine runs as `make bench` built it: compiled with mypyc when a C compiler was there
(server_stub/compiled_engine.py), else from its sources. A compiled run also times the
sources in a child process (`AGENT_TUI_ENGINE=interpreted`) and prints that figure above.
`--profile` needs the interpreted engine to see inside it:
`AGENT_TUI_ENGINE=interpreted .venv/bin/python bench/sim_speed.py --profile`.

    .venv/bin/python bench/sim_speed.py [--repeats 3] [--hours 24] [--profile]

The last line is `speedup=X`: SimPy's time ÷ ours.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import subprocess
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import simpy

from server_stub.centre.schema import (
    AgentConfig,
    Arrivals,
    CentreConfig,
    CentreInfo,
    Customers,
    Distribution,
    QueueConfig,
    Team,
)
from server_stub.compiled_engine import ENV_SWITCH
from server_stub.engine import BUILD, Engine

AGENTS = 500
CALLS_PER_HOUR = 2500.0
HANDLE_S = 734.4
ACW_S = 10.0
PATIENCE_S = 120.0
SEED = 20261123

Result = TypeVar("Result")
Other = TypeVar("Other")


def simpy_day(hours: float, seed: int) -> tuple[int, int, int]:
    """(calls, answered, abandoned) of SimPy's plain M/M/N+M day."""
    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    counts = {"calls": 0, "answered": 0, "abandoned": 0}

    def caller() -> Generator[simpy.Event, Any, None]:
        with agents.request() as request:
            outcome = yield request | env.timeout(rng.expovariate(1 / PATIENCE_S))
            if request in outcome:
                counts["answered"] += 1
                yield env.timeout(rng.expovariate(1 / HANDLE_S))
            else:
                counts["abandoned"] += 1

    def arrivals() -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(CALLS_PER_HOUR / 3600))
            counts["calls"] += 1
            env.process(caller())

    env.process(arrivals())
    env.run(until=hours * 3600)
    return counts["calls"], counts["answered"], counts["abandoned"]


def bench_centre() -> CentreConfig:
    """Two queues on two skills sharing 500 agents: half prefer one, half the other."""
    queues = [
        QueueConfig(
            id=queue_id,
            name=queue_id,
            skill=queue_id,
            max_length=100_000,
            talk_time=Distribution(dist="exponential", mean_s=HANDLE_S - ACW_S),
            after_call_work=Distribution(dist="fixed", mean_s=ACW_S),
            patience=Distribution(dist="exponential", mean_s=PATIENCE_S),
            arrivals=Arrivals(calls_per_day=CALLS_PER_HOUR * 24 / 2, profile="flat"),
        )
        for queue_id in ("sales", "service")
    ]
    agents = [
        AgentConfig(
            id=f"a{k:03d}",
            name=f"Agent {k}",
            team="floor",
            skills={"sales": 8, "service": 3} if k % 2 else {"sales": 3, "service": 8},
        )
        for k in range(AGENTS)
    ]
    return CentreConfig(
        centre=CentreInfo(name="bench 基准"),
        skills=["sales", "service"],
        queues=queues,
        arrival_profiles={"flat": [1.0] * 48},
        teams=[Team(id="floor", name="Floor")],
        agents=agents,
        customers=Customers(count=1, known_caller_share=0.0),
    )


def engine_day(config: CentreConfig, hours: float, seed: int) -> tuple[int, int, int, int]:
    """Our engine's day: (calls, answered, abandoned, events). Every event is handed to a
    subscriber, which counts them; the outcomes come from the queues' own counters."""
    engine = Engine(config, seed, emit_queue_stats=False)  # SimPy takes no snapshots either
    handed_on = [0]

    def count(_first: int, batch: list[Any]) -> None:
        handed_on[0] += len(batch)

    engine.subscribe_batches(count)
    engine.advance_to(hours * 3600)
    stats = [engine.queue_stats(queue.id) for queue in config.queues]
    return (
        sum(s["offered"] for s in stats),
        sum(s["answered"] for s in stats),
        sum(s["abandoned"] for s in stats),
        handed_on[0],
    )


def best_of_each(
    repeats: int, first: Callable[[], Result], second: Callable[[], Other]
) -> tuple[float, Result, float, Other]:
    """Fastest of `repeats` runs of each, taken in turns so that a change in the machine's
    load (it is shared) falls on both alike; each result is kept from its first run."""
    first_s, first_result = timed(first)
    second_s, second_result = timed(second)
    for _ in range(repeats - 1):
        first_s = min(first_s, timed(first)[0])
        second_s = min(second_s, timed(second)[0])
    return first_s, first_result, second_s, second_result


def timed(run: Callable[[], Result]) -> tuple[float, Result]:
    gc.collect()  # free the previous run (agents and queues refer to each other) untimed
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def best_of(repeats: int, run: Callable[[], Result]) -> float:
    """Fastest of `repeats` runs."""
    return min(timed(run)[0] for _ in range(repeats))


def interpreted_seconds(repeats: int, hours: float) -> float:
    """Our engine's day run from its sources, in a child process (the build is per process)."""
    command = [sys.executable, __file__, "--engine-only", f"--repeats={repeats}"]
    command.append(f"--hours={hours}")
    env = {**os.environ, ENV_SWITCH: "interpreted"}
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return float(output.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--profile", action="store_true", help="cProfile one engine day")
    parser.add_argument("--engine-only", action="store_true", help="print our seconds alone")
    args = parser.parse_args()

    config = bench_centre()
    if args.engine_only:
        print(best_of(args.repeats, lambda: engine_day(config, args.hours, SEED)))
        return 0
    simpy_s, simpy_counts, ours_s, outcomes = best_of_each(
        args.repeats,
        lambda: simpy_day(args.hours, SEED),
        lambda: engine_day(config, args.hours, SEED),
    )
    calls, answered, abandoned = simpy_counts
    print(
        f"simpy:  {simpy_s:7.3f} s  calls={calls} answered={answered} abandoned={abandoned}"
        f"  (best of {args.repeats})"
    )
    calls, answered, abandoned, events = outcomes
    print(
        f"engine: {ours_s:7.3f} s  calls={calls} answered={answered} abandoned={abandoned}"
        f"  events={events} ({events / ours_s:,.0f} events/s, best of {args.repeats})"
    )
    print(f"engine build: {BUILD}")
    if BUILD == "compiled":
        sources_s = interpreted_seconds(args.repeats, args.hours)
        print(
            f"the same engine interpreted: {sources_s:.3f} s"
            f" (speedup {simpy_s / sources_s:.2f}; compiled is {sources_s / ours_s:.2f}x faster)"
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(engine_day, config, args.hours, SEED)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    print(f"speedup={simpy_s / ours_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
