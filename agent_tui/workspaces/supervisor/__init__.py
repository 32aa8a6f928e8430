"""The supervisor's monitor (supervisors, team leaders, admins): the floor as it is now.

The queues board, the alerts and the agents board of the user's teams (the floor
manager's whole floor), from `/v1/supervision/board` and `/alerts`, kept live by the
event feed and refreshed in the background; messages to agents and teams (SV3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_tui.workspaces.base import WorkspaceSpec

if TYPE_CHECKING:
    from textual.screen import Screen

    from agent_tui.client.api import CentreApi
    from agent_tui.client.state import ClientStore


def _monitor_screen() -> Screen[Any]:
    from agent_tui.workspaces.supervisor.screen import MonitorScreen

    return MonitorScreen()


async def load_floor(api: CentreApi, store: ClientStore, first: bool) -> frozenset[str]:
    """Both boards and the alerts as the server sees them now (the feed keeps them current)."""
    from agent_tui.client.floor_board import FloorBoardSection

    board = await api.supervision_board()
    alerts = await api.supervision_alerts()
    section = store.section(FloorBoardSection)
    parts = store.load_floor([row.status for row in board.agents])
    return parts | section.load_board(board) | section.load_alerts(alerts)


WORKSPACE = WorkspaceSpec(
    id="supervisor",
    title="Supervisor monitor 班长监控",
    summary="The floor now: queues, alerts, your team's agents, messages to them",
    roles=("supervisor", "admin"),
    scope="supervisor",
    screen=_monitor_screen,
    load=load_floor,
)
