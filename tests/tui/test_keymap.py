from __future__ import annotations

from pathlib import Path

import pytest

from agent_tui.actions import ACTIONS
from agent_tui.keymap import (
    KEYMAPS_DIR,
    KeymapError,
    available_keymaps,
    bindings_for,
    default_bindings,
    key_problem,
    load_keymap,
)
from agent_tui.terminal_keys import encode, parse


def _user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_keymap_binds_every_action_with_function_keys_for_calls() -> None:
    keymap = load_keymap("default", use_user_file=False)
    assert set(keymap.keys) == {action.id for action in ACTIONS}
    for binding_id in ("call.answer", "call.hold", "call.hangup", "agent.ready"):
        assert all(key.startswith("f") for key in keymap.keys_for(binding_id)), binding_id


def test_tmux_keymap_uses_no_function_keys_at_all() -> None:
    keymap = load_keymap("tmux", use_user_file=False)
    for binding_id, keys in keymap.keys.items():
        for key in keys:
            assert not key.split("+")[-1].startswith("f") or key.endswith("+f"), (binding_id, key)


def test_tmux_keymap_avoids_the_tmux_prefix_and_terminal_aliases() -> None:
    keymap = load_keymap("tmux", use_user_file=False)
    bound = {key for keys in keymap.keys.values() for key in keys}
    assert not bound & {"ctrl+b", "ctrl+h", "ctrl+i", "ctrl+j", "ctrl+m"}


def test_user_file_replaces_only_the_actions_it_names(tmp_path: Path) -> None:
    user = _user_file(tmp_path, '[keys]\n"call.answer" = ["f11", "alt+a"]\n')
    keymap = load_keymap("default", user_file=user)
    assert keymap.keys_for("call.answer") == ("f11", "alt+a")
    assert keymap.keys_for("call.hangup") == ("f9",)
    assert keymap.textual_keymap() == {"call.answer": "f11,alt+a"}
    assert keymap.origin["call.answer"] == f"{user}:2"


def test_unknown_id_bad_key_and_text_field_key_are_all_reported_with_file_and_line(
    tmp_path: Path,
) -> None:
    user = _user_file(
        tmp_path,
        "# my keys\n"
        "[keys]\n"
        '"call.answr" = "f11"\n'
        '"call.hold" = "ctrl+banana"\n'
        '"desk.ticket" = "x"\n',
    )
    with pytest.raises(KeymapError) as caught:
        load_keymap("default", user_file=user)
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith(f"{user}:3: unknown binding id 'call.answr'")
    assert "did you mean 'call.answer'" in problems[0]
    assert problems[1].startswith(f"{user}:4: call.hold: bad key name 'ctrl+banana'")
    assert problems[2].startswith(f"{user}:5: desk.ticket: 'x' is typed")


def test_clash_with_a_default_key_names_both_actions_and_blames_the_user_file(
    tmp_path: Path,
) -> None:
    user = _user_file(tmp_path, '[keys]\n\n"call.answer" = "f9"\n')
    with pytest.raises(KeymapError) as caught:
        load_keymap("default", user_file=user)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{user}:3: f9 is bound to both")
    assert "call.answer" in problem and "call.hangup" in problem
    assert f"{KEYMAPS_DIR / 'default.toml'}:" in problem


def test_an_app_key_clashes_with_a_desk_key_but_moving_both_is_fine(tmp_path: Path) -> None:
    clash = _user_file(tmp_path, '[keys]\n"app.help" = "f4"\n')
    with pytest.raises(KeymapError, match=r"f4 is bound to both app\.help"):
        load_keymap("default", user_file=clash)
    swap = _user_file(tmp_path, '[keys]\n"app.help" = "f4"\n"call.answer" = "f1"\n')
    keymap = load_keymap("default", user_file=swap)
    assert keymap.keys_for("app.help") == ("f4",)
    assert keymap.keys_for("call.answer") == ("f1",)


def test_invalid_toml_is_reported_with_its_line(tmp_path: Path) -> None:
    user = _user_file(tmp_path, '[keys]\n"call.answer" = "f4"\n"call.hold" = \n')
    with pytest.raises(KeymapError) as caught:
        load_keymap("default", user_file=user)
    assert caught.value.problems[0].startswith(f"{user}:3: not valid TOML")


def test_unknown_keymap_name_lists_the_known_ones() -> None:
    with pytest.raises(KeymapError, match=r"no keymap named 'dvorak' \(known: default, tmux\)"):
        load_keymap("dvorak", use_user_file=False)


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("F4", "lower case"),
        ("ctrl+h", "sends ^H, which Textual reads as backspace"),
        ("ctrl+m", "reads as enter"),
        ("ctrl+j", "some terminals send for Enter"),
        ("alt+b", "sends ESC b, which Textual reads as ctrl+left"),
        ("alt+f", "sends ESC f, which Textual reads as ctrl+right"),
        ("alt+1", "reads as inverted_exclamation_mark"),
        ("alt+shift+o", "starts other keys' escape sequences"),
        ("ctrl+shift+r", "sends ^R, which Textual reads as ctrl+r"),
        ("ctrl+alt+r", "reads as ctrl+r"),
        ("ctrl+3", "no distinct bytes"),
        ("super+s", "kitty keyboard protocol"),
        ("f13", "keyboards stop at F12"),
        ("ctrl+a", "in the desk's text fields"),
        ("enter", "typed or used to edit"),
        ("shift+x", "typed or used to edit"),
        ("f44", "did you mean"),
        ("hyper+", "nothing after"),
        ("cmd+s", "unknown modifier"),
    ],
)
def test_keys_that_would_not_work_on_the_desk_are_refused(key: str, fragment: str) -> None:
    problem = key_problem(key)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize(
    "key", ["f1", "f12", "shift+f5", "ctrl+r", "alt+m", "alt+a", "alt+j", "ctrl+shift+f2"]
)
def test_function_keys_and_free_chords_are_accepted(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize("name", available_keymaps())
def test_every_key_of_a_shipped_keymap_reaches_the_app_as_itself(name: str) -> None:
    """What xterm, tmux and the rest send for each key, read back by Textual's own parser."""
    keymap = load_keymap(name, use_user_file=False)
    for binding_id, keys in keymap.keys.items():
        for key in keys:
            sequence = encode(key)
            assert sequence is not None, (binding_id, key)
            assert parse(sequence) == (key,), (binding_id, key, sequence)


def test_an_undeliverable_key_in_a_keymap_file_is_refused_with_file_line_and_why(
    tmp_path: Path,
) -> None:
    user = _user_file(tmp_path, '[keys]\n"call.hold" = "f5"\n"call.callback" = "alt+b"\n')
    with pytest.raises(KeymapError) as caught:
        load_keymap("default", user_file=user)
    (problem,) = caught.value.problems
    assert problem == (
        f"{user}:3: call.callback: 'alt+b' sends ESC b, which Textual reads as ctrl+left"
    )


def test_desk_bindings_carry_ids_and_win_over_focused_text_fields() -> None:
    bindings = default_bindings("desk")
    by_id = {binding.id: binding for binding in bindings}
    assert by_id["call.answer"].key == "f4"
    assert by_id["call.answer"].action == "answer"
    assert all(binding.priority for binding in bindings)
    assert {b.id for b in bindings} == {a.id for a in ACTIONS if a.scope == "desk"}


def test_bindings_for_follows_the_chosen_keymap() -> None:
    keymap = load_keymap("tmux", use_user_file=False)
    by_id = {binding.id: binding for binding in bindings_for("app", keymap)}
    assert by_id["app.help"].key == "alt+h"
