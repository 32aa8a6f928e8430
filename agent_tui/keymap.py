"""Keymaps: which key runs which action, from TOML files, validated before the app starts.

Three files, each replacing the keys of the actions it names:

1. `keymaps/default.toml`, the one source of default keys;
2. the named keymap (`--keymap tmux` → `keymaps/tmux.toml`, or a path to a .toml file);
3. the user's own `keymap.toml` in the platform's config directory.

File format (see keymaps/default.toml)::

    [keys]
    "call.answer" = "f4"
    "call.hold" = ["f5", "ctrl+l"]

Every problem is collected, not just the first, and each names file and line: unknown
binding ids, bad key names, keys that would break typing in the desk's text fields, keys
a terminal cannot deliver as themselves (`terminal_keys`), and clashes (one key for two
actions that are active at the same time). Textual silently
ignores unknown ids in `App.set_keymap`, so this module is where they are caught.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys, _character_to_key

from agent_tui.actions import ACTIONS, ACTIONS_BY_ID, Action, Scope
from agent_tui.terminal_keys import delivery_problem

KEYMAPS_DIR = Path(__file__).resolve().parent.parent / "keymaps"
DEFAULT_KEYMAP = "default"
USER_KEYMAP_NAME = "keymap.toml"

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS: frozenset[str] = frozenset(
    {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    | set(KEY_TO_UNICODE_NAME)
    | set(KEY_NAME_REPLACEMENTS.values())
)
# Keys that move or edit in a text field: as a desk hotkey they would stop typing.
EDITING_KEYS = frozenset(
    {"enter", "return", "tab", "escape", "backspace", "space", "delete", "insert", "home",
     "end", "up", "down", "left", "right", "pageup", "pagedown"}
)  # fmt: skip
# ctrl+ chords that Textual's Input and TextArea use for editing.
TEXT_FIELD_CHORDS: Mapping[str, str] = {
    "ctrl+a": "go to line start",
    "ctrl+c": "copy",
    "ctrl+d": "delete",
    "ctrl+e": "go to line end",
    "ctrl+k": "delete to line end",
    "ctrl+u": "delete to line start",
    "ctrl+v": "paste",
    "ctrl+w": "delete word",
    "ctrl+x": "cut",
    "ctrl+y": "redo",
    "ctrl+z": "undo",
}
# Delivered as themselves, but some terminals send them for another key.
TERMINAL_ALIASES: Mapping[str, str] = {
    "ctrl+j": "newline, which some terminals send for Enter",
}


class KeymapError(Exception):
    """Every problem found in the keymap files, each as `file:line: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ResolvedKeymap:
    """The keys of every action after all files are applied."""

    name: str
    keys: Mapping[str, tuple[str, ...]]  # binding id → keys (empty: palette only)
    origin: Mapping[str, str]  # binding id → "file:line" that set its keys
    files: tuple[Path, ...] = ()
    defaults: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def keys_for(self, binding_id: str) -> tuple[str, ...]:
        return self.keys.get(binding_id, ())

    def display(self, binding_id: str) -> str:
        """The action's keys as people write them: `F4`, `Ctrl+R`."""
        return " / ".join(format_key(key) for key in self.keys_for(binding_id))

    def key(self, binding_id: str) -> str:
        """The one key to name on screen for an action: its first key (`F7`), or, for an
        action bound to none, where to find it instead: `Ctrl+P “Consult”`."""
        keys = self.keys_for(binding_id)
        if keys:
            return format_key(keys[0])
        palette = self.keys_for("app.palette")
        where = format_key(palette[0]) if palette else "the command palette"
        return f"{where} “{ACTIONS_BY_ID[binding_id].description}”"

    def textual_keymap(self) -> dict[str, str]:
        """The `App.set_keymap` argument: ids whose keys differ from the defaults."""
        return {
            binding_id: ",".join(keys)
            for binding_id, keys in self.keys.items()
            if keys and keys != self.defaults.get(binding_id, ())
        }


def format_key(key: str) -> str:
    *modifiers, base = key.split("+")
    shown = base.upper() if re.fullmatch(r"f\d+", base) else base.replace("_", " ")
    if len(shown) == 1:
        shown = shown.upper()
    return "+".join([m.capitalize() for m in modifiers] + [shown])


def user_keymap_path(config_dir: Path | None = None) -> Path:
    if config_dir is None:
        from platformdirs import user_config_dir

        config_dir = Path(user_config_dir("agent-tui"))
    return config_dir / USER_KEYMAP_NAME


def available_keymaps() -> list[str]:
    return sorted(path.stem for path in KEYMAPS_DIR.glob("*.toml"))


def keymap_file(name: str) -> Path:
    if name.endswith(".toml") or "/" in name:
        return Path(name)
    return KEYMAPS_DIR / f"{name}.toml"


def key_problem(key: str) -> str | None:
    """Why `key` cannot be a desk hotkey, or None when it can."""
    if not key or key != key.strip():
        return f"empty or padded key name {key!r}"
    *modifiers, base = key.split("+")
    if not base:
        return f"bad key name {key!r}: nothing after '+'"
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"bad key name {key!r}: unknown modifier {modifier!r} (ctrl, shift, alt)"
    if len(set(modifiers)) != len(modifiers):
        return f"bad key name {key!r}: a modifier twice"
    if base != base.lower() and len(base) > 1:
        return f"bad key name {key!r}: key names are lower case ({key.lower()!r})"
    if len(base) == 1:
        base = _character_to_key(base)
    elif base not in NAMED_KEYS:
        close = difflib.get_close_matches(base, sorted(NAMED_KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"bad key name {key!r}: no key called {base!r}{hint}"
    chord = "+".join([*modifiers, base])
    plain = not (set(modifiers) - {"shift"})
    if plain and (len(base) == 1 or base in KEY_TO_UNICODE_NAME or base in EDITING_KEYS):
        return (
            f"{key!r} is typed or used to edit in the desk's text fields; "
            "use a function key, ctrl+ or alt+"
        )
    if chord in TEXT_FIELD_CHORDS:
        return f"{key!r} is {TEXT_FIELD_CHORDS[chord]} in the desk's text fields"
    undeliverable = delivery_problem(chord)
    if undeliverable is not None:
        return undeliverable
    if chord in TERMINAL_ALIASES:
        return f"{key!r} arrives from the terminal as {TERMINAL_ALIASES[chord]}"
    return None


def normalize_key(key: str) -> str:
    *modifiers, base = key.split("+")
    if len(base) == 1:
        base = _character_to_key(base)
    return "+".join([*modifiers, base])


def _line_of(text: str, binding_id: str) -> int:
    """The line that sets `binding_id` (tomllib gives no line numbers)."""
    pattern = re.compile(r"""^\s*(["']?)""" + re.escape(binding_id) + r"""\1\s*=""")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _read_keymap_file(path: Path, problems: list[str]) -> dict[str, tuple[tuple[str, ...], int]]:
    """Parse one file into id → (keys, line); append its problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.append(f"{path}:1: cannot read the keymap: {exc.strerror or exc}")
        return {}
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = match.group(1) if match else "1"
        problems.append(f"{path}:{line}: not valid TOML: {exc}")
        return {}
    for extra in sorted(set(document) - {"keys"}):
        problems.append(f"{path}:{_line_of(text, extra)}: unknown section {extra!r}: use [keys]")
    table = document.get("keys", {})
    if not isinstance(table, dict):
        problems.append(f"{path}:{_line_of(text, 'keys')}: 'keys' must be a table: [keys]")
        return {}
    entries: dict[str, tuple[tuple[str, ...], int]] = {}
    for binding_id, value in table.items():
        line = _line_of(text, binding_id)
        where = f"{path}:{line}"
        if binding_id not in ACTIONS_BY_ID:
            close = difflib.get_close_matches(binding_id, list(ACTIONS_BY_ID), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{where}: unknown binding id {binding_id!r}{hint}")
            continue
        if isinstance(value, str):
            raw_keys = [part.strip() for part in value.split(",")] if value else []
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            raw_keys = list(value)
        else:
            problems.append(f"{where}: {binding_id}: keys must be a string or a list of strings")
            continue
        good: list[str] = []
        for key in raw_keys:
            problem = key_problem(key)
            if problem is not None:
                problems.append(f"{where}: {binding_id}: {problem}")
            else:
                good.append(normalize_key(key))
        entries[binding_id] = (tuple(dict.fromkeys(good)), line)
    return entries


def _scopes_overlap(first: Scope, second: Scope) -> bool:
    # App keys work on every screen; a workspace's keys only on its own screen.
    return first == "app" or second == "app" or first == second


def load_keymap(
    name: str = DEFAULT_KEYMAP,
    *,
    user_file: Path | None = None,
    use_user_file: bool = True,
) -> ResolvedKeymap:
    """Resolve default.toml, then the named keymap, then the user's file; raise KeymapError."""
    problems: list[str] = []
    default_path = KEYMAPS_DIR / f"{DEFAULT_KEYMAP}.toml"
    files = [default_path]
    chosen = keymap_file(name)
    if name != DEFAULT_KEYMAP:
        if not chosen.is_file():
            known = ", ".join(available_keymaps())
            problems.append(f"{chosen}:1: no keymap named {name!r} (known: {known})")
        else:
            files.append(chosen)
    if use_user_file:
        user_path = user_file if user_file is not None else user_keymap_path()
        if user_path.is_file():
            files.append(user_path)
    keys: dict[str, tuple[str, ...]] = {}
    origin: dict[str, str] = {}
    defaults: dict[str, tuple[str, ...]] = {}
    for path in files:
        for binding_id, (bound, line) in _read_keymap_file(path, problems).items():
            keys[binding_id] = bound
            origin[binding_id] = f"{path}:{line}"
            if path == default_path:
                defaults[binding_id] = bound
    problems.extend(_clashes(keys, origin, files))
    if problems:
        raise KeymapError(problems)
    return ResolvedKeymap(
        name=name, keys=keys, origin=origin, files=tuple(files), defaults=defaults
    )


def _clashes(
    keys: Mapping[str, tuple[str, ...]], origin: Mapping[str, str], files: list[Path]
) -> list[str]:
    order = {str(path): rank for rank, path in enumerate(files)}

    def file_rank(where: str) -> int:
        return order.get(where.rsplit(":", 1)[0], 0)

    problems: list[str] = []
    holders: dict[str, list[Action]] = {}
    for action in ACTIONS:
        for key in keys.get(action.id, ()):
            for other in holders.get(key, []):
                if _scopes_overlap(action.scope, other.scope):
                    # Blame the file read later: that is where the new key came from.
                    where = max(origin[action.id], origin[other.id], key=file_rank)
                    problems.append(
                        f"{where}: {key} is bound to both {other.id} ({origin[other.id]}) "
                        f"and {action.id} ({origin[action.id]})"
                    )
            holders.setdefault(key, []).append(action)
    return problems


def bindings_for(scope: Scope, keymap: ResolvedKeymap) -> list[Binding]:
    """Textual bindings of one scope's actions, with their ids, for a BINDINGS list."""
    bindings: list[Binding] = []
    for action in ACTIONS:
        bound = keymap.keys_for(action.id)
        if action.scope != scope or not bound:
            continue
        bindings.append(
            Binding(
                ",".join(bound),
                action.action,
                action.description,
                show=action.show,
                id=action.id,
                # Keys are never typed characters, so they may win over a focused text
                # field: F4 answers the call even while the ticket form has focus.
                priority=True,
            )
        )
    return bindings


@cache
def default_keymap() -> ResolvedKeymap:
    """default.toml alone: what class-level BINDINGS are built from at import time."""
    return load_keymap(DEFAULT_KEYMAP, use_user_file=False)


def default_bindings(scope: Scope) -> list[Binding]:
    return bindings_for(scope, default_keymap())
