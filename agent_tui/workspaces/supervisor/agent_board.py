"""The agents board kept between draws: only the agents that changed are re-filed and redrawn.

A floor has 2,000 agents and the feed moves a few of them at a time. `AgentBoard.update`
finds the agents whose line changed since the last draw (the store replaces an agent's
status, day and call tuple when they change, so identity tells) and files only those
again in the filtered, sorted order (by bisection). Cells are made only for the rows on
screen (`fresh`): a changed agent's row anew, a row whose clock moved its time and
occupancy alone; a row off screen keeps the cells it had until it scrolls in (the
monitor redraws on scrolling), so 2,000 agents cost a screenful of cells a second. A new
view (sort or filter) re-sorts the whole board once; new thresholds or queue names remake
every row's cells; the one sort that follows the clock (occupancy) re-sorts when the
board's time moves (once a second).
`boards.agent_rows` is the same board made from scratch: the tests hold the two equal.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from agent_tui.workspaces.supervisor.boards import (
    AgentLine,
    AgentView,
    Ladders,
    agent_cells,
    agent_cells_at,
    sort_key,
)

if TYPE_CHECKING:
    from rich.text import Text

    from server_stub.protocol.api import AgentStatus
    from server_stub.protocol.supervision import Thresholds
    from server_stub.protocol.supervision_board import AgentDay

SortKey = tuple[object, ...]
_NO_CALL: tuple[str | None, str | None] = (None, None)


class AgentBoard:
    """Every watched agent's line, the admitted ones in board order, and their cells."""

    def __init__(self) -> None:
        self._lines: dict[str, AgentLine] = {}
        self._keys: dict[str, SortKey] = {}  # the admitted agents' sort keys
        self._order: list[tuple[SortKey, str]] = []  # the admitted agents, sorted
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._made_of: dict[str, tuple[AgentLine, float]] = {}  # the line and `now` of each
        self._view: AgentView | None = None
        self._sorted_at: float | None = None
        self._thresholds: Thresholds | None = None
        self._names: dict[str, str] = {}
        self._ladders = Ladders()
        self.counts: dict[str, int] = {}  # every watched agent (filtered or not), by state

    @property
    def total(self) -> int:
        return len(self._lines)

    def update(
        self,
        statuses: Iterable[AgentStatus],
        days: Mapping[str, AgentDay],
        calls: Mapping[str, tuple[str | None, str | None]],
        now: float,
        view: AgentView,
        thresholds: Thresholds | None,
        queue_names: Mapping[str, str],
        fresh: range | None = None,
    ) -> dict[str, tuple[Text, ...]]:
        """The board's rows in order ({agent id: cells}, for `ui.tables.sync_rows`).
        `fresh` (positions on the board: the rows on screen) narrows the clock to those
        rows; the others keep the cells last made while only the clock moved for them."""
        changed = self._take_lines(statuses, days, calls)
        if thresholds is not self._thresholds or queue_names != self._names:
            self._thresholds, self._names = thresholds, dict(queue_names)
            self._cells.clear()
            self._made_of.clear()
        if view != self._view or (view.sort == "occupancy" and now != self._sorted_at):
            self._sort_all(view, now)
        else:
            for agent_id in changed:
                self._refile(agent_id, view, now)
        order, cells_of, made_of = self._order, self._cells, self._made_of
        if fresh is None:
            fresh = range(len(order))
        for position in range(max(0, fresh.start), min(fresh.stop, len(order))):
            agent_id = order[position][1]
            line, made = self._lines[agent_id], made_of.get(agent_id)
            if made is None or made[0] is not line:
                self._make(agent_id, line, now)
            elif made[1] != now:
                moved = agent_cells_at(
                    cells_of[agent_id], line, now, self._thresholds, self._ladders
                )
                cells_of[agent_id], made_of[agent_id] = moved, (line, now)
        rows: dict[str, tuple[Text, ...]] = {}
        for _, agent_id in order:
            cells = cells_of.get(agent_id)
            # New on the board: made once, wherever it is.
            rows[agent_id] = cells or self._make(agent_id, self._lines[agent_id], now)
        return rows

    # -- the lines ---------------------------------------------------------------------

    def _take_lines(
        self,
        statuses: Iterable[AgentStatus],
        days: Mapping[str, AgentDay],
        calls: Mapping[str, tuple[str | None, str | None]],
    ) -> list[str]:
        """Bring the lines up to date; the ids of the agents whose line changed (gone
        agents included)."""
        lines, counts = self._lines, self.counts
        changed: list[str] = []
        seen = 0
        for status in statuses:
            seen += 1
            agent_id = status.agent_id
            day = days.get(agent_id)
            queue, tier = calls.get(agent_id, _NO_CALL)
            known = lines.get(agent_id)
            if (
                known is not None
                and known.status is status
                and known.day is day
                and known.call_queue == queue
                and known.call_tier == tier
            ):
                continue
            if known is not None:
                counts[known.status.state] -= 1
            counts[status.state] = counts.get(status.state, 0) + 1
            lines[agent_id] = AgentLine(status, day, queue, tier)
            changed.append(agent_id)
        if seen != len(lines):  # agents left the watched floor (a refresh, a new team)
            present = {status.agent_id for status in statuses}
            for agent_id in [a for a in lines if a not in present]:
                counts[lines.pop(agent_id).status.state] -= 1
                self._cells.pop(agent_id, None)
                self._made_of.pop(agent_id, None)
                changed.append(agent_id)
        return changed

    # -- the order ---------------------------------------------------------------------

    def _sort_all(self, view: AgentView, now: float) -> None:
        self._view, self._sorted_at = view, now
        self._keys = {
            agent_id: sort_key(line, view.sort, now)
            for agent_id, line in self._lines.items()
            if view.admits(line.status, line.call_queue)
        }
        self._order = sorted((key, agent_id) for agent_id, key in self._keys.items())

    def _refile(self, agent_id: str, view: AgentView, now: float) -> None:
        """Take the agent out of the order and put it back where its new line belongs."""
        old = self._keys.pop(agent_id, None)
        if old is not None:
            del self._order[bisect_left(self._order, (old, agent_id))]
        line = self._lines.get(agent_id)
        if line is not None and view.admits(line.status, line.call_queue):
            key = self._keys[agent_id] = sort_key(line, view.sort, now)
            insort(self._order, (key, agent_id))

    def _make(self, agent_id: str, line: AgentLine, now: float) -> tuple[Text, ...]:
        cells = agent_cells(line, now, self._thresholds, self._names, self._ladders)
        self._cells[agent_id] = cells
        self._made_of[agent_id] = (line, now)
        return cells
