"""AgentDeskApp: the shell that holds the client, the store, the keymap and the screens.

The app owns everything that outlives a screen: the REST client (`api`), the local store
(`desk_state`), drafts, credentials, the resolved keymap, and the event feed worker that
folds events into the store and tells the active screen which parts changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from agent_tui.actions import ACTIONS, DeskAction
from agent_tui.client.errors import ApiError, FeedUnauthorized, ServerUnreachable
from agent_tui.credentials import CredentialStore
from agent_tui.drafts import DraftStore
from agent_tui.keymap import ResolvedKeymap, default_bindings, load_keymap, user_keymap_path
from agent_tui.messages import DeskStateChanged

if TYPE_CHECKING:
    from agent_tui.client.api import DeskApi
    from agent_tui.client.feed import EventFeed
    from agent_tui.client.state import Connection, DeskState
    from server_stub.protocol.events import Event

# The client modules pull in httpx and pydantic (about 250 ms): the login screen paints
# first, and they load in a thread while the agent types. Names as the wire spells them.
LOGGED_OUT, NOT_READY, RESYNC = "logged_out", "not_ready", "resync"


def _import_client_modules() -> None:
    import agent_tui.client.api
    import agent_tui.client.feed
    import agent_tui.client.state  # noqa: F401


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


class DeskActionsProvider(Provider):
    """Every bindable action by its description, so nothing needs a key to be reached."""

    def _available(self) -> list[tuple[DeskAction, Any]]:
        app = self.app
        assert isinstance(app, AgentDeskApp)
        found: list[tuple[DeskAction, Any]] = []
        for action in ACTIONS:
            target: Any = app if action.scope == "app" else self.screen
            if action.action == "command_palette":
                continue  # the palette is already open
            if hasattr(target, f"action_{action.action}"):
                found.append((action, target))
        return found

    def _help(self, action: DeskAction) -> str:
        app = self.app
        assert isinstance(app, AgentDeskApp)
        keys = app.keymap.display(action.id)
        return f"{keys}  ({action.id})" if keys else action.id

    async def discover(self) -> Hits:
        for action, target in self._available():
            yield DiscoveryHit(
                action.description,
                self._runner(action, target),
                help=self._help(action),
            )

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

    def _runner(self, action: DeskAction, target: Any) -> Callable[[], Any]:
        async def run() -> None:
            await self.app.run_action(action.action, target)

        return run


def _default_desk_screen() -> Screen[Any]:
    from agent_tui.screens.desk import DeskScreen  # the desk engineer's; imported when needed

    return DeskScreen()


class AgentDeskApp(App[None], inherit_bindings=False):
    CSS_PATH = "app.tcss"
    TITLE = "Agent desk 座席工作台"
    COMMANDS = App.COMMANDS | {DeskActionsProvider}
    BINDINGS = default_bindings("app")  # type: ignore[assignment]

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
        desk_screen: Callable[[], Screen[Any]] | None = None,
        cursor_blink: bool = True,
        request_timeout: float = 5.0,
        server_ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self.server_url = server_url.rstrip("/")
        self.agent_id = agent_id
        # A prefilled password: only for the demo, whose password is public.
        self.initial_password = password
        self.keymap = (
            keymap
            if isinstance(keymap, ResolvedKeymap)
            else load_keymap(keymap, user_file=user_keymap_path(config_dir) if config_dir else None)
        )
        self.clock: Callable[[], float] = clock or time.time
        self.request_timeout = request_timeout
        self._api: DeskApi | None = None
        self._desk_state: DeskState | None = None
        self.drafts = DraftStore(data_dir / "drafts" if data_dir is not None else None)
        self.credentials = credential_store or CredentialStore()
        self.cursor_blink = cursor_blink
        self._desk_screen_factory = desk_screen or _default_desk_screen
        self.feed: EventFeed | None = None
        self._reported_clashes: set[frozenset[str]] = set()
        # A server still starting (the demo's): logging in waits for it, once.
        self._server_ready = server_ready
        self._server_ready_task: asyncio.Future[None] | None = None

    # -- the client, made on first use -------------------------------------------------

    @property
    def api(self) -> DeskApi:
        if self._api is None:
            from agent_tui.client.api import DeskApi

            self._api = DeskApi(self.server_url, timeout=self.request_timeout)
        return self._api

    @property
    def desk_state(self) -> DeskState:
        if self._desk_state is None:
            self._desk_state = self._new_desk_state()
        return self._desk_state

    def _new_desk_state(self) -> DeskState:
        from agent_tui.client.state import DeskState

        return DeskState(clock=self.clock)

    # -- lifecycle ------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(SHIFT_THEME)
        self.theme = SHIFT_THEME.name
        self.set_keymap(self.keymap.textual_keymap())
        from agent_tui.screens.login import LoginScreen

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

    async def sign_in(self, server_url: str, agent_id: str, password: str) -> None:
        """Log in and load the desk's state; raises ApiError or ServerUnreachable."""
        await self.wait_for_server()
        self._use_server(server_url)
        result = await self.api.login(agent_id, password)
        self.agent_id = str(result.user.get("id") or agent_id)
        self._desk_state = self._new_desk_state()
        me = await self.api.me()
        if me.get("state") == LOGGED_OUT:
            # A shift starts not ready (the agent says when to send calls). A server that
            # seats the agent at login already did this; one that refuses leaves the desk
            # showing "logged out", which is the truth, rather than failing the login.
            with contextlib.suppress(ApiError):
                await self.api.set_state(NOT_READY)
                me = await self.api.me()
        # /v1/me says where the log stood (last_seq): the feed resumes from exactly there.
        await self._load_me(me)
        self.desk_state.role = result.role

    async def _load_me(self, me: dict[str, Any]) -> frozenset[str]:
        parts = self.desk_state.load_me(me)
        call = self.desk_state.call
        if call is not None and not call.pop and call.status != "ended":
            # After a resync or a restart mid-call: fetch the screen pop the event carried.
            with contextlib.suppress(ApiError, ServerUnreachable):
                call.pop = await self.api.pop(call.call_id)
        return parts

    def show_desk(self) -> None:
        """After login: start the feed and replace the login screen by the desk."""
        self.start_feed()
        self.switch_screen(self._desk_screen_factory())

    async def log_out(self, reason: str | None = None) -> None:
        """End the shift: logged out on the server, token dropped, back to the login.

        The desk may have set `logged_out` itself (with the agent's reason) just before;
        then the server already agrees and a refusal of the repeat (409) is not news.
        """
        self.workers.cancel_group(self, "feed")
        try:
            if self.desk_state.state != LOGGED_OUT:
                try:
                    await self.api.set_state(LOGGED_OUT, reason)
                except ApiError as exc:
                    if exc.status != 409:
                        raise
            await self.api.logout()
        except (ApiError, ServerUnreachable) as exc:
            self.notify(f"Logged out here; the server did not confirm: {exc}", severity="warning")
        self._desk_state = self._new_desk_state()
        from agent_tui.screens.login import LoginScreen

        self.switch_screen(LoginScreen())

    # -- the event feed -------------------------------------------------------------

    def start_feed(self) -> None:
        from agent_tui.client.feed import EventFeed

        token = self.api.token
        if token is None:
            raise RuntimeError("start_feed before login")
        self.feed = EventFeed(
            self.api.base_url,
            token,
            last_event_id=self.desk_state.last_seq,
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
            parts = await self._load_me(await self.api.me())
            parts |= {"messages"}
        else:
            parts = self.desk_state.apply(event)
        if parts:
            self.screen.post_message(DeskStateChanged(parts))

    def _on_feed_status(self, connection: Connection) -> None:
        previous = self.desk_state.connection
        parts = self.desk_state.set_connection(connection)
        if not parts:
            return
        self.screen.post_message(DeskStateChanged(parts))
        if connection == "reconnecting" and previous == "online":
            self.notify("Connection lost: reconnecting…", severity="warning", timeout=4)
        elif connection == "online" and previous == "reconnecting":
            self.notify("Reconnected", timeout=3)
            # Whatever happened while away arrives by Last-Event-ID; redraw all anyway.
            self.screen.post_message(
                DeskStateChanged(frozenset({"agent", "call", "queues", "messages", "connection"}))
            )

    # -- one place for worker failures ------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, FeedUnauthorized):
            self.notify("The session has ended: please log in again.", severity="error")
            self.desk_state.set_connection("offline")
            from agent_tui.screens.login import LoginScreen

            self.switch_screen(LoginScreen(message="The session has ended: log in again."))
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

    def action_help(self) -> None:
        from agent_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap))

    async def action_quit(self) -> None:
        self.workers.cancel_group(self, "feed")
        if self._api is not None and self._api.token is not None:
            # Leaving without logging out would keep calls coming to an empty seat.
            try:
                await asyncio.wait_for(self.api.set_state(LOGGED_OUT), timeout=2.0)
                await asyncio.wait_for(self.api.logout(), timeout=2.0)
            except (ApiError, ServerUnreachable, TimeoutError):
                pass
        self.exit()
