"""Placeholders in script text (SC3): `{customer.name}` is a value, `{{` and `}}` are braces.

One tokenizer serves both the validator (which reports malformed and undeclared names)
and the desk (which fills values in and must never crash nor show raw braces).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from server_stub.protocol.script_model import VARIABLE_NAME, VariableSpec

_TOKEN: Final = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
MISSING_OPEN: Final = "‹"
MISSING_CLOSE: Final = "›"


@dataclass(frozen=True)
class Piece:
    """A run of plain text, a placeholder (`name`), or a malformed brace (`malformed`)."""

    text: str
    name: str | None = None
    malformed: bool = False


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
        else:
            yield Piece(token, malformed=True)
        position = match.end()
    if position < len(text):
        yield Piece(text[position:])


def placeholder_names(text: str) -> list[str]:
    return [piece.name for piece in split_placeholders(text) if piece.name is not None]


def missing_marker(name: str) -> str:
    return f"{MISSING_OPEN}{name}{MISSING_CLOSE}"


def fill_placeholders(
    text: str, values: Mapping[str, str], variables: Mapping[str, VariableSpec]
) -> str:
    """Put values in: a known value, else the variable's fallback, else a visible marker.

    An empty value counts as missing (an unknown caller has no name). A malformed brace
    is left as written; the validator has already reported it.
    """
    parts: list[str] = []
    for piece in split_placeholders(text):
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
