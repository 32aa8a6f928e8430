"""What the desk tells the centre as the agent works: script steps walked, the screen shown.

Both go out in the background and never hold the agent up. Script steps are sent in the
order they were walked (one at a time). The screen (`DeskScreenState`) is offered on a
timer of `SCREENS_PER_S` and sent only when it changed since the last one the server took;
one that could not be sent (offline) is offered again on the next tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from agent_tui.client.errors import ApiError, ServerUnreachable
from server_stub.protocol.desk_screen import DeskScreenState, ScriptStepRequest


class ScreenPublisher:
    """Sends the desk's screen when it changed; `offer` is cheap when it did not."""

    def __init__(self, send: Callable[[DeskScreenState], Awaitable[object]]) -> None:
        self._send = send
        self.last: DeskScreenState | None = None
        self._sending = False

    def wants(self, screen: DeskScreenState) -> bool:
        return not self._sending and screen != self.last

    async def offer(self, screen: DeskScreenState) -> bool:
        """Send `screen` if it is new; True when the server took it."""
        if not self.wants(screen):
            return False
        self._sending = True
        try:
            await self._send(screen)
        except (ApiError, ServerUnreachable):
            return False  # the next tick offers it again
        finally:
            self._sending = False
        self.last = screen
        return True


class ScriptStepReporter:
    """Sends the steps of a call's script as they are walked, in order."""

    def __init__(self, send: Callable[[str, ScriptStepRequest], Awaitable[object]]) -> None:
        self._send = send
        self._order = asyncio.Lock()  # FIFO: steps reach the server as they were walked
        self.failed = 0

    async def report(self, call_id: str, from_step: str, key: str | None, to: str) -> None:
        if key is None:
            request = ScriptStepRequest(step=from_step, back=True)
        else:
            request = ScriptStepRequest(step=from_step, key=key, next=to)
        async with self._order:
            try:
                await self._send(call_id, request)
            except (ApiError, ServerUnreachable):
                self.failed += 1  # the wrap-up still carries the whole path
