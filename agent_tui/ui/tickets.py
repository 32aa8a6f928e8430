"""Tickets as every workspace shows them: one line in a list, a block for one, a lookup.

- `ticket_line(ticket)`: `T000003 [fault] 光猫损坏 · dispatched 高 High`.
- `ticket_block(ticket)`: every field, for a ticket opened by id.
- `TicketLookup`: a one-field dialog that asks for a ticket id; `show_a_ticket` asks,
  fetches it (from a worker) and shows it in a `DetailPanel`, saying why when it cannot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from agent_tui.ui.labels import PRIORITY_LABELS, clock_face
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import FormDialog
from agent_tui.ui.requests import attempt

if TYPE_CHECKING:
    from textual.screen import Screen

    from agent_tui.client.api import CentreApi
    from server_stub.protocol.api import Ticket

TICKET_ID_CHARACTERS = r"[A-Za-z0-9_.:-]*"


def ticket_line(ticket: Ticket) -> Text:
    line = Text(f"{ticket.id} ", style="bold")
    line.append(f"[{ticket.category}] ", style="#8fbcbb")
    line.append(ticket.subject)
    line.append(f" · {ticket.status}", style="dim")
    if ticket.priority in ("high", "urgent"):
        line.append(
            f" {PRIORITY_LABELS.get(ticket.priority, ticket.priority)}", style="bold #e06c75"
        )
    return line


def ticket_block(ticket: Ticket, now: float) -> RenderableType:
    """One ticket, every field: what a reviewer or a department reads."""
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row("Status", ticket.status)
    fields.add_row("Priority", PRIORITY_LABELS.get(ticket.priority, ticket.priority))
    fields.add_row("Category", ticket.category)
    fields.add_row("Department", ticket.department or "—")
    fields.add_row("Customer", ticket.customer_id)
    fields.add_row("Call", ticket.call_id or "—")
    fields.add_row("Created by", ticket.created_by)
    fields.add_row("Age", clock_face(max(0.0, now - ticket.created_at)))
    parts: list[RenderableType] = [ticket_line(ticket), fields]
    if ticket.description:
        parts.append(Text(ticket.description))
    return Group(*parts)


class TicketLookup(FormDialog[str | None]):
    """Asks for a ticket id; dismisses with it (or None on Esc)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Find a ticket 查找工单", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Label("Ticket id 工单号", classes="dialog-label")
                yield Input(
                    placeholder="e.g. T000001",
                    id="ticket-id",
                    compact=True,
                    restrict=TICKET_ID_CHARACTERS,
                )
            yield Static("", id="dialog-error")
            yield Static("Enter finds · Esc cancels", classes="dialog-hint")

    @on(Input.Submitted)
    def _find(self) -> None:
        ticket_id = self.query_one("#ticket-id", Input).value.strip()
        if not ticket_id:
            self._error("Type the ticket's id.")
            return
        self.dismiss(ticket_id)


async def show_a_ticket(
    screen: Screen[Any], api: CentreApi, panel: DetailPanel, now: float
) -> None:
    """Ask for a ticket id, fetch the ticket and show it in `panel` (from a worker of
    `screen`); a ticket that cannot be found is said in a notice, the panel unchanged."""
    ticket_id = await screen.app.push_screen_wait(TicketLookup())
    if ticket_id is None:
        return
    _, ticket = await attempt(screen.notify, f"find ticket {ticket_id}", api.ticket(ticket_id))
    if ticket is not None:
        panel.show(f"Ticket 工单 {ticket.id}", ticket_block(ticket, now))
