"""A violation on the agent's desk (SV5): what the supervisor recorded, until acknowledged.

`ViolationNotice` is one strip under the supervisor notices: the oldest violation the
agent has not acknowledged yet (level, points, category, the supervisor's note, who), how
many more wait, and the agent's points this month, with the key that acknowledges it
(`desk.acknowledge_violation`). It draws `DisciplineSection`, read from `GET
/v1/agent/violations` on mount and again when the feed brings a new violation.
`violation_renderable` is the pure part, tested as text.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.widgets import Static

from agent_tui.client.discipline import DisciplineSection
from agent_tui.client.parts import DISCIPLINE
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.supervision import ViolationView

VIOLATION_STYLE = "bold #fdf6e3 on #b03a2e"


def violation_renderable(waiting: list[ViolationView], points: int, month: str, key: str) -> Text:
    """The oldest unacknowledged violation in one line, or nothing."""
    if not waiting:
        return Text("")
    first = waiting[0]
    line = Text(" VIOLATION 违规记录 ", style=VIOLATION_STYLE)
    line.append(f" L{first.level} · {first.points} pts · {first.category}", style="bold")
    if first.note:
        line.append(f" · {first.note}")
    line.append(f"  — {first.by}", style="dim")
    more = f" (+{len(waiting) - 1} more)" if len(waiting) > 1 else ""
    line.append(f"{more}  {month}: {points} pts 本月扣分  {key} 确认 acknowledge", style="dim")
    return line


class ViolationNotice(Static):
    """Hidden while every violation is acknowledged."""

    DEFAULT_CSS = """
    ViolationNotice {
        height: auto;
        padding: 0 1;
        display: none;
    }
    ViolationNotice.-shown {
        display: block;
    }
    """

    def on_mount(self) -> None:
        shell_of(self.screen).store_changed.subscribe(self, self._store_changed)
        self.load()

    @property
    def section(self) -> DisciplineSection:
        return shell_of(self.screen).store.section(DisciplineSection)

    def _store_changed(self, parts: frozenset[str]) -> None:
        if DISCIPLINE in parts:
            if self.section.stale:
                self.load()
            self._draw()

    @work(exclusive=True, group="my-violations", exit_on_error=False)
    async def load(self) -> None:
        shell = shell_of(self.screen)
        ok, view = await attempt(shell.notify, "read your violations", shell.api.my_violations())
        if ok and view is not None:
            shell.publish(self.section.load(view))

    def _draw(self) -> None:
        shell = shell_of(self.screen)
        agent_id = shell.store.agent_id
        section = self.section
        waiting = section.unacknowledged(agent_id)
        month = section.view.month if section.view is not None else ""
        key = shell.keymap.key("desk.acknowledge_violation")
        self.set_class(bool(waiting), "-shown")
        self.update(violation_renderable(waiting, section.points(agent_id), month, key))

    def acknowledge(self) -> None:
        """The agent acknowledges the oldest violation shown (the key's action)."""
        waiting = self.section.unacknowledged(shell_of(self.screen).store.agent_id)
        if waiting:
            self.send_acknowledgement(waiting[0].violation_id)
        else:
            self.notify("No violation to acknowledge. 没有待确认的违规记录", timeout=3)

    @work(group="acknowledge-violation", exit_on_error=False)
    async def send_acknowledgement(self, violation_id: str) -> None:
        shell = shell_of(self.screen)
        request = shell.api.acknowledge_violation(violation_id)
        ok, _ = await attempt(shell.notify, "acknowledge the violation", request)
        if ok:
            self.notify(f"Acknowledged {violation_id} 已确认", timeout=3)
