"""The agents board between ticks (only the rows on screen follow the clock), and its pacing."""

from __future__ import annotations

import pytest

from agent_tui.workspaces.supervisor.boards import (
    AgentLine,
    AgentView,
    RowCache,
    agent_rows,
)
from agent_tui.workspaces.supervisor.pacing import DrawPacer
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


def test_changes_are_drawn_at_once_after_a_quiet_spell_and_once_a_frame_in_a_burst() -> None:
    now = [100.0]
    pacer = DrawPacer(frame_s=0.03, clock=lambda: now[0])
    assert pacer.delay() == 0.0  # nothing drawn yet: at once
    pacer.started()
    now[0] += 0.005
    pacer.drawn()
    now[0] += 0.01
    assert pacer.delay() == pytest.approx(0.015)  # in the same frame: at its end
    now[0] += 0.05
    assert pacer.delay() == 0.0


def test_a_slow_draw_waits_as_long_as_it_took_before_the_next() -> None:
    now = [100.0]
    pacer = DrawPacer(frame_s=0.03, clock=lambda: now[0])
    pacer.started()
    now[0] += 0.2  # a loaded machine: the draw took 200 ms
    pacer.drawn()
    assert pacer.delay() == pytest.approx(0.2)  # the loop gets as long for the rest


def test_a_floor_refresh_keeps_the_agents_that_did_not_change_as_they_were() -> None:
    # The board redraws rows by identity: a refresh that brings nothing new redraws none.
    from agent_tui.client.state import ClientStore

    store = ClientStore()
    lines = _floor(3)
    store.load_floor([line.status for line in lines])
    kept = store.floor["b0001"]
    again = [line.status.model_copy() for line in lines]
    again[2] = again[2].model_copy(update={"state": "busy", "since": 30.0})
    store.load_floor(again)
    assert store.floor["b0001"] is kept
    assert store.floor["b0002"].state == "busy"
