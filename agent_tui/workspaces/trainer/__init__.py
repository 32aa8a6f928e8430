"""The training console (trainers, admins).

Until its own issue (scenarios, sessions, the trainee's mirrored desk, scores) is built,
it offers what the server has today (TR1's first step): make a caller arrive in a queue
now, known or unknown, and follow that call as it is offered, answered and ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_tui.workspaces.base import WorkspaceSpec

if TYPE_CHECKING:
    from textual.screen import Screen

    from agent_tui.client.api import CentreApi
    from agent_tui.client.state import ClientStore


def _console_screen() -> Screen[Any]:
    from agent_tui.workspaces.trainer.screen import ConsoleScreen

    return ConsoleScreen()


async def load_queues(api: CentreApi, store: ClientStore, first: bool) -> frozenset[str]:
    return store.load_queues(await api.queue_stats())


WORKSPACE = WorkspaceSpec(
    id="trainer",
    title="Training console 培训控制台",
    summary="Send callers into queues now and follow each call",
    roles=("trainer", "admin"),
    scope="trainer",
    screen=_console_screen,
    load=load_queues,
)
