"""`agent-tui-server serve` end to end: a real process on a loopback port, logs, Ctrl+C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from server_stub.server.testing import free_port
from tests.server.processes import (
    REPO,
    serve_command,
    small_centre_file,
    start_server,
    wait_for_health,
)


def test_serve_answers_health_logs_what_it_does_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    command = serve_command(small_centre_file(tmp_path), tmp_path / "centre.sqlite", port)
    process = start_server(command)
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}", process)
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


def test_the_desk_lets_an_idle_connection_go_before_the_server_closes_it() -> None:
    """A request after a pause at the desk never rides a socket the server is closing
    (seen in tmux as "Server disconnected without sending a response")."""
    from server_stub.protocol.api import CLIENT_KEEP_ALIVE_S, SERVER_KEEP_ALIVE_S
    from server_stub.server.serving import server_config

    config = server_config(object(), "127.0.0.1", 0)
    assert config.timeout_keep_alive == SERVER_KEEP_ALIVE_S
    assert CLIENT_KEEP_ALIVE_S <= SERVER_KEEP_ALIVE_S / 2  # well before, whatever the delays
