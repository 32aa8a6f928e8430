from __future__ import annotations

from pathlib import Path

from keyring.backend import KeyringBackend
from textual.widgets import Checkbox, Input, Static

from agent_tui.shell.app import ShellApp
from agent_tui.shell.login import NO_KEYRING_NOTE, LoginScreen
from agent_tui.ui.help import HelpScreen

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback


def _app(tmp_path: Path, config_dir: Path, **kwargs: object) -> ShellApp:
    return ShellApp(
        kwargs.pop("server_url", UNREACHABLE),  # type: ignore[arg-type]
        data_dir=tmp_path,
        config_dir=config_dir,
        cursor_blink=False,
        request_timeout=2.0,
        **kwargs,  # type: ignore[arg-type]
    )


def _text(screen: LoginScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_enter_logs_in_and_an_unreachable_server_is_said_inline(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(tmp_path, config_dir, agent_id="1001")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert app.focused is not None and app.focused.id == "password"
        await pilot.press(*"secret", "enter")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert _text(screen, "#login-error") == (
            f"Cannot reach the server at {UNREACHABLE}: connection refused or host not found"
        )
        assert app.focused is not None and app.focused.id == "server"
        assert isinstance(app.screen, LoginScreen)


async def test_a_server_address_without_scheme_is_refused_before_any_request(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(tmp_path, config_dir, server_url="localhost:8765", agent_id="1001")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"pw", "enter")
        await pilot.pause()
        assert "starts with http://" in _text(app.screen, "#login-error")  # type: ignore[arg-type]


async def test_enter_with_an_empty_field_moves_to_it(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is not None and app.focused.id == "agent-id"
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "agent-id"
        await pilot.press(*"1001", "enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "password"


async def test_without_a_keyring_remember_is_disabled_with_a_one_line_note(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#remember", Checkbox).disabled
        assert _text(screen, "#keyring-note") == NO_KEYRING_NOTE


async def test_a_remembered_password_is_filled_in_from_the_keyring(
    tmp_path: Path, config_dir: Path, memory_keyring: KeyringBackend
) -> None:
    memory_keyring.set_password(f"agent-tui:{UNREACHABLE}", "1001", "from-keyring")
    app = _app(tmp_path, config_dir, agent_id="1001")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#password", Input).value == "from-keyring"
        assert screen.query_one("#remember", Checkbox).value is True
        assert not screen.query_one("#remember", Checkbox).disabled
        assert not screen.query_one("#keyring-note").display


async def test_help_lists_the_keys_in_force_after_the_users_override(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    (config_dir / "keymap.toml").write_text('[keys]\n"call.answer" = "f11"\n', encoding="utf-8")
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = [
            tuple(str(cell) for cell in table.get_row_at(index))
            for table in help_screen.query("DataTable").results()
            for index in range(table.row_count)  # type: ignore[attr-defined]
        ]
        assert ("F11", "Answer", "call.answer") in rows
        assert ("F1", "Keys", "app.help") in rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_without_a_keyring_remember_is_neither_ticked_nor_offered(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        screen.query_one("#remember", Checkbox).value = True  # as if ticked before
        screen.probe_keyring("", "")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        remember = screen.query_one("#remember", Checkbox)
        assert remember.value is False and not remember.display


async def test_the_logins_keys_are_drawn_like_the_workspaces_key_hints(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    from agent_tui.ui.key_hints import KEY_STYLE

    app = _app(tmp_path, config_dir)
    async with app.run_test(size=(80, 24)):
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        hints = screen.hint_text()
        assert " Enter  Log in " in hints.plain and " Ctrl+Q  Quit " in hints.plain
        assert any(str(span.style) == KEY_STYLE for span in hints.spans)
        assert " Enter " in str(screen.query_one("#login-hints", Static).render())
