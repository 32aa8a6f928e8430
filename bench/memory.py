"""Memory over simulated days: the server must not grow with the work already done.

Two measurements, each in a process of its own, on the full demo centre:
1. the engine alone (`Engine.advance_to` a day at a time, a subscriber that drops what it
   hears): what the engine itself keeps;
2. a real server (`agent-tui-server serve --speed S`, fresh database), its clock driving
   the engine, every event stored, folded into the floor and put in the feed's ring;
   RSS is read at each simulated day boundary.
Days 1..N are fitted with a least-squares line (day 0 is warm-up: customers, caches, the
feed's ring filling); the server's slope minus the engine's is what the server keeps of
its own. Prints RSS per day for both, and as the last line `growth_mb_per_day=X`, the
server's whole slope (target X ≤ 2).

    .venv/bin/python bench/memory.py [--days 4] [--speed 5000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from typing import Any

import httpx
from server_process import ServerProcess, rss_kib

DAY_S = 86_400.0


def slope(values: list[float]) -> float:
    """Least-squares growth per step of `values` (one value per day)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    return num / sum((x - mean_x) ** 2 for x in range(n))


def engine_alone(days: int, results: Any) -> None:
    """(A process of its own.) RSS after each simulated day of the bare engine."""
    import os

    from server_stub.centre.customers import customer_refs
    from server_stub.centre.loader import load_default_centre
    from server_stub.engine import BUILD, Engine

    config = load_default_centre()
    engine = Engine(config, 1, customers=customer_refs(config))
    heard = 0

    def drop(_seq: int, _entry: tuple[Any, ...]) -> None:
        nonlocal heard
        heard += 1

    engine.subscribe(drop)
    rss = [rss_kib(os.getpid()) / 1024]
    for day in range(1, days + 1):
        engine.advance_to(day * DAY_S)
        rss.append(rss_kib(os.getpid()) / 1024)
    results.put((BUILD, heard, rss))


def measure_engine(days: int) -> tuple[str, int, list[float]]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    worker = context.Process(target=engine_alone, args=(days, results))
    worker.start()
    outcome: tuple[str, int, list[float]] = results.get(timeout=3600)
    worker.join(timeout=30)
    return outcome


def measure_server(days: int, speed: float) -> tuple[list[float], int, float]:
    with ServerProcess(speed=speed) as server:
        print(f"server up in {server.started_in_s:.1f} s (pid {server.pid}), speed {speed}×")
        rss = [server.rss_mib()]
        started = time.monotonic()
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for day in range(1, days + 1):
                while True:
                    health = client.get("/v1/health").json()
                    if health["sim_time"] >= day * DAY_S:
                        break
                    time.sleep(0.2)
                rss.append(server.rss_mib())
                print(
                    f"  server day {day}: rss {rss[-1]:.0f} MiB, {health['last_seq']} events, "
                    f"{time.monotonic() - started:.0f} s",
                    flush=True,
                )
            last_seq = int(health["last_seq"])
            lag = client.get("/v1/health").json()["sim_time"] - days * DAY_S
        return rss, last_seq, lag


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--speed", type=float, default=5000.0)
    args = parser.parse_args()
    build, heard, engine_rss = measure_engine(args.days)
    print(f"engine alone ({build}): {heard} events over {args.days} days")
    for day, value in enumerate(engine_rss):
        print(f"  engine day {day}: rss {value:.0f} MiB")
    server_rss, events, _lag = measure_server(args.days, args.speed)
    engine_growth = slope(engine_rss[1:])
    server_growth = slope(server_rss[1:])
    print(
        f"per day over days 1..{args.days}: engine alone {engine_growth:.1f} MiB, "
        f"server {server_growth:.1f} MiB ({events} events), "
        f"so the server's own {server_growth - engine_growth:.1f} MiB"
    )
    print(f"engine_growth_mb_per_day={engine_growth:.1f}")
    print(f"growth_mb_per_day={server_growth:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
