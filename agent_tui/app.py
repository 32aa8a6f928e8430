"""AgentDeskApp: the shell that holds the client, the store, the keymap and the screens.

The app owns everything that outlives a screen: the REST client (`api`), the local store
(`desk_state`), drafts, credentials, the resolved keymap, and the event feed worker that
folds events into the store and tells the active screen which parts changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from agent_tui.actions import ACTIONS, DeskAction
from agent_tui.client.api import ApiError, DeskApi, ServerUnreachable
from agent_tui.client.feed import EventFeed, FeedUnauthorized
from agent_tui.client.state import ALL_PARTS, Connection, DeskState
from agent_tui.credentials import CredentialStore
from agent_tui.drafts import DraftStore
from agent_tui.keymap import ResolvedKeymap, default_bindings, load_keymap, user_keymap_path
from agent_tui.messages import DeskStateChanged
from server_stub.protocol.events import AgentState, Event, EventType

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
        self.api = DeskApi(self.server_url, timeout=request_timeout)
        self.desk_state = DeskState(clock=self.clock)
        self.drafts = DraftStore(data_dir / "drafts" if data_dir is not None else None)
        self.credentials = credential_store or CredentialStore()
        self.cursor_blink = cursor_blink
        self._desk_screen_factory = desk_screen or _default_desk_screen
        self.feed: EventFeed | None = None

    # -- lifecycle ------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(SHIFT_THEME)
        self.theme = SHIFT_THEME.name
        self.set_keymap(self.keymap.textual_keymap())
        from agent_tui.screens.login import LoginScreen

        self.push_screen(LoginScreen())

    async def on_unmount(self) -> None:
        await self.api.close()

    # -- session --------------------------------------------------------------------

    def _use_server(self, server_url: str) -> None:
        server_url = server_url.rstrip("/")
        if server_url != self.api.base_url:
            old = self.api
            self.api = DeskApi(server_url, timeout=self.request_timeout)
            self.run_worker(old.close(), group="cleanup")
        self.server_url = server_url

    async def sign_in(self, server_url: str, agent_id: str, password: str) -> None:
        """Log in and load the desk's state; raises ApiError or ServerUnreachable."""
        self._use_server(server_url)
        result = await self.api.login(agent_id, password)
        self.agent_id = str(result.user.get("id") or agent_id)
        self.desk_state = DeskState(clock=self.clock)
        health = await self.api.health()
        self.desk_state.speed = float(health.get("speed", 1.0))
        if isinstance(health.get("last_seq"), int):
            # Start the feed after what /v1/me will show: nothing is missed, nothing twice.
            self.desk_state.last_seq = health["last_seq"]
        me = await self.api.me()
        if me.get("state") == AgentState.LOGGED_OUT:
            # A shift starts not ready: the agent says when to send calls.
            await self.api.set_state(AgentState.NOT_READY)
            me = await self.api.me()
        await self._load_me(me)
        self.desk_state.role = result.role
        if "sim_time" in health:
            self.desk_state._anchor(float(health["sim_time"]))

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

    async def log_out(self) -> None:
        """End the shift: logged out on the server, feed stopped, back to the login."""
        self.workers.cancel_group(self, "feed")
        try:
            await self.api.set_state(AgentState.LOGGED_OUT)
            await self.api.logout()
        except (ApiError, ServerUnreachable) as exc:
            self.notify(
                f"Logged out locally; the server did not confirm: {exc}", severity="warning"
            )
        self.desk_state = DeskState(clock=self.clock)
        from agent_tui.screens.login import LoginScreen

        self.switch_screen(LoginScreen())

    # -- the event feed -------------------------------------------------------------

    def start_feed(self) -> None:
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

    @work(exclusive=True, group="feed")
    async def run_feed(self, feed: EventFeed) -> None:
        await feed.run()

    async def _on_feed_event(self, event: Event) -> None:
        if event.type == EventType.RESYNC:
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
            self.screen.post_message(DeskStateChanged(ALL_PARTS))

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

    # -- app-wide actions -------------------------------------------------------------

    def action_help(self) -> None:
        from agent_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap))

    async def action_quit(self) -> None:
        self.workers.cancel_group(self, "feed")
        if self.api.token is not None:
            # Leaving without logging out would keep calls coming to an empty seat.
            try:
                await asyncio.wait_for(self.api.set_state(AgentState.LOGGED_OUT), timeout=2.0)
                await asyncio.wait_for(self.api.logout(), timeout=2.0)
            except (ApiError, ServerUnreachable, TimeoutError):
                pass
        self.exit()
