"""See the agent's screen (SV2): the agent's desk as it shows it, mirrored live.

The desk publishes what it shows (`agent.screen`, a `DeskScreenState`); the supervisor's
feed carries its team's, and `GET /v1/supervision/agents/{id}/screen` gives the last one
on opening. The view draws them with `ui.desk_view.desk_screen_renderable`, the same
renderables the desk draws itself with, from the call's screen pop and its script.
Looking is a read of the agent's work: the server's audit trail keeps it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from agent_tui.client.floor_board import FloorBoardSection
from agent_tui.client.parts import SCREENS
from agent_tui.ui.desk_view import call_from_pop, desk_screen_renderable
from agent_tui.ui.pickers import PICKER_CSS
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.api import ScreenPop
from server_stub.protocol.scripts import FlowScript

VIEW_CSS = """
AgentScreenView > VerticalScroll {
    width: 90%;
    height: 90%;
    border: round $accent;
    padding: 0 1;
    background: $surface;
}
"""


class AgentScreenView(ModalScreen[None]):
    """The agent's desk, live, until Esc."""

    DEFAULT_CSS = PICKER_CSS + VIEW_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, agent_id: str, name: str) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.agent_name = name
        self._pop: tuple[str, ScreenPop | None] | None = None  # call id → its pop
        self._script: FlowScript | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"{self.agent_name} ({self.agent_id}) · 坐席屏幕", classes="dialog-title")
            yield Static("", id="mirrored-desk")
            yield Static("Esc closes · live as the agent's desk changes", classes="dialog-hint")

    def on_mount(self) -> None:
        shell_of(self).store_changed.subscribe(self, self._store_changed)
        self._draw()
        self.load_screen()

    def _store_changed(self, parts: frozenset[str]) -> None:
        if SCREENS in parts:
            self._draw()

    @property
    def board(self) -> FloorBoardSection:
        return shell_of(self).store.section(FloorBoardSection)

    @work(exclusive=True, group="agent-screen", exit_on_error=False)
    async def load_screen(self) -> None:
        shell = shell_of(self)
        ok, screen = await attempt(
            shell.notify, "read the agent's screen", shell.api.agent_screen(self.agent_id)
        )
        if ok and screen is not None and self.agent_id not in self.board.screens:
            shell.publish(self.board.load_screen(self.agent_id, screen))

    @work(exclusive=True, group="agent-screen-call", exit_on_error=False)
    async def load_call(self, call_id: str, script_id: str | None) -> None:
        """The call's pop (the card) and its script, once per call."""
        shell = shell_of(self)
        ok, pop = await attempt(shell.notify, "read the call", shell.api.pop(call_id))
        self._pop = (call_id, pop if ok else None)
        if pop is not None and pop.queue_id and script_id:
            found, scripts = await attempt(
                shell.notify, "read the script", shell.api.scripts_for(pop.queue_id)
            )
            if found and scripts:
                self._script = next((s for s in scripts if s.id == script_id), None)
        self._draw()

    def _draw(self) -> None:
        screen = self.board.screens.get(self.agent_id)
        desk = self.query_one("#mirrored-desk", Static)
        if screen is None:
            desk.update("The agent's desk has not published its screen yet. 坐席尚未发布屏幕")
            return
        call = None
        if screen.call_id is not None:
            if self._pop is None or self._pop[0] != screen.call_id:
                self._pop = (screen.call_id, None)
                self.load_call(screen.call_id, screen.script_id)
            call = call_from_pop(screen.call_id, self._pop[1])
        keys = shell_of(self).keymap.key
        script = self._script if self._script and self._script.id == screen.script_id else None
        desk.update(desk_screen_renderable(screen, call=call, script=script, keys=keys))

    def action_close(self) -> None:
        self.dismiss(None)
