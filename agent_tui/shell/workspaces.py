"""Which workspaces a login opens, in what order, and the lobby for those who choose.

Every workspace package exports a `WorkspaceSpec`; `WORKSPACES` lists them. A login opens
each workspace one of its roles may use, the primary role's first: an agent lands on the
desk, a supervisor on the monitor, a team leader (agent and supervisor) on the desk with
the monitor a key away. A login whose primary role opens several (admin) lands in the
lobby and picks one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from agent_tui.ui.pickers import Choice
from agent_tui.workspaces import backoffice, desk, quality, supervisor, trainer
from agent_tui.workspaces.base import WorkspaceSpec

WORKSPACES: tuple[WorkspaceSpec, ...] = (
    desk.WORKSPACE,
    supervisor.WORKSPACE,
    trainer.WORKSPACE,
    quality.WORKSPACE,
    backoffice.WORKSPACE,
)


def workspaces_for(
    roles: Sequence[str], available: Sequence[WorkspaceSpec] = WORKSPACES
) -> list[WorkspaceSpec]:
    """The workspaces these roles open: by role (the primary first), then registry order;
    those a role only opens from the switcher (`opens_for`) come after."""
    opened: list[WorkspaceSpec] = []
    for role in roles:
        opened += [spec for spec in available if role in spec.roles and spec not in opened]
    for role in roles:
        opened += [spec for spec in available if role in spec.opens_for and spec not in opened]
    return opened


def landing(roles: Sequence[str], opened: Sequence[WorkspaceSpec]) -> WorkspaceSpec | None:
    """Where a login lands: the one workspace of its primary role, or None (a choice)."""
    if not roles:
        return None
    own = [spec for spec in opened if roles[0] in spec.roles]
    return own[0] if len(own) == 1 else None


def workspace_choices(opened: Sequence[WorkspaceSpec]) -> list[Choice]:
    return [Choice(spec.id, spec.title, spec.summary) for spec in opened]


class LobbyScreen(Screen[None]):
    """Where a login that opens several workspaces (admin) chooses one."""

    def __init__(
        self, who: str, opened: Sequence[WorkspaceSpec], switch_key: str, logout_key: str
    ) -> None:
        super().__init__()
        self.who = who
        self.opened = list(opened)
        self.switch_key = switch_key
        self.logout_key = logout_key

    def compose(self) -> ComposeResult:
        with Vertical(id="lobby-box"):
            yield Static(f"Welcome 欢迎, {self.who}", id="lobby-title")
            lines = Text()
            for spec in self.opened:
                lines.append(f"{spec.title}\n", style="bold")
                lines.append(f"  {spec.summary}\n", style="dim")
            yield Static(lines, id="lobby-list")
            hint = f"{self.switch_key} opens a workspace 打开工作区 · {self.logout_key} logs out"
            yield Static(hint, id="lobby-hint")
