"""The agents board kept between draws (`AgentBoard`): the order, filter and cells after
state changes are the ones the board made from scratch (`agent_rows`) would show."""

from __future__ import annotations

import random

from rich.text import Text

from agent_tui.workspaces.supervisor.agent_board import AgentBoard
from agent_tui.workspaces.supervisor.boards import SORT_KEYS, AgentLine, AgentView, agent_rows
from server_stub.protocol.api import AgentStatus
from server_stub.protocol.supervision_board import AgentDay

STATES = ("ready", "busy", "wrap_up", "not_ready", "reserved", "logged_out")
NAMES = {"q1": "咨询 Enquiries", "q2": "投诉 Complaints"}


class Floor:
    """A floor as the store holds it: statuses, days and calls replaced on a change."""

    def __init__(self, count: int) -> None:
        self.statuses = {
            f"a{n:03d}": AgentStatus(
                agent_id=f"a{n:03d}",
                name=f"坐席{n} Agent {n}",
                team="AB"[n % 2],
                simulated=True,
                state="ready",
                since=0.0,
                queues=["q1"] if n % 3 else ["q1", "q2"],
            )
            for n in range(count)
        }
        self.days: dict[str, AgentDay] = {}
        self.calls: dict[str, tuple[str | None, str | None]] = {}

    def move(self, agent_id: str, to: str, at: float, queue: str | None = None) -> None:
        status = self.statuses[agent_id]
        self.statuses[agent_id] = status.model_copy(update={"state": to, "since": at})
        day = self.days.get(agent_id) or AgentDay(agent_id=agent_id, since=0.0)
        self.days[agent_id] = day.changed(at, to)
        if to in ("reserved", "busy"):
            self.calls[agent_id] = (queue, "gold")
        else:
            self.calls.pop(agent_id, None)

    def lines(self) -> list[AgentLine]:
        return [
            AgentLine(s, self.days.get(a), *self.calls.get(a, (None, None)))
            for a, s in self.statuses.items()
        ]

    def board(self, board: AgentBoard, now: float, view: AgentView) -> dict[str, tuple[Text, ...]]:
        return board.update(
            list(self.statuses.values()), self.days, self.calls, now, view, None, NAMES
        )


def _plain(rows: dict[str, tuple[Text, ...]]) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [(key, tuple((c.plain, str(c.style)) for c in cells)) for key, cells in rows.items()]


def _from_scratch(floor: Floor, now: float, view: AgentView) -> dict[str, tuple[Text, ...]]:
    return agent_rows(floor.lines(), now, view, None, NAMES)


def test_an_agent_changing_state_moves_to_its_place_on_a_board_sorted_by_state() -> None:
    floor = Floor(6)
    board = AgentBoard()
    view = AgentView(sort="state")
    assert next(iter(floor.board(board, 10.0, view))) == "a000"  # all ready: by team, id
    floor.move("a004", "busy", 12.0, "q1")
    rows = floor.board(board, 12.0, view)
    assert next(iter(rows)) == "a004"  # on a call: at the top
    assert "通话" in rows["a004"][2].plain
    floor.move("a004", "ready", 20.0)
    floor.move("a001", "wrap_up", 20.0)
    rows = floor.board(board, 20.0, view)
    assert next(iter(rows)) == "a001"
    assert list(rows)[1:] == [key for key in _from_scratch(floor, 20.0, view) if key != "a001"]


def test_a_filter_keeps_only_the_matching_agents_as_their_states_change() -> None:
    floor = Floor(8)
    board = AgentBoard()
    view = AgentView.parse("state:busy team:A")
    assert floor.board(board, 5.0, view) == {}
    floor.move("a002", "busy", 6.0, "q1")
    floor.move("a003", "busy", 6.0, "q1")  # team B: not shown
    assert list(floor.board(board, 7.0, view)) == ["a002"]
    floor.move("a004", "busy", 8.0, "q2")
    floor.move("a002", "wrap_up", 9.0)
    assert list(floor.board(board, 9.0, view)) == ["a004"]
    assert board.counts == {"ready": 5, "busy": 2, "wrap_up": 1}  # the whole floor's


