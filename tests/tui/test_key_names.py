"""Every key named on screen comes from the keymap in force, and is bound to what it names.

Two ways, under every shipped keymap:

- each text that names keys (the desk's idle text, the consult notice, the script pane's
  action and end hints, the wrap-up's code line, the banner, every `{key:<id>}` in the demo
  scripts, the key hints and the help) is rendered with a namer that records which actions
  it asked for; every key-looking word in the text must be the key of one of them, and
  each of them must be bound;
- the real screens (desk through a call, help, monitor, console, quality) are walked
  against the real server, and every key-looking word on them must be bound in that keymap
  (a hard-coded "F7" under the tmux keymap, where F7 is nothing, fails here); in the key
  hints, each key must be the one bound to the action named beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from live_helpers import (
    PASSWORD,
    TEAM_LEADER,
    World,
    client_as,
    live_app,
    log_in_as,
    screen_text,
    until,
)
from textual.pilot import Pilot

from agent_tui.actions import ACTIONS, Scope, actions_of
from agent_tui.client.state import DeskMessage
from agent_tui.keymap import ResolvedKeymap, available_keymaps, format_key, load_keymap
from agent_tui.shell.app import ShellApp
from agent_tui.ui.desk_view import ACTION_HINTS, action_hint, end_hint
from agent_tui.ui.help import HelpScreen, help_rows
from agent_tui.ui.key_hints import hint_line
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.message_banner import banner_line
from agent_tui.workspaces.desk.screen import DeskScreen, consult_notice, idle_text
from agent_tui.workspaces.desk.wrapup_panel import code_line
from server_stub.protocol.api import TrainerCallRequest
from server_stub.protocol.scripts import fill_placeholders, key_actions, load_scripts_dir
from server_stub.server.testing import LiveServer

SCRIPTS = Path(__file__).resolve().parents[2] / "server_stub" / "centres" / "demo" / "scripts"
KEYMAPS = available_keymaps()
# What a key looks like on screen, as format_key writes it: F7, Ctrl+T, Alt+Shift+X.
KEY_WORD = re.compile(r"(?<![\w+])(?:(?:Ctrl|Alt|Shift)\+)+\w+|(?<![\w+])F\d{1,2}(?!\w)")


class Namer:
    """Names keys as the app does (`ResolvedKeymap.key`) and notes which it was asked."""

    def __init__(self, keymap: ResolvedKeymap) -> None:
        self.keymap = keymap
        self.asked: set[str] = set()

    def __call__(self, binding_id: str) -> str:
        self.asked.add(binding_id)
        return self.keymap.key(binding_id)


def _producers() -> list[tuple[str, Callable[[Namer], str]]]:
    """(where, make text) for every producer of on-screen text that names keys."""
    message = DeskMessage(at=0.0, sender="s100", text="统一口径", broadcast=True)
    producers: list[tuple[str, Callable[[Namer], str]]] = [
        ("idle text", idle_text),
        ("consult notice", consult_notice),
        ("script end", lambda namer: end_hint("resolved", namer)),
        ("wrap-up code", lambda namer: code_line("resolved", namer("desk.wrapup")).plain),
        ("wrap-up, no code", lambda namer: code_line(None, namer("desk.wrapup")).plain),
        ("banner", lambda namer: banner_line([message], namer("desk.messages")).plain),
    ]
    producers += [
        (f"script hint {action}", lambda namer, action=action: action_hint(action, namer))
        for action in ACTION_HINTS
    ]
    for script in load_scripts_dir(SCRIPTS).values():
        for step_id, step in script.steps.items():
            for text in (step.say or "", step.rule or "", *(o.label for o in step.options)):
                if key_actions(text):
                    producers.append(
                        (
                            f"script {script.id}.{step_id}",
                            lambda namer, text=text, spec=script.variables: fill_placeholders(
                                text, {}, spec, namer
                            ),
                        )
                    )
    return producers


@pytest.mark.parametrize("name", KEYMAPS)
def test_every_text_that_names_a_key_names_the_key_bound_to_its_action(name: str) -> None:
    keymap = load_keymap(name, use_user_file=False)
    producers = _producers()
    assert any(where.startswith("script ") and "." in where for where, _ in producers)
    for where, make in producers:
        namer = Namer(keymap)
        text = make(namer)
        named = {keymap.key(binding_id) for binding_id in namer.asked}
        for binding_id in namer.asked:
            assert keymap.keys_for(binding_id), f"{where}: {binding_id} has no key in {name}"
            assert keymap.key(binding_id) in text, (where, binding_id, text)
        for word in KEY_WORD.findall(text):
            assert word in named, f"{where} ({name}): {word!r} is not the key of what it names"


@pytest.mark.parametrize("name", KEYMAPS)
def test_the_key_hints_and_the_help_pair_each_key_with_its_own_action(name: str) -> None:
    keymap = load_keymap(name, use_user_file=False)
    scopes: list[Scope] = ["desk", "supervisor", "trainer", "quality", "backoffice"]
    for scope in scopes:
        offered = [a.action for a in ACTIONS if a.scope in ("app", scope)]
        assert_hints_are_bound(hint_line(keymap, scope, offered).plain, keymap, scope)
        for keys, description, binding_id in help_rows(keymap, scope):
            action = next(a for a in ACTIONS if a.id == binding_id)
            assert action.description == description
            assert keys == keymap.display(binding_id) or not keymap.keys_for(binding_id)


def assert_hints_are_bound(
    line: str, keymap: ResolvedKeymap, scope: Scope, labels: Mapping[str, str] | None = None
) -> None:
    """` F4  Answer  F5  Hold …`: each key is the one bound to the action beside it (named
    by its description, or by what the screen says it does now: `labels`)."""
    words = [word for word in re.split(r"\s{2,}", line.strip()) if word]
    pairs = list(zip(words[::2], words[1::2], strict=False))
    assert pairs, line
    actions = [*actions_of("app"), *actions_of(scope)]
    now = labels or {}
    for key, description in pairs:
        action = next((a for a in actions if now.get(a.id, a.description) == description), None)
        assert action is not None, f"{description!r} in the key hints is no action of {scope}"
        assert keymap.key(action.id) == key, (key, action.id, keymap.name)


def assert_screen_keys_are_bound(app: ShellApp, keymap: ResolvedKeymap, where: str) -> None:
    text = screen_text(app)
    bound = {format_key(key) for keys in keymap.keys.values() for key in keys}
    for word in KEY_WORD.findall(text):
        assert word in bound, f"{where} ({keymap.name}): {word!r} is on screen but bound to nothing"
    spec = next((s for s in app.open_workspaces if s.id == app.current_workspace), None)
    last_line = text.rstrip("\n").splitlines()[-1]
    if spec is not None and not isinstance(app.screen, HelpScreen):
        screen = app.screen
        labels = screen.action_labels() if isinstance(screen, WorkspaceScreen) else {}
        assert_hints_are_bound(last_line, keymap, spec.scope, labels)


@pytest.mark.parametrize("name", KEYMAPS)
async def test_the_screens_name_only_keys_of_the_keymap_in_force(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None, name: str
) -> None:
    keymap = load_keymap(name, use_user_file=False)
    app = live_app(
        centre.base_url, tmp_path, config_dir, agent_id=TEAM_LEADER, password=PASSWORD, keymap=name
    )
    trainer = await client_as(centre.base_url, "t100")

    def key(binding_id: str) -> str:
        return keymap.keys_for(binding_id)[0]

    async def look(pilot: Pilot[Any], where: str) -> None:
        await pilot.pause(0.1)
        assert_screen_keys_are_bound(app, keymap, where)

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            desk = app.screen
            assert isinstance(desk, DeskScreen)
            await look(pilot, "the idle desk")
            await pilot.press(key("agent.ready"))
            await until(lambda: app.store.state == "ready", pilot)
            sent = await trainer.send_caller(
                TrainerCallRequest(queue_id="fault", customer_id="C000001")
            )
            await until(lambda: desk.query_one(CustomerCard).call_id == sent.call_id, pilot)
            await pilot.press(key("call.answer"))
            await until(lambda: app.store.state == "busy", pilot)
            await pilot.press("1", "y")  # to the step whose rule names the ticket key
            await until(lambda: "Record the installation address" in screen_text(app), pilot)
            await look(pilot, "the script's describe_fault step")
            await pilot.press("3")  # log the fault: the ticket form opens, prefilled
            await look(pilot, "the ticket form")
            await pilot.press(key("desk.script"))
            await look(pilot, "the script's log_fault step")
            await pilot.press(key("app.help"))
            await until(lambda: isinstance(app.screen, HelpScreen), pilot)
            await look(pilot, "the help")
            await pilot.press(key("app.help"))
            await until(lambda: app.screen is desk, pilot)
            await pilot.press(key("call.hangup"))
            await until(lambda: desk.wrapup_call_id == sent.call_id, pilot)
            await look(pilot, "the wrap-up")
            await World(centre).message("请注意 heads up", agent_id=TEAM_LEADER)
            await until(lambda: app.store.unread_messages() == 1, pilot)
            await look(pilot, "the message banner")

            await pilot.press(key("app.switch"))  # desk, monitor, back office: it asks
            await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
            await look(pilot, "the workspace picker")
            await pilot.press("enter")  # the monitor comes first
            await until(lambda: app.current_workspace == "supervisor", pilot)
            await look(pilot, "the monitor")
    finally:
        await trainer.close()
