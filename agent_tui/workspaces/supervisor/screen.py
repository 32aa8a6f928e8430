"""The monitor: the queues board over the team's agents board, live, and messages to them.

The boards are diffed, not rebuilt (`ui.tables.sync_rows`), from the store: queue
statistics and agents' states arrive on the event feed, and a background refresh reads
`/v1/supervisor/agents` and `/queues` again every few seconds, re-scheduled only after the
last one has landed, so refreshes never pile up and the screen never waits for one. A
team leader's feed carries only its own desk's events; the refresh keeps its boards true.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION, FLOOR, QUEUES
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.queues import QueuesBoard
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.supervisor import load_floor
from agent_tui.workspaces.supervisor.boards import AGENT_COLUMNS, agent_rows, floor_summary
from agent_tui.workspaces.supervisor.message_dialog import (
    AGENT_PREFIX,
    TEAM_PREFIX,
    MessageDialog,
)
from server_stub.protocol.api import SupervisorMessageRequest

REFRESH_EVERY_S = 5.0
NOTE = (
    "Alerts, silent monitoring, attendance and the wallboard come with their own issue."
    " Here today: the queues and your team, live, and messages to them."
)

MONITOR_CSS = """
MonitorScreen #agents-board {
    height: 1fr;
}
"""


class MonitorScreen(WorkspaceScreen):
    DEFAULT_CSS = MONITOR_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("supervisor")  # type: ignore[assignment]
    SCOPE = "supervisor"
    PARTS: ClassVar[frozenset[str]] = frozenset({QUEUES, FLOOR, CONNECTION})
    _refresh_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Supervisor monitor 班长监控", NOTE, id="monitor-header")
        with Vertical():
            yield QueuesBoard("Queues 队列", cursor=False, id="queues")
            yield Static("", id="agents-title", classes="board-title")
            agents: DataTable[object] = DataTable(id="agents-board", cursor_type="row")
            yield agents
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#agents-board", DataTable).add_columns(*AGENT_COLUMNS)
        self.show_parts(self.PARTS)
        self.set_interval(1.0, self._tick)
        self._schedule_refresh()
        self.query_one("#agents-board", DataTable).focus()

    def show_parts(self, parts: frozenset[str]) -> None:
        store = self.store
        self.query_one(WorkspaceHeader).show(store)
        if QUEUES in parts:
            self.query_one(QueuesBoard).show(store.queues.values(), store.centre_time)
        if FLOOR in parts:
            self._show_agents()
        self.refresh_key_hints()

    def _show_agents(self) -> None:
        store = self.store
        agents = store.team_agents()
        scope = f"team {', '.join(store.teams)}" if store.teams else "the whole floor"
        title = self.query_one("#agents-title", Static)
        title.update(floor_summary(agents).append(f"  ({scope})", style="dim"))
        sync_rows(self.query_one("#agents-board", DataTable), agent_rows(agents, store.sim_now()))

    def _tick(self) -> None:
        # Time in state moves on by itself; only its column's cells change.
        if self.store.floor:
            self._show_agents()

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
        return True

    def action_refresh(self) -> None:
        self.refresh_floor()

    def action_message(self) -> None:
        store = self.store
        targets = [(f"{TEAM_PREFIX}{team}", f"Team {team} 全组") for team in store.teams]
        targets += [
            (f"{AGENT_PREFIX}{agent.agent_id}", f"{agent.name} ({agent.agent_id})")
            for agent in sorted(store.team_agents(), key=lambda a: a.agent_id)
        ]
        highlighted = highlighted_key(self.query_one("#agents-board", DataTable))
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