def test_the_kept_board_equals_the_board_made_from_scratch_through_random_changes() -> None:
    rng = random.Random(7)
    floor = Floor(60)
    board = AgentBoard()
    views = [AgentView(sort=sort) for sort in SORT_KEYS]
    views += [AgentView.parse("state:busy", "time"), AgentView.parse("queue:q2 坐席1", "calls")]
    now = 0.0
    view = views[0]
    for step in range(400):
        now += rng.choice((0.0, 0.5, 3.0))
        for _ in range(rng.randint(1, 4)):
            agent_id = rng.choice(list(floor.statuses))
            floor.move(agent_id, rng.choice(STATES), now, rng.choice(("q1", "q2")))
        if step % 37 == 0:
            view = rng.choice(views)
        assert _plain(floor.board(board, now, view)) == _plain(_from_scratch(floor, now, view))


def test_agents_that_leave_the_watched_floor_leave_the_board_and_its_counts() -> None:
    floor = Floor(4)
    board = AgentBoard()
    floor.board(board, 1.0, AgentView())
    del floor.statuses["a001"]
    assert list(floor.board(board, 2.0, AgentView())) == ["a000", "a002", "a003"]
    assert board.counts["ready"] == 3 and board.total == 3


def test_between_ticks_off_screen_rows_keep_their_cells_and_rows_on_screen_follow_the_clock() -> (
    None
):
    floor = Floor(40)
    board = AgentBoard()
    view = AgentView()
    first = board.update(
        list(floor.statuses.values()), {}, {}, 60.0, view, None, NAMES, range(0, 10)
    )
    later = board.update(
        list(floor.statuses.values()), {}, {}, 125.0, view, None, NAMES, range(0, 10)
    )
    assert list(later)[:2] == ["a000", "a002"]  # team A first
    assert later["a002"][3].plain == "2:05" != first["a002"][3].plain
    assert later["a031"] is first["a031"]  # team B, off screen: the very cells made before


def test_an_off_screen_agents_change_is_drawn_when_its_row_comes_on_screen() -> None:
    floor = Floor(40)
    board = AgentBoard()
    view = AgentView()

    def draw(now: float, screen: range) -> dict[str, tuple[Text, ...]]:
        return board.update(
            list(floor.statuses.values()), floor.days, floor.calls, now, view, None, NAMES, screen
        )

    draw(10.0, range(0, 10))
    floor.move("a031", "busy", 12.0, "q2")  # team B: row 35, off screen
    assert draw(12.0, range(0, 10))["a031"][2].plain.startswith("就绪")  # not yet
    rows = draw(12.0, range(30, 40))  # scrolled to it
    assert rows["a031"][2].plain.startswith("通话") and rows["a031"][4].plain == "投诉"
    assert _plain({"a031": rows["a031"]}) == _plain(
        {"a031": _from_scratch(floor, 12.0, view)["a031"]}
    )


def test_what_the_board_keeps_is_bounded_by_the_agents_it_watches_not_by_the_changes() -> None:
    # Memory must not grow with the work done: a long run of state changes on a floor whose
    # agents come and go leaves one line, one sort key and one row of cells per agent.
    rng = random.Random(3)
    floor = Floor(100)
    board = AgentBoard()
    gone: dict[str, AgentStatus] = {}
    for step in range(1200):
        agent_id = rng.choice(list(floor.statuses))
        floor.move(agent_id, rng.choice(STATES), float(step), "q1")
        if step % 50 == 0:  # a team changes hands: some agents leave, others come back
            leaving = rng.choice(list(floor.statuses))
            gone[leaving] = floor.statuses.pop(leaving)
            if len(gone) > 5:
                back = rng.choice(list(gone))
                floor.statuses[back] = gone.pop(back)
        floor.board(board, float(step), AgentView(sort=SORT_KEYS[step // 200 % len(SORT_KEYS)]))
    watched = len(floor.statuses)
    kept = (board._lines, board._cells, board._made_of, board._keys, board._order)
    assert [len(part) for part in kept] == [watched] * len(kept)
    assert sum(board.counts.values()) == watched
