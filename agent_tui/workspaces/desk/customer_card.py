"""The customer card (IN4): who is calling, drawn from the offered event's pop alone.

No request is made before the card shows: `show_call(call)` renders from `CallInfo.pop`
(the server's `ScreenPop`, parsed from the event) at once. `rendered_at` keeps, per call
id, the wall time the card was on screen (after the refresh), for the screen-pop bench.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from agent_tui.ui.desk_view import card_renderable

if TYPE_CHECKING:
    from agent_tui.client.state import CallInfo


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
