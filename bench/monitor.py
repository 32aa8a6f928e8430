"""The supervisor's monitor on a floor of 2,000 agents in 20 teams at 10× speed.

The server runs in its own process (`agent-tui-server serve`, a fresh database) on the
demo centre grown to `--agents` simulated agents in `--teams` teams, with callers scaled
to match; the monitor is the real app (headless, 120×40) logged in as the floor manager
f100, so it follows every agent. For every `agent.state_changed` the store takes in, the
latency is the moment the screen that shows its row has been painted (Textual's
`call_after_refresh` after the agents board was brought up to date) − the event's
`wall_time` (stamped by the server when the engine emitted it): network, feed, store,
diffed table and paint. Prints p50/p99, where the time goes (emission → store, store →
the board starts drawing, the draw), the collector's full passes, the monitor process's
memory (VmRSS every 10 s over `--seconds` of wall time; 360 s at 10× is an hour of the
centre) with `rss_growth_mib` after the first quarter (the caches' warm-up), and as the
last line `p99_ms=X` (target ≤ 50). `--profile-client`/`--profile-server FILE` write
cProfile files; `--tracemalloc` prints what grew in the monitor's heap after the warm-up.

    .venv/bin/python bench/monitor.py [--agents 2000] [--teams 20] [--seconds 60] [--speed 10]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from array import array
from pathlib import Path
from typing import Any

import keyring
from keyring.backends import fail
from server_process import ServerProcess, percentile, rss_kib

from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.supervisor.screen import MonitorScreen
from server_stub.centre.loader import default_centre_path, load_centre
from server_stub.protocol.events import Event

WARM_UP_S = 5.0  # wall seconds after login before latencies count (the first board load)
# Memory: the caches of the board and of Textual's tables fill in the run's first quarter;
# after that the RSS must stay flat (sampled every SAMPLE_EVERY_S).
MEMORY_WARM_UP_SHARE = 0.25
SAMPLE_EVERY_S = 10.0


def big_centre(folder: Path, agents: int, teams: int) -> Path:
    """The demo centre with `agents` simulated agents in `teams` teams (the demo's own
    agents and teams kept, so its supervision file still applies), written as JSON (which
    is YAML) beside a copy of its scripts and supervision file."""
    demo_path = default_centre_path()
    demo = load_centre(demo_path)
    data: dict[str, Any] = demo.model_dump(mode="json", by_alias=True, exclude_none=False)
    extra_teams = [f"T{n:02d}" for n in range(len(demo.teams) + 1, teams + 1)]
    data["teams"] += [{"id": t, "name": f"{t} 组 Team {t}"} for t in extra_teams]
    all_teams = [t["id"] for t in data["teams"]]
    template = next(a for a in data["agents"] if a["simulated"])
    grown = [
        {
            **template,
            "id": f"b{n:04d}",
            "name": f"坐席{n} Agent {n}",
            "team": all_teams[n % len(all_teams)],
        }
        for n in range(agents - len(data["agents"]))
    ]
    scale = agents / len(data["agents"])
    data["agents"] += grown
    for queue in data["queues"]:
        if queue.get("arrivals"):
            queue["arrivals"]["calls_per_day"] = queue["arrivals"]["calls_per_day"] * scale
    data["customers"]["count"] = 300
    path = folder / "centre.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(demo_path.parent / "scripts", folder / "scripts")
    shutil.copy(demo_path.parent / "supervision.yaml", folder / "supervision.yaml")
    return path


async def measure(
    base_url: str, seconds: float, folder: Path, traced: bool
) -> tuple[list[float], list[int]]:
    # The bench's own figures are kept as arrays of doubles (8 bytes each, no float objects):
    # they live in the monitor's process, whose memory the bench measures.
    latencies = array("d")
    app = ShellApp(
        base_url,
        data_dir=folder / "data",
        config_dir=folder / "config",
        cursor_blink=False,
        agent_id="f100",
        password="demo",
    )
    (folder / "config").mkdir(exist_ok=True)
    counting = False
    collecting: list[float] = []  # when the collector started, while it runs
    pauses: list[float] = []  # the collector's full passes (generation 2), ms

    def time_collections(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            collecting[:] = [time.perf_counter()]
        elif collecting:
            pauses.append((time.perf_counter() - collecting.pop()) * 1000.0)

    pending: list[float] = []  # wall_times of state changes taken in, not yet drawn
    arrivals = array("d")  # emission → taken in by the store, ms
    queued = array("d")  # the newest change taken in → the board starts drawing, ms
    drawing = array("d")  # bringing the agents board up to date, ms

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        deadline = time.monotonic() + 60
        while not isinstance(app.screen, MonitorScreen) or not app.store.floor:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the monitor did not open (on {type(app.screen).__name__})")
            await pilot.pause(0.1)
        monitor = app.screen
        store = app.store
        apply = store.apply

        def counted_apply(event: Event) -> frozenset[str]:
            if counting and event.type == "agent.state_changed":
                pending.append(event.wall_time)
                arrivals.append((time.time() - event.wall_time) * 1000.0)
            return apply(event)

        store.apply = counted_apply  # type: ignore[method-assign]
        show = monitor._show_agents

        def drawn(stamps: list[float]) -> None:
            now = time.time()
            latencies.extend((now - stamp) * 1000.0 for stamp in stamps)

        def show_and_time() -> None:
            stamps = pending[:]
            pending.clear()
            started = time.time()
            if stamps:
                queued.append((started - max(stamps)) * 1000.0)
            show()
            drawing.append((time.time() - started) * 1000.0)
            if stamps:
                app.call_after_refresh(drawn, stamps)

        monitor._show_agents = show_and_time  # type: ignore[method-assign]
        await pilot.pause(WARM_UP_S)
        counting = True
        gc.callbacks.append(time_collections)
        samples = await sample_memory(pilot, seconds, traced)
        gc.callbacks.remove(time_collections)
        counting = False
    if arrivals:
        print(f"arrival_p50_ms={percentile(list(arrivals), 0.5):.1f} (emission → the store)")
        print(
            f"queued_p50_ms={percentile(list(queued), 0.5):.1f} (the store → the board starts)"
            f" draw_p50_ms={percentile(list(drawing), 0.5):.1f}"
            f" draw_p99_ms={percentile(list(drawing), 0.99):.1f} (bringing the board up to date)"
        )
    longest = max(pauses, default=0.0)
    print(f"gc_full_passes={len(pauses)} gc_longest_ms={longest:.0f} (the collector's)")
    return list(latencies), samples


async def sample_memory(pilot: Any, seconds: float, traced: bool) -> list[int]:
    """The monitor's RSS (KiB) every `SAMPLE_EVERY_S` while the bench runs; with `traced`,
    what grew in Python's heap from the end of the memory warm-up to the end (tracemalloc:
    slow, for finding a leak, not for the latency figures)."""
    samples = [rss_kib(os.getpid())]
    warm_at = seconds * MEMORY_WARM_UP_SHARE
    started = time.monotonic()
    before: tracemalloc.Snapshot | None = None
    if traced:
        tracemalloc.start(8)
    while (elapsed := time.monotonic() - started) < seconds:
        await pilot.pause(min(SAMPLE_EVERY_S, seconds - elapsed))
        samples.append(rss_kib(os.getpid()))
        if traced and before is None and time.monotonic() - started >= warm_at:
            before = tracemalloc.take_snapshot()
    if traced and before is not None:
        grown = tracemalloc.take_snapshot().compare_to(before, "traceback")
        for stat in grown[:12]:
            print(f"grew {stat.size_diff / 1024:+.0f} KiB in {stat.count_diff:+d} blocks at:")
            for frame in stat.traceback.format()[-8:]:
                print(f"    {frame}")
        tracemalloc.stop()
    return samples


def main() -> int:
    keyring.set_keyring(fail.Keyring())  # nothing remembered: the bench types nothing secret
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--profile-client", type=Path, help="write the monitor's cProfile here")
    parser.add_argument("--profile-server", type=Path, help="write the server's cProfile here")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="print what grew in the monitor's heap"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    config = big_centre(folder, args.agents, args.teams)
    profiler = ("-m", "cProfile", "-o", str(args.profile_server)) if args.profile_server else ()
    server = ServerProcess(speed=args.speed, config=config, python_args=profiler)
    try:
        print(f"server up in {server.started_in_s:.1f} s: {args.agents} agents, {args.teams} teams")
        client_profile = cProfile.Profile() if args.profile_client else None
        if client_profile is not None:
            client_profile.enable()
        latencies, samples = asyncio.run(
            measure(server.base_url, args.seconds, folder, args.tracemalloc)
        )
        if client_profile is not None:
            client_profile.disable()
            client_profile.dump_stats(args.profile_client)
    finally:
        server.stop()
    if not latencies:
        print("no state change reached the board", file=sys.stderr)
        return 1
    sim_minutes = args.seconds * args.speed / 60
    drawn = len(latencies)
    print(f"{drawn} state changes drawn over {args.seconds:.0f} s ({sim_minutes:.0f} sim min)")
    print(f"p50_ms={percentile(latencies, 0.5):.1f}")
    warm = samples[min(len(samples) - 1, round((len(samples) - 1) * MEMORY_WARM_UP_SHARE))]
    every = max(1, len(samples) // 12)
    print("monitor_rss_mib " + " ".join(f"{kib / 1024:.0f}" for kib in samples[::every]))
    print(f"monitor_rss_mib start={samples[0] / 1024:.0f} warm={warm / 1024:.0f}"
          f" end={samples[-1] / 1024:.0f}")  # fmt: skip
    print(f"rss_growth_mib={(samples[-1] - warm) / 1024:.1f} (after the first quarter)")
    print(f"p99_ms={percentile(latencies, 0.99):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
