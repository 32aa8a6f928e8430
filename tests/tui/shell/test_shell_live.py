"""The shell against the real server (uvicorn on a loopback port, paused clock), with a
stand-in workspace that records what the shell publishes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_helpers import AGENT, PASSWORD, live_app, until
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from agent_tui.client.api import CentreApi
from agent_tui.client.errors import ApiError
from agent_tui.client.feed import EventFeed
from agent_tui.client.state import Connection
from agent_tui.shell.app import ShellApp
from agent_tui.shell.login import LoginScreen
from agent_tui.ui.key_hints import KeyHints
from agent_tui.workspaces import desk
from agent_tui.workspaces.base import WorkspaceScreen, WorkspaceSpec
from server_stub.protocol.api import WrapupRequest
from server_stub.protocol.events import Event
from server_stub.server.testing import LiveServer, quiet_centre, start_live_server


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    # No callers of its own: every call in these tests is one the test makes.
    with start_live_server(quiet_centre(), speed=0) as server:
        yield server


class RecordingDesk(WorkspaceScreen):
    """Stands in for the desk screen: records the parts the shell publishes."""

    SCOPE = "desk"

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[frozenset[str]] = []

    def compose(self) -> ComposeResult:
        yield Static("desk")
        yield KeyHints()

    def show_parts(self, parts: frozenset[str]) -> None:
        self.changes.append(parts)


# The desk's own spec (its loader: /v1/me, not ready at login), with the stand-in screen.
RECORDING_DESK = WorkspaceSpec(
    id="desk",
    title="Recording desk",
    summary="records what the shell publishes",
    roles=("agent",),
    scope="desk",
    screen=RecordingDesk,
    load=desk.load_desk,
)


def _app(server_url: str, tmp_path: Path, config_dir: Path, **kwargs: Any) -> ShellApp:
    """The real app with the recording stand-in for the desk."""
    return live_app(server_url, tmp_path, config_dir, workspaces=[RECORDING_DESK], **kwargs)


async def _log_in(pilot: Pilot[Any]) -> None:
    """Enter on the prefilled login form; wait for a live feed."""
    app = pilot.app
    assert isinstance(app, ShellApp)
    await pilot.press("enter")
    await until(lambda: app.store.connection == "online", pilot)


async def _trainer_sends_a_call(live: LiveServer, queue_id: str) -> None:
    async with httpx.AsyncClient(base_url=live.base_url) as client:
        login = await client.post("/v1/auth/login", json={"user_id": "t100", "password": "demo"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        sent = await client.post("/v1/trainer/calls", json={"queue_id": queue_id}, headers=headers)
        assert sent.status_code == 201, sent.text


def _error_text(app: ShellApp) -> str:
    return str(app.screen.query_one("#login-error", Static).render())


async def test_a_wrong_password_is_said_inline_and_the_login_stays(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(live.base_url, tmp_path, config_dir, agent_id="1002")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"not-the-password", "enter")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert _error_text(app) == "Wrong user id or password"
        assert isinstance(app.screen, LoginScreen)
        assert app.focused is not None and app.focused.id == "password"


async def test_repeated_failures_say_when_to_try_again(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(live.base_url, tmp_path, config_dir, agent_id="9999", password="guess")
    async with app.run_test(size=(80, 24)) as pilot:
        api = CentreApi(live.base_url)
        for _ in range(3):  # the server lets three failures through, then locks the id
            with contextlib.suppress(ApiError):
                await api.login("9999", "guess")
        await api.close()
        await pilot.press("enter")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert _error_text(app) == "Too many attempts, try again in 1 s"


async def test_login_puts_the_agent_not_ready_shows_the_desk_and_streams_changes(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(live.base_url, tmp_path, config_dir, agent_id=AGENT, password=PASSWORD)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, RecordingDesk), pilot)
        desk = app.screen
        assert isinstance(desk, RecordingDesk)
        assert app.store.agent_id == AGENT
        assert app.store.agent_name.startswith("王小明")
        assert app.store.state == "not_ready"
        assert app.store.queues  # the agent's queues' statistics came with /v1/me
        await until(lambda: app.store.connection == "online", pilot)

        await app.api.set_state("ready")
        await until(lambda: app.store.state == "ready", pilot)
        await until(lambda: any("agent" in parts for parts in desk.changes), pilot)
        assert any("connection" in parts for parts in desk.changes)
        await app.api.set_state("not_ready", "break")
        await until(lambda: app.store.reason == "break", pilot)


async def test_a_call_rings_with_its_screen_pop_and_goes_through_wrap_up(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(live.base_url, tmp_path, config_dir, agent_id=AGENT, password=PASSWORD)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot)
        await app.api.set_state("ready")
        await until(lambda: app.store.state == "ready", pilot)

        await _trainer_sends_a_call(live, "enquiry")
        await until(lambda: app.store.call is not None, pilot)
        call = app.store.call
        assert call is not None and call.status == "ringing"
        assert call.queue_id == "enquiry" and call.pop is not None  # the card comes with the ring
        call_id = call.call_id

        def status() -> str | None:
            return app.store.call.status if app.store.call is not None else None

        await app.api.answer(call_id)
        await until(lambda: status() == "talking" and app.store.state == "busy", pilot)
        await app.api.hold(call_id)
        await until(lambda: status() == "held", pilot)
        await app.api.retrieve(call_id)
        await app.api.hangup(call_id)
        await until(lambda: app.store.state == "wrap_up", pilot)
        assert app.store.last_call_id == call_id
        assert app.store.wrapup_deadline is not None

        await app.api.wrapup(call_id, WrapupRequest(code="resolved", notes="客户满意 satisfied"))
        await until(lambda: app.store.call is None, pilot)
        await until(lambda: app.store.state in ("ready", "not_ready"), pilot)


class DroppingProxy:
    """A TCP relay in front of the real server that can cut every link, like a bad network."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.refusing = False
        self.links: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self.links |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        for writer in self.links:
            writer.close()
        self.links.clear()

    async def stop(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


async def test_the_feed_comes_back_after_a_cut_link_and_misses_nothing(
    live: LiveServer,
) -> None:
    api = CentreApi(live.base_url)
    login = await api.login(AGENT, PASSWORD)
    me = await api.me()
    proxy = DroppingProxy(int(live.base_url.rsplit(":", 1)[1]))
    await proxy.start()
    events: list[Event] = []
    statuses: list[Connection] = []
    feed = EventFeed(
        f"http://127.0.0.1:{proxy.port}",
        login.token,
        last_event_id=me.last_seq,
        on_event=events.append,
        on_status=statuses.append,
    )
    task = asyncio.create_task(feed.run())
    try:
        await until(lambda: statuses[-1:] == ["online"])
        await api.set_state("not_ready", "meeting")  # whatever an earlier test left
        await api.set_state("ready")
        await until(lambda: any(e.data.get("to") == "ready" for e in events))

        proxy.refusing = True
        proxy.cut()
        await until(lambda: "reconnecting" in statuses)
        await api.set_state("not_ready", "break")  # happens while the desk is cut off
        await asyncio.sleep(0.3)
        assert not any(e.data.get("reason") == "break" for e in events)

        proxy.refusing = False
        await until(lambda: any(e.data.get("reason") == "break" for e in events))
        assert statuses[-1] == "online"
        seqs = [e.seq for e in events]
        assert seqs == sorted(set(seqs))  # resumed by Last-Event-ID: no gap-fill twice
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await proxy.stop()
        await api.close()


async def test_a_revoked_session_brings_the_login_back_with_a_reason(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    proxy = DroppingProxy(int(live.base_url.rsplit(":", 1)[1]))
    await proxy.start()
    app = _app(
        f"http://127.0.0.1:{proxy.port}", tmp_path, config_dir, agent_id="1002", password=PASSWORD
    )
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await _log_in(pilot)
            async with httpx.AsyncClient(base_url=live.base_url) as client:
                headers = {"Authorization": f"Bearer {app.api.token}"}
                await client.post("/v1/auth/logout", headers=headers)  # e.g. expired
            proxy.cut()  # the stream drops; reconnecting with the dead token is refused
            await until(lambda: isinstance(app.screen, LoginScreen), pilot)
            await pilot.pause()
            assert _error_text(app) == "The session has ended: log in again."
            assert app.store.connection == "offline"
    finally:
        await proxy.stop()


async def test_enter_while_the_server_is_still_starting_logs_in_once_it_is_up(
    live: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    started = asyncio.Event()

    async def server_ready() -> None:
        await started.wait()

    app = _app(
        live.base_url,
        tmp_path,
        config_dir,
        agent_id="1002",
        password=PASSWORD,
        server_ready=server_ready,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _error_text(app) == "The demo centre is starting…"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert _error_text(app) == "Logging in as soon as the centre is up…"
        assert isinstance(app.screen, LoginScreen)
        started.set()
        await until(lambda: isinstance(app.screen, RecordingDesk), pilot)
