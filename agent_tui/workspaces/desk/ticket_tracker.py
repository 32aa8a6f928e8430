"""The desk's ticket tracking (TK2): the agent's own tickets and the caller's, live.

`TicketTracker` is a dialog over the desk: two lists (my tickets; the tickets of the
caller on the line), each row a ticket's id, state, deadline on the centre's clock and
subject, and beside them (below, on a narrow terminal, after Enter) the highlighted
ticket in full with its whole history, read from the server. The lists follow
`TicketTrackingSection`, which the feed keeps current; the ticket shown is read again when
an event about it arrives. `TicketResultWatch` (mounted once on the desk) seeds that
section at login and announces a result that comes back to the agent, such as the
complaint group's after an escalation. `tracked_rows` and `due_text` are the pure parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from agent_tui.client.parts import TRACKED_TICKETS
from agent_tui.client.ticket_tracking import TicketTrackingSection
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.requests import attempt
from agent_tui.ui.tables import highlighted_key, sync_rows
from agent_tui.ui.ticket_detail import OVERDUE, state_label, ticket_view
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.ticket_tracking import TrackedTicket

COLUMNS = ("Ticket", "State 状态", "Due 期限", "Subject 主题")
FIXED_COLUMNS_WIDTH = 34  # the first three columns and the cell padding
WIDE_WIDTH = 110
RESULT_MARK = "✓"  # the department's result is in
ACTION_ID = "desk.tickets"

TRACKER_CSS = """
TicketTracker {
    align: center middle;
}
TicketTracker #tracker-box {
    width: 100%;
    height: 100%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
