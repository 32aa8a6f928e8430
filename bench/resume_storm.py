"""Resume storm: many clients resume the feed from seq 1 of a long log while another polls
`/v1/health`. The backlog is read off the event loop (architecture.md "Server"), so the
health answers stay quick and the clock keeps running.

A real server (the full demo centre, fresh database) is stepped through the day with
`POST /v1/admin/clock {advance_s}` until the log holds `--events` events; then its clock
runs at `--speed`. Phase 1 polls health alone (the baseline of this run); phase 2 opens
`--clients` streams at once with `Last-Event-ID: 1` (as the admin: every event, the most
bytes), in a process of their own, each reading up to the newest event, while health is
polled every 10 ms. Prints both phases' health latency (p50/p99/max), how long the storm
took, what each client got, and as the last line `health_p99_ms=X` (target X ≤ 100).

    .venv/bin/python bench/resume_storm.py [--clients 20] [--events 50000] [--speed 10]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import statistics
import sys
import threading
import time
from typing import Any

import httpx
from server_process import ServerProcess, percentile

ID_LINE = re.compile(rb"^id: (\d+)$", re.MULTILINE)
POLL_EVERY_S = 0.01
STEP_S = 1800.0  # sim seconds per clock step while the log is filled


async def resume(port: int, token: str, until_seq: int) -> tuple[int, int, float]:
    """One client: resume from seq 1 and read up to `until_seq`; (events, bytes, seconds)."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
    writer.write(
        (
            f"GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n"
            "Last-Event-ID: 1\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"the stream was refused: {status!r}")
    events = received = 0
    last = 0
    tail = b""
    while last < until_seq:
        chunk = await reader.read(1 << 20)
        if not chunk:
            break
        received += len(chunk)
        data = tail + chunk
        cut = data.rfind(b"\n")
        tail, data = data[cut + 1 :], data[: cut + 1]
        ids = ID_LINE.findall(data)
        if ids:
            events += len(ids)
            last = int(ids[-1])
    writer.close()
    return events, received, time.monotonic() - started


def storm_worker(port: int, token: str, clients: int, until_seq: int, results: Any) -> None:
    async def main() -> list[tuple[int, int, float]]:
        return list(await asyncio.gather(*(resume(port, token, until_seq) for _ in range(clients))))

    results.put(asyncio.run(main()))


class HealthPoller:
    """Polls /v1/health every 10 ms in a thread; keeps each answer's latency (ms)."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self.latencies_ms: list[float] = []
        self.sim_times: list[tuple[float, float]] = []  # (wall, sim) to see the clock move
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HealthPoller:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with httpx.Client(base_url=self._base_url, timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                body = client.get("/v1/health").json()
                self.latencies_ms.append((time.perf_counter() - started) * 1000.0)
                self.sim_times.append((time.monotonic(), float(body["sim_time"])))
                time.sleep(POLL_EVERY_S)


def describe(name: str, latencies: list[float]) -> str:
    return (
        f"{name}: {len(latencies)} polls, p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
    )


def fill_the_log(server: ServerProcess, admin: dict[str, str], events: int) -> int:
    started = time.monotonic()
    with httpx.Client(base_url=server.base_url, headers=admin, timeout=300) as client:
        last_seq = client.get("/v1/health").json()["last_seq"]
        while last_seq < events:
            step = client.post("/v1/admin/clock", json={"advance_s": STEP_S})
            step.raise_for_status()
            last_seq = step.json()["last_seq"]
    print(f"log filled to {last_seq} events in {time.monotonic() - started:.0f} s")
    return int(last_seq)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--baseline-s", type=float, default=3.0)
    args = parser.parse_args()
    with ServerProcess(speed=0.0) as server:
        print(f"server up in {server.started_in_s:.1f} s (pid {server.pid})")
        admin = server.login()
        newest = fill_the_log(server, admin, args.events)
        httpx.post(
            f"{server.base_url}/v1/admin/clock", json={"speed": args.speed}, headers=admin
        ).raise_for_status()
        token = admin["Authorization"].removeprefix("Bearer ")
        with HealthPoller(server.base_url) as baseline:
            time.sleep(args.baseline_s)
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        worker = context.Process(
            target=storm_worker, args=(server.port, token, args.clients, newest, results)
        )
        with HealthPoller(server.base_url) as storm:
            started = time.monotonic()
            worker.start()
            outcomes = results.get(timeout=600)
            storm_s = time.monotonic() - started
            worker.join(timeout=10)
        rss = server.rss_mib()
    sim_moved = storm.sim_times[-1][1] - storm.sim_times[0][1]
    wall = storm.sim_times[-1][0] - storm.sim_times[0][0]
    events = [e for e, _, _ in outcomes]
    print(
        f"{args.clients} clients resumed from seq 1 of {newest} events in {storm_s:.1f} s: "
        f"{min(events)}..{max(events)} events, "
        f"{sum(b for _, b, _ in outcomes) / 1e6:.0f} MB in all, "
        f"slowest client {max(s for _, _, s in outcomes):.1f} s"
    )
    print(describe("health alone", baseline.latencies_ms))
    print(describe("health during the storm", storm.latencies_ms))
    print(
        f"clock during the storm: {sim_moved:.0f} sim s in {wall:.1f} s at speed {args.speed}; "
        f"server VmRSS after: {rss:.0f} MiB"
    )
    print(f"health_p99_ms={percentile(storm.latencies_ms, 0.99):.1f}")
    return 0 if min(events) >= newest - 1 else 1


if __name__ == "__main__":
    sys.exit(main())
