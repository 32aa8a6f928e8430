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

from collections.abc import Awaitable
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
from agent_tui.ui.labels import code_label, short_name, use_codes
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import cursor_to, highlighted_key, rows_on_screen, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.supervisor import load_floor
from agent_tui.workspaces.supervisor.agent_actions import ActionPicker, agent_actions
from agent_tui.workspaces.supervisor.agent_board import AgentBoard
from agent_tui.workspaces.supervisor.alerts_panel import ALERT_COLUMNS, alert_rows, alerts_title
from agent_tui.workspaces.supervisor.attendance_view import AttendanceScreen
from agent_tui.workspaces.supervisor.boards import (
    AGENT_COLUMNS,
    QUEUE_COLUMNS,
    AgentView,
    Window,
    agents_title,
    queue_rows,
    queues_title,
)
from agent_tui.workspaces.supervisor.coaching_view import CoachingScreen
from agent_tui.workspaces.supervisor.message_dialog import (
    AGENT_PREFIX,
    TEAM_PREFIX,
    MessageDialog,
)
from agent_tui.workspaces.supervisor.pacing import DrawPacer
from agent_tui.workspaces.supervisor.screen_view import AgentScreenView
from agent_tui.workspaces.supervisor.staffing_view import StaffingView
from agent_tui.workspaces.supervisor.text_dialog import TextDialog, filter_dialog
from agent_tui.workspaces.supervisor.wallboard import WallboardScreen
from server_stub.protocol.api import SupervisorMessageRequest
from server_stub.protocol.supervision_actions import (
    BroadcastRequest,
    ForceStateRequest,
    ForceStateResult,
    MonitorRequest,
    MonitorSession,
)

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
        # The board's clock moves once a second (the tick): between ticks an event redraws
        # only its agent's row, the others' cells are the ones made before.
        self._board_now: float | None = None
        self._agent_board = AgentBoard()
        self._dirty: set[str] = set()
        self._pacer = DrawPacer()

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
        # Only the rows on screen follow the clock: others catch up as they scroll in.
        self.watch(self.query_one("#agents-board", DataTable), "scroll_y", self._tick, init=False)
        self.show_parts(self.PARTS)
        self.set_interval(1.0, self._tick)
        self._schedule_refresh()
        self.query_one("#agents-board", DataTable).focus()
        self.load_labels()

    @work(group="labels", exit_on_error=False)
    async def load_labels(self) -> None:
        """The centre's labels of its reasons: the board names them, not their codes."""
        ok, codes = await attempt(self.notify, "read the reasons", self.shell.api.codes())
        if ok and codes is not None:
            shown = [c.code for c in codes.reason_codes]
            before = [short_name(code_label(code)) for code in shown]
            use_codes(codes)
            if [short_name(code_label(code)) for code in shown] != before:
                # drawn with the built-in labels: draw the board again from scratch
                self._agent_board = AgentBoard()
                self.query_one("#agents-board", DataTable).clear()
                self._show_agents()

    @property
    def shown_at(self) -> float | None:
        """The sim time the agents board's times and shares are computed at."""
        return self._board_now

    @property
    def board(self) -> FloorBoardSection:
        return self.store.section(FloorBoardSection)

    # -- drawing ------------------------------------------------------------------------

    def show_parts(self, parts: frozenset[str]) -> None:
        # Events come one at a time: what they change is drawn once, after the burst, and
        # at most once a frame (a whole floor's bursts would otherwise fill the loop).
        if not self._dirty:
            delay = self._pacer.delay()
            if delay:
                self.set_timer(delay, self._draw_dirty)
            else:
                self.call_later(self._draw_dirty)
        self._dirty |= parts

    def _draw_dirty(self) -> None:
        self._pacer.started()
        self._draw_parts()
        self._pacer.drawn()

    def _draw_parts(self) -> None:
        parts, self._dirty = self._dirty, set()
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

    def _show_agents(self) -> None:
        store, board = self.store, self.board
        names = {q.queue_id: q.name for q in board.queues.values()}
        if self._board_now is None:
            self._board_now = store.sim_now()
        table = self.query_one("#agents-board", DataTable)
        agent_board = self._agent_board
        rows = agent_board.update(
            store.team_agents(), board.days, board.calls, self._board_now, self.view,
            board.thresholds, names, rows_on_screen(table),
        )  # fmt: skip
        scope = f"team {', '.join(store.teams)}" if store.teams else "the whole floor"
        title = agents_title(agent_board.counts, len(rows), self.view, scope, self.following)
        self.query_one("#agents-title", Static).update(title)
        sync_rows(table, rows)
        if self.following is not None:
            cursor_to(table, self.following)

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
        self._board_now = self.store.sim_now()
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
        if action == "act":
            return self._highlighted_agent() is not None
        if action == "broadcast":
            return bool(self.store.teams) or self._whole_floor
        if action == "listen":
            return any(a.state == "busy" for a in self.store.team_agents())
        return action not in ("violation", "wall_next", "wall_cycle")  # their own screens

    @property
    def _whole_floor(self) -> bool:
        # A supervisor without teams of its own sees the whole floor (floor manager, admin).
        return not self.store.teams

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
        self.app.push_screen(filter_dialog(self.view.filter_text), self._filter_given)

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

    # -- actions on agents (SV2, SV3) -----------------------------------------------------

    def action_act(self) -> None:
        agent_id = self._highlighted_agent()
        agent = self.store.floor.get(agent_id) if agent_id is not None else None
        if agent is None:
            return
        me = self.store.user.id if self.store.user is not None else ""
        monitor = self.board.monitor_of(agent.agent_id, me)
        actions = agent_actions(agent, monitor)
        title = f"{agent.name} ({agent.agent_id}) 操作"
        self.app.push_screen(
            ActionPicker(title, actions), lambda chosen: self._act(agent.agent_id, chosen)
        )

    def _act(self, agent_id: str, chosen: str | None) -> None:
        agent = self.store.floor.get(agent_id)
        if chosen is None or agent is None:
            return
        api = self.shell.api
        me = self.store.user.id if self.store.user is not None else ""
        monitor = self.board.monitor_of(agent_id, me)
        if chosen == "message":
            request_target = f"{AGENT_PREFIX}{agent_id}"
            self.app.push_screen(
                MessageDialog([(request_target, f"{agent.name} ({agent_id})")], request_target),
                self._message_given,
            )
        elif chosen == "whisper":

            def say(text: str | None) -> None:
                if text:
                    self.send_action("whisper", api.whisper(agent_id, text))

            hint = "只有坐席能看到 only the agent sees it"
            dialog = TextDialog(f"Whisper to {agent.name} 耳语", placeholder=hint, required=True)
            self.app.push_screen(dialog, say)
        elif chosen == "listen":
            self.send_action("listen in", api.monitor(MonitorRequest(agent_id=agent_id)))
        elif chosen == "barge" and monitor is not None:
            self.send_action("barge in", api.barge(monitor.monitor_id))
        elif chosen == "stop" and monitor is not None:
            self.send_action("stop listening", api.stop_monitor(monitor.monitor_id))
        elif chosen == "screen":
            self.app.push_screen(AgentScreenView(agent_id, agent.name))
        elif chosen == "end_wrapup":
            self.send_action("end the wrap-up", api.end_wrapup(agent_id))
        elif chosen == "not_ready":
            self.pick_reason(agent_id)
        elif chosen in ("ready", "logged_out"):
            request = ForceStateRequest(state=chosen)  # type: ignore[arg-type]
            self.send_action("set the agent's state", api.force_state(agent_id, request))

    @work(group="reasons", exit_on_error=False)
    async def pick_reason(self, agent_id: str) -> None:
        ok, codes = await attempt(self.notify, "read the reasons", self.shell.api.codes())
        if not ok or codes is None:
            return
        choices = [Choice(c.code, c.label or c.code) for c in codes.reason_codes]
        reason = await self.app.push_screen_wait(ChoicePicker("Not ready: why 示忙原因", choices))
        if reason:
            request = ForceStateRequest(state="not_ready", reason=reason)
            self.send_action("set the agent's state", self.shell.api.force_state(agent_id, request))

    def action_broadcast(self) -> None:
        """Pin a text on the team's desks (the floor's), or withdraw one pinned now."""
        store = self.store
        choices = [
            Choice(f"new:{team}", f"New broadcast to team {team} 发布到{team}组")
            for team in store.teams
        ]
        if self._whole_floor:
            choices.append(Choice("new:", "New broadcast to the whole floor 全场发布"))
        choices += [
            Choice(f"withdraw:{b.broadcast_id}", f"Withdraw 撤回 {b.broadcast_id}: {b.text[:40]}",
                   f"team {b.team_id}" if b.team_id else "floor")
            for b in self.board.broadcasts.values()
        ]  # fmt: skip
        self.app.push_screen(ChoicePicker("Broadcasts 统一口径", choices), self._broadcast_chosen)

    def _broadcast_chosen(self, chosen: str | None) -> None:
        if chosen is None:
            return
        verb, _, ident = chosen.partition(":")
        api = self.shell.api
        if verb == "withdraw":
            self.send_action("withdraw the broadcast", api.withdraw_broadcast(ident))
            return
        team = ident or None
        to = f"team {team}" if team else "the floor"

        def send(text: str | None) -> None:
            if text:
                request = BroadcastRequest(text=text, team_id=team)
                self.send_action("broadcast", api.broadcast(request))

        dialog = TextDialog(f"Broadcast to {to} 统一口径 (pinned until withdrawn)", required=True)
        self.app.push_screen(dialog, send)

    def action_listen(self) -> None:
        """Listen in to a call: one at random, or a queue's (DNIS), or a customer's."""
        choices = [Choice("random", "A call at random 随机抽听")]
        choices += [
            Choice(f"queue:{q.queue_id}", f"A call of {q.name}", f"{q.agents.busy} on calls")
            for q in sorted(self.board.queues.values(), key=lambda q: q.queue_id)
        ]
        choices.append(Choice("customer:", "A customer's call (account id)… 按客户"))
        self.app.push_screen(ChoicePicker("Listen in 监听", choices), self._listen_chosen)

    def _listen_chosen(self, chosen: str | None) -> None:
        if chosen is None:
            return
        api = self.shell.api
        if chosen == "random":
            self.send_action("listen in", api.monitor(MonitorRequest()))
        elif chosen.startswith("queue:"):
            request = MonitorRequest(queue_id=chosen.partition(":")[2])
            self.send_action("listen in", api.monitor(request))
        else:

            def by_customer(customer_id: str | None) -> None:
                if customer_id:
                    request = MonitorRequest(customer_id=customer_id)
                    self.send_action("listen in", api.monitor(request))

            self.app.push_screen(
                TextDialog("Customer account 客户编号", placeholder="C000001", required=True),
                by_customer,
            )

    # -- attendance and discipline (SV5) ------------------------------------------------

    def action_attendance(self) -> None:
        self.app.push_screen(AttendanceScreen())

    def action_wallboard(self) -> None:
        self.app.push_screen(WallboardScreen())

    # -- the staffing view (issue 10 item 6) ---------------------------------------------

    def action_staffing(self) -> None:
        self.app.push_screen(StaffingView())

    def action_coaching(self) -> None:
        self.app.push_screen(CoachingScreen())

    @work(group="supervisor-action", exit_on_error=False)
    async def send_action(self, what: str, request: Awaitable[object]) -> None:
        ok, result = await attempt(self.notify, what, request)
        if ok:
            done = f"{what}: done 已完成"
            if isinstance(result, MonitorSession):
                done = f"Listening to {result.agent_id} on {result.call_id} 监听中"
            elif isinstance(result, ForceStateResult) and result.after_call:
                done = f"{what}: after the current call 本通话后生效"
            self.notify(done, timeout=3)
