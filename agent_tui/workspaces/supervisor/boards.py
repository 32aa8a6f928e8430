"""The monitor's boards as rows of cells: pure functions of the store, tested as text.

`queue_rows` and `agent_rows` return {row key: cells} for `ui.tables.sync_rows`, which
touches only the cells that changed. Figures are the server's (`supervision.queue_board`
events and `AgentDay`); their definitions are `server_stub.protocol.supervision_board`'s,
and each board's title says which variant it shows. Time in state is coloured by the
centre's ladder (`state_severity`, the function the alerts use, so a red cell and a
critical alert agree). Times come from the store's sim clock: a frozen clock gives a
stable picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, NamedTuple

from rich.text import Text

from agent_tui.ui.labels import clock_face, code_label, short_name
from server_stub.protocol.supervision import Severity, state_severity
from server_stub.protocol.supervision_board import (
    SL_VARIANT,
    AgentDay,
    QueueBoardFigures,
    answer_rate,
    asa_s,
    service_level,
    sl_label,
)

if TYPE_CHECKING:
    from server_stub.protocol.api import AgentStatus
    from server_stub.protocol.supervision import StateLadder, Thresholds

Window = Literal["interval", "today"]

# Short headers: both boards fit 80 columns.
QUEUE_COLUMNS = (
    "Queue",
    "Wait",
    "Long",
    "Offer",
    "Ans",
    "Abd",
    "接通",
    "SL",
    "ASA",
    "R/B/W/N",
    "Need",
)
AGENT_COLUMNS = ("Agent", "Name", "State", "Time", "Queue", "Tier", "Calls", "AHT", "Occ", "Team")

SEVERITY_STYLES: dict[str, str] = {
    Severity.INFO: "bold #5fa8d3",
    Severity.WARNING: "bold #1f2430 on #e0b860",
    Severity.CRITICAL: "bold #ffffff on #bf616a",
}
BOARD_STATES: dict[str, tuple[str, str]] = {
    "logged_out": ("登出 out", "dim"),
    "not_ready": ("示忙 NR", "#e0b860"),
    "ready": ("就绪 ready", "#8fbf7f"),
    "reserved": ("振铃 ring", "#5fa8d3"),
    "busy": ("通话 call", "#b48ead"),
    "wrap_up": ("话后 ACW", "#d08770"),
}
TIERS = {"vip": "贵宾", "gold": "金卡", "silver": "银卡", "normal": "普通"}
DASH = Text("—", style="dim", justify="right")


def _share(value: float | None, good: float | None = None) -> Text:
    if value is None:
        return DASH
    style = ""
    if good is not None:
        style = "bold #8fbf7f" if value >= good else "bold #e06c75"
    return Text(f"{value:.0%}", style=style, justify="right")


def _number(value: int, hot: bool = False) -> Text:
    return Text(str(value), style="bold #e06c75" if hot else "", justify="right")


def queue_rows(queues: Iterable[QueueBoardFigures], window: Window) -> dict[str, tuple[Text, ...]]:
    rows: dict[str, tuple[Text, ...]] = {}
    for figures in sorted(queues, key=lambda q: q.queue_id):
        counts = figures.interval if window == "interval" else figures.today
        level = service_level(counts, figures.waiting_past_target)
        asa = asa_s(counts)
        agents = figures.agents
        need = "/".join(
            "—" if n is None else str(n)
            for n in (figures.required_erlang_c, figures.required_erlang_a)
        )
        short = figures.required_erlang_a or figures.required_erlang_c or 0
        long_wait = figures.longest_wait_s > figures.target_s
        rows[figures.queue_id] = (
            Text(short_name(figures.name)),
            _number(figures.waiting, hot=figures.waiting > 0),
            Text(
                clock_face(figures.longest_wait_s),
                style="bold #e0b860" if long_wait else "",
                justify="right",
            ),
            _number(counts.offered),
            _number(counts.answered),
            _number(counts.abandoned, hot=counts.abandoned > 0),
            _share(answer_rate(counts)),
            _share(level, good=figures.sl_goal),
            Text("—" if asa is None else f"{asa:.0f}s", justify="right"),
            Text(
                f"{agents.ready}/{agents.ringing + agents.busy}/{agents.wrap_up}/{agents.not_ready}"
            ),
            Text(need, style="bold #e06c75" if agents.staffed < short else "", justify="right"),
        )
    return rows


def queues_title(queues: Iterable[QueueBoardFigures], window: Window, clock: str) -> Text:
    """`Queues 队列 · this half-hour · SL 80/20 (abandons in) · as of 10:31:05`."""
    figures = list(queues)
    title = Text("Queues 队列", style="bold")
    title.append(
        " · this half-hour 本时段" if window == "interval" else " · today 今日", style="bold"
    )
    goals = sorted({sl_label(q.target_s, q.sl_goal) for q in figures})
    if goals:
        title.append(f" · {', '.join(goals)} ({SL_VARIANT})", style="dim")
    if figures:
        title.append(f" · {clock}", style="dim")
    return title


# ---------------------------------------------------------------------- agents


SortKey = Literal["team", "time", "state", "aht", "occupancy", "calls"]
SORT_KEYS: tuple[SortKey, ...] = ("team", "time", "state", "aht", "occupancy", "calls")
SORT_WORDS: dict[SortKey, str] = {
    "team": "team, agent",
    "time": "longest in state",
    "state": "state",
    "aht": "AHT, longest",
    "occupancy": "occupancy, highest",
    "calls": "calls, most",
}
_STATE_ORDER = {
    s: i for i, s in enumerate(("busy", "wrap_up", "reserved", "not_ready", "ready", "logged_out"))
}


@dataclass(frozen=True)
class AgentView:
    """How the agents board is sorted and filtered (`filter_text` is what the user typed:
    `state:busy team:A queue:vip 王` — words without a colon match id or name)."""

    sort: SortKey = "team"
    filter_text: str = ""
    states: frozenset[str] = field(default_factory=frozenset)
    teams: frozenset[str] = field(default_factory=frozenset)
    queues: frozenset[str] = field(default_factory=frozenset)
    words: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, sort: SortKey = "team") -> AgentView:
        states: set[str] = set()
        teams: set[str] = set()
        queues: set[str] = set()
        words: list[str] = []
        for token in text.split():
            key, colon, value = token.partition(":")
            if colon and key.lower() in ("state", "team", "queue") and value:
                {"state": states, "team": teams, "queue": queues}[key.lower()].add(value)
            else:
                words.append(token.lower())
        return cls(
            sort, text.strip(), frozenset(states), frozenset(teams), frozenset(queues), tuple(words)
        )

    def sorted_by(self, sort: SortKey) -> AgentView:
        return replace(self, sort=sort)

    def next_sort(self) -> AgentView:
        return self.sorted_by(SORT_KEYS[(SORT_KEYS.index(self.sort) + 1) % len(SORT_KEYS)])

    def admits(self, agent: AgentStatus, call_queue: str | None) -> bool:
        if self.states and agent.state not in self.states:
            return False
        if self.teams and agent.team not in self.teams:
            return False
        if self.queues and call_queue not in self.queues and self.queues.isdisjoint(agent.queues):
            return False
        haystack = f"{agent.agent_id} {agent.name}".lower()
        return all(word in haystack for word in self.words)


class AgentLine(NamedTuple):
    """One agent with what the board needs of it (a tuple: the board makes 2,000 a draw)."""

    status: AgentStatus
    day: AgentDay | None
    call_queue: str | None
    call_tier: str | None


def sort_key(line: AgentLine, sort: SortKey, now: float) -> tuple[object, ...]:
    status, day = line.status, line.day
    ident = (status.team, status.agent_id)
    if sort == "time":  # the longest in its state first: changes only when a state does
        return (status.state == "logged_out", status.since, *ident)
    if sort == "state":
        return (_STATE_ORDER.get(status.state, 9), status.since, *ident)
    if sort == "aht":
        aht = day.aht_s if day is not None else None
        return (aht is None, -(aht or 0.0), *ident)
    if sort == "occupancy":
        occ = day.occupancy(now) if day is not None else None
        return (occ is None, -round(occ or 0.0, 2), *ident)
    if sort == "calls":
        return (-(day.handled if day is not None else 0), *ident)
    return ident


class Ladders:
    """`Thresholds.ladder_for` kept per (team, queue) while the thresholds are the same
    object: it builds a validated model, and the board asks for one per row each second."""

    def __init__(self) -> None:
        self._of: Thresholds | None = None
        self._ladders: dict[tuple[str | None, str | None], StateLadder] = {}

    def ladder_for(
        self, thresholds: Thresholds, team: str | None, queue: str | None
    ) -> StateLadder:
        if thresholds is not self._of:
            self._of, self._ladders = thresholds, {}
        ladder = self._ladders.get((team, queue))
        if ladder is None:
            ladder = self._ladders[(team, queue)] = thresholds.ladder_for(team, queue)
        return ladder


def time_in_state_cell(
    status: AgentStatus,
    day: AgentDay | None,
    now: float,
    thresholds: Thresholds | None,
    queue: str | None,
    ladders: Ladders | None = None,
) -> Text:
    seconds = max(0.0, now - status.since)
    style = ""
    if thresholds is not None:
        if ladders is not None:
            ladder = ladders.ladder_for(thresholds, status.team, queue)
        else:
            ladder = thresholds.ladder_for(status.team, queue)
        measured = day.call_seconds(now) if status.state == "busy" and day is not None else seconds
        severity = state_severity(status.state, status.reason, measured, ladder)
        style = SEVERITY_STYLES.get(severity, "") if severity is not None else ""
    return Text(clock_face(seconds), style=style, justify="right")


class RowCache:
    """The agents board's rows as last made: agent id → (what its row was made of, its
    cells), and the ladders that coloured them."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[tuple[object, ...], tuple[Text, ...]]] = {}
        self.ladders = Ladders()


