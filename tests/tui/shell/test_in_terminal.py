"""The real desk in a pseudo-terminal: `--demo` end to end, and a draft surviving SIGKILL."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from server_stub.server.testing import LiveServer, quiet_centre, start_live_server

ROOT = Path(__file__).resolve().parents[3]
F2, F4, CTRL_T, TAB = b"\x1bOQ", b"\x1bOS", b"\x14", b"\t"
TYPED = "no dial tone 42"


class DeskInPty:
    """`python -m agent_tui.cli` in a pseudo-terminal, its output drained by a thread."""

    def __init__(self, home: Path, *args: str) -> None:
        master, slave = pty.openpty()
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": "120",
            "LINES": "40",
            "PYTHONPATH": str(ROOT),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "agent_tui.cli", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def send(self, data: bytes | str) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)
        time.sleep(0.15)  # one key event at a time, like a person

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.master)


def _until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    """Wait for what a user would see; generous, as a loaded CI machine is slow to draw."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with start_live_server(quiet_centre(), speed=0) as server:
        yield server


def _agent_state(client: httpx.Client, headers: dict[str, str]) -> str:
    agents = client.get("/v1/supervisor/agents", headers=headers).json()
    return next(a["state"] for a in agents if a["agent_id"] == "1001")


def _token(client: httpx.Client, user: str) -> dict[str, str]:
    body = client.post("/v1/auth/login", json={"user_id": user, "password": "demo"}).json()
    return {"Authorization": f"Bearer {body['token']}"}


@pytest.mark.slow
def test_a_ticket_draft_typed_before_a_sigkill_is_back_after_a_restart(
    live: LiveServer, tmp_path: Path
) -> None:
    client = httpx.Client(base_url=live.base_url, timeout=5)
    supervisor = _token(client, "s100")
    drafts_dir = tmp_path / "data" / "agent-tui" / "drafts"

    desk = DeskInPty(tmp_path, "--server", live.base_url, "--agent", "1001")
    try:
        _until(lambda: b"Password" in desk.output, "the login screen")
        mark = len(desk.output)
        desk.send("demo\r")
        _until(lambda: _agent_state(client, supervisor) == "not_ready", "the login")
        # The server knows the login before the desk is drawn: a key sent in between
        # reaches the login screen, so wait for the desk's own footer first.
        _until(lambda: b"Ready" in desk.output[mark:], "the desk")
        desk.send(F2)
        _until(lambda: _agent_state(client, supervisor) == "ready", "F2 ready")
        trainer = _token(client, "t100")
        sent = client.post("/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=trainer)
        assert sent.status_code == 201, sent.text
        _until(lambda: _agent_state(client, supervisor) == "reserved", "the call to ring")
        desk.send(F4)
        _until(lambda: _agent_state(client, supervisor) == "busy", "F4 answer")
        desk.send(CTRL_T)
        desk.send(TAB)
        desk.send(TAB)  # category, priority, then the department field
        desk.send(TYPED)

        def draft_has_the_text() -> bool:
            return any(TYPED in path.read_text("utf-8") for path in drafts_dir.rglob("*.json"))

        _until(draft_has_the_text, "the draft on disk")
    finally:
        desk.kill()  # SIGKILL: no chance to save anything more or clean up

    (draft_file,) = drafts_dir.rglob("ticket--*.json")  # under the centre's own folder
    assert TYPED in json.loads(draft_file.read_text("utf-8"))["fields"]["department"]

    again = DeskInPty(tmp_path, "--server", live.base_url, "--agent", "1001")
    try:
        _until(lambda: b"Password" in again.output, "the login screen again")
        again.send("demo\r")
        _until(lambda: b"Answer" in again.output or b"Hang up" in again.output, "the desk", 60)
        mark = len(again.output)
        again.send(CTRL_T)
        _until(lambda: TYPED.encode() in again.output[mark:], "the draft back in the form")
    finally:
        again.kill()
        client.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # a zombie is gone
    except (ProcessLookupError, FileNotFoundError):
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the server process in /proc")
def test_demo_starts_its_own_server_fills_in_the_agent_and_stops_the_server_on_quit(
    tmp_path: Path,
) -> None:
    desk = DeskInPty(tmp_path, "--demo")
    try:
        # The demo agent is filled in (and its password): the login shows 1001.
        _until(lambda: b"Password" in desk.output and b"1001" in desk.output, "the login", 60)
        (server_pid,) = desk.children()
        desk.send("\r")
        _until(lambda: b"Hang up" in desk.output or b"Ready" in desk.output, "the desk", 60)
        desk.send(b"\x11")  # ctrl+q
        desk.process.wait(timeout=15)
        _until(lambda: not _alive(server_pid), "the demo server to stop", timeout=10)
    finally:
        desk.kill()
