"""Peak memory of `simulate --erlang`: one day of a 5,000-agent centre (about 575k calls).

The command runs in a child process as a user would run it (`agent-tui-server simulate`);
its peak resident set size is read from the kernel when it ends (`ru_maxrss` of the
children). Memory must be bounded by the calls in progress, not the calls done: the
engine keeps no log and the metrics are folded as the events come.

    .venv/bin/python bench/simulate_memory.py [--agents 5000] [--hours 24]

The last line is `peak_rss_mb=X` (target ≤ 300).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALLS_PER_AGENT_HOUR = 4.8  # 24,000 calls an hour on 5,000 agents, 720 s each: 96 % occupancy
AHT_S = 720.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=5000)
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()
    arrivals = CALLS_PER_AGENT_HOUR * args.agents
    command = [sys.executable, "-m", "server_stub.cli", "simulate", "--erlang"]
    command += [f"--arrivals-per-hour={arrivals:g}", f"--aht={AHT_S:g}", f"--agents={args.agents}"]
    command += [f"--hours={args.hours:g}", "--days=1", "--seed=1", "--json"]
    print(" ".join(["simulate", *command[4:]]))
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    offered = _offered(done.stdout)
    print(f"calls offered: {offered:,.0f} in {seconds:.1f} s")
    print(f"peak_rss_mb={peak_kb / 1024:.0f}")
    return 0


def _offered(report: str) -> float:
    import json

    return float(json.loads(report)["offered"]["mean"])


if __name__ == "__main__":
    sys.exit(main())
