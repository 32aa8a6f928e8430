"""Textual messages that cross the app (a widget's own messages live in the widget)."""

from __future__ import annotations

from textual.message import Message


class DeskStateChanged(Message):
    """The local store changed; `parts` says which: agent, call, queues, messages, connection."""

    def __init__(self, parts: frozenset[str]) -> None:
        super().__init__()
        self.parts = parts


class LoggedIn(Message):
    """The login screen succeeded; the app starts the feed and shows the desk."""

    def __init__(self, server_url: str, agent_id: str) -> None:
        super().__init__()
        self.server_url = server_url
        self.agent_id = agent_id
