"""Who is calling (IN5): find the caller among the customers, or make their record.

`CallerLookup` is the search dialog the desk opens during a call: the agent types a name,
a phone number or an account (Chinese or Latin) and the matches come as it types (one
search per pause, `LiveSearch`); Enter on one links the caller to it. The last line of the
list is always "new record", which opens `NewCallerDialog` (name, number, address, need).
Both dismiss with a `CallerChoice`, which the desk sends as `POST /v1/calls/{id}/customer`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from agent_tui.ui.live_search import LiveSearch
from agent_tui.ui.pickers import PICKER_CSS, FormDialog
from server_stub.protocol.api import CustomerView
from server_stub.protocol.caller_link import NewCustomer

NEW_RECORD = "new-record"
LOOKUP_CSS = (
    PICKER_CSS
    + """
CallerLookup { align: center middle; }
CallerLookup .dialog-box, NewCallerDialog .dialog-box { width: 76; }
#lookup-status { color: $text-muted; height: auto; }
"""
)


@dataclass(frozen=True, slots=True)
class CallerChoice:
    """The caller is `customer_id` (found), or the new record `new` (with their need)."""

    customer_id: str | None = None
    name: str = ""
    new: NewCustomer | None = None
    need: str = ""


def customer_line(view: CustomerView) -> Text:
    """One match: name and id, then account, numbers and address, dimmed."""
    record = view.customer
    line = Text(f"{record.name} ({record.id})")
    details = [record.account, " ".join(record.phones[:2]), record.address]
    line.append("  " + " · ".join(d for d in details if d), style="dim")
    return line


class CallerLookup(ModalScreen[CallerChoice | None]):
    DEFAULT_CSS = LOOKUP_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self, search: Callable[[str], Awaitable[list[CustomerView]]], *, number: str | None
    ) -> None:
        super().__init__()
        self.number = number  # the calling number: a new record's phone
        self.found: list[CustomerView] = []
        self.search = LiveSearch(self, search, self._show_found, self._show_failure)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Find the caller 查找客户", classes="dialog-title")
            yield Input(
                placeholder="name, phone or account 姓名/电话/账号", id="lookup-query", compact=True
            )
            yield OptionList(id="lookup-options")
            yield Static("", id="lookup-status")
            yield Static(
                "Type to search · ↑↓ move · Enter links the caller · Esc cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self._fill()
        self._status("Type at least two characters 至少输入两个字符.")
        field.focus()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        for view in self.found:
            options.add_option(Option(customer_line(view), id=view.customer.id))
        new = Text("+ New record for this caller 新建客户记录", style="bold")
        options.add_option(Option(new, id=NEW_RECORD))
        options.highlighted = 0

    def _status(self, text: str) -> None:
        self.query_one("#lookup-status", Static).update(Text(text, style="italic"))

    def _show_found(self, query: str, found: list[CustomerView]) -> None:
        self.found = found
        self._fill()
        if found:
            self._status(f"{len(found)} match “{query.strip()}” 条匹配")
        else:
            self._status(f"No customer matches “{query.strip()}”: add a new record. 无匹配客户")

    def _show_failure(self, query: str, reason: str) -> None:
        self._status(f"Search for “{query.strip()}” failed: {reason}")

    @on(Input.Changed, "#lookup-query")
    def _typed(self, event: Input.Changed) -> None:
        self.search.typed(event.value)
        if self.search.long_enough(event.value):
            self._status("Searching… 正在查找")

    @on(Input.Submitted, "#lookup-query")
    def _take_highlighted(self) -> None:
        index = self.query_one(OptionList).highlighted
        options = self.query_one(OptionList)
        if index is not None:
            self._take(options.get_option_at_index(index).id)

    @on(OptionList.OptionSelected)
    def _take_clicked(self, event: OptionList.OptionSelected) -> None:
        self._take(event.option.id)

    def _take(self, value: str | None) -> None:
        if value == NEW_RECORD:
            typed = self.query_one(Input).value.strip()
            name = "" if any(ch.isdigit() for ch in typed) else typed
            self.app.push_screen(NewCallerDialog(name=name, number=self.number), self._made)
            return
        for view in self.found:
            if view.customer.id == value:
                self.dismiss(CallerChoice(customer_id=value, name=view.customer.name))

    def _made(self, choice: CallerChoice | None) -> None:
        if choice is not None:
            self.dismiss(choice)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewCallerDialog(FormDialog[CallerChoice | None]):
    """The record of a caller the centre does not know (IN5): name, number, address, need."""

    DEFAULT_CSS = LOOKUP_CSS

    def __init__(self, *, name: str = "", number: str | None = None) -> None:
        super().__init__()
        self.caller_name = name
        self.number = number or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("New customer record 新建客户记录", classes="dialog-title")
            for field_id, label, value, hint in (
                ("new-name", "Name 姓名", self.caller_name, "as the caller says it"),
                ("new-phone", "Phone 电话", self.number, "blank: the calling number"),
                ("new-address", "Address 地址", "", "street, city 地址"),
                ("new-need", "Need 诉求", "", "what the caller needs 来电诉求"),
            ):
                with Horizontal(classes="dialog-row"):
                    yield Label(label, classes="dialog-label")
                    yield Input(value, placeholder=hint, id=field_id, compact=True)
            yield Static("", id="dialog-error")
            yield Static("Enter saves and links · Tab next field · Esc back", classes="dialog-hint")

    @on(Input.Submitted)
    def _save(self) -> None:
        def typed(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value.strip()

        if not typed("new-name"):
            self._error("Write the caller's name 请填写姓名.")
            self.query_one("#new-name", Input).focus()
            return
        try:
            new = NewCustomer(
                name=typed("new-name"),
                address=typed("new-address"),
                phone=typed("new-phone") or None,
            )
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "record"
            self._error(f"{field}: {first['msg']}")
            return
        self.dismiss(CallerChoice(name=new.name, new=new, need=typed("new-need")))
