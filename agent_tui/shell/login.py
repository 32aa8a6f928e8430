"""The login screen: server, user id, password; Enter logs in, in a worker.

Every role logs in here; the shell then opens the login's workspaces (`shell.workspaces`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Static
from textual.worker import Worker, WorkerState

from agent_tui.client.errors import ApiError, ServerUnreachable
from agent_tui.ui.key_hints import KEY_STYLE

if TYPE_CHECKING:
    from agent_tui.credentials import CredentialStore

NO_KEYRING_NOTE = "No keyring here: the password is asked each time."


def login_error_text(error: Exception, server_url: str) -> str:
    """What the user reads when a login fails; one line, saying what to do."""
    if isinstance(error, ServerUnreachable):
        return f"Cannot reach the server at {server_url}: {error.reason}"
    if isinstance(error, ApiError):
        if error.status == 401:
            return "Wrong user id or password"
        if error.status == 429:
            wait = int(error.retry_after) if error.retry_after else 30
            return f"Too many attempts, try again in {wait} s"
        if error.status == 403:
            return f"This login may not do that here: {error.message}"
        return f"Login failed: {error.message} ({error.code})"
    if isinstance(error, NoWorkspace):
        return f"{error}: ask an admin which screens this login may use."
    return f"Login failed: {error}"


class LoginHost(Protocol):
    """What the login needs of the app (the shell implements it; no import of the app)."""

    server_url: str
    agent_id: str | None
    initial_password: str | None
    credentials: CredentialStore

    @property
    def keymap(self) -> Any: ...

    @property
    def server_starting(self) -> bool: ...

    async def wait_for_server(self) -> None: ...

    async def sign_in(self, server_url: str, user_id: str, password: str) -> None: ...

    def open_workspaces_of_login(self) -> None: ...

    def report_error(self, error: BaseException) -> None: ...

    def notify(self, message: str, *, severity: Any = "information") -> None: ...

    def call_from_thread(self, callback: Any, *args: Any) -> Any: ...


class NoWorkspace(Exception):
    """The login worked, but none of its roles opens a workspace of this client."""

    def __init__(self, roles: list[str]) -> None:
        super().__init__(f"No workspace here for {', '.join(roles) or 'no role'}")


class LoginScreen(Screen[None]):
    AUTO_FOCUS = None  # focus is chosen on mount: the first empty field

    def __init__(self, *, message: str | None = None) -> None:
        super().__init__()
        self._message = message

    def compose(self) -> ComposeResult:
        app = self.shell
        with Vertical(id="login-box"):
            yield Static("呼叫中心工作台  Call-centre workspace", id="login-title")
            with Horizontal(classes="login-row"):
                yield Label("Server", classes="login-label")
                yield Input(
                    app.server_url,
                    placeholder="http://host:8765",
                    id="server",
                    compact=True,
                )
            with Horizontal(classes="login-row"):
                yield Label("User id", classes="login-label")
                yield Input(
                    app.agent_id or "", placeholder="工号 e.g. 1001", id="agent-id", compact=True
                )
            with Horizontal(classes="login-row"):
                yield Label("Password", classes="login-label")
                yield Input(app.initial_password or "", password=True, id="password", compact=True)
            # Enabled once the keyring answers (a thread: finding the backend takes ~130 ms).
            yield Checkbox(
                "Remember password in the keyring", value=False, disabled=True, id="remember",
                compact=True,
            )  # fmt: skip
            yield Static("", id="keyring-note")
            yield Static(self._message or "", id="login-error")
            yield Button("Log in", id="login", variant="primary", compact=True)
        yield Static(self.hint_text(), id="login-hints")

    def hint_text(self) -> Text:
        """The keys of this screen, drawn like every workspace's key hints."""
        line = Text(no_wrap=True, overflow="ellipsis")
        keys = [("Enter", "Log in"), ("Tab", "Next field")]
        keymap = self.shell.keymap
        for binding_id, words in (("app.help", "Keys"), ("app.quit", "Quit")):
            if keymap.keys_for(binding_id):
                keys.append((keymap.key(binding_id), words))
        for key, words in keys:
            line.append(f" {key} ", style=KEY_STYLE)
            line.append(f" {words} ")
        return line

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self._blink()
        self._focus_first_empty()
        server, agent_id = self._who()
        self.probe_keyring(server, agent_id)
        if self.shell.server_starting:
            self._show_error("The demo centre is starting…", error=False)
            self.await_server()

    @property
    def shell(self) -> LoginHost:
        return cast(LoginHost, self.app)

    @work(exclusive=True, group="server-start", exit_on_error=False)
    async def await_server(self) -> None:
        try:
            await self.shell.wait_for_server()
        except ServerUnreachable as error:
            self._show_error(str(error))
            return
        if not self.query_one("#login", Button).disabled:  # not mid-login: say it is up
            self._show_error("The demo centre is up: Enter logs in.", error=False)

    def _blink(self) -> bool:
        return bool(getattr(self.app, "cursor_blink", True))

    def _focus_first_empty(self) -> None:
        for field_id in ("server", "agent-id", "password"):
            field = self.query_one(f"#{field_id}", Input)
            if not field.value:
                field.focus()
                return
        self.query_one("#password", Input).focus()

    # -- keyring --------------------------------------------------------------------

    def _who(self) -> tuple[str, str]:
        server = self.query_one("#server", Input).value.strip()
        return server, self.query_one("#agent-id", Input).value.strip()

    @work(thread=True, exclusive=True, group="keyring", exit_on_error=False)
    def probe_keyring(self, server: str, agent_id: str) -> None:
        """Is there a keyring, and a password in it for this server and agent?"""
        # Thread: finding the backend, D-Bus and unlocking must not hold up the screen.
        app = self.shell
        available = app.credentials.available()
        app.call_from_thread(self._keyring_known, available)
        if available and server and agent_id:
            remembered = app.credentials.get(server, agent_id)
            if remembered:
                app.call_from_thread(self._fill_remembered, remembered)

    def _keyring_known(self, available: bool) -> None:
        remember = self.query_one("#remember", Checkbox)
        remember.disabled = not available
        if not available:
            remember.value = False  # never ticked beside "no keyring here"
        remember.display = available
        note = self.query_one("#keyring-note", Static)
        note.update("" if available else NO_KEYRING_NOTE)
        note.display = not available

    def _fill_remembered(self, password: str) -> None:
        field = self.query_one("#password", Input)
        if not field.value:
            field.value = password
            self.query_one("#remember", Checkbox).value = True

    @on(Input.Blurred, "#agent-id")
    def _agent_id_left(self) -> None:
        server, agent_id = self._who()
        if server and agent_id and not self.query_one("#password", Input).value:
            self.probe_keyring(server, agent_id)

    # -- submitting -----------------------------------------------------------------

    @on(Input.Submitted)
    @on(Button.Pressed, "#login")
    def submit(self, event: Any = None) -> None:
        server = self.query_one("#server", Input).value.strip()
        agent_id = self.query_one("#agent-id", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not server.startswith(("http://", "https://")):
            self._show_error("The server address starts with http:// or https://")
            self.query_one("#server", Input).focus()
            return
        if not agent_id:
            self._show_error("")
            self.query_one("#agent-id", Input).focus()
            return
        if not password:
            self._show_error("")
            self.query_one("#password", Input).focus()
            return
        remember = self.query_one("#remember", Checkbox).value
        self._busy(True)
        starting = self.shell.server_starting
        self._show_error(
            "Logging in as soon as the centre is up…" if starting else "Logging in…", error=False
        )
        self.log_in(server, agent_id, password, remember)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def log_in(self, server: str, agent_id: str, password: str, remember: bool) -> None:
        app = self.shell
        try:
            await app.sign_in(server, agent_id, password)
        except (ApiError, ServerUnreachable, NoWorkspace) as error:
            self._busy(False)
            self._show_error(login_error_text(error, server))
            focus = "#password" if isinstance(error, ApiError) else "#server"
            self.query_one(focus, Input).focus()
            return
        if await asyncio.to_thread(app.credentials.available):
            if remember:
                stored = await asyncio.to_thread(app.credentials.set, server, agent_id, password)
                if not stored:
                    app.notify("The keyring refused to store the password.", severity="warning")
            else:
                await asyncio.to_thread(app.credentials.delete, server, agent_id)
        # Typed once, for this login only: after a log-out the form asks again.
        app.initial_password = None
        app.open_workspaces_of_login()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble: hand failures to the app's one handler.
        if event.state == WorkerState.ERROR:
            self._busy(False)
            self._show_error("")
            if event.worker.error is not None:
                self.shell.report_error(event.worker.error)

    def _busy(self, busy: bool) -> None:
        self.query_one("#login", Button).disabled = busy

    def _show_error(self, text: str, *, error: bool = True) -> None:
        label = self.query_one("#login-error", Static)
        label.update(text)
        label.set_class(error and bool(text), "error")
