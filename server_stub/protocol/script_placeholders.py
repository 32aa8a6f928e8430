"""Placeholders in script text (SC3): `{customer.name}` is a value, `{{` and `}}` are braces.

`{key:call.transfer}` names the key of a desk action (a binding id of the desk's action
table): the desk fills in the key the agent's keymap binds to it (`F6`, or `Alt+T` under
the tmux keymap), so a script never names a key that the agent does not have.

One tokenizer serves both the validator (which reports malformed and undeclared names,
and unknown action ids when it is given the desk's) and the desk (which fills values in
and must never crash nor show raw braces).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from server_stub.protocol.script_model import VARIABLE_NAME, VariableSpec

_TOKEN: Final = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
MISSING_OPEN: Final = "‹"
MISSING_CLOSE: Final = "›"
KEY_PREFIX: Final = "key:"


@dataclass(frozen=True)
class Piece:
    """A run of plain text, a placeholder (`name`), a desk key (`key_action`: the binding
    id in `{key:<id>}`), or a malformed brace (`malformed`)."""

    text: str
    name: str | None = None
    malformed: bool = False
    key_action: str | None = None


def split_placeholders(text: str) -> Iterator[Piece]:
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            yield Piece(text[position : match.start()])
        token = match.group(0)
        inner = match.group(1)
        if token in ("{{", "}}"):
            yield Piece(token[0])
        elif inner is not None and VARIABLE_NAME.fullmatch(inner):
            yield Piece(token, name=inner)
        elif (
            inner is not None
            and inner.startswith(KEY_PREFIX)
            and VARIABLE_NAME.fullmatch(inner[len(KEY_PREFIX) :])
        ):
            yield Piece(token, key_action=inner[len(KEY_PREFIX) :])
        else:
            yield Piece(token, malformed=True)
        position = match.end()
    if position < len(text):
        yield Piece(text[position:])


def placeholder_names(text: str) -> list[str]:
    return [piece.name for piece in split_placeholders(text) if piece.name is not None]


def key_actions(text: str) -> list[str]:
    """The binding ids of the `{key:<id>}` placeholders in `text`, in order."""
    return [piece.key_action for piece in split_placeholders(text) if piece.key_action]


def missing_marker(name: str) -> str:
    return f"{MISSING_OPEN}{name}{MISSING_CLOSE}"


def fill_placeholders(
    text: str,
    values: Mapping[str, str],
    variables: Mapping[str, VariableSpec],
    key_names: Callable[[str], str] | None = None,
) -> str:
    """Put values in: a known value, else the variable's fallback, else a visible marker;
    and for `{key:<id>}` the key `key_names(<id>)` gives (a visible marker without it).

    An empty value counts as missing (an unknown caller has no name). A malformed brace
    is left as written; the validator has already reported it.
    """
    parts: list[str] = []
    for piece in split_placeholders(text):
        if piece.key_action is not None:
            named = key_names(piece.key_action) if key_names is not None else ""
            parts.append(named or missing_marker(piece.key_action))
            continue
        if piece.name is None:
            parts.append(piece.text)
            continue
        value = values.get(piece.name)
        if value:
            parts.append(str(value))
            continue
        spec = variables.get(piece.name)
        if spec is not None and spec.fallback is not None:
            parts.append(spec.fallback)
        else:
            parts.append(missing_marker(piece.name))
    return "".join(parts)
