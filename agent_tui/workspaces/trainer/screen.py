"""The training console: the queues, a caller sent into one on a key, and each call's trail.

The trainer's feed carries every event, so a call it sent is followed from the store
(`CallTrail`): ringing at an agent, answered, held, ended, wrapped up.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION, QUEUES, TRAILS
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.queues import QueuesBoard
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.trainer import load_queues
from agent_tui.workspaces.trainer.send_dialog import SendCallerDialog
from agent_tui.workspaces.trainer.trails import TRAIL_COLUMNS, trail_rows
from server_stub.protocol.api import TrainerCallRequest

NOTE = (
    "Scenarios, sessions, the trainee's desk and scoring come with their own issue."
    " Here today: send a caller into a queue and follow the call."
)

CONSOLE_CSS = """
ConsoleScreen #trails-board {
    height: 1fr;
}
"""


class ConsoleScreen(WorkspaceScreen):
    DEFAULT_CSS = CONSOLE_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("trainer")  # type: ignore[assignment]
    SCOPE = "trainer"
    PARTS: ClassVar[frozenset[str]] = frozenset({QUEUES, TRAILS, CONNECTION})

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Training console 培训控制台", NOTE, id="console-header")
        with Vertical():
            yield QueuesBoard("Queues 队列: where a caller goes", cursor=True, id="queues")
            yield Static("Callers you sent 已发送来电", classes="board-title")
            trails: DataTable[object] = DataTable(id="trails-board", cursor_type="none")
            yield trails
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#trails-board", DataTable).add_columns(*TRAIL_COLUMNS)
        self.show_parts(self.PARTS)
        self.query_one(QueuesBoard).table.focus()

    def show_parts(self, parts: frozenset[str]) -> None:
        store = self.store
        self.query_one(WorkspaceHeader).show(store)
        if QUEUES in parts:
            self.query_one(QueuesBoard).show(store.queues.values(), store.centre_time)
        if TRAILS in parts:
            sync_rows(self.query_one("#trails-board", DataTable), trail_rows(store))
        self.refresh_key_hints()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_caller":
            return bool(self.store.queues)
        return True

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

    def action_refresh(self) -> None:
        self.refresh_queues()

    @work(exclusive=True, group="queues", exit_on_error=False)
    async def refresh_queues(self) -> None:
        loading = load_queues(self.shell.api, self.store, False)
        ok, parts = await attempt(self.notify, "refresh the queues", loading)
        if ok and parts:
            self.shell.publish(parts)
