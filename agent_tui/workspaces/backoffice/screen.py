"""The back office: my work queue, the ticket under the cursor in full, transitions by key.

The queue table lists the items of the login's work queues in the order they will be
pulled (priority, then deadline), with what is left of each deadline in business time;
the panel beside it shows the highlighted ticket: its state, clocks and whole history.
`Pull next` takes the head of a queue; `Act` offers the transitions the server allows
this login on the ticket shown and asks for the fields they require. The queue is read
again whenever the feed brings a ticket event, and every few seconds (the deadlines count
down), one read at a time, never blocking the screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static

from agent_tui.client.parts import CONNECTION, TICKET_LOOP
from agent_tui.client.ticket_loop import TicketLoopSection
from agent_tui.keymap import default_bindings
from agent_tui.ui.header import WorkspaceHeader
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import cursor_to, highlighted_key, sync_rows
from agent_tui.ui.ticket_detail import ticket_view, transition_label
from agent_tui.ui.tickets import TicketLookup
from agent_tui.workspaces.backoffice.transition_dialog import TransitionDialog, required_fields
from agent_tui.workspaces.backoffice.views import (
    FIXED_COLUMNS_WIDTH,
    QUEUE_COLUMNS,
    escalation_lines,
    queue_rows,
    queues_title,
)
from agent_tui.workspaces.base import WorkspaceScreen
from server_stub.protocol.workflow_api import TicketDetail, TransitionRequest, WorkQueueView

REFRESH_EVERY_S = 5.0
HELD_ROLE = "holder"  # the server's list of the tickets in my hands
NOTE = "Tickets of your work queues: pull the next, work it, enter the result 工单处理"

BACK_OFFICE_CSS = """
BackOfficeScreen #back-office-body {
    height: 1fr;
}
BackOfficeScreen #queue-side {
    width: 1fr;
}
BackOfficeScreen #work-queue {
    height: 1fr;
}
BackOfficeScreen #escalations {
    height: auto;
    max-height: 5;
    padding: 0 1;
}
BackOfficeScreen #ticket-view {
    width: 1fr;
}
"""


class BackOfficeScreen(WorkspaceScreen):
    DEFAULT_CSS = BACK_OFFICE_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("backoffice")  # type: ignore[assignment]
    SCOPE = "backoffice"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION, TICKET_LOOP})
    _refresh_timer: Timer | None = None

    def __init__(self) -> None:
        super().__init__()
        self.queues: list[WorkQueueView] = []
        self.shown: TicketDetail | None = None

    def compose(self) -> ComposeResult:
        yield WorkspaceHeader("Back office 后台", NOTE, id="back-office-header")
        with Horizontal(id="back-office-body"):
            with Vertical(id="queue-side"):
                yield Static("", id="queue-title", classes="board-title")
                table: DataTable[object] = DataTable(id="work-queue", cursor_type="row")
                yield table
                yield Static("Escalations 提醒与升级", classes="board-title")
                yield Static("", id="escalations")
            hint = (
                f"{self.shell.keymap.key('backoffice.pull')} pulls the next item; "
                f"{self.shell.keymap.key('backoffice.ticket')} finds a ticket by its id."
            )
            yield DetailPanel("Ticket 工单", hint, id="ticket-view")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.query_one("#work-queue", DataTable).add_columns(*QUEUE_COLUMNS)
        self.show_parts(self.PARTS)  # reads the queues too
        self.query_one("#work-queue", DataTable).focus()

    def show_parts(self, parts: frozenset[str]) -> None:
        store = self.store
        self.query_one(WorkspaceHeader).show(store)
        if TICKET_LOOP in parts:
            section = store.section(TicketLoopSection)
            escalations = escalation_lines(section.escalations, store.centre_time)
            self.query_one("#escalations", Static).update(escalations)
            self.refresh_queues()
        self.refresh_key_hints()

    # -- the queue ----------------------------------------------------------------------

    @work(exclusive=True, group="work-queue", exit_on_error=False)
    async def refresh_queues(self) -> None:
        ok, queues = await attempt(
            self.notify, "read your work queues", self.shell.api.work_queues()
        )
        if ok and queues is not None:
            self.queues = queues
            title = self.query_one("#queue-title", Static)
            title.update(queues_title(queues, title.size.width))
            table = self.query_one("#work-queue", DataTable)
            subject_width = table.size.width - FIXED_COLUMNS_WIDTH
            sync_rows(table, queue_rows(queues, subject_width))
            if self.shown is None and table.row_count:
                self.show_ticket(highlighted_key(table) or "")
            elif self.shown is not None:
                cursor_to(table, self.shown.id)  # a new sort moved it
                self.show_ticket(self.shown.id)
        self.refresh_key_hints()
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        # One refresh at a time, the next only after this one has landed.
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(REFRESH_EVERY_S, self.refresh_queues)

    @on(DataTable.RowHighlighted, "#work-queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and (
            self.shown is None or self.shown.id != event.row_key.value
        ):
            self.show_ticket(event.row_key.value)

    # -- one ticket ---------------------------------------------------------------------

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def show_ticket(self, ticket_id: str) -> None:
        if not ticket_id:
            return
        ok, ticket = await attempt(
            self.notify, f"read ticket {ticket_id}", self.shell.api.ticket_detail(ticket_id)
        )
        if ok and ticket is not None:
            self._show(ticket)

    def _show(self, ticket: TicketDetail) -> None:
        self.shown = ticket
        panel = self.query_one("#ticket-view", DetailPanel)
        panel.show(f"Ticket 工单 {ticket.id}", ticket_view(ticket, self.store.centre_time))
        # The cursor follows the ticket shown (pulled, found, or acted on), when it is queued.
        cursor_to(self.query_one("#work-queue", DataTable), ticket.id)
        self.refresh_key_hints()

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pull_next":
            return bool(self._pullable())
        if action == "act":
            return bool(
                self.shown is not None
                and self.shown.workflow is not None
                and self.shown.workflow.transitions
            )
        return True

    def action_refresh(self) -> None:
        self.refresh_queues()

    def action_find_ticket(self) -> None:
        self.find_ticket()

    @work(exclusive=True, group="find", exit_on_error=False)
    async def find_ticket(self) -> None:
        ticket_id = await self.app.push_screen_wait(TicketLookup())
        if ticket_id is not None:
            self.show_ticket(ticket_id)

    def _pullable(self) -> list[WorkQueueView]:
        """The work queues with items to pull (not the tickets already in my hands)."""
        return [queue for queue in self.queues if queue.size and queue.role != HELD_ROLE]

    def action_pull_next(self) -> None:
        self.pull_next()

    @work(exclusive=True, group="pull", exit_on_error=False)
    async def pull_next(self) -> None:
        waiting = self._pullable()
        if not waiting:
            return
        queue_id: str | None = waiting[0].queue
        if len(waiting) > 1:
            choices = [Choice(q.queue, q.name, f"{q.size} waiting") for q in waiting]
            queue_id = await self.app.push_screen_wait(
                ChoicePicker("Pull from 从哪个队列取", choices)
            )
        if queue_id is None:
            return
        ok, ticket = await attempt(
            self.notify, f"pull from {queue_id}", self.shell.api.pull_next(queue_id)
        )
        if ok and ticket is not None:
            self._show(ticket)
            self.notify(f"{ticket.id} is yours 已受理", timeout=3)
            self.refresh_queues()

    def action_act(self) -> None:
        self.act()

    @work(exclusive=True, group="act", exit_on_error=False)
    async def act(self) -> None:
        ticket = self.shown
        if ticket is None or ticket.workflow is None or not ticket.workflow.transitions:
            return
        choices = [Choice(name, transition_label(name)) for name in ticket.workflow.transitions]
        name = await self.app.push_screen_wait(ChoicePicker(f"{ticket.id}: do 操作", choices))
        if name is None:
            return
        request: TransitionRequest | None = TransitionRequest(transition=name)
        if required_fields(name):
            request = await self.app.push_screen_wait(TransitionDialog(name, ticket.id))
        if request is None:
            return
        ok, after = await attempt(
            self.notify,
            transition_label(name),
            self.shell.api.take_transition(ticket.id, request),
        )
        if ok and after is not None:
            self._show(after)
            self.refresh_queues()
