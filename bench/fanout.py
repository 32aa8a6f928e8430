"""SSE fan-out: 1,000 clients on loopback while the demo centre runs at 10× speed.

The server runs in its own process (`agent-tui-server serve`, fresh database, the full
demo centre), and the clients in `--client-procs` others (default 2): plain asyncio
sockets speaking just enough HTTP/1.1 for an SSE stream, so that the measuring side costs
little. Every client logs in as the admin, so it receives every event (the worst case).
Latency = receive time − the event's `wall_time` (stamped by the server when the engine
emitted it). The clock is first stepped half an hour into the 10:00 peak so that the centre is busy.
Prints p50/p99 over all deliveries, the server's memory (VmRSS), and as the last line
`p99_ms=X` (target X ≤ 100).

    .venv/bin/python bench/fanout.py [--clients 1000] [--seconds 30] [--speed 10]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from server_process import free_port, percentile, rss_kib

WALL_TIME = re.compile(rb'"wall_time":([0-9.eE+-]+)')
PEAK_SIM_S = 1800.0  # the demo opens at the 10:00 peak; half an hour fills the floor


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    events: int = 0
    resyncs: int = 0
    connected: int = 0
    failed: int = 0
    measuring: bool = False


async def sse_client(host: str, port: int, token: str, tally: Tally, stop: asyncio.Event) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    except OSError:
        tally.failed += 1
        return
    request = (
        f"GET /v1/events HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    )
    writer.write(request.encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        tally.failed += 1
        writer.close()
        return
    tally.connected += 1
    tail = b""
    try:
        while not stop.is_set():
            chunk = await reader.read(65536)
            if not chunk:
                break
            received = time.time()
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            for line in lines:
                if not line.startswith(b"data: "):
                    if line.startswith(b"event: resync"):
                        tally.resyncs += 1
                    continue
                match = WALL_TIME.search(line)
                if match is None:
                    continue
                emitted = float(match.group(1))
                tally.events += 1
                if tally.measuring and emitted > 0:
                    tally.latencies_ms.append((received - emitted) * 1000.0)
    finally:
        writer.close()


def client_worker(
    port: int,
    token: str,
    count: int,
    measure: Any,
    stop: Any,
    results: Any,
) -> None:
    """One client process: `count` SSE clients; measures between the two events."""
    gc.disable()  # the measuring side's own GC pauses would count as delivery latency

    async def main() -> None:
        tally = Tally()
        done = asyncio.Event()
        clients = []
        for index in range(count):
            clients.append(asyncio.create_task(sse_client("127.0.0.1", port, token, tally, done)))
            if index % 100 == 99:
                await asyncio.sleep(0.05)
        while tally.connected + tally.failed < count:
            await asyncio.sleep(0.05)
        results.put(("connected", tally.connected, tally.failed))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, measure.wait)
        tally.measuring = True
        before = tally.events
        await loop.run_in_executor(None, stop.wait)
        tally.measuring = False
        done.set()
        for task in clients:
            task.cancel()
        await asyncio.gather(*clients, return_exceptions=True)
        results.put(("done", tally.latencies_ms, tally.events - before, tally.resyncs))

    try:
        import uvloop

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


async def run(args: argparse.Namespace) -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = tempfile.mkdtemp(prefix="fanout-")
    profile = ["-m", "cProfile", "-o", args.profile] if args.profile else []
    command = [
        sys.executable, *profile, "-m", "server_stub.cli", "serve",
        "--db", str(Path(folder) / "centre.sqlite"),
        "--port", str(port), "--speed", "0",
    ]  # fmt: skip
    log_file = open(Path(folder) / "server.log", "w")  # noqa: SIM115  # lives as long as the server
    server = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            started = time.monotonic()
            while True:
                try:
                    if (await http.get("/v1/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() - started > 60:
                    print(Path(folder, "server.log").read_text(), file=sys.stderr)
                    return 1
                await asyncio.sleep(0.1)
            print(f"server up in {time.monotonic() - started:.1f} s (pid {server.pid})")
            login = await http.post("/v1/auth/login", json={"user_id": "admin", "password": "demo"})
            token = login.json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            step = await http.post(
                "/v1/admin/clock", json={"advance_s": PEAK_SIM_S}, headers=headers
            )
            step.raise_for_status()
            rss_idle = rss_kib(server.pid)
            # Clients in their own processes: one Python process reading 1,000 sockets
            # would add its own queueing to the latency it measures.
            context = multiprocessing.get_context("spawn")
            measure, stop, results = context.Event(), context.Event(), context.Queue()
            shares = [args.clients // args.client_procs] * args.client_procs
            shares[0] += args.clients - sum(shares)
            workers = [
                context.Process(target=client_worker, args=(port, token, n, measure, stop, results))
                for n in shares
            ]
            for worker in workers:
                worker.start()
            connected = failed = 0
            for _ in workers:
                _, ok, bad = await asyncio.to_thread(results.get, True, 120)
                connected, failed = connected + ok, failed + bad
            print(f"{connected} clients connected, {failed} failed")
            rss_connected = rss_kib(server.pid)
            await http.post("/v1/admin/clock", json={"speed": args.speed}, headers=headers)
            await asyncio.sleep(1.0)  # let the first burst settle before measuring
            measure.set()
            await asyncio.sleep(args.seconds)
            stop.set()
            latencies: list[float] = []
            deliveries = resyncs = 0
            for _ in workers:
                _, worker_latencies, worker_events, worker_resyncs = await asyncio.to_thread(
                    results.get, True, 120
                )
                latencies += worker_latencies
                deliveries += worker_events
                resyncs += worker_resyncs
            for worker in workers:
                worker.join(timeout=10)
            rss_running = rss_kib(server.pid)
            health = (await http.get("/v1/health")).json()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    if not latencies:
        print("no events were delivered", file=sys.stderr)
        return 1
    print(
        f"clients {connected} in {args.client_procs} processes, speed {args.speed}×, "
        f"{args.seconds} s measured, sim time now {health['sim_time']:.0f} s, "
        f"events in log {health['last_seq']}"
    )
    print(
        f"deliveries {deliveries} ({deliveries / args.seconds:.0f}/s, "
        f"{deliveries / max(1, connected) / args.seconds:.1f} events/s per client), "
        f"resyncs {resyncs}"
    )
    print(
        f"latency ms: p50 {statistics.median(latencies):.1f}, "
        f"p90 {percentile(latencies, 0.90):.1f}, p99 {percentile(latencies, 0.99):.1f}, "
        f"max {max(latencies):.1f}"
    )
    print(
        f"server VmRSS: idle {rss_idle / 1024:.0f} MiB, "
        f"with clients {rss_connected / 1024:.0f} MiB, after the run {rss_running / 1024:.0f} MiB"
    )
    print(f"p99_ms={percentile(latencies, 0.99):.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--client-procs", type=int, default=2, help="client processes")
    parser.add_argument("--profile", help="write a cProfile of the server to this file")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    try:  # the measuring side should cost as little as it can: uvloop if it is there
        import uvloop

        return int(uvloop.run(run(args)))
    except ImportError:
        return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
