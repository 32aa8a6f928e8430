"""Real `agent-tui-server serve` processes for tests: a small centre file, start, wait."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from server_stub.centre.loader import default_centre_path

REPO = Path(__file__).resolve().parents[2]


def small_centre_file(folder: Path, customers: int = 200) -> Path:
    """The demo centre with fewer customers (generating 10,000 takes seconds)."""
    text = default_centre_path().read_text(encoding="utf-8")
    assert "  count: 10000\n" in text
    path = folder / "centre.yaml"
    path.write_text(text.replace("  count: 10000\n", f"  count: {customers}\n"), encoding="utf-8")
    return path


def serve_command(config: Path, db: Path | str, port: int, speed: float = 0.0) -> list[str]:
    return [
        sys.executable, "-m", "server_stub.cli", "serve",
        "--config", str(config), "--db", str(db), "--port", str(port), "--speed", str(speed),
    ]  # fmt: skip


def start_server(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )


def wait_for_health(base_url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(f"{base_url}/v1/health", timeout=2)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def run_to_the_end(command: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A command that is expected to stop by itself (a refused start)."""
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=timeout
    )
