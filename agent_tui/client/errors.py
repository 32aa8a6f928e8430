"""The client's errors, apart from the modules that raise them.

Screens catch these without importing httpx or pydantic, so the login screen paints
before those (about 250 ms of imports together) are loaded.
"""

from __future__ import annotations


class ApiError(Exception):
    """The server refused a request: HTTP status, the error's stable code, its message."""

    def __init__(
        self, status: int, code: str, message: str, *, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, from Retry-After on 429


class ServerUnreachable(Exception):
    """No answer from the server: connection refused, DNS, timeout, dropped connection."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(f"Cannot reach the server at {base_url}: {reason}")
        self.base_url = base_url
        self.reason = reason


class FeedUnauthorized(Exception):
    """The server refused the token (401/403): the feed stops; the agent must log in."""