def _same(before: tuple[object, ...], now: tuple[object, ...], clock_too: bool) -> bool:
    # The objects themselves, compared by identity: the store replaces them on a change.
    return (
        before[0] is now[0]
        and before[1] is now[1]
        and before[2] is now[2]
        and before[3:5] == now[3:5]
        and (not clock_too or before[5] == now[5])
    )


def agent_cells(
    line: AgentLine,
    now: float,
    thresholds: Thresholds | None,
    queue_names: Mapping[str, str],
    ladders: Ladders | None = None,
) -> tuple[Text, ...]:
    """One agent's row on the board at `now`."""
    status, day = line.status, line.day
    label, style = BOARD_STATES.get(status.state, (status.state, ""))
    if status.state == "busy" and status.leg == "held":
        label = "保持 hold"
    elif status.state in ("not_ready", "logged_out") and status.reason:
        label = f"{label.split(' ')[0]} {short_name(code_label(status.reason))}"
    aht = day.aht_s if day is not None else None
    occupancy = day.occupancy(now) if day is not None else None
    queue = line.call_queue
    return (
        Text(status.agent_id, style="bold" if not status.simulated else ""),
        Text(short_name(status.name)),
        Text(label, style=style),
        time_in_state_cell(status, day, now, thresholds, queue, ladders),
        Text(
            short_name(queue_names.get(queue, queue)) if queue else "—",
            style="" if queue else "dim",
        ),
        Text(
            TIERS.get(line.call_tier or "", line.call_tier or "—"),
            style="" if line.call_tier else "dim",
        ),
        Text(str(day.handled if day is not None else 0), justify="right"),
        Text(clock_face(aht) if aht is not None else "—", justify="right"),
        _share(occupancy),
        Text(status.team),
    )


