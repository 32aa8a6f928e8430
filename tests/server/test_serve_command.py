"""`agent-tui-server serve` end to end: a real process on a loopback port, logs, Ctrl+C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from server_stub.centre.loader import default_centre_path
from server_stub.server.testing import free_port

REPO = Path(__file__).resolve().parents[2]


def _small_centre_file(folder: Path) -> Path:
    # The demo centre with 200 customers: generating 10,000 takes seconds.
    text = default_centre_path().read_text(encoding="utf-8")
    assert "  count: 10000\n" in text
    path = folder / "centre.yaml"
    path.write_text(text.replace("  count: 10000\n", "  count: 200\n"), encoding="utf-8")
    return path


def _wait_for_health(base_url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(f"{base_url}/v1/health", timeout=2)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_answers_health_logs_what_it_does_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    command = [
        sys.executable, "-m", "server_stub.cli", "serve",
        "--config", str(_small_centre_file(tmp_path)),
        "--db", str(tmp_path / "centre.sqlite"),
        "--port", str(port), "--speed", "0",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    try:
        health = _wait_for_health(f"http://127.0.0.1:{port}", process)
        assert health.status_code == 200
        assert health.json()["speed"] == 0.0
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "示例客服中心" in output  # the centre's name, CJK intact
    assert f"serving on http://127.0.0.1:{port}" in output
    assert "200 customers" in output


def test_serve_with_a_broken_centre_file_says_where_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "centre.yaml"
    broken.write_text("centre:\n  name: x\nqueues: 3\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "server_stub.cli", "serve", "--config", str(broken)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert str(broken) in result.stderr
