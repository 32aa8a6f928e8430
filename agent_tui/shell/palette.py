"""The command palette: every action by its name, and every workspace the login may open.

Nothing needs a key to be reached: an action the user bound to no key, or whose key the
terminal swallows, is still one search away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from agent_tui.actions import ACTIONS, Action
from agent_tui.workspaces.base import Shell, shell_of


class ActionsProvider(Provider):
    """Actions of the app and of the screen the palette was opened on, then workspaces."""

    @property
    def shell(self) -> Shell:
        return shell_of(self.screen)

    def _available(self) -> list[tuple[Action, Any]]:
        """The app's actions, and those of the workspace whose screen the palette is on."""
        scope = getattr(self.screen, "SCOPE", None)
        found: list[tuple[Action, Any]] = []
        for action in ACTIONS:
            if action.action == "command_palette" or action.scope not in ("app", scope):
                continue  # the palette is already open; another workspace's action
            target: Any = self.app if action.scope == "app" else self.screen
            if hasattr(target, f"action_{action.action}"):
                found.append((action, target))
        return found

    def _help(self, action: Action) -> str:
        # The key, not the binding id: ids are for keymap files (help lists them).
        keys = self.shell.keymap.display(action.id)
        return f"Key 按键: {keys}" if keys else "No key: from here only 仅命令面板"

    def _workspaces(self) -> list[tuple[str, str, str]]:
        """(id, "Open: <title>", summary) for the login's workspaces but the current one."""
        shell = self.shell
        return [
            (spec.id, f"Open: {spec.title}", spec.summary)
            for spec in shell.open_workspaces
            if spec.id != shell.current_workspace
        ]

    async def discover(self) -> Hits:
        for action, target in self._available():
            yield DiscoveryHit(
                action.description, self._runner(action, target), help=self._help(action)
            )
        for workspace_id, title, summary in self._workspaces():
            yield DiscoveryHit(title, self._opener(workspace_id), help=summary)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, target in self._available():
            score = max(matcher.match(action.description), matcher.match(action.id))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.description),
                    self._runner(action, target),
                    help=self._help(action),
                )
        for workspace_id, title, summary in self._workspaces():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._opener(workspace_id), help=summary)

    def _runner(self, action: Action, target: Any) -> Callable[[], Any]:
        async def run() -> None:
            await self.app.run_action(action.action, target)

        return run

    def _opener(self, workspace_id: str) -> Callable[[], None]:
        def open_workspace() -> None:
            self.shell.switch_workspace(workspace_id)

        return open_workspace
