"""The contract between the shell and its workspaces: what a workspace may ask of the shell.

A workspace is a package under `agent_tui/workspaces/` that exports one `WorkspaceSpec`
(`WORKSPACE`): its id (the Textual mode it runs in), the roles that open it, its screen,
and how it fills the store at login. Its screens subclass `WorkspaceScreen`, which follows
the store and reaches the shell through the `Shell` protocol below, never through the
concrete App class; and no workspace imports another (import-linter holds both rules).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual import events, on
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from agent_tui.actions import Scope, actions_of
from agent_tui.client.parts import ALL_PARTS
from agent_tui.ui.key_hints import KeyHints

if TYPE_CHECKING:
    from agent_tui.client.api import CentreApi
    from agent_tui.client.state import ClientStore
    from agent_tui.drafts import DraftStore
    from agent_tui.keymap import ResolvedKeymap


class Shell(Protocol):
    """The shell's services, as a workspace sees them (the app implements this)."""

    @property
    def api(self) -> CentreApi: ...

    @property
    def store(self) -> ClientStore: ...

    @property
    def keymap(self) -> ResolvedKeymap: ...

    @property
    def drafts(self) -> DraftStore: ...

    @property
    def store_changed(self) -> Signal[frozenset[str]]:
        """Published with the parts that changed, whatever changed them."""
        ...

    @property
    def cursor_blink(self) -> bool: ...

    @property
    def ring_bell(self) -> bool:
        """Whether a ringing call sounds the terminal's bell (configurable: --no-bell)."""
        ...

    @property
    def current_workspace(self) -> str | None:
        """The id of the workspace on screen now (None on the login)."""
        ...

    @property
    def open_workspaces(self) -> list[WorkspaceSpec]:
        """This login's workspaces, the one it lands in first."""
        ...

    def publish(self, parts: frozenset[str]) -> None:
        """Tell every screen that these parts of the store changed (after a store method)."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def report_error(self, error: BaseException) -> None:
        """Show a failure nobody caught, worded for the user, in the one place for it."""
        ...

    async def log_out(self, reason: str | None = None) -> None: ...

    def switch_workspace(self, workspace_id: str | None = None) -> None:
        """Show another of this login's workspaces (None: the next, or a choice)."""
        ...


def shell_of(screen: Screen[Any]) -> Shell:
    return cast(Shell, screen.app)


# How a workspace fills the store: at login (`first`) and again after a resync.
Loader = Callable[["CentreApi", "ClientStore", bool], Awaitable[frozenset[str]]]


@dataclass(frozen=True, slots=True)
class WorkspaceSpec:
    id: str  # the Textual mode it runs in
    title: str  # what the user reads: in the switcher, the help, the palette
    summary: str  # one line: what it is for
    roles: tuple[str, ...]  # the roles it opens for; the first listed is its own
    scope: Scope  # its actions in agent_tui.actions
    screen: Callable[[], Screen[Any]]  # imports the workspace's modules on first use
    load: Loader | None = None
    # Roles that may open it from the switcher but never land in it (a team leader lands
    # on the monitor and pre-processes complaints in the back office).
    opens_for: tuple[str, ...] = ()


class WorkspaceScreen(Screen[None]):
    """A workspace's main screen: it redraws the parts of the store it shows when they
    change (whichever screen is on top), and all of it when it comes back on screen. Its
    key hints (a `KeyHints` in its compose) show the actions on offer now."""

    DEFAULT_CSS = """
    WorkspaceScreen {
        layout: vertical;
    }
    WorkspaceScreen .board-title {
        padding: 0 1;
        color: $accent;
        text-style: bold;
    }
    """
    SCOPE: ClassVar[Scope]  # its actions in agent_tui.actions
    PARTS: ClassVar[frozenset[str]] = ALL_PARTS  # the parts of the store it shows
    _keys_offered: frozenset[str] | None = None
    _labels_shown: dict[str, str] | None = None

    @property
    def shell(self) -> Shell:
        return shell_of(self)

    @property
    def store(self) -> ClientStore:
        return self.shell.store

    @on(events.Mount)
    def _follow_the_store(self) -> None:
        self.shell.store_changed.subscribe(self, self._store_changed)

    def _store_changed(self, parts: frozenset[str]) -> None:
        shown = parts & self.PARTS
        if shown:
            self.show_parts(shown)

    def on_screen_resume(self) -> None:
        # Back on top (a dialog closed, or the user switched back): draw all of it.
        self.show_parts(self.PARTS)

    def show_parts(self, parts: frozenset[str]) -> None:
        """Redraw what shows these parts of the store."""

    def refresh_key_hints(self) -> None:
        """Redraw the key hints when the keys on offer changed (not on every change: queue
        statistics arrive several times a second)."""
        app = self.app
        offered = frozenset(
            [a.action for a in actions_of(self.SCOPE) if self.offers(a.action)]
            + [a.action for a in actions_of("app") if app.check_action(a.action, ())]
        )
        labels = self.action_labels()
        if offered != self._keys_offered or labels != self._labels_shown:
            self._keys_offered = offered
            self._labels_shown = labels
            self.refresh_bindings()  # for the command palette and anything else that asks
            self.query_one(KeyHints).show(self.shell.keymap, self.SCOPE, offered, labels)

    def offers(self, action: str) -> bool:
        """Whether `action` applies now (the key hints show these); by default what
        `check_action` allows. A screen that explains refused keys overrides this."""
        return bool(self.check_action(action, ()))

    def action_labels(self) -> dict[str, str]:
        """Binding id → what its key does now, where that is not its usual description
        (the hold key reads Retrieve while on hold): for the key hints and help."""
        return {}

    def logout_allowed(self) -> bool:
        """Whether logging out makes sense now (the desk says no mid-call)."""
        return True

    def unfinished_work(self) -> str | None:
        """What quitting now would leave behind, in the user's words (None: nothing)."""
        return None

    async def logout_reason(self) -> tuple[bool, str | None]:
        """Ask what the log-out needs (the desk asks why): (go ahead, reason)."""
        return True, None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A worker's failure that its own code did not catch: the shell says what happened.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.shell.report_error(event.worker.error)
