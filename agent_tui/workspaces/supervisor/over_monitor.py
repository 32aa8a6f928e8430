"""A screen the monitor opens over itself (attendance, wallboard): its own keys only.

It takes the supervisor's keymap, offers only the actions in `OWN` (the monitor's other
keys do nothing there and are not in its key hints), and Esc does what the key that opened
it does again: back to the monitor.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

from agent_tui.actions import actions_of
from agent_tui.keymap import default_bindings
from agent_tui.workspaces.base import WorkspaceScreen

SUPERVISOR_ACTIONS = frozenset(a.action for a in actions_of("supervisor"))


def over_monitor_bindings(back: str) -> list[BindingType]:
    """The supervisor's keys, and Esc for `back` (the action that closes the screen)."""
    return [*default_bindings("supervisor"), ("escape", back, "Back")]


class OverMonitorScreen(WorkspaceScreen):
    SCOPE = "supervisor"
    OWN: ClassVar[frozenset[str]] = frozenset()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SUPERVISOR_ACTIONS:
            return action in self.OWN and self.allows(action)
        return True

    def allows(self, action: str) -> bool:
        """Whether one of its own actions applies now."""
        return True
