"""`agent-tui --demo`: a private server with the demo centre, for trying the desk.

The server runs as a child process (`python -m server_stub.cli serve`) on a free
loopback port with a throw-away database; the desk never imports the server, it only
starts it. The login screen opens at once while the centre boots (making its customers
takes a few seconds) and logging in waits for it. The process is stopped when the desk
exits, whatever the way out: the server watches a pipe on its standard input whose other
end only the desk holds, so even a desk killed with SIGKILL takes its server with it, and
the next demo removes the folder such a desk left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from agent_tui.client.errors import ServerUnreachable

# The demo centre's human agent and its published password (server_stub/centres/demo).
DEMO_AGENT_ID = "1001"
DEMO_PASSWORD = "demo"


WORKDIR_PREFIX = "agent-tui-demo-"
OWNER_FILE = "desk.pid"  # the pid of the desk that owns the folder


class DemoServerError(RuntimeError):
    """The demo server did not start; the message carries the end of its log."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    return True


def remove_orphaned_workdirs(root: Path | None = None) -> list[Path]:
    """Remove demo folders whose desk is gone (killed before it could clean up)."""
    base = Path(root or tempfile.gettempdir())
    removed = []
    for folder in base.glob(f"{WORKDIR_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not a folder this version made, or still being made
        if not _alive(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class DemoServer:
    """The demo server process: `with DemoServer() as server: ... server.url`."""

    def __init__(self, *, speed: float = 1.0, host: str = "127.0.0.1") -> None:
        self.speed = speed
        self.host = host
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path | None:
        return self._workdir / "server.log" if self._workdir else None

    def start(self, *, timeout: float = 30.0) -> str:
        """Launch and wait until it answers; returns its URL."""
        self.launch()
        self._wait_until_healthy(timeout)
        return self.url

    async def ready(self, timeout: float = 60.0) -> None:
        """Wait (off the event loop) until the server answers; the desk's login awaits this."""
        try:
            await asyncio.to_thread(self._wait_until_healthy, timeout)
        except DemoServerError as error:
            raise ServerUnreachable(self.url, str(error)) from error

    def launch(self) -> str:
        """Start the process and return its URL at once: the login shows while it boots."""
        remove_orphaned_workdirs()
        self._workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
        (self._workdir / OWNER_FILE).write_text(str(os.getpid()))
        self.port = free_port(self.host)
        command = [
            sys.executable, "-m", "server_stub.cli", "serve",
            "--host", self.host,
            "--port", str(self.port),
            "--db", str(self._workdir / "demo.sqlite"),
            "--speed", f"{self.speed:g}",
            "--exit-with-stdin",
        ]  # fmt: skip
        log = (self._workdir / "server.log").open("wb")
        # The server's output goes to a file: on the terminal it would tear the desk apart.
        # Its standard input is a pipe the desk never writes to: its end is the desk's end.
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.PIPE
        )
        log.close()
        return self.url

    def _wait_until_healthy(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise DemoServerError(
                    f"the demo server stopped (exit {self.process.returncode}):\n{self._log_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/v1/health", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        raise DemoServerError(f"the demo server did not answer in {timeout:g} s")

    def _log_tail(self, lines: int = 20) -> str:
        path = self.log_path
        if path is None or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
        self.process = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
