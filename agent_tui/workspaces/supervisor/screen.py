"""The monitor: the queues board, the alerts and the agents board, live, and their keys.

Everything on it is in the store (`FloorBoardSection` and the floor), seeded by
`/v1/supervision/board` and `/alerts` and kept live by the feed: `supervision.queue_board`
events carry each queue's figures as the server computed them, `agent.state_changed`
moves an agent's row, alert events the alerts. Tables are diffed, not rebuilt
(`ui.tables.sync_rows`); rows change order only when the sort asks for it. A background
refresh re-reads both routes every few seconds, re-scheduled only after the last one has
landed, so refreshes never pile up and the screen never waits for one.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static

from agent_tui.client.floor_board import FloorBoardSection
from agent_tui.client.parts import ALERTS, BOARD, CONNECTION, FLOOR
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.supervisor import load_floor
from agent_tui.workspaces.supervisor.alerts_panel import ALERT_COLUMNS, alert_rows, alerts_title
from agent_tui.workspaces.supervisor.boards import (
    AGENT_COLUMNS,
    QUEUE_COLUMNS,
    AgentLine,
    AgentView,
    Window,
    agent_rows,
    agents_title,
    queue_rows,
    queues_title,
)
from agent_tui.workspaces.supervisor.filter_dialog import FilterDialog
from agent_tui.workspaces.supervisor.message_dialog import (
    AGENT_PREFIX,
    TEAM_PREFIX,
    MessageDialog,
)
from server_stub.protocol.api import SupervisorMessageRequest

REFRESH_EVERY_S = 5.0
NOTE = "Need: agents for the goal by Erlang C/A · R/B/W/N: ready/busy/ACW/not ready"

MONITOR_CSS = """
MonitorScreen #queues-board {
    height: auto;
    max-height: 7;
}
MonitorScreen #alerts-board {
    height: auto;
    max-height: 6;
}
MonitorScreen #agents-board {
    height: 1fr;
}
"""


class MonitorScreen(WorkspaceScreen):
    DEFAULT_CSS = MONITOR_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("supervisor")  # type: ignore[assignment]
    SCOPE = "supervisor"
    PARTS: ClassVar[frozenset[str]] = frozenset({BOARD, ALERTS, FLOOR, CONNECTION})
    _refresh_timer: Timer | None = None

    def __init__(self) -> None:
        super().__init__()
        self.view = AgentView()
        self.window: Window = "interval"
        self.following: str | None = None

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Supervisor monitor 班长监控", NOTE, id="monitor-header")
        with Vertical():
            yield Static("", id="queues-title", classes="board-title")
            queues: DataTable[object] = DataTable(id="queues-board", cursor_type="none")
            yield queues
            yield Static("", id="alerts-title", classes="board-title")
            alerts: DataTable[object] = DataTable(id="alerts-board", cursor_type="row")
            yield alerts
            yield Static("", id="agents-title", classes="board-title")
            agents: DataTable[object] = DataTable(id="agents-board", cursor_type="row")
            yield agents
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#queues-board", DataTable).add_columns(*QUEUE_COLUMNS)
        self.query_one("#alerts-board", DataTable).add_columns(*ALERT_COLUMNS)
        self.query_one("#agents-board", DataTable).add_columns(*AGENT_COLUMNS)
        self.show_parts(self.PARTS)
        self.set_interval(1.0, self._tick)
        self._schedule_refresh()
        self.query_one("#agents-board", DataTable).focus()

    @property
    def board(self) -> FloorBoardSection:
        return self.store.section(FloorBoardSection)

    # -- drawing ------------------------------------------------------------------------

    def show_parts(self, parts: frozenset[str]) -> None:
        self.query_one(WorkspaceHeader).show(self.store)
        if BOARD in parts:
            self._show_queues()
        if BOARD in parts or FLOOR in parts:
            self._show_agents()
        if ALERTS in parts:
            self._show_alerts()
        self.refresh_key_hints()

    def _show_queues(self) -> None:
        board = self.board
        queues = board.queues.values()
        clock = f"as of {self.store.centre_time(board.queues_as_of)}"
        self.query_one("#queues-title", Static).update(queues_title(queues, self.window, clock))
        sync_rows(self.query_one("#queues-board", DataTable), queue_rows(queues, self.window))

    def agent_lines(self) -> list[AgentLine]:
        board = self.board
        lines = []
        for status in self.store.team_agents():
            queue, tier = board.calls.get(status.agent_id, (None, None))
            lines.append(AgentLine(status, board.days.get(status.agent_id), queue, tier))
        return lines

    def _show_agents(self) -> None:
        store, board = self.store, self.board
        lines = self.agent_lines()
        names = {q.queue_id: q.name for q in board.queues.values()}
        rows = agent_rows(lines, store.sim_now(), self.view, board.thresholds, names)
        scope = f"team {', '.join(store.teams)}" if store.teams else "the whole floor"
        title = agents_title(lines, len(rows), self.view, scope, self.following)
        self.query_one("#agents-title", Static).update(title)
        table = self.query_one("#agents-board", DataTable)
        sync_rows(table, rows)
        if self.following is not None and self.following in rows:
            index = table.get_row_index(self.following)
            if table.cursor_row != index:
                table.move_cursor(row=index)

    def _show_alerts(self) -> None:
        active = self.board.active_alerts()
        ack_key = self.shell.keymap.key("supervisor.acknowledge")
        self.query_one("#alerts-title", Static).update(alerts_title(active, ack_key))
        table = self.query_one("#alerts-board", DataTable)
        # The words take what the severity (7 with its padding) and the time (7) leave.
        width = (table.size.width or self.app.size.width) - 18
        sync_rows(table, alert_rows(active, self.store.centre_time, width))

    def on_resize(self) -> None:
        self._show_alerts()

    def _tick(self) -> None:
        # Time in state and occupancy move on by themselves: only their cells change.
        if self.store.floor:
            self._show_agents()

    # -- refresh ------------------------------------------------------------------------

    @work(exclusive=True, group="floor-refresh", exit_on_error=False)
    async def refresh_floor(self) -> None:
        ok, parts = await attempt(
            self.notify, "refresh the floor", load_floor(self.shell.api, self.store, False)
        )
        if ok and parts:
            self.shell.publish(parts)
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        # The next refresh only once this one has landed, and only one: they never pile up.
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(REFRESH_EVERY_S, self.refresh_floor)

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "message":
            return bool(self.store.team_agents() or self.store.teams)
        if action == "acknowledge":
            return self._alert_to_acknowledge() is not None
        if action == "follow":
            return self.following is not None or self._highlighted_agent() is not None
        return True

    def _highlighted_agent(self) -> str | None:
        return highlighted_key(self.query_one("#agents-board", DataTable))

    def _alert_to_acknowledge(self) -> str | None:
        """The highlighted alert when the alerts have the focus, else the worst one not yet
        acknowledged."""
        alerts = self.query_one("#alerts-board", DataTable)
        active = {a.alert_id: a for a in self.board.active_alerts()}
        if alerts.has_focus:
            chosen = highlighted_key(alerts)
            alert = active.get(chosen) if chosen is not None else None
            if alert is not None and alert.acknowledged_by is None:
                return alert.alert_id
        return next((a.alert_id for a in active.values() if a.acknowledged_by is None), None)

    def action_refresh(self) -> None:
        self.refresh_floor()

    def action_acknowledge(self) -> None:
        alert_id = self._alert_to_acknowledge()
        if alert_id is not None:
            self.acknowledge(alert_id)

    @work(group="acknowledge", exit_on_error=False)
    async def acknowledge(self, alert_id: str) -> None:
        api = self.shell.api
        ok, _ = await attempt(self.notify, "acknowledge the alert", api.acknowledge_alert(alert_id))
        if ok:
            self.notify(f"Acknowledged {alert_id} 已确认", timeout=3)

    def action_sort(self) -> None:
        self.view = self.view.next_sort()
        self._show_agents()

    def action_filter(self) -> None:
        self.app.push_screen(FilterDialog(self.view.filter_text), self._filter_given)

    def _filter_given(self, text: str | None) -> None:
        if text is not None:
            self.view = AgentView.parse(text, self.view.sort)
            self._show_agents()

    def action_follow(self) -> None:
        self.following = None if self.following is not None else self._highlighted_agent()
        self._show_agents()
        self.refresh_key_hints()

    def action_window(self) -> None:
        self.window = "today" if self.window == "interval" else "interval"
        self._show_queues()

    def action_message(self) -> None:
        store = self.store
        targets = [(f"{TEAM_PREFIX}{team}", f"Team {team} 全组") for team in store.teams]
        targets += [
            (f"{AGENT_PREFIX}{agent.agent_id}", f"{agent.name} ({agent.agent_id})")
            for agent in sorted(store.team_agents(), key=lambda a: a.agent_id)
        ]
        highlighted = self._highlighted_agent()
        selected = f"{AGENT_PREFIX}{highlighted}" if highlighted is not None else None
        if selected not in {value for value, _ in targets}:
            selected = targets[0][0] if targets else None
        self.app.push_screen(MessageDialog(targets, selected), self._message_given)

    def _message_given(self, request: SupervisorMessageRequest | None) -> None:
        if request is not None:
            self.send_message(request)

    @work(group="message", exit_on_error=False)
    async def send_message(self, request: SupervisorMessageRequest) -> None:
        ok, _ = await attempt(self.notify, "send the message", self.shell.api.send_message(request))
        if ok:
            to = f"agent {request.agent_id}" if request.agent_id else f"team {request.team_id}"
            self.notify(f"Sent to {to} 已发送", timeout=3)
