"""What the agent sees of its supervisors (SV3): pinned broadcasts, whispers, forced states.

`SupervisorNotices` is one strip under the desk's state bar: every broadcast pinned to the
agent's team or the floor (统一口径, until the supervisor withdraws it) and the latest
notice about the agent itself (a whisper, a state set after this call, a wrap-up ended, a
supervisor joining the call). It draws `SupervisorNoticesSection`, which the feed keeps
current; it reads the pinned ones once when mounted. Silent monitoring is never shown.
`notices_renderable` is the pure part, tested as text.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.widgets import Static

from agent_tui.client.parts import NOTICES
from agent_tui.client.supervisor_notices import Notice, SupervisorNoticesSection
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.supervision_actions import WHISPER, Broadcast

PIN_STYLE = "bold #1f2430 on #e0b860"
WHISPER_STYLE = "bold #1f2430 on #5fa8d3"


def notices_renderable(pinned: Iterable[Broadcast], latest: Notice | None) -> RenderableType:
    lines: list[RenderableType] = []
    for broadcast in sorted(pinned, key=lambda b: b.sent_at):
        line = Text(" 📌 统一口径 ", style=PIN_STYLE)
        line.append(f" {broadcast.text}", style="bold")
        line.append(f"  — {broadcast.sender_name or broadcast.sender}", style="dim")
        lines.append(line)
    if latest is not None:
        whisper = latest.kind == WHISPER
        line = Text(
            " 🎧 班长耳语 Whisper " if whisper else " 班长 Supervisor ", style=WHISPER_STYLE
        )
        line.append(f" {latest.text}", style="bold" if whisper else "")
        lines.append(line)
    return Group(*lines)


class SupervisorNotices(Static):
    """Hidden while there is nothing to show."""

    DEFAULT_CSS = """
    SupervisorNotices {
        height: auto;
        padding: 0 1;
        display: none;
    }
    SupervisorNotices.-shown {
        display: block;
    }
    """

    def on_mount(self) -> None:
        shell_of(self.screen).store_changed.subscribe(self, self._store_changed)
        self._draw()
        self.load_pinned()

    def _store_changed(self, parts: frozenset[str]) -> None:
        if NOTICES in parts:
            self._draw()

    @property
    def section(self) -> SupervisorNoticesSection:
        return shell_of(self.screen).store.section(SupervisorNoticesSection)

    @work(exclusive=True, group="pinned-broadcasts", exit_on_error=False)
    async def load_pinned(self) -> None:
        shell = shell_of(self.screen)
        ok, pinned = await attempt(shell.notify, "read the broadcasts", shell.api.broadcasts())
        if ok and pinned is not None:
            shell.publish(self.section.load_broadcasts(pinned))

    def _draw(self) -> None:
        section = self.section
        latest = section.notices[-1] if section.notices else None
        self.set_class(bool(section.pinned) or latest is not None, "-shown")
        self.update(notices_renderable(section.pinned.values(), latest))