TicketTracker #tracker-title {
    text-style: bold;
    color: $accent;
}
TicketTracker #tracker-hint {
    color: $text-muted;
}
TicketTracker #tracker-body {
    height: 1fr;
}
TicketTracker #tracker-lists {
    width: 1fr;
}
TicketTracker .tracker-list-title {
    color: $secondary;
    text-style: bold;
}
TicketTracker DataTable {
    height: auto;
    max-height: 12;
}
TicketTracker #tracker-detail {
    width: 1fr;
    display: none;
}
TicketTracker.-wide #tracker-detail {
    display: block;
}
TicketTracker.-detail #tracker-detail {
    display: block;
}
TicketTracker.-detail #tracker-lists {
    display: none;
}
TicketTracker.-wide #tracker-lists {
    display: block;
}
"""


def due_text(due_at: float | None, now: float, epoch: datetime | None) -> Text:
    """A deadline on the centre's clock (`14:30`, `11-24 09:15` on another day), red when
    passed; `—` when no clock runs (resolved, waiting on the customer, closed)."""
    if due_at is None:
        return Text("—", style="dim")
    style = OVERDUE if due_at < now else ""
    if epoch is None:
        return Text(f"+{int(due_at - now) // 60} min", style=style)
    due, today = epoch + timedelta(seconds=due_at), epoch + timedelta(seconds=now)
    face = due.strftime("%H:%M") if due.date() == today.date() else due.strftime("%m-%d %H:%M")
    return Text(face, style=style)


def short_state(state: str | None, status: str) -> str:
    """The state's Chinese name in a list (the full label is in the ticket's view)."""
    label = state_label(state) if state else status
    return label.split(" ")[0]


def tracked_rows(
    tickets: Iterable[TrackedTicket],
    now: float,
    epoch: datetime | None,
    subject_width: int = 30,
) -> dict[str, tuple[RenderableType, ...]]:
    """One row per ticket, in the order given."""
    rows: dict[str, tuple[RenderableType, ...]] = {}
    for ticket in tickets:
        state = Text(short_state(ticket.state, ticket.status))
        if ticket.result:
            state.append(f" {RESULT_MARK}", style="bold #98c379")
        subject = Text(ticket.subject, no_wrap=True)
        subject.truncate(max(4, subject_width), overflow="ellipsis")
        rows[ticket.id] = (
            Text(ticket.id, style="bold"),
            state,
            due_text(ticket.due_at, now, epoch),
            subject,
        )
    return rows


async def load_tracked(node: Widget) -> None:
    """Read the agent's tickets as the server has them now into the store's section."""
    shell = shell_of(node.screen)
    ok, tickets = await attempt(node.notify, "list your tickets", shell.api.tracked_tickets())
    if ok and tickets is not None:
        shell.publish(shell.store.section(TicketTrackingSection).load(tickets))


class TicketTracker(ModalScreen[None]):
    """My tickets and this caller's; the highlighted one in full; Esc closes."""

    DEFAULT_CSS = TRACKER_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Close"),
    ]

    def __init__(self, *, customer_id: str | None = None, customer_name: str = "") -> None:
        super().__init__()
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.caller_tickets: list[TrackedTicket] = []
        self.shown_id: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="tracker-box"):
            yield Static("", id="tracker-title")
            yield Static("", id="tracker-hint")
            with Horizontal(id="tracker-body"):
                with Vertical(id="tracker-lists"):
                    yield Static("", id="mine-title", classes="tracker-list-title")
                    mine: DataTable[Any] = DataTable(id="my-tickets", cursor_type="row")
                    yield mine
                    yield Static("", id="caller-title", classes="tracker-list-title")
                    caller: DataTable[Any] = DataTable(id="caller-tickets", cursor_type="row")
                    yield caller
                yield DetailPanel("Ticket 工单", "", id="tracker-detail")

    @property
    def section(self) -> TicketTrackingSection:
        return shell_of(self).store.section(TicketTrackingSection)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns(*COLUMNS)
        self._fit(self.size.width)
        self.query_one("#caller-tickets").display = self.customer_id is not None
        self.query_one("#caller-title").display = self.customer_id is not None
        shell_of(self).store_changed.subscribe(self, self._store_changed)
        self._draw_mine()
        self.load_mine()
        if self.customer_id is not None:
            self.load_caller()
        self.query_one("#my-tickets", DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.set_class(width >= WIDE_WIDTH, "-wide")
        self._draw_title()

    def _draw_title(self) -> None:
        shell = shell_of(self)
        keys = " / ".join(dict.fromkeys(["Esc", shell.keymap.key(ACTION_ID)]))
        mine, caller = len(self.section.tickets), len(self.caller_tickets)
        title = f"Tickets 工单跟踪 · mine 我的 {mine}"
        if self.customer_id is not None:
            title += f" · this caller 来电客户 {caller}"
        self.query_one("#tracker-title", Static).update(title)
        if self.has_class("-detail") and not self.has_class("-wide"):
            hint = "↑↓ scroll · Esc back to the lists 返回列表"
        else:
            opening = "↑↓ a ticket" if self.has_class("-wide") else "Enter history"
            hint = f"{opening} · Tab other list · {keys} closes · ✓ result 已有结果"
        self.query_one("#tracker-hint", Static).update(hint)

    # -- the lists ------------------------------------------------------------------------

    def _subject_width(self, table: DataTable[Any]) -> int:
        return max(8, table.size.width - FIXED_COLUMNS_WIDTH) if table.size.width else 30

    def _rows(self, table: DataTable[Any], tickets: Iterable[TrackedTicket]) -> None:
        store = shell_of(self).store
        rows = tracked_rows(tickets, store.sim_now(), store.epoch, self._subject_width(table))
        sync_rows(table, rows)

    def _draw_mine(self) -> None:
        table = self.query_one("#my-tickets", DataTable)
        tickets = self.section.newest_first()
        self._rows(table, tickets)
        empty = " — none yet 暂无" if not tickets else ""
        self.query_one("#mine-title", Static).update(f"我的工单 My tickets{empty}")
        self._draw_title()
        if self.shown_id is None and table.row_count:
            self._show(highlighted_key(table))

    def _draw_caller(self) -> None:
        table = self.query_one("#caller-tickets", DataTable)
        self._rows(table, self.caller_tickets)
        who = f" {self.customer_name}" if self.customer_name else ""
        empty = " — none 暂无" if not self.caller_tickets else ""
        self.query_one("#caller-title", Static).update(f"来电客户的工单 This caller's{who}{empty}")
        self._draw_title()

    @work(exclusive=True, group="tracker-mine", exit_on_error=False)
    async def load_mine(self) -> None:
        await load_tracked(self)

    @work(exclusive=True, group="tracker-caller", exit_on_error=False)
    async def load_caller(self) -> None:
        shell = shell_of(self)
        request = shell.api.tracked_tickets(self.customer_id)
        ok, tickets = await attempt(self.notify, "list the caller's tickets", request)
        if ok and tickets is not None:
            self.caller_tickets = tickets
            self._draw_caller()

    def _store_changed(self, parts: frozenset[str]) -> None:
        if TRACKED_TICKETS not in parts:
            return
        self._draw_mine()
        about = self.section.last_ticket_id
        if self.customer_id is not None and about in {t.id for t in self.caller_tickets}:
            self.load_caller()
        if about is not None and about == self.shown_id:
            self.load_detail(about)

    # -- one ticket in full -------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and self.has_class("-wide"):
            self._show(str(event.row_key.value))

    def _show(self, ticket_id: str | None) -> None:
        if ticket_id is None or ticket_id == self.shown_id:
            return
        self.shown_id = ticket_id
        self.load_detail(ticket_id)

    @work(exclusive=True, group="tracker-detail", exit_on_error=False)
    async def load_detail(self, ticket_id: str) -> None:
        shell = shell_of(self)
        request = shell.api.ticket_detail(ticket_id)
        ok, detail = await attempt(self.notify, f"read ticket {ticket_id}", request)
        if ok and detail is not None and self.shown_id == ticket_id:
            body = ticket_view(detail, shell.store.centre_time)
            self.query_one(DetailPanel).show(f"{detail.id} 工单 · history 处理记录", body)

    @on(DataTable.RowSelected)
    def _opened(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: that ticket in full (on a narrow desk, in place of the lists)."""
        if event.row_key.value is None:
            return
        self.shown_id = None
        self._show(str(event.row_key.value))
        self.add_class("-detail")
        self._draw_title()
        self.query_one(DetailPanel).focus()

    def action_back(self) -> None:
        if self.has_class("-detail") and not self.has_class("-wide"):
            self.remove_class("-detail")
            self._draw_title()
            self.query_one("#my-tickets", DataTable).focus()
            return
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        # The key that opened the tracker closes it (the desk's binding is not active here).
        if event.key in shell_of(self).keymap.keys_for(ACTION_ID):
            event.stop()
            self.dismiss(None)


class TicketResultWatch(Widget):
    """Seeds the agent's tickets at login; announces results that come back to it."""

    DEFAULT_CSS = "TicketResultWatch { display: none; }"

    def __init__(self, key: Callable[[str], str]) -> None:
        super().__init__()
        self.key = key
        self._announced = 0

    def on_mount(self) -> None:
        shell = shell_of(self.screen)
        shell.store_changed.subscribe(self, self._store_changed)
        self._announced = self.section.results_heard
        self.load()

    @property
    def section(self) -> TicketTrackingSection:
        return shell_of(self.screen).store.section(TicketTrackingSection)

    @work(exclusive=True, group="tracked-tickets", exit_on_error=False)
    async def load(self) -> None:
        await load_tracked(self)

    def _store_changed(self, parts: frozenset[str]) -> None:
        if TRACKED_TICKETS not in parts:
            return
        section = self.section
        new = min(section.results_heard - self._announced, len(section.results))
        fresh = list(section.results)[-new:] if new > 0 else []
        self._announced = section.results_heard
        for result in fresh:
            self.notify(
                f"{result.ticket_id} {result.subject}\n{result.note}\n"
                f"{self.key(ACTION_ID)} opens your tickets",
                title="工单已办结 Ticket resolved",
                timeout=12,
            )
