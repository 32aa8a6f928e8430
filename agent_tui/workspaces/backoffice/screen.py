"""The back office today: what it will be, said plainly, and a ticket found by its id."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType

from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.tickets import show_a_ticket
from agent_tui.workspaces.base import WorkspaceScreen

NOTE = (
    "Departments' work queues of tickets (pull the next item, deadlines, escalation) come"
    " with their own issue. Here today: any ticket by its id."
)


class BackOfficeScreen(WorkspaceScreen):
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("backoffice")  # type: ignore[assignment]
    SCOPE = "backoffice"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Back office 后台", NOTE, id="back-office-header")
        hint = f"{self.shell.keymap.key('backoffice.ticket')} finds a ticket by its id."
        yield DetailPanel("Ticket 工单", hint, id="ticket-view")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.show_parts(self.PARTS)

    def show_parts(self, parts: frozenset[str]) -> None:
        self.query_one(WorkspaceHeader).show(self.store)
        self.refresh_key_hints()

    def action_find_ticket(self) -> None:
        self.find_ticket()

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def find_ticket(self) -> None:
        panel = self.query_one(DetailPanel)
        await show_a_ticket(self, self.shell.api, panel, self.store.sim_now())
