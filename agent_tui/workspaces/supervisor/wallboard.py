"""Wallboard mode: the floor's four big figures, readable from across the room.

Calls waiting, the longest wait, today's service level against its goal, and agents
available, in large digits (Textual's `Digits`), for the whole floor or one queue: the
next-view key steps floor → each queue → floor, the cycle key turns stepping every
`CYCLE_S` on and off. The figures are the queues board's own (`FloorBoardSection`, the
server's `supervision.queue_board` events), never a second count: `wall_figures` is the
pure part, and a queue's are exactly its row on the board.

For the floor: waiting adds up, the longest wait is the longest of any queue, the
service level is today's calls answered within their queue's target over all decided
(`service_level` of the summed counts: the board's variant, abandons in), and agents
available are the distinct agents ready now on the user's boards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.timer import Timer
from textual.widgets import Digits, Static

from agent_tui.client.floor_board import FloorBoardSection
from agent_tui.client.parts import BOARD, CONNECTION, FLOOR
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.labels import clock_face
from agent_tui.workspaces.supervisor.over_monitor import OverMonitorScreen, over_monitor_bindings
from server_stub.protocol.api import AgentStatus
from server_stub.protocol.supervision_board import (
    CallCounts,
    QueueBoardFigures,
    service_level,
    sl_label,
)

CYCLE_S = 10.0
FLOOR_VIEW = ""  # the view of the whole floor (a queue's view is its id)

WALLBOARD_CSS = """
WallboardScreen #wall-title {
    height: 1;
    padding: 0 1;
    text-style: bold;
    background: $boost;
}
WallboardScreen #wall-grid {
    grid-size: 2 2;
    grid-gutter: 0 1;
    height: 1fr;
    padding: 0 1;
}
WallboardScreen .wall-tile {
    border: heavy $accent;
    align: center middle;
    height: 100%;
}
WallboardScreen .wall-tile Digits {
    width: 100%;
    text-align: center;
    text-style: bold;
}
WallboardScreen .wall-label, WallboardScreen .wall-note {
    width: 100%;
    content-align: center middle;
    text-align: center;
}
WallboardScreen .wall-tile.-bad {
    border: heavy #e06c75;
}
WallboardScreen .wall-tile.-bad Digits {
    color: #e06c75;
}
WallboardScreen .wall-tile.-good Digits {
    color: #8fbf7f;
}
"""


@dataclass(frozen=True)
class WallFigures:
    title: str
    waiting: int
    longest_wait_s: float
    target_s: float | None  # a longest wait past it is bad (None: queues differ)
    sl_today: float | None
    goals: tuple[str, ...]  # "SL 80/20" of each queue shown
    sl_goal: float | None  # the share to reach (None: queues differ)
    available: int


def _sum(counts: Iterable[CallCounts]) -> CallCounts:
    total = CallCounts()
    for c in counts:
        total = CallCounts(
            offered=total.offered + c.offered,
            answered=total.answered + c.answered,
            answered_within_target=total.answered_within_target + c.answered_within_target,
            abandoned=total.abandoned + c.abandoned,
            overflowed=total.overflowed + c.overflowed,
            answer_wait_s=total.answer_wait_s + c.answer_wait_s,
        )
    return total


def wall_figures(
    queues: Iterable[QueueBoardFigures], agents: Iterable[AgentStatus], view: str
) -> WallFigures:
    """The four figures of one queue (`view` its id) or of the whole floor (`FLOOR_VIEW`)."""
    every = sorted(queues, key=lambda q: q.queue_id)
    if view != FLOOR_VIEW:
        q = next(q for q in every if q.queue_id == view)
        return WallFigures(
            title=q.name,
            waiting=q.waiting,
            longest_wait_s=q.longest_wait_s,
            target_s=q.target_s,
            sl_today=service_level(q.today, q.waiting_past_target),
            goals=(sl_label(q.target_s, q.sl_goal),),
            sl_goal=q.sl_goal,
            available=q.agents.ready,
        )
    goals = {q.sl_goal for q in every}
    targets = {q.target_s for q in every}
    return WallFigures(
        title="全场 The whole floor",
        waiting=sum(q.waiting for q in every),
        longest_wait_s=max((q.longest_wait_s for q in every), default=0.0),
        target_s=next(iter(targets)) if len(targets) == 1 else None,
        sl_today=service_level(
            _sum(q.today for q in every), sum(q.waiting_past_target for q in every)
        ),
        goals=tuple(sorted({sl_label(q.target_s, q.sl_goal) for q in every})),
        sl_goal=next(iter(goals)) if len(goals) == 1 else min(goals, default=None),
        available=sum(1 for a in agents if a.state == "ready"),
    )


def _percent(share: float | None) -> str:
    # whole percents rounded as the queues board rounds them: the same number on both
    return "--" if share is None else f"{share:.0%}".removesuffix("%")


class WallboardScreen(OverMonitorScreen):
    """Over the monitor until the wallboard key (or Esc) again."""

    DEFAULT_CSS = WALLBOARD_CSS
    BINDINGS: ClassVar[list[BindingType]] = over_monitor_bindings("wallboard")
    PARTS: ClassVar[frozenset[str]] = frozenset({BOARD, FLOOR, CONNECTION})
    OWN: ClassVar[frozenset[str]] = frozenset({"wallboard", "wall_next", "wall_cycle"})
    _cycle_timer: Timer | None = None

    def __init__(self, view: str = FLOOR_VIEW) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield Static("", id="wall-title")
        with Grid(id="wall-grid"):
            for tile, label in (
                ("waiting", "等待 Calls waiting"),
                ("longest", "最长等待 Longest wait"),
                ("sl", "今日服务水平 SL today %"),
                ("available", "可接 Agents available"),
            ):
                with Vertical(id=f"tile-{tile}", classes="wall-tile"):
                    yield Static(label, classes="wall-label")
                    yield Digits("", id=f"wall-{tile}")
                    yield Static("", id=f"note-{tile}", classes="wall-note")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.show_parts(self.PARTS)

    @property
    def board(self) -> FloorBoardSection:
        return self.store.section(FloorBoardSection)

    def views(self) -> list[str]:
        return [FLOOR_VIEW, *sorted(self.board.queues)]

    @property
    def cycling(self) -> bool:
        return self._cycle_timer is not None

    def figures(self) -> WallFigures:
        if self.view not in self.views():
            self.view = FLOOR_VIEW
        return wall_figures(self.board.queues.values(), self.store.team_agents(), self.view)

    def show_parts(self, parts: frozenset[str]) -> None:
        f = self.figures()
        clock = self.store.centre_time(self.board.queues_as_of)
        mode = "cycling 轮播" if self.cycling else "fixed 固定"
        self.query_one("#wall-title", Static).update(f"{f.title} · as of {clock} · {mode}")
        where = f"{len(self.board.queues)} queues 队列" if self.view == FLOOR_VIEW else "排队中"
        self._tile("waiting", str(f.waiting), where, bad=f.waiting > 0)
        late = f.target_s is not None and f.longest_wait_s > f.target_s
        target = f"target {f.target_s:g}s" if f.target_s is not None else "targets differ"
        self._tile("longest", clock_face(f.longest_wait_s), target, bad=late)
        below = None if f.sl_today is None or f.sl_goal is None else f.sl_today < f.sl_goal
        self._tile("sl", _percent(f.sl_today), "goal 目标 " + ", ".join(f.goals), bad=below)
        self._tile("available", str(f.available), "ready now 就绪", bad=f.available == 0)
        self.refresh_key_hints()

    def _tile(self, tile: str, value: str, note: str, *, bad: bool | None) -> None:
        self.query_one(f"#wall-{tile}", Digits).update(value)
        self.query_one(f"#note-{tile}", Static).update(note)
        box = self.query_one(f"#tile-{tile}")
        box.set_class(bad is True, "-bad")
        box.set_class(bad is False, "-good")

    def allows(self, action: str) -> bool:
        return action != "wall_next" or len(self.views()) > 1

    def action_labels(self) -> dict[str, str]:
        cycle = "Stop cycling" if self.cycling else "Cycle views"
        return {"supervisor.wallboard": "Back to monitor", "supervisor.wall_cycle": cycle}

    def action_wall_next(self) -> None:
        views = self.views()
        self.view = views[(views.index(self.view) + 1) % len(views)]
        self.show_parts(self.PARTS)

    def action_wall_cycle(self) -> None:
        if self._cycle_timer is not None:
            self._cycle_timer.stop()
            self._cycle_timer = None
        else:
            self._cycle_timer = self.set_interval(CYCLE_S, self.action_wall_next)
        self.show_parts(self.PARTS)

    def action_wallboard(self) -> None:
        if self._cycle_timer is not None:
            self._cycle_timer.stop()
        self.dismiss()
