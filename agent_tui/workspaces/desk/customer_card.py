"""The customer card (IN4): who is calling, drawn from the offered event's pop alone.

No request is made before the card shows: `show_call(call)` renders from `CallInfo.pop`
(the server's `ScreenPop`, parsed from the event) at once. `rendered_at` keeps, per call
id, the wall time the card was on screen (after the refresh), for the screen-pop bench.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from agent_tui.ui.labels import clock_face, ivr_path_text, tier_badge
from agent_tui.ui.tickets import ticket_line

if TYPE_CHECKING:
    from agent_tui.client.state import CallInfo
    from server_stub.protocol.api import ContactRecord

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ringing": ("☎ RINGING 来电", "bold #1f2430 on #5fa8d3"),
    "talking": ("● TALKING 通话中", "bold #8fbf7f"),
    "held": ("❚❚ ON HOLD 保持", "bold #e0b860"),
    "conference": ("◎ CONFERENCE 会议", "bold #b48ead"),
    "ended": ("■ ENDED 已挂断", "bold #a0a8b8"),
}


def _field_grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def contact_line(contact: ContactRecord) -> Text:
    when = (contact.at or "")[:10] or "today"
    line = Text(f"{when} ", style="dim")
    line.append(contact.channel or "phone")
    if contact.reason:
        line.append(f" · {contact.reason}")
    code = contact.wrapup_code or contact.outcome
    if code:
        line.append(f" → {code}", style="#8fbcbb")
    return line


def card_renderable(
    call: CallInfo | None, *, verified: bool, waited_s: float | None = None
) -> RenderableType:
    if call is None:
        return Text(
            "No call. 空闲\n\nThe caller's record shows here the moment a call rings.", style="dim"
        )
    pop = call.pop
    customer = call.customer
    tier = call.tier or (customer.tier if customer else None) or (pop.tier if pop else None)
    status_label, status_style = STATUS_LABELS.get(call.status, (call.status, "bold"))

    head = Text()
    head.append(f" {status_label} ", style=status_style)
    if call.direction == "outbound":
        head.append(" outbound 呼出", style="#5fa8d3")

    # The tier sits by the name: a VIP is seen in the same glance as who is calling.
    name = Text()
    if customer is not None:
        name.append(customer.name, style="bold underline")
    else:
        name.append("Unknown caller 未知来电", style="bold italic")
    if tier:
        name.append("  ")
        name.append_text(tier_badge(tier))

    fields = _field_grid()
    if verified:
        fields.add_row("Identity", Text("✔ verified 已核实", style="bold #8fbf7f"))
    else:
        fields.add_row("Identity", Text("✖ not verified 未核实", style="#e06c75"))
    if customer is not None:
        fields.add_row("Account", customer.account or "—")
        fields.add_row("Phones", ", ".join(customer.phones) or "—")
        fields.add_row("Address", customer.address or "—")
    fields.add_row("Caller", call.ani or (pop.ani if pop else None) or "—")
    fields.add_row("Queue", call.queue_id or (pop.queue_id if pop else None) or "—")
    fields.add_row("IVR", ivr_path_text(list(call.ivr_path or (pop.ivr_path if pop else []))))
    waited = waited_s if waited_s is not None else call.waited_s
    fields.add_row("Waited", clock_face(waited))

    parts: list[RenderableType] = [head, name, fields]
    contacts = pop.contacts if pop is not None else []
    parts.append(Text(f"Prior contacts 历史来电 ({len(contacts)})", style="bold #5fa8d3"))
    if contacts:
        parts.extend(contact_line(contact) for contact in contacts[:8])
    else:
        parts.append(Text("none", style="dim"))
    tickets = call.open_tickets
    parts.append(Text(f"Open tickets 未结工单 ({len(tickets)})", style="bold #5fa8d3"))
    if tickets:
        parts.extend(ticket_line(ticket) for ticket in tickets[:8])
    else:
        parts.append(Text("none", style="dim"))
    return Group(*parts)


class RenderedOnce:
    """A renderable drawn once per width: Textual renders a height-auto body twice per
    frame (to measure its height, then to paint it), and the card's tables are the
    costliest thing on the offered call's first frame."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._segments: list[Segment] = []
        self._width: int | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self._width != options.max_width:
            self._segments = list(console.render(self.renderable, options))
            self._width = options.max_width
        return self._segments


class CustomerCard(VerticalScroll):
    """Scrolls when the terminal is small: the top (name, tier, verified) shows first."""

    class Shown(Message):
        """A new call's card has been drawn; the desk starts the rest of the call's work."""

        def __init__(self, call_id: str) -> None:
            super().__init__()
            self.call_id = call_id

    DEFAULT_CSS = """
    CustomerCard {
        border: round $primary 60%;
        border-title-color: $primary;
        padding: 0 1;
    }
    CustomerCard.-vip {
        border: heavy $warning;
        border-title-color: $warning;
    }
    CustomerCard > #card-body {
        width: 100%;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self.border_title = "Caller 来电客户"
        self.call_id: str | None = None
        self.verified = False
        self.rendered_at: dict[str, float] = {}

    def compose(self) -> ComposeResult:
        yield Static(card_renderable(None, verified=False), id="card-body")

    def show_call(self, call: CallInfo | None, *, verified: bool = False) -> None:
        """Redraw from the call's pop; a new call id resets the scroll and notes the time."""
        new_call = call is not None and call.call_id != self.call_id
        self.call_id = call.call_id if call is not None else None
        self.verified = verified
        tier = None
        if call is not None:
            tier = call.tier or (call.customer.tier if call.customer else None)
        self.set_class(tier == "vip", "-vip")
        body = RenderedOnce(card_renderable(call, verified=verified))
        self.query_one("#card-body", Static).update(body)
        if new_call and call is not None:
            self.scroll_home(animate=False)
            call_id = call.call_id
            self.call_after_refresh(self._note_rendered, call_id)

    def _note_rendered(self, call_id: str) -> None:
        self.rendered_at.setdefault(call_id, time.time())
        self.post_message(self.Shown(call_id))
