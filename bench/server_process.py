"""What the server benchmarks share: a real `agent-tui-server serve` process, its memory,
and percentiles. (Imported by fanout.py, resume_storm.py and memory.py from beside them.)"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    """Resident memory of a process, KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class ServerProcess:
    """`serve` on a free port with a fresh database in a temporary folder (the full demo
    centre unless `config` is given), its log in that folder; stopped with Ctrl+C."""

    def __init__(
        self,
        *,
        speed: float = 0.0,
        config: Path | None = None,
        python_args: tuple[str, ...] = (),
        db: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="bench-server-"))
        self.db = db or self.folder / "centre.sqlite"
        self.log_path = self.folder / "server.log"
        command = [
            sys.executable, *python_args, "-m", "server_stub.cli", "serve",
            "--db", str(self.db), "--port", str(self.port), "--speed", str(speed),
        ]  # fmt: skip
        if config is not None:
            command += ["--config", str(config)]
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        self.started_in_s = self._wait_for_health()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_for_health(self) -> float:
        started = time.monotonic()
        while True:
            try:
                if httpx.get(f"{self.base_url}/v1/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() - started > 120:
                print(self.log_path.read_text(), file=sys.stderr)
                raise RuntimeError("the server did not start")
            time.sleep(0.1)

    def login(self, user_id: str = "admin", password: str = "demo") -> dict[str, str]:
        response = httpx.post(
            f"{self.base_url}/v1/auth/login",
            json={"user_id": user_id, "password": password},
            timeout=30,
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def rss_mib(self) -> float:
        return rss_kib(self.pid) / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
