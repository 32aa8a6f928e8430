"""Running a request from a screen without blocking it: failures become a notice.

`attempt(notify, what, request)` awaits the request and, when the server refuses or
cannot be reached, tells the user in the server's own words under "Could not <what>",
and carries on: the screen never freezes and never crashes on a network error.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol, TypeVar

from textual.notifications import SeverityLevel

from agent_tui.client.errors import ApiError, ServerUnreachable

T = TypeVar("T")


class Notify(Protocol):
    def __call__(
        self,
        message: str,
        *,
        title: str = ...,
        severity: SeverityLevel = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...


async def attempt(notify: Notify, what: str, request: Awaitable[T]) -> tuple[bool, T | None]:
    """Await `request`; on failure say why and return (False, None)."""
    try:
        return True, await request
    except ApiError as error:
        notify(error.message, title=f"Could not {what}", severity="error", timeout=6)
    except ServerUnreachable as error:
        notify(str(error), title=f"Could not {what}", severity="error", timeout=6)
    return False, None
