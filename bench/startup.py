"""Cold start of the desk: from `python -m agent_tui.cli` to an interactive login screen.

Each run starts a fresh interpreter in a pseudo-terminal (80×24), as an agent would
from a shell, and stops the clock when the login form is on the screen (the first
frame that shows the "Password" label; the form takes keys from that frame on).
The server URL points at an unused loopback port: startup must not wait for the
network. One warm-up run (compiling .pyc files) is not counted.

Prints each run, then as its last line `startup_ms=X` (the median). Target: ≤ 800.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = b"Password"
COLUMNS, ROWS = 80, 24


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_start(timeout: float = 20.0) -> float:
    """Milliseconds from spawn to the first frame showing the login form."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(COLUMNS),
        "LINES": str(ROWS),
        "PYTHONPATH": str(ROOT),
        # A developer's own keymap must not change what is measured.
        "XDG_CONFIG_HOME": str(ROOT / ".bench-config"),
    }
    command = [
        sys.executable, "-m", "agent_tui.cli",
        "--server", f"http://127.0.0.1:{unused_port()}",
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    elapsed: float | None = None
    try:
        deadline = started + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen = seen[-len(MARKER) :] + chunk
            if MARKER in seen:
                elapsed = (time.perf_counter() - started) * 1000
                break
    finally:
        if process.poll() is None:
            os.write(master, b"\x11")  # ctrl+q: quit the way an agent would
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        os.close(master)
    if elapsed is None:
        raise SystemExit(f"the login screen did not appear in {timeout:g} s")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    one_start()  # warm-up: byte-compiles; not counted
    figures = [one_start() for _ in range(args.runs)]
    for run, ms in enumerate(figures, start=1):
        print(f"run {run}: {ms:.0f} ms")
    print(f"min {min(figures):.0f} ms, max {max(figures):.0f} ms, target <= 800 ms")
    print(f"startup_ms={statistics.median(figures):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
