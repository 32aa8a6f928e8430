"""The back office today: what it will be, said plainly, and a ticket found by its id."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.tickets import look_up_ticket, ticket_block
from agent_tui.workspaces.base import WorkspaceScreen

NOTE = (
    "Departments' work queues of tickets (pull the next item, deadlines, escalation) come"
    " with their own issue. Here today: any ticket by its id."
)

BACK_OFFICE_CSS = """
BackOfficeScreen {
    layout: vertical;
}
BackOfficeScreen #ticket-view {
    height: 1fr;
    border: round $secondary 60%;
    border-title-color: $secondary;
    padding: 0 1;
}
"""


class BackOfficeScreen(WorkspaceScreen):
    DEFAULT_CSS = BACK_OFFICE_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("backoffice")  # type: ignore[assignment]
    SCOPE = "backoffice"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Back office 后台", NOTE, id="back-office-header")
        with VerticalScroll(id="ticket-view"):
            yield Static("", id="ticket-text")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#ticket-view").border_title = "Ticket 工单"
        self.query_one("#ticket-text", Static).update(
            f"{self.shell.keymap.key('backoffice.ticket')} finds a ticket by its id."
        )
        self.show_parts(self.PARTS)

    def show_parts(self, parts: frozenset[str]) -> None:
        self.query_one(WorkspaceHeader).show(self.store)
        self.refresh_key_hints()

    def action_find_ticket(self) -> None:
        self.find_ticket()

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def find_ticket(self) -> None:
        ticket = await look_up_ticket(self, self.shell.api)
        if ticket is not None:
            self.query_one("#ticket-view").border_title = f"Ticket 工单 {ticket.id}"
            self.query_one("#ticket-text", Static).update(
                ticket_block(ticket, self.store.sim_now())
            )
