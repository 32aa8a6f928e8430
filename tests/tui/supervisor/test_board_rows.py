"""The agents board's rows between ticks: only the rows on screen follow the clock."""

from __future__ import annotations

from agent_tui.workspaces.supervisor.boards import (
    AgentLine,
    AgentView,
    RowCache,
    agent_rows,
)
from server_stub.protocol.api import AgentStatus


def _floor(count: int) -> list[AgentLine]:
    lines = []
    for n in range(count):
        status = AgentStatus(
            agent_id=f"b{n:04d}", name=f"坐席{n}", team="A", simulated=True, state="ready", since=0
        )
        lines.append(AgentLine(status, None, None, None))
    return lines


def test_a_tick_redraws_the_clock_of_the_rows_on_screen_and_keeps_the_others() -> None:
    lines = _floor(50)
    cache = RowCache()
    first = agent_rows(lines, 60.0, AgentView(), None, {}, cache, range(0, 10))
    later = agent_rows(lines, 125.0, AgentView(), None, {}, cache, range(0, 10))
    assert str(later["b0003"][3]) == "2:05" != str(first["b0003"][3])
    assert later["b0030"] is first["b0030"]  # off screen: the cells drawn last time
    assert str(later["b0030"][3]) == "1:00"


def test_a_row_off_screen_is_redrawn_when_its_agent_changes_state() -> None:
    lines = _floor(50)
    cache = RowCache()
    agent_rows(lines, 60.0, AgentView(), None, {}, cache, range(0, 10))
    busy = lines[30].status.model_copy(update={"state": "busy", "since": 100.0})
    lines[30] = lines[30]._replace(status=busy)
    later = agent_rows(lines, 125.0, AgentView(), None, {}, cache, range(0, 10))
    assert "通话" in str(later["b0030"][2])
    assert str(later["b0030"][3]) == "0:25"


def test_without_a_screen_every_row_follows_the_clock() -> None:
    lines = _floor(50)
    cache = RowCache()
    agent_rows(lines, 60.0, AgentView(), None, {}, cache)
    later = agent_rows(lines, 125.0, AgentView(), None, {}, cache)
    assert {str(cells[3]) for cells in later.values()} == {"2:05"}
