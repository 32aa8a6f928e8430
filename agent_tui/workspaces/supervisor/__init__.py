"""The supervisor's monitor (supervisors, team leaders, admins): the floor as it is now.

Until the monitor's own issue (alerts, actions, attendance, wallboard) is built, it shows
what the server offers today: the queues and the team's agents from `/v1/supervisor/*`,
kept live from the event feed and refreshed in the background, and messages to agents
and teams (SV3).
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
    """Every agent and queue as the server sees them now (the feed keeps them current)."""
    agents = await api.floor_agents()
    queues = await api.floor_queues()
    return store.load_floor(agents) | store.load_queues(queues)


WORKSPACE = WorkspaceSpec(
    id="supervisor",
    title="Supervisor monitor 班长监控",
    summary="The floor now: queues, your team's agents, messages to them",
    roles=("supervisor", "admin"),
    scope="supervisor",
    screen=_monitor_screen,
    load=load_floor,
)
