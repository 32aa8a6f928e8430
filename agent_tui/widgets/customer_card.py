"""The customer card (IN4): who is calling, drawn from the offered event's pop alone.

No request is made before the card shows: `show_call(call)` renders from `CallInfo.pop`
(the server's `ScreenPop` as JSON) at once. `rendered_at` keeps, per call id, the wall
time the card was on screen (after the refresh), for the screen-pop benchmark.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from agent_tui.client.state import CallInfo
from agent_tui.widgets.labels import PRIORITY_LABELS, clock_face, ivr_path_text, tier_badge

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


def contact_line(contact: dict[str, Any]) -> Text:
    when = str(contact.get("at") or "")[:10] or "today"
    line = Text(f"{when} ", style="dim")
    line.append(str(contact.get("channel") or "phone"))
    reason = contact.get("reason")
    if reason:
        line.append(f" · {reason}")
    code = contact.get("wrapup_code") or contact.get("outcome")
    if code:
        line.append(f" → {code}", style="#8fbcbb")
    return line


def ticket_line(ticket: dict[str, Any]) -> Text:
    line = Text(f"{ticket.get('id', '?')} ", style="bold")
    line.append(f"[{ticket.get('category', '')}] ", style="#8fbcbb")
    line.append(str(ticket.get("subject", "")))
    status = ticket.get("status")
    if status:
        line.append(f" · {status}", style="dim")
    priority = ticket.get("priority")
    if priority in ("high", "urgent"):
        line.append(f" {PRIORITY_LABELS.get(str(priority), priority)}", style="bold #e06c75")
    return line


def card_renderable(
    call: CallInfo | None, *, verified: bool, waited_s: float | None = None
) -> RenderableType:
    if call is None:
        return Text(
            "No call. 空闲\n\nThe caller's record shows here the moment a call rings.", style="dim"
        )
    pop = call.pop or {}
    customer = pop.get("customer") if isinstance(pop.get("customer"), dict) else None
    tier = call.tier or (customer or {}).get("tier") or pop.get("tier")
    status_label, status_style = STATUS_LABELS.get(call.status, (call.status, "bold"))

    head = Text()
    head.append(f" {status_label} ", style=status_style)
    if call.direction == "outbound":
        head.append(" outbound 呼出", style="#5fa8d3")

    # The tier sits by the name: a VIP is seen in the same glance as who is calling.
    name = Text()
    if customer is not None:
        name.append(str(customer.get("name", "?")), style="bold underline")
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
        fields.add_row("Account", str(customer.get("account", "—")))
        phones = customer.get("phones") or []
        fields.add_row("Phones", ", ".join(str(p) for p in phones) or "—")
        fields.add_row("Address", str(customer.get("address") or "—"))
    fields.add_row("Caller", str(call.ani or pop.get("ani") or "—"))
    fields.add_row("Queue", str(call.queue_id or pop.get("queue_id") or "—"))
    fields.add_row("IVR", ivr_path_text(list(call.ivr_path or pop.get("ivr_path") or [])))
    waited = waited_s if waited_s is not None else call.waited_s
    fields.add_row("Waited", clock_face(waited))

    parts: list[RenderableType] = [head, name, fields]
    contacts = [c for c in pop.get("contacts") or [] if isinstance(c, dict)]
    parts.append(Text(f"Prior contacts 历史来电 ({len(contacts)})", style="bold #5fa8d3"))
    if contacts:
        parts.extend(contact_line(contact) for contact in contacts[:8])
    else:
        parts.append(Text("none", style="dim"))
    tickets = [t for t in pop.get("open_tickets") or [] if isinstance(t, dict)]
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
            customer = call.pop.get("customer") if call.pop else None
            tier = call.tier or (customer.get("tier") if isinstance(customer, dict) else None)
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
