"""Which keys a terminal can deliver to the app as themselves, and why not the others.

A key press reaches a terminal program as bytes, and the program's parser turns them
back into a key name. Not every key survives the trip: `ctrl+shift+x` sends the same
byte as `ctrl+x`; `alt+b` and `alt+f` send ESC b and ESC f, which Textual reads as
ctrl+left and ctrl+right (the word-motion keys of macOS terminals); `alt+1` arrives as
a typographic character; `ctrl+3` is ESC. `delivery_problem(key)` encodes the key the
way xterm (and tmux, and most emulators without the kitty keyboard protocol) send it,
feeds the bytes to Textual's own parser, and says why when what comes out is not the
key that went in. A keymap that binds such a key is refused with file, line and reason.
"""

from __future__ import annotations

from functools import cache
from typing import Final

# Textual's own byte-to-key parser and escape-sequence table: the truth about what the
# app will see (private modules of the pinned Textual; tests/tui/test_keymap.py pins the
# cases that matter, so a Textual upgrade that changes them shows up there).
from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.keys import key_to_character

ESC: Final = "\x1b"
# xterm's modifier parameter: 1 + shift(1) + alt(2) + ctrl(4).
_MODIFIER_BITS: Final = {"shift": 1, "alt": 2, "ctrl": 4}
# Keys sent as SS3 <letter> (CSI 1;<mods> <letter> with modifiers): F1–F4, arrows, home, end.
_LETTER_KEYS: Final = {
    "f1": "P", "f2": "Q", "f3": "R", "f4": "S",
    "up": "A", "down": "B", "right": "C", "left": "D", "home": "H", "end": "F",
}  # fmt: skip
_SS3_LETTER_KEYS: Final = frozenset({"f1", "f2", "f3", "f4"})  # the others: CSI <letter>
# Keys sent as CSI <code> ~ (CSI <code>;<mods> ~ with modifiers): F5–F12, the edit keys.
_TILDE_KEYS: Final = {
    "f5": 15, "f6": 17, "f7": 18, "f8": 19, "f9": 20, "f10": 21, "f11": 23, "f12": 24,
    "insert": 2, "delete": 3, "pageup": 5, "pagedown": 6,
}  # fmt: skip
# Escape sequences that begin with ESC + one character: ESC O (SS3) and ESC [ (CSI).
_SEQUENCE_STARTS: Final = frozenset(
    sequence[:2]
    for sequence in ANSI_SEQUENCES_KEYS
    if sequence.startswith(ESC) and len(sequence) > 2
)


def encode(key: str) -> str | None:
    """The bytes a legacy (non-kitty) terminal sends for `key`, or None if it sends none."""
    *modifiers, base = key.split("+")
    mods = set(modifiers)
    if mods - set(_MODIFIER_BITS):
        return None  # super, hyper, meta: not sent to programs without the kitty protocol
    parameter = 1 + sum(_MODIFIER_BITS[m] for m in mods)
    if base in _LETTER_KEYS:
        letter = _LETTER_KEYS[base]
        if parameter > 1:
            return f"{ESC}[1;{parameter}{letter}"
        return f"{ESC}{'O' if base in _SS3_LETTER_KEYS else '['}{letter}"
    if base in _TILDE_KEYS:
        code = _TILDE_KEYS[base]
        return f"{ESC}[{code}~" if parameter == 1 else f"{ESC}[{code};{parameter}~"
    if len(base) > 1:
        base = key_to_character(base) or base  # left_square_bracket → [
    if len(base) != 1 or not base.isascii() or not base.isprintable():
        return None
    character = base.upper() if "shift" in mods and base.isalpha() else base
    if "ctrl" in mods:
        if not base.isalpha():
            return None  # ctrl+digit, ctrl+punctuation: no byte of their own
        character = chr(ord(base.lower()) - 96)
    return (ESC if "alt" in mods else "") + character


@cache
def parse(sequence: str) -> tuple[str, ...]:
    """The key names Textual reads from `sequence` (what the app would receive)."""
    parser = XTermParser()
    messages = [*parser.feed(sequence), *parser.feed("")]
    return tuple(message.key for message in messages if isinstance(message, events.Key))


def delivery_problem(key: str) -> str | None:
    """Why a terminal cannot deliver `key` (a normalized Textual key name, such as
    `alt+left_square_bracket`) distinctly; None when it arrives as itself."""
    *modifiers, base = key.split("+")
    if set(modifiers) & {"super", "hyper", "meta"}:
        return f"{key!r} needs the kitty keyboard protocol: plain terminals never send it"
    if base.startswith("f") and base[1:].isdigit() and int(base[1:]) > 12:
        return f"{key!r}: keyboards stop at F12, and xterm sends shift+F1… for F13 and above"
    sequence = encode(key)
    if sequence is None:
        return f"{key!r}: a terminal sends no distinct bytes for it (without the kitty protocol)"
    if sequence in _SEQUENCE_STARTS:
        return f"{key!r} sends {_shown(sequence)}, which starts other keys' escape sequences"
    received = parse(sequence)
    if received == (key,):
        return None
    if not received:
        return f"{key!r} sends {_shown(sequence)}, which Textual ignores"
    arrives = " then ".join(received)
    return f"{key!r} sends {_shown(sequence)}, which Textual reads as {arrives}"


def _shown(sequence: str) -> str:
    """ESC b, ^R: the bytes as people write them."""
    return " ".join(
        "ESC" if c == ESC else f"^{chr(ord(c) + 64)}" if ord(c) < 32 else c for c in sequence
    )