_TIME, _OCCUPANCY = AGENT_COLUMNS.index("Time"), AGENT_COLUMNS.index("Occ")


def agent_cells_at(
    cells: tuple[Text, ...],
    line: AgentLine,
    now: float,
    thresholds: Thresholds | None,
    ladders: Ladders | None = None,
) -> tuple[Text, ...]:
    """The agent's row (`agent_cells` of the same line) at a new `now`: only time in state
    and occupancy follow the clock, the other cells are kept (the very objects)."""
    day = line.day
    made = list(cells)
    made[_TIME] = time_in_state_cell(line.status, day, now, thresholds, line.call_queue, ladders)
    made[_OCCUPANCY] = _share(day.occupancy(now) if day is not None else None)
    return tuple(made)


def agent_rows(
    lines: Iterable[AgentLine],
    now: float,
    view: AgentView,
    thresholds: Thresholds | None,
    queue_names: Mapping[str, str],
    cache: RowCache | None = None,
    fresh: range | None = None,
) -> dict[str, tuple[Text, ...]]:
    """`cache` gives back the same cells for an agent whose status, day, call and `now` are
    the ones it was drawn from, so that the table is not touched for it (2,000 agents, one
    of whom changed state). `fresh` (positions on the sorted board: the rows on screen)
    narrows the clock to those rows: the others keep the cells last drawn while nothing
    but the clock moved for them (their time and occupancy catch up as they scroll into
    view), so a tick redraws a screenful, not the floor."""
    chosen = [line for line in lines if view.admits(line.status, line.call_queue)]
    chosen.sort(key=lambda line: sort_key(line, view.sort, now))
    rows: dict[str, tuple[Text, ...]] = {}
    cached_rows = cache.rows if cache is not None else None
    ladders = cache.ladders if cache is not None else None
    for position, line in enumerate(chosen):
        status, day = line.status, line.day
        made_of = (status, day, thresholds, line.call_queue, line.call_tier, now)
        cached = cached_rows.get(status.agent_id) if cached_rows is not None else None
        clock_too = fresh is None or position in fresh
        if cached is not None and _same(cached[0], made_of, clock_too):
            rows[status.agent_id] = cached[1]
            continue
        rows[status.agent_id] = agent_cells(line, now, thresholds, queue_names, ladders)
        if cached_rows is not None:
            cached_rows[status.agent_id] = (made_of, rows[status.agent_id])
    return rows


def state_counts(lines: Iterable[AgentLine]) -> dict[str, int]:
    """How many agents are in each state."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status.state] = counts.get(line.status.state, 0) + 1
    return counts


def agents_title(
    counts: Mapping[str, int], shown: int, view: AgentView, scope: str, following: str | None
) -> Text:
    """`14 agents · 3 ready · 8 on calls (team A) · sorted by … · filter … · following …`
    (`counts`: every watched agent by state, filtered or not)."""
    total = sum(counts.values())
    title = Text(f"{total} agents", style="bold")
    for state, word in (
        ("ready", "ready"),
        ("reserved", "ringing"),
        ("busy", "on call"),
        ("wrap_up", "in wrap-up"),
        ("not_ready", "not ready"),
        ("logged_out", "logged out"),
    ):
        if counts.get(state):
            title.append(f" · {counts[state]} {word}", style="dim")
    title.append(f"  ({scope})", style="dim")
    title.append(f" · by {SORT_WORDS[view.sort]}", style="dim")
    if view.filter_text:
        title.append(f" · filter “{view.filter_text}” {shown}/{total}", style="bold #e0b860")
    if following:
        title.append(f" · following {following}", style="bold #5fa8d3")
    title.append(" · AHT/Occ today", style="dim")
    return title
