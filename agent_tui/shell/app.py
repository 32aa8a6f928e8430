"""ShellApp: the one app every role logs into, holding what outlives a workspace.

The shell owns the REST client (`api`), the store (`store`), drafts, credentials, the
resolved keymap, and the event feed worker. After login it opens each workspace of the
login's roles as a Textual mode (so each keeps its screens and state while another is
shown), folds every event into the store and publishes the parts that changed on
`store_changed`, which every screen that shows them follows: a workspace behind a dialog
or the help, or behind another workspace, is never out of date. Failures of workers land
in one place (`report_error`). Workspaces see all this through `workspaces.base.Shell`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from agent_tui.client.errors import ApiError, FeedUnauthorized, ServerUnreachable
from agent_tui.client.parts import ALL_PARTS, MESSAGES
from agent_tui.credentials import CredentialStore
from agent_tui.drafts import DraftStore
from agent_tui.keymap import ResolvedKeymap, default_bindings, load_keymap, user_keymap_path
from agent_tui.shell.login import LoginScreen, NoWorkspace
from agent_tui.shell.palette import ActionsProvider
from agent_tui.workspaces.base import Shell, WorkspaceScreen, WorkspaceSpec

if TYPE_CHECKING:
    from agent_tui.actions import Scope
    from agent_tui.client.api import CentreApi
    from agent_tui.client.feed import EventFeed
    from agent_tui.client.state import ClientStore, Connection
    from server_stub.protocol.events import Event

# The client modules pull in httpx and pydantic (about 250 ms): the login screen paints
# first, and they load in a thread while the user types. The registry of workspaces, the
# help and the pickers (DataTable, OptionList: 30-50 ms) load when first needed, too.
# Names as the wire spells them.
LOGGED_OUT: Final = "logged_out"
RESYNC: Final = "resync"
LOGIN_MODE: Final = "login"


def _import_client_modules() -> None:
    import agent_tui.client.api
    import agent_tui.client.feed
    import agent_tui.client.state
    import agent_tui.shell.workspaces  # noqa: F401


# Calm, mid-contrast colours for eight hours in front of them: no pure black or white,
# state colours that differ in hue and not only in brightness.
SHIFT_THEME = Theme(
    name="agent-desk",
    primary="#5fa8d3",
    secondary="#8fbcbb",
    accent="#e0b860",
    foreground="#d8dee9",
    background="#1f2430",
    surface="#262c38",
    panel="#2e3440",
    success="#8fbf7f",
    warning="#e0b860",
    error="#e06c75",
    dark=True,
)


class ShellApp(App[None], inherit_bindings=False):
    CSS_PATH = "shell.tcss"
    TITLE = "Agent desk 座席工作台"
    COMMANDS = App.COMMANDS | {ActionsProvider}
    BINDINGS = default_bindings("app")  # type: ignore[assignment]
    # The login is a mode of its own (a blank backdrop with the login, or the lobby, pushed
    # on it: Textual replaces only pushed screens); each workspace is added as one after.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {LOGIN_MODE: Screen}
    DEFAULT_MODE = LOGIN_MODE

    def __init__(
        self,
        server_url: str,
        *,
        agent_id: str | None = None,
        keymap: str | ResolvedKeymap = "default",
        clock: Callable[[], float] | None = None,
        data_dir: Path | None = None,
        credential_store: CredentialStore | None = None,
        config_dir: Path | None = None,
        password: str | None = None,
        workspaces: Sequence[WorkspaceSpec] | None = None,
        cursor_blink: bool = True,
        request_timeout: float = 5.0,
        server_ready: Callable[[], Awaitable[None]] | None = None,
        ring_bell: bool = True,
    ) -> None:
        super().__init__()
        self._ring_bell = ring_bell  # the terminal's bell when a call rings (--no-bell)
        self._left_workspace: str | None = None  # the switch picker offers it first
        self.server_url = server_url.rstrip("/")
        self.agent_id = agent_id  # the user id to fill in on the login
        # A prefilled password: only for the demo, whose password is public.
        self.initial_password = password
        self._resolved_keymap = (
            keymap
            if isinstance(keymap, ResolvedKeymap)
            else load_keymap(keymap, user_file=user_keymap_path(config_dir) if config_dir else None)
        )
        self.clock: Callable[[], float] = clock or time.time
        self.request_timeout = request_timeout
        self._api: CentreApi | None = None
        self._store: ClientStore | None = None
        self._drafts = DraftStore(data_dir / "drafts" if data_dir is not None else None)
        self.credentials = credential_store or CredentialStore()
        self._cursor_blink = cursor_blink
        self._workspace_specs = tuple(workspaces) if workspaces else None
        self._open_workspaces: list[WorkspaceSpec] = []  # this login's, its landing first
        self._workspace_modes: set[str] = set()  # the modes added for them
        self._store_changed: Signal[frozenset[str]] = Signal(self, "store-changed")
        self.feed: EventFeed | None = None
        self._reported_clashes: set[frozenset[str]] = set()
        # A server still starting (the demo's): logging in waits for it, once.
        self._server_ready = server_ready
        self._server_ready_task: asyncio.Future[None] | None = None

    # -- what workspaces use (workspaces.base.Shell) -------------------------------------

    @property
    def api(self) -> CentreApi:
        if self._api is None:
            from agent_tui.client.api import CentreApi

            self._api = CentreApi(self.server_url, timeout=self.request_timeout)
        return self._api

    @property
    def store(self) -> ClientStore:
        if self._store is None:
            self._store = self._new_store()
        return self._store

    def _new_store(self) -> ClientStore:
        from agent_tui.client.state import ClientStore

        return ClientStore(clock=self.clock)

    @property
    def workspace_specs(self) -> tuple[WorkspaceSpec, ...]:
        """Every workspace this client has (the registry, unless a test gave its own)."""
        if self._workspace_specs is None:
            from agent_tui.shell.workspaces import WORKSPACES

            self._workspace_specs = WORKSPACES
        return self._workspace_specs

    @property
    def keymap(self) -> ResolvedKeymap:
        return self._resolved_keymap

    @property
    def drafts(self) -> DraftStore:
        return self._drafts

    @property
    def store_changed(self) -> Signal[frozenset[str]]:
        return self._store_changed

    @property
    def cursor_blink(self) -> bool:
        return self._cursor_blink

    @property
    def ring_bell(self) -> bool:
        return self._ring_bell

    @property
    def open_workspaces(self) -> list[WorkspaceSpec]:
        return self._open_workspaces

    @property
    def current_workspace(self) -> str | None:
        mode = self.current_mode
        return mode if any(spec.id == mode for spec in self.open_workspaces) else None

    def publish(self, parts: frozenset[str]) -> None:
        if parts:
            self._store_changed.publish(parts)

    # -- lifecycle ------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(SHIFT_THEME)
        self.theme = SHIFT_THEME.name
        self.set_keymap(self._resolved_keymap.textual_keymap())
        self.push_screen(LoginScreen())
        self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        self.run_worker(_import_client_modules, thread=True, group="warm-up")

    async def on_unmount(self) -> None:
        if self._api is not None:
            await self._api.close()

    # -- session --------------------------------------------------------------------

    def _use_server(self, server_url: str) -> None:
        server_url = server_url.rstrip("/")
        if self._api is not None and server_url != self._api.base_url:
            self.run_worker(self._api.close(), group="cleanup")
            self._api = None
        self.server_url = server_url

    @property
    def server_starting(self) -> bool:
        return self._server_ready is not None and not (
            self._server_ready_task is not None and self._server_ready_task.done()
        )

    async def wait_for_server(self) -> None:
        """Return when the server given as starting answers (at once for any other)."""
        if self._server_ready is None:
            return
        if self._server_ready_task is None:
            self._server_ready_task = asyncio.ensure_future(self._server_ready())
        await asyncio.shield(self._server_ready_task)

    async def sign_in(self, server_url: str, user_id: str, password: str) -> None:
        """Log in and fill the store for the login's workspaces; raises ApiError,
        ServerUnreachable, or NoWorkspace (no role of the login opens one here)."""
        await self.wait_for_server()
        self._use_server(server_url)
        from agent_tui.shell.workspaces import workspaces_for
        from agent_tui.ui.labels import use_codes

        login = await self.api.login(user_id, password)
        self._store = self._new_store()
        self.store.load_login(login)
        self.agent_id = login.user.id
        self._open_workspaces = workspaces_for(self.store.roles, self.workspace_specs)
        if not self.open_workspaces:
            raise NoWorkspace(list(self.store.roles))
        # Where the log stands; a desk's /v1/me, read after this, says it again, later.
        health = await self.api.health()
        self.store.load_health(health)
        self._drafts.use_scope(self.api.base_url, health.centre, health.log_id)
        # Every workspace shows codes by the centre's labels (a monitor mirrors a desk).
        codes = await self.api.codes()
        use_codes(codes)
        await self._load_workspaces(first=True)

    async def _load_workspaces(self, *, first: bool) -> frozenset[str]:
        parts: frozenset[str] = frozenset()
        for spec in self.open_workspaces:
            if spec.load is not None:
                parts |= await spec.load(self.api, self.store, first)
        return parts

    def open_workspaces_of_login(self) -> None:
        """After login: start the feed, add a mode per workspace, and land in one (or, for
        a login whose primary role opens several, in the lobby to choose)."""
        from agent_tui.shell.workspaces import LobbyScreen, landing

        self.start_feed()
        for spec in self.open_workspaces:
            if spec.id not in self._workspace_modes:
                self.add_mode(spec.id, spec.screen)
                self._workspace_modes.add(spec.id)
        target = landing(self.store.roles, self.open_workspaces)
        if target is not None:
            self.switch_mode(target.id)
            return
        user = self.store.user
        who = user.name if user is not None else ""
        keys = self._resolved_keymap
        lobby = LobbyScreen(
            who, self.open_workspaces, keys.key("app.switch"), keys.key("app.logout")
        )
        self.switch_screen(lobby)
        self.call_after_refresh(self.switch_workspace)

    async def log_out(self, reason: str | None = None) -> None:
        """End the session: an agent logged out on the server, the token dropped, every
        workspace closed, back to the login.

        The desk may have set `logged_out` itself just before; then the server already
        agrees and a refusal of the repeat (409) is not news.
        """
        self.workers.cancel_group(self, "feed")
        try:
            if "agent" in self.store.roles and self.store.state != LOGGED_OUT:
                try:
                    await self.api.set_state(LOGGED_OUT, reason)
                except ApiError as exc:
                    if exc.status != 409:
                        raise
            await self.api.logout()
        except (ApiError, ServerUnreachable) as exc:
            self.notify(f"Logged out here; the server did not confirm: {exc}", severity="warning")
        await self._back_to_login()

    async def _back_to_login(self, message: str | None = None) -> None:
        self._open_workspaces = []
        self._store = self._new_store()
        self._store.set_connection("offline")  # no feed until the next login
        await self.switch_mode(LOGIN_MODE)
        await self.switch_screen(LoginScreen(message=message))
        # The next login starts its workspaces afresh: nothing of this one is kept.
        while self._workspace_modes:
            await self.remove_mode(self._workspace_modes.pop())

    # -- workspaces -----------------------------------------------------------------

    def switch_workspace(self, workspace_id: str | None = None) -> None:
        """Show a workspace of this login: the one named, the other of two, or a choice."""
        from agent_tui.shell.workspaces import workspace_choices
        from agent_tui.ui.pickers import ChoicePicker

        opened = [spec.id for spec in self.open_workspaces]
        if workspace_id is not None:
            if workspace_id in opened:
                self._go_to_workspace(workspace_id)
            return
        others = [spec_id for spec_id in opened if spec_id != self.current_workspace]
        if len(opened) == 2 and self.current_workspace is not None:
            self._go_to_workspace(others[0])
        elif len(opened) >= 2:
            # The one left last comes first: the switch key and Enter go back, as Alt+Tab.
            back = self._left_workspace
            picker = ChoicePicker(
                "Open a workspace 切换工作区",
                workspace_choices(self.open_workspaces),
                selected=back if back in others else (others or opened)[0],
            )
            self.push_screen(picker, self._workspace_picked)
        elif opened:
            self.notify("This login has one workspace only.", timeout=3)

    def _workspace_picked(self, workspace_id: str | None) -> None:
        if workspace_id is not None and workspace_id != self.current_workspace:
            self._go_to_workspace(workspace_id)

    def _go_to_workspace(self, workspace_id: str) -> None:
        self._left_workspace = self.current_workspace
        self.switch_mode(workspace_id)

    def _workspace_screen(self) -> WorkspaceScreen | None:
        base = self.screen_stack[0] if self.screen_stack else None
        return base if isinstance(base, WorkspaceScreen) else None

    def _current_spec(self) -> WorkspaceSpec | None:
        current = self.current_workspace
        return next((spec for spec in self.open_workspaces if spec.id == current), None)

    # -- the event feed -------------------------------------------------------------

    def start_feed(self) -> None:
        from agent_tui.client.feed import EventFeed

        token = self.api.token
        if token is None:
            raise RuntimeError("start_feed before login")
        self.feed = EventFeed(
            self.api.base_url,
            token,
            last_event_id=self.store.last_seq,
            on_event=self._on_feed_event,
            on_status=self._on_feed_status,
        )
        self.run_feed(self.feed)

    # exit_on_error=False: a failure reaches on_worker_state_changed instead of ending the app.
    @work(exclusive=True, group="feed", exit_on_error=False)
    async def run_feed(self, feed: EventFeed) -> None:
        await feed.run()

    async def _on_feed_event(self, event: Event) -> None:
        if event.type == RESYNC:
            parts = await self._load_workspaces(first=False) | {MESSAGES}
        else:
            parts = self.store.apply(event)
        self.publish(parts)

    def _on_feed_status(self, connection: Connection) -> None:
        previous = self.store.connection
        parts = self.store.set_connection(connection)
        if not parts:
            return
        self.publish(parts)
        if connection == "reconnecting" and previous == "online":
            self.notify("Connection lost: reconnecting…", severity="warning", timeout=4)
        elif connection == "online" and previous == "reconnecting":
            self.notify("Reconnected", timeout=3)
            # Whatever happened while away arrives by Last-Event-ID; redraw all anyway.
            self.publish(ALL_PARTS)

    # -- one place for failures -----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error)

    def report_error(self, error: BaseException) -> None:
        if isinstance(error, FeedUnauthorized):
            self.notify("The session has ended: please log in again.", severity="error")
            self.store.set_connection("offline")
            self.run_worker(
                self._back_to_login("The session has ended: log in again."), group="logout"
            )
            return
        if isinstance(error, ServerUnreachable):
            message = str(error)
        elif isinstance(error, ApiError):
            message = error.message
        else:
            message = f"{type(error).__name__}: {error}"
        self.notify(message, title="Could not do that", severity="error", timeout=8)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """Textual found one key for two bindings after the keymap: say so, once per clash."""
        names = sorted(binding.id or binding.action for binding in clashed_bindings)
        clash = frozenset(names)
        if clash in self._reported_clashes:
            return
        self._reported_clashes.add(clash)
        keys = sorted({binding.key for binding in clashed_bindings})
        self.notify(
            f"Key {', '.join(keys)} is bound to {' and '.join(names)} on {type(node).__name__}; "
            "fix the keymap file (agent-tui keys).",
            title="Key clash",
            severity="error",
            timeout=10,
        )

    # -- app-wide actions -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_workspace":
            return len(self.open_workspaces) > 1
        if action == "logout":
            # Offered whenever logged in: mid-call the workspace says why not yet.
            return bool(self.open_workspaces)
        return True

    def action_help(self) -> None:
        """Open the keys of where the user is; the same key closes them again."""
        from agent_tui.ui.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        sections: list[tuple[str, Scope]] = [("Everywhere 通用", "app")]
        spec = self._current_spec()
        shown = [spec] if spec is not None else list(self.open_workspaces or self.workspace_specs)
        sections += [(each.title, each.scope) for each in shown]
        workspace = self._workspace_screen()
        labels = workspace.action_labels() if workspace is not None else {}
        self.push_screen(HelpScreen(self._resolved_keymap, sections, labels))

    def action_switch_workspace(self) -> None:
        self.switch_workspace()

    def action_logout(self) -> None:
        self.run_worker(self._log_out_asked(), group="logout", exclusive=True, exit_on_error=False)

    async def _log_out_asked(self) -> None:
        screen = self._workspace_screen()
        reason: str | None = None
        if screen is not None:
            if not screen.logout_allowed():
                self.notify("Finish the call first: log out between calls.", timeout=4)
                return
            go_ahead, reason = await screen.logout_reason()
            if not go_ahead:
                return
        await self.log_out(reason)

    async def action_quit(self) -> None:
        self.run_worker(self._quit_asked(), group="quit", exclusive=True, exit_on_error=False)

    async def _quit_asked(self) -> None:
        """A call or unsent work on the workspace: ask before leaving (and say that a demo
        centre this app started stops with it)."""
        from agent_tui.ui.pickers import Choice, ChoicePicker

        screen = self._workspace_screen()
        unfinished = screen.unfinished_work() if screen is not None else None
        if unfinished is not None:
            if self._server_ready is not None:
                unfinished += " Quitting also stops the demo centre."
            choices = [Choice("stay", "Stay 留下"), Choice("quit", "Quit anyway 仍然退出")]
            picker = ChoicePicker(f"Quit? 退出? {unfinished}", choices)
            if await self.push_screen_wait(picker) != "quit":
                return
        await self._quit()

    async def _quit(self) -> None:
        self.workers.cancel_group(self, "feed")
        if self._api is not None and self._api.token is not None:
            # Leaving without logging out would keep calls coming to an empty seat.
            try:
                if "agent" in self.store.roles:
                    await asyncio.wait_for(self.api.set_state(LOGGED_OUT), timeout=2.0)
                await asyncio.wait_for(self.api.logout(), timeout=2.0)
            except (ApiError, ServerUnreachable, TimeoutError):
                pass
        self.exit()


def _holds_the_shell_protocol(app: ShellApp) -> Shell:
    """Never called: the type checker holds the app to the protocol workspaces rely on."""
    return app
