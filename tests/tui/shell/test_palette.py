"""The command palette lists every action of where the user is, and runs the one chosen."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from agent_tui.actions import ACTIONS
from agent_tui.keymap import default_bindings
from agent_tui.shell.app import ShellApp
from agent_tui.shell.palette import ActionsProvider


class PlaceholderDesk(Screen[None]):
    """Stands in for the desk screen: its bindings come from the keymap, its actions log."""

    SCOPE = "desk"
    BINDINGS = default_bindings("desk")  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("desk")
        yield Footer()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("action_"):
            return lambda: self.ran.append(name.removeprefix("action_"))
        raise AttributeError(name)


async def test_every_action_of_the_workspace_is_in_the_palette_and_a_chosen_one_runs(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = ShellApp("http://127.0.0.1:9", data_dir=tmp_path, config_dir=config_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = PlaceholderDesk()
        app.switch_screen(desk)
        await pilot.pause()
        listed = {action.id for action, _ in ActionsProvider(desk)._available()}
        expected = {a.id for a in ACTIONS if a.scope in ("app", "desk")} - {"app.palette"}
        assert listed == expected
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Hang up")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert desk.ran == ["hangup"]


async def test_the_tmux_keymap_rebinds_the_desk_through_set_keymap(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    app = ShellApp("http://127.0.0.1:9", keymap="tmux", data_dir=tmp_path, config_dir=config_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        desk = PlaceholderDesk()
        app.switch_screen(desk)
        await pilot.pause()
        await pilot.press("f4")  # the default answer key does nothing under tmux
        await pilot.press("ctrl+o", "ctrl+g", "alt+w", "alt+j", "alt+a")
        await pilot.pause()
        assert desk.ran == ["answer", "hangup", "wrapup", "conference", "callback"]
        shown = {b.binding.id for b in desk.active_bindings.values()}
        assert {a.id for a in ACTIONS if a.scope == "desk"} <= shown
