"""The private demo server never outlives the desk that started it, however the desk ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent_tui.demo import OWNER_FILE, WORKDIR_PREFIX, remove_orphaned_workdirs

# A desk stand-in: it starts the demo server as `agent-tui --demo` does, says the server's
# pid and folder, and waits to be killed.
DESK = """
import sys, time
from agent_tui.demo import DemoServer
server = DemoServer(speed=0)
server.launch()
print(server.process.pid, server.log_path.parent, flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_demo_server_stops_when_its_desk_is_killed_with_sigkill() -> None:
    desk = subprocess.Popen([sys.executable, "-c", DESK], stdout=subprocess.PIPE, text=True)
    assert desk.stdout is not None
    server_pid, workdir = desk.stdout.readline().split()
    assert not _gone(int(server_pid))
    desk.send_signal(signal.SIGKILL)  # no exit handler runs: only the pipe tells the server
    desk.wait()
    deadline = time.monotonic() + 120  # the server may still be making the demo customers
    while not _gone(int(server_pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _gone(int(server_pid)), "the demo server outlived its desk"
    assert remove_orphaned_workdirs(Path(workdir).parent).count(Path(workdir)) == 1


def test_only_folders_of_desks_that_are_gone_are_removed(tmp_path: Path) -> None:
    dead_pid = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_pid.wait()
    orphan = tmp_path / f"{WORKDIR_PREFIX}orphan"
    orphan.mkdir()
    (orphan / OWNER_FILE).write_text(str(dead_pid.pid))
    mine = tmp_path / f"{WORKDIR_PREFIX}mine"
    mine.mkdir()
    (mine / OWNER_FILE).write_text(str(os.getpid()))
    unmarked = tmp_path / f"{WORKDIR_PREFIX}older"
    unmarked.mkdir()

    assert remove_orphaned_workdirs(tmp_path) == [orphan]
    assert not orphan.exists()
    assert mine.exists() and unmarked.exists()
