"""Search as the user types: a pause in typing starts one search, in a worker.

The screen never waits on the network: each search runs in an exclusive worker (a newer
one cancels the older), and an answer that comes back for a query the user has since
changed is dropped. The desk's caller lookup and its knowledge pane both use it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from textual.dom import DOMNode
from textual.timer import Timer

from agent_tui.client.errors import ApiError, ServerUnreachable

T = TypeVar("T")

TYPING_PAUSE_S = 0.35  # long enough not to search on every key, short enough to feel live


class LiveSearch(Generic[T]):
    def __init__(
        self,
        owner: DOMNode,
        search: Callable[[str], Awaitable[T]],
        show: Callable[[str, T], None],
        fail: Callable[[str, str], None],
        *,
        min_chars: int = 2,
        pause_s: float = TYPING_PAUSE_S,
    ) -> None:
        self._owner = owner
        self._search = search
        self._show = show
        self._fail = fail
        self.min_chars = min_chars
        self._pause_s = pause_s
        self._timer: Timer | None = None
        self.latest = ""  # the query the user has now

    def long_enough(self, text: str) -> bool:
        return len("".join(text.split())) >= self.min_chars

    def typed(self, text: str) -> None:
        """The query changed: search when typing pauses (not at all if it is too short)."""
        self.latest = text
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.long_enough(text):
            self._timer = self._owner.set_timer(self._pause_s, lambda: self.now(text))

    def now(self, text: str) -> None:
        """Search for `text` at once (Enter, or a query given when the pane opens)."""
        self.latest = text
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.long_enough(text):
            self._owner.run_worker(self._run(text), group="live-search", exclusive=True)

    async def _run(self, text: str) -> None:
        try:
            found = await self._search(text)
        except ApiError as error:
            if text == self.latest:
                self._fail(text, error.message)
            return
        except ServerUnreachable:
            if text == self.latest:
                self._fail(text, "the centre cannot be reached; try again in a moment")
            return
        if text == self.latest:
            self._show(text, found)
