"""The monitor's agents board as rows of cells: pure functions of the store, tested as text.

`agent_rows` returns {agent id: cells} for `ui.tables.sync_rows`, which touches only the
cells that changed (the queues board is `ui.queues`). Times are computed from the store's
sim clock, so a frozen clock gives a stable picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text

from agent_tui.ui.labels import STATE_STYLES, clock_face, state_label

if TYPE_CHECKING:
    from server_stub.protocol.api import AgentStatus

# The team last: a team leader's board is one team, and 80 columns hold all the rest.
AGENT_COLUMNS = ("Agent", "Name", "State", "Time", "Call", "Calls", "Team")


def agent_rows(agents: Iterable[AgentStatus], now: float) -> dict[str, tuple[Text, ...]]:
    rows: dict[str, tuple[Text, ...]] = {}
    for agent in sorted(agents, key=lambda a: (a.team, a.agent_id)):
        label = state_label(agent.state, agent.reason, agent.leg)
        rows[agent.agent_id] = (
            Text(agent.agent_id, style="bold" if not agent.simulated else ""),
            Text(agent.name),
            Text(label, style=STATE_STYLES.get(agent.state, "bold")),
            Text(clock_face(max(0.0, now - agent.since)), justify="right"),
            Text(agent.call_id or "—", style="" if agent.call_id else "dim"),
            Text(str(agent.calls_handled), justify="right"),
            Text(agent.team),
        )
    return rows


def floor_summary(agents: Iterable[AgentStatus]) -> Text:
    """`14 agents · 3 ready · 8 on calls · 2 not ready`: the team at a glance."""
    counts: dict[str, int] = {}
    total = 0
    for agent in agents:
        total += 1
        counts[agent.state] = counts.get(agent.state, 0) + 1
    line = Text(f"{total} agents", style="bold")
    for state, word in (
        ("ready", "ready"),
        ("reserved", "ringing"),
        ("busy", "on call"),
        ("wrap_up", "in wrap-up"),
        ("not_ready", "not ready"),
        ("logged_out", "logged out"),
    ):
        if counts.get(state):
            line.append(f" · {counts[state]} {word}", style="dim")
    return line
