"""Supervisor messages (SV3): a banner for the newest unread one, and the running log.

The banner stands out (broadcasts louder than personal guidance) and stays until the
agent opens the message log (the banner names its key), which marks everything read. On
a wide terminal the log is also shown beside the card.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from agent_tui.client.state import DeskMessage
from agent_tui.ui.cjk_wrap import Paragraph
from agent_tui.ui.labels import clock_face


def message_age(at: float, now: float) -> str:
    """How long ago, in sim time: the agent cares whether guidance is fresh."""
    minutes = int(max(0.0, now - at) // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{clock_face(now - at)} ago"


def message_line(message: DeskMessage, now: float) -> Text:
    line = Text()
    line.append(f"{message_age(message.at, now)} ", style="dim")
    if message.broadcast:
        line.append("📢 ", style="bold")
    line.append(f"{message.sender}: ", style="bold #e0b860" if not message.read else "bold")
    line.append(message.text)
    return line


class MessageBanner(Static):
    DEFAULT_CSS = """
    MessageBanner {
        display: none;
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $warning 25%;
        color: $text;
    }
    MessageBanner.-broadcast {
        background: $error 35%;
        text-style: bold;
    }
    MessageBanner.-shown {
        display: block;
    }
    """

    def show_messages(self, messages: list[DeskMessage], log_key: str) -> None:
        """The newest unread message, and `log_key`, the key that opens the log."""
        unread = [message for message in messages if not message.read]
        self.set_class(bool(unread), "-shown")
        if not unread:
            self.update("")
            return
        self.set_class(unread[-1].broadcast, "-broadcast")
        self.update(banner_renderable(unread, log_key))


def banner_line(unread: list[DeskMessage], log_key: str) -> Text:
    """The newest of the unread messages, how many more, and the key that opens the log."""
    line = _banner_message(unread)
    line.append(f"  {_banner_hint(unread, log_key)}", style="dim")
    return line


def banner_renderable(unread: list[DeskMessage], log_key: str) -> RenderableType:
    """`banner_line` as the banner draws it: the message wraps (CJK rules) in its own
    column and the hint keeps to the right, whole ("Alt+M log" never splits at 80 columns)."""
    grid = Table.grid(expand=True, padding=(0, 0, 0, 2))
    grid.add_column(ratio=1)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(
        Paragraph(_banner_message(unread)), Text(_banner_hint(unread, log_key), style="dim")
    )
    return grid


def _banner_message(unread: list[DeskMessage]) -> Text:
    newest = unread[-1]
    kind = "BROADCAST 统一口径" if newest.broadcast else "Message 主管消息"
    line = Text(f"✉ {kind} · {newest.sender}: ", style="bold")
    line.append(newest.text)
    return line


def _banner_hint(unread: list[DeskMessage], log_key: str) -> str:
    more = len(unread) - 1
    return (f"(+{more} more)  " if more else "") + f"{log_key} log"


def message_log_renderable(messages: list[DeskMessage], now: float) -> RenderableType:
    if not messages:
        return Text("No messages yet. 暂无消息", style="dim")
    return Group(*(message_line(message, now) for message in reversed(messages)))


class MessageLogPanel(Static):
    """The log beside the card on a wide terminal (newest first)."""

    DEFAULT_CSS = """
    MessageLogPanel {
        border: round $warning 50%;
        border-title-color: $warning;
        padding: 0 1;
        height: auto;
        max-height: 10;
    }
    """

    def on_mount(self) -> None:
        self.border_title = "Messages 消息"

    def show_messages(self, messages: list[DeskMessage], now: float) -> None:
        self.update(message_log_renderable(messages[-8:], now))
