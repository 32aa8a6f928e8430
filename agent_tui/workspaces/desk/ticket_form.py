"""Ticket entry (TK2): category, priority, department, subject, description, for the caller.

The form owns its draft: every change is written to the DraftStore (kind "ticket", keyed
by the call id), so what was typed comes back after a crash. A draft gets its
`request_id` (uuid4) when it starts and keeps it, so submitting twice, or retrying after
a timeout, never makes two tickets. The screen submits; the form only holds and checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static, TextArea

from agent_tui.drafts import DraftStore
from agent_tui.ui.labels import PRIORITY_LABELS
from agent_tui.ui.tickets import ticket_line
from server_stub.protocol.api import Ticket, TicketCreateRequest

DRAFT_KIND = "ticket"
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("enquiry", "咨询 Enquiry"),
    ("complaint", "投诉 Complaint"),
    ("suggestion", "建议 Suggestion"),
    ("fault", "故障 Fault"),
)
TEXT_FIELDS = ("department", "subject")


class TicketForm(Vertical):
    """The form; Esc asks the desk to close it (`CloseRequested`)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", show=False)]

    class CloseRequested(Message):
        """Esc: the agent is done with the form for now."""

    DEFAULT_CSS = """
    TicketForm {
        border: round $accent 60%;
        border-title-color: $accent;
        padding: 0 1;
        height: 1fr;
    }
    TicketForm:focus-within {
        border: round $accent;
    }
    TicketForm .ticket-row {
        height: 1;
        margin-bottom: 1;
    }
    TicketForm .ticket-label {
        width: 14;
        color: $text-muted;
    }
    TicketForm Input, TicketForm Select > SelectCurrent {
        background: $boost;
    }
    TicketForm Select {
        width: 1fr;
    }
    TicketForm Input {
        width: 1fr;
    }
    TicketForm #ticket-description {
        height: 1fr;
        min-height: 3;
    }
    TicketForm #ticket-list {
        height: auto;
        max-height: 6;
        color: $text;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Ticket 工单"
        self.drafts: DraftStore | None = None
        self.call_id: str | None = None
        self.customer_id: str | None = None
        self.request_id: str = uuid.uuid4().hex
        self.tickets: list[Ticket] = []
        self._categories: list[tuple[str, str]] = list(DEFAULT_CATEGORIES)
        self._restoring = False
        # How an unknown caller gets a record: the desk names its key here.
        self.find_caller_help = "find the customer or add their record 查找或新建客户"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="ticket-row"):
            yield Label("Category 类别", classes="ticket-label")
            yield Select(
                [(label, code) for code, label in self._categories],
                prompt="choose…",
                id="ticket-category",
                compact=True,
            )
        with Horizontal(classes="ticket-row"):
            yield Label("Priority 优先", classes="ticket-label")
            yield Select(
                [(label, code) for code, label in PRIORITY_LABELS.items()],
                value="normal",
                allow_blank=False,
                id="ticket-priority",
                compact=True,
            )
        with Horizontal(classes="ticket-row"):
            yield Label("Department", classes="ticket-label")
            yield Input(placeholder="e.g. network 网络部", id="ticket-department", compact=True)
        with Horizontal(classes="ticket-row"):
            yield Label("Subject 主题", classes="ticket-label")
            yield Input(placeholder="one line", id="ticket-subject", compact=True)
        yield TextArea(
            id="ticket-description",
            compact=True,
            placeholder="Description 描述: what the caller needs, address, symptoms…",
        )
        yield Static("", id="ticket-list")

    def on_mount(self) -> None:
        blink = bool(getattr(self.app, "cursor_blink", True))
        for field in self.query(Input):
            field.cursor_blink = blink
        self.query_one(TextArea).cursor_blink = blink
        self._draw_tickets()

    def action_close(self) -> None:
        self.post_message(self.CloseRequested())

    # -- what the screen calls --------------------------------------------------------

    def set_categories(self, categories: Iterable[tuple[str, str]]) -> None:
        """Categories from `/v1/codes` as (code, label); a choice still offered is kept."""
        self._categories = list(categories) or list(DEFAULT_CATEGORIES)
        select: Select[str] = self.query_one("#ticket-category", Select)
        current = select.value
        if isinstance(current, str) and current not in {code for code, _ in self._categories}:
            self._categories.append((current, current))  # the agent's choice stays
        select.set_options([(label, code) for code, label in self._categories])
        if isinstance(current, str):
            self._restoring = True  # the same value again: not a change to save
            try:
                select.value = current
            finally:
                self._restoring = False

    def start(
        self,
        drafts: DraftStore,
        *,
        call_id: str,
        customer_id: str | None,
        customer_name: str | None,
        tickets: list[Ticket],
    ) -> bool:
        """Bind the form to a call; bring back its saved draft if there is one (True)."""
        self.drafts = drafts
        self.call_id = call_id
        self.customer_id = customer_id
        self.tickets = list(tickets)
        who = customer_name or "unknown caller 未知来电"
        self.border_title = f"Ticket 工单 · {who} · call {call_id}"
        self.border_subtitle = "" if customer_id else self.find_caller_help
        saved = drafts.load(DRAFT_KIND, call_id)
        self._restoring = True
        try:
            if saved is not None:
                self.request_id = str(saved.get("request_id") or uuid.uuid4().hex)
                self._fill(saved)
            else:
                self.request_id = uuid.uuid4().hex
                self._fill({})
        finally:
            self._restoring = False
        self._draw_tickets()
        return saved is not None

    def prefill(self, values: dict[str, Any]) -> None:
        """A script step's `open_ticket` arguments: fill what the agent has not typed."""
        current = self.fields()
        merged = {key: value for key, value in values.items() if not current.get(key)}
        if "priority" in values:
            merged["priority"] = values["priority"]
        self._fill({**current, **merged})
        self.save_draft()

    def fields(self) -> dict[str, Any]:
        category = self.query_one("#ticket-category", Select).value
        priority = self.query_one("#ticket-priority", Select).value
        return {
            "category": category if isinstance(category, str) else "",
            "priority": priority if isinstance(priority, str) else "normal",
            "department": self.query_one("#ticket-department", Input).value,
            "subject": self.query_one("#ticket-subject", Input).value,
            "description": self.query_one("#ticket-description", TextArea).text,
        }

    def request(self) -> TicketCreateRequest:
        """The `POST /v1/tickets` body, linked to the caller and the call; raises
        ValueError (with the agent's words) when the form cannot be sent yet."""
        problem = self._missing()
        if problem is not None:
            raise ValueError(problem)
        fields = self.fields()
        try:
            return TicketCreateRequest(
                request_id=self.request_id,
                customer_id=self.customer_id or "",
                call_id=self.call_id,
                category=fields["category"],
                priority=fields["priority"],
                department=fields["department"].strip() or None,
                subject=fields["subject"].strip(),
                description=fields["description"].strip(),
            )
        except ValidationError as error:
            first = error.errors()[0]
            field_name = ".".join(str(part) for part in first["loc"])
            raise ValueError(f"{field_name}: {first['msg']}") from error

    def problem(self) -> str | None:
        """Why the ticket cannot be sent yet, in the agent's words; None when it can."""
        try:
            self.request()
        except ValueError as error:
            return str(error)
        return None

    def _missing(self) -> str | None:
        if self.customer_id is None:
            return (
                f"An unknown caller has no record to put a ticket on yet: {self.find_caller_help}."
            )
        fields = self.fields()
        if not fields["category"]:
            return "Choose a category 请选择类别."
        if not fields["subject"].strip():
            return "Write a subject 请填写主题."
        return None

    def submitted(self, ticket: Ticket) -> None:
        """The server made the ticket: forget the draft, list it, start a clean one."""
        if self.drafts is not None and self.call_id is not None:
            self.drafts.discard(DRAFT_KIND, self.call_id)
        self.tickets = [ticket, *[t for t in self.tickets if t.id != ticket.id]]
        self.request_id = uuid.uuid4().hex
        self._restoring = True
        try:
            self._fill({})
        finally:
            self._restoring = False
        self._draw_tickets()

    def has_unsent_text(self) -> bool:
        fields = self.fields()
        return any(fields[name] for name in ("department", "subject", "description"))

    def discard_draft(self) -> None:
        """Forget the draft and empty the form (the agent said so)."""
        if self.drafts is not None and self.call_id is not None:
            self.drafts.discard(DRAFT_KIND, self.call_id)
        self._restoring = True
        try:
            self._fill({})
        finally:
            self._restoring = False

    def set_tickets(self, tickets: list[Ticket]) -> None:
        self.tickets = list(tickets)
        self._draw_tickets()

    def save_draft(self) -> None:
        if self.drafts is None or self.call_id is None or self._restoring:
            return
        fields = self.fields()
        if not any(fields[name] for name in ("category", "department", "subject", "description")):
            # Nothing typed (or a form just cleared after submitting): no draft to keep.
            self.drafts.discard(DRAFT_KIND, self.call_id)
            return
        self.drafts.save(
            DRAFT_KIND,
            self.call_id,
            {**fields, "request_id": self.request_id, "customer_id": self.customer_id},
        )

    # -- inside -------------------------------------------------------------------------

    def _fill(self, values: dict[str, Any]) -> None:
        category = values.get("category")
        select: Select[str] = self.query_one("#ticket-category", Select)
        if category and category not in {code for code, _ in self._categories}:
            # A draft's category may come back before the server's list (or have left
            # it): offer it as it is rather than drop what the agent chose.
            self._categories.append((str(category), str(category)))
            select.set_options([(label, code) for code, label in self._categories])
        if category:
            select.value = str(category)
        else:
            select.clear()
        priority = values.get("priority")
        self.query_one("#ticket-priority", Select).value = (
            str(priority) if priority in PRIORITY_LABELS else "normal"
        )
        self.query_one("#ticket-department", Input).value = str(values.get("department") or "")
        self.query_one("#ticket-subject", Input).value = str(values.get("subject") or "")
        self.query_one("#ticket-description", TextArea).text = str(values.get("description") or "")

    def _draw_tickets(self) -> None:
        heading = Text(f"Caller's tickets 客户工单 ({len(self.tickets)})", style="bold #5fa8d3")
        lines = [ticket_line(ticket) for ticket in self.tickets[:5]]
        self.query_one("#ticket-list", Static).update(Group(heading, *lines))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.save_draft()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.save_draft()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.save_draft()
