"""The training console: sessions on their own clocks, the highlighted one in full, and the
queues a caller can be sent into now.

A session is a scenario's call to a trainee on a simulated centre of its own (the server's
`TrainingSession`): the trainer starts one, pauses, steps and resumes its clock, makes the
caller angrier or calmer, rings a second caller in, whispers to the trainee, and reads the
call as it goes (the caller's lines, the trainee's actions) and its score with every reason
at the end. The sessions are read again every second while one runs: their clocks are not
the floor's, so the feed does not carry them.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION, QUEUES, TRAILS
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.ui.queues import QueuesBoard
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.trainer import load_queues
from agent_tui.workspaces.trainer.mirror import mirrored_desk
from agent_tui.workspaces.trainer.push import push_to_idle
from agent_tui.workspaces.trainer.replay_screen import (
    PICK_TITLE,
    CallIdDialog,
    ReplayScreen,
    recorded_call_choices,
)
from agent_tui.workspaces.trainer.results import history_block
from agent_tui.workspaces.trainer.send_dialog import SendCallerDialog
from agent_tui.workspaces.trainer.session_dialogs import StartSessionDialog, WhisperDialog
from agent_tui.workspaces.trainer.session_quality import quality_block
from agent_tui.workspaces.trainer.sessions import SESSION_COLUMNS, session_block, session_rows
from agent_tui.workspaces.trainer.trails import TRAIL_COLUMNS, trail_rows
from server_stub.protocol.api import TrainerCallRequest
from server_stub.protocol.quality_api import EvaluationView
from server_stub.protocol.scripts import FlowScript
from server_stub.protocol.training_api import (
    ControlAction,
    SessionControl,
    SessionCreate,
    SessionView,
    TrainingResult,
    WhisperRequest,
)

NOTE = "Sessions run on their own clocks: pausing one never stops the floor. 培训不影响现场"
EMPTY = "No training session yet: start one on a scenario. 暂无培训场次"
STEERING = frozenset(
    {
        "pause_session",
        "step_session",
        "angrier",
        "calmer",
        "second_caller",
        "whisper",
        "stop_session",
    }
)
POLL_S = 1.0

CONSOLE_CSS = """
ConsoleScreen #console-body {
    height: 1fr;
}
ConsoleScreen #console-left {
    width: 1fr;
}
ConsoleScreen #sessions-board {
    height: 1fr;
    min-height: 3;
}
ConsoleScreen #trails-board {
    height: 5;
}
ConsoleScreen #session-detail {
    width: 52;
}
ConsoleScreen.-narrow #console-body {
    layout: vertical;
}
ConsoleScreen.-narrow #console-left {
    width: 100%;
    height: auto;
}
ConsoleScreen.-narrow #sessions-board {
    height: 5;
}
ConsoleScreen.-narrow #session-detail {
    width: 100%;
}
ConsoleScreen.-narrow #queues, ConsoleScreen.-narrow #trails-title,
ConsoleScreen.-narrow #trails-board {
    display: none;
}
ConsoleScreen.-narrow.-following #trails-title, ConsoleScreen.-narrow.-following #trails-board {
    display: block;
}
"""
SIDE_BY_SIDE_WIDTH = 110


class ConsoleScreen(WorkspaceScreen):
    DEFAULT_CSS = CONSOLE_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("trainer")  # type: ignore[assignment]
    SCOPE = "trainer"
    PARTS: ClassVar[frozenset[str]] = frozenset({QUEUES, TRAILS, CONNECTION})

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, SessionView] = {}
        self.last_trainees = "1001"
        # The sessions' flow scripts, read once each, to draw the trainee's desk with.
        self.scripts: dict[tuple[str, str], FlowScript | None] = {}
        self.quality_forms: dict[str, EvaluationView | None] = {}  # scored sessions' forms
        # Each trainee's results, by (trainee, its sessions scored here when read).
        self.histories: dict[tuple[str, int], list[TrainingResult] | None] = {}

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Training console 培训控制台", NOTE, id="console-header")
        with Horizontal(id="console-body"):
            with Vertical(id="console-left"):
                yield Static("Sessions 培训场次", classes="board-title")
                sessions: DataTable[object] = DataTable(id="sessions-board", cursor_type="row")
                yield sessions
                yield QueuesBoard("Queues 队列: where a caller goes", cursor=True, id="queues")
                yield Static(
                    "Callers you sent 已发送来电", classes="board-title", id="trails-title"
                )
                trails: DataTable[object] = DataTable(id="trails-board", cursor_type="none")
                yield trails
            yield DetailPanel("Session 场次", EMPTY, id="session-detail")
        yield KeyHints(id="key-hints")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < SIDE_BY_SIDE_WIDTH, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.size.width < SIDE_BY_SIDE_WIDTH, "-narrow")
        self.query_one("#trails-board", DataTable).add_columns(*TRAIL_COLUMNS)
        self.query_one("#sessions-board", DataTable).add_columns(*SESSION_COLUMNS)
        self.show_parts(self.PARTS)
        self.query_one("#sessions-board", DataTable).focus()
        self.load_sessions()
        self.set_interval(POLL_S, self._poll)

    def show_parts(self, parts: frozenset[str]) -> None:
        store = self.store
        self.query_one(WorkspaceHeader).show(store)
        if QUEUES in parts:
            self.query_one(QueuesBoard).show(store.queues.values(), store.centre_time)
        if TRAILS in parts:
            rows = trail_rows(store)
            sync_rows(self.query_one("#trails-board", DataTable), rows)
            # Narrow, the callers sent show only once there are some: the session comes first.
            self.set_class(bool(rows), "-following")
        self.refresh_key_hints()

    def _selected(self) -> SessionView | None:
        key = highlighted_key(self.query_one("#sessions-board", DataTable))
        return self.sessions.get(key) if key is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_caller":
            return bool(self.store.queues)
        if action in ("speed", "draft", "back"):
            return False  # the replay's
        if action in STEERING:
            selected = self._selected() if self.is_mounted else None
            return selected is not None and selected.ended is None
        return True

    # ------------------------------------------------------------------ sessions

    def _poll(self) -> None:
        if any(not s.paused and s.ended is None for s in self.sessions.values()):
            self.load_sessions()

    @work(exclusive=True, group="sessions", exit_on_error=False)
    async def load_sessions(self) -> None:
        ok, found = await attempt(
            self.notify, "read the sessions", self.shell.api.training_sessions()
        )
        if ok and found is not None:
            self._show_sessions(found)

    def _show_sessions(self, found: list[SessionView]) -> None:
        self.sessions = {view.id: view for view in found}
        sync_rows(self.query_one("#sessions-board", DataTable), session_rows(found))
        self._show_selected()
        self.refresh_key_hints()

    def _replace(self, view: SessionView) -> None:
        self._show_sessions([*[s for s in self.sessions.values() if s.id != view.id], view])

    @on(DataTable.RowHighlighted, "#sessions-board")
    def _highlighted(self) -> None:
        self._show_selected()
        self.refresh_key_hints()

    def _show_selected(self) -> None:
        selected = self._selected()
        panel = self.query_one(DetailPanel)
        if selected is None:
            panel.show("Session 场次", EMPTY)
        else:
            desk = mirrored_desk(selected, self._script_of(selected), self.shell.keymap.key)
            quality = self._quality_of(selected)
            results = self._results_of(selected)
            block = session_block(
                selected,
                desk,
                quality_block(quality) if quality else None,
                history_block(selected.trainee, results) if results is not None else None,
            )
            panel.show(f"Session 场次 {selected.id}", block)

    def _results_of(self, view: SessionView) -> list[TrainingResult] | None:
        """The trainee's results over time, under a scored session; read again when
        another of its sessions is scored."""
        if view.score is None:
            return None
        scored = sum(
            s.trainee == view.trainee and s.score is not None for s in self.sessions.values()
        )
        key = (view.trainee, scored)
        if key not in self.histories:
            self.histories[key] = None
            self.load_results(key)
        return self.histories[key]

    @work(group="results", exit_on_error=False)
    async def load_results(self, key: tuple[str, int]) -> None:
        reading = self.shell.api.training_results(key[0])
        ok, results = await attempt(self.notify, "read the trainee's results", reading)
        if ok and results is not None:
            self.histories[key] = results
            self._show_selected()

    def _quality_of(self, view: SessionView) -> EvaluationView | None:
        """A scored session's prefilled quality form, read once."""
        if view.score is None:
            return None
        if view.id not in self.quality_forms:
            self.quality_forms[view.id] = None
            self.load_quality(view.id)
        return self.quality_forms[view.id]

    @work(group="quality", exit_on_error=False)
    async def load_quality(self, session_id: str) -> None:
        reading = self.shell.api.session_quality(session_id)
        ok, form = await attempt(self.notify, "read the session's quality form", reading)
        if ok and form is not None:
            self.quality_forms[session_id] = form
            self._show_selected()

    def _script_of(self, view: SessionView) -> FlowScript | None:
        key = (view.queue, view.script)
        if key not in self.scripts:
            self.scripts[key] = None
            self.load_script(view.queue, view.script)
        return self.scripts[key]

    @work(group="scripts", exit_on_error=False)
    async def load_script(self, queue: str, script_id: str) -> None:
        reading = self.shell.api.scripts_for(queue)
        ok, scripts = await attempt(self.notify, "read the session's script", reading)
        if ok and scripts is not None:
            self.scripts[(queue, script_id)] = next(
                (script for script in scripts if script.id == script_id), None
            )
            self._show_selected()

    def action_start_session(self) -> None:
        self.pick_scenario()

    @work(exclusive=True, group="scenarios", exit_on_error=False)
    async def pick_scenario(self) -> None:
        ok, scenarios = await attempt(
            self.notify, "read the scenarios", self.shell.api.training_scenarios()
        )
        if ok and scenarios is not None:
            dialog = StartSessionDialog(scenarios, self.last_trainees)
            self.app.push_screen(dialog, self._start_given)

    def _start_given(self, requests: list[SessionCreate] | None) -> None:
        if requests:
            self.last_trainees = " ".join(request.trainee for request in requests)
            self.start_sessions(requests)

    @work(group="start", exit_on_error=False)
    async def start_sessions(self, requests: list[SessionCreate]) -> None:
        """A session per trainee; one refused (busy, no seat) says why and the rest start."""
        started = []
        for request in requests:
            reading = self.shell.api.start_session(request)
            ok, view = await attempt(self.notify, f"start {request.trainee}'s session", reading)
            if ok and view is not None:
                self._replace(view)
                started.append(view)
        if started:
            who = ", ".join(f"{view.trainee} ({view.id})" for view in started)
            self.notify(f"Ringing 已振铃: {who}", timeout=3)

    def _steer(self, action: ControlAction) -> None:
        selected = self._selected()
        if selected is not None:
            self.steer(selected.id, SessionControl(action=action))

    @work(exclusive=True, group="steer", exit_on_error=False)
    async def steer(self, session_id: str, control: SessionControl) -> None:
        request = self.shell.api.steer_session(session_id, control)
        ok, view = await attempt(self.notify, f"{control.action} the session", request)
        if ok and view is not None:
            self._replace(view)

    def action_pause_session(self) -> None:
        selected = self._selected()
        if selected is not None:
            self._steer("resume" if selected.paused else "pause")

    def action_step_session(self) -> None:
        selected = self._selected()
        if selected is not None and not selected.paused:
            self.notify("Pause the session first, then step it.", timeout=3)
            return
        self._steer("step")

    def action_angrier(self) -> None:
        self._steer("angrier")

    def action_calmer(self) -> None:
        self._steer("calmer")

    def action_second_caller(self) -> None:
        """Ring a second caller into the session's queue while the trainee is on the call."""
        self._steer("second_caller")

    def action_stop_session(self) -> None:
        """End the session before its score (the trainee's live seat goes back)."""
        self._steer("stop")

    def action_whisper(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.app.push_screen(
                WhisperDialog(selected.trainee),
                lambda request: self._whisper_given(selected.id, request),
            )

    def _whisper_given(self, session_id: str, request: WhisperRequest | None) -> None:
        if request is not None:
            self.whisper_now(session_id, request)

    @work(group="whisper", exit_on_error=False)
    async def whisper_now(self, session_id: str, request: WhisperRequest) -> None:
        sent = self.shell.api.whisper_to_trainee(session_id, request)
        ok, view = await attempt(self.notify, "whisper", sent)
        if ok and view is not None:
            self._replace(view)

    # ------------------------------------------------------------------ callers into the floor

    def action_send_caller(self) -> None:
        queues = [(q.queue_id, f"{q.name} ({q.queue_id})") for q in self.store.queues.values()]
        selected = highlighted_key(self.query_one(QueuesBoard).table)
        self.app.push_screen(SendCallerDialog(sorted(queues), selected), self._send_given)

    def _send_given(self, request: TrainerCallRequest | None) -> None:
        if request is not None:
            self.send_caller(request)

    @work(group="send", exit_on_error=False)
    async def send_caller(self, request: TrainerCallRequest) -> None:
        ok, sent = await attempt(
            self.notify, "send the caller", self.shell.api.send_caller(request)
        )
        if ok and sent is not None:
            self.shell.publish(self.store.follow_call(sent, request.queue_id, request.customer_id))
            self.notify(f"Caller {sent.call_id} sent to {request.queue_id} 已发送", timeout=3)

    def action_replay(self) -> None:
        self.pick_recorded_call()

    @work(exclusive=True, group="replay-pick", exit_on_error=False)
    async def pick_recorded_call(self) -> None:
        """The floor's recorded calls to pick from (or, with none listed, a call id)."""
        listing = self.shell.api.recorded_calls()
        ok, calls = await attempt(self.notify, "list the recorded calls", listing)
        if not ok or not calls:
            self.app.push_screen(CallIdDialog(), self._replay_given)
            return
        picker = ChoicePicker(PICK_TITLE, recorded_call_choices(calls))
        self._replay_given(await self.app.push_screen_wait(picker))

    def _replay_given(self, call_id: str | None) -> None:
        if call_id is not None:
            self.open_replay(call_id)

    @work(exclusive=True, group="replay", exit_on_error=False)
    async def open_replay(self, call_id: str) -> None:
        reading = self.shell.api.recorded_call(call_id)
        ok, call = await attempt(self.notify, f"replay call {call_id}", reading)
        if ok and call is not None:
            self.app.push_screen(ReplayScreen(call))

    def action_push_scenario(self) -> None:
        self.push_scenario()

    @work(exclusive=True, group="push", exit_on_error=False)
    async def push_scenario(self) -> None:
        if await push_to_idle(self) is not None:
            self.load_sessions()

    def action_refresh(self) -> None:
        self.refresh_queues()
        self.load_sessions()

    @work(exclusive=True, group="queues", exit_on_error=False)
    async def refresh_queues(self) -> None:
        loading = load_queues(self.shell.api, self.store, False)
        ok, parts = await attempt(self.notify, "refresh the queues", loading)
        if ok and parts:
            self.shell.publish(parts)
