"""What every test of the app against a running server needs: the app, and waiting.

Shared by tests/tui (the shell, with a stand-in desk) and tests/tui/desk (the real desk).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from agent_tui.shell.app import ShellApp

AGENT, PASSWORD = "1001", "demo"


def live_app(server_url: str, tmp_path: Path, config_dir: Path, **options: Any) -> ShellApp:
    """The real app against `server_url`, in the test's own dirs, with no cursor blink."""
    return ShellApp(
        server_url, data_dir=tmp_path, config_dir=config_dir, cursor_blink=False, **options
    )


async def until(
    condition: Callable[[], object], pilot: Pilot[Any] | None = None, timeout: float = 10.0
) -> None:
    """Wait until `condition()` holds, letting the app (or, with no pilot, the loop) run.

    Generous: a CI machine running two workers on two cores draws slowly."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        if pilot is not None:
            await pilot.pause(0.02)
        else:
            await asyncio.sleep(0.02)
