"""The words a snapshot mismatch prints in a CI log: which rows differ, and how. Pictures
are made as Textual makes its screenshots (Rich's SVG export of a recorded console)."""

from __future__ import annotations

from picture_diff import describe_difference, picture_rows
from rich.console import Console
from rich.text import Text

ROWS = [
    (" T000002  急   4:00:00    光纤中断 …", "bold white on #5fa8d3"),
    (" T000001  中   1:00:00    光纤中断 …", "white on #2e3440"),
    (" F2  Find a ticket  F3  Pull next", "#c5c8c6"),
]


def _picture(rows: list[tuple[str, str]]) -> str:
    console = Console(record=True, width=48, force_terminal=True, color_system="truecolor")
    for text, style in rows:
        console.print(Text(text, style=style))
    svg: str = console.export_svg(title="test")
    return svg


def test_a_picture_is_read_back_as_the_rows_a_user_sees() -> None:
    rows = [text for text, _ in picture_rows(_picture(ROWS))]
    assert rows == [text for text, _ in ROWS]


def test_only_the_rows_that_differ_are_named() -> None:
    stored = _picture(ROWS)
    assert describe_difference(stored, _picture(ROWS)) == []
    other_text = [ROWS[0], (ROWS[1][0].replace("T000001", "T000009"), ROWS[1][1]), ROWS[2]]
    assert describe_difference(stored, _picture(other_text)) == [
        "row 1:",
        f"  snapshot {ROWS[1][0]!r}",
        f"  drawn    {other_text[1][0]!r}",
    ]
    cursor_moved = [(ROWS[0][0], ROWS[1][1]), (ROWS[1][0], ROWS[0][1]), ROWS[2]]
    assert describe_difference(stored, _picture(cursor_moved)) == [
        f"row 0: same text, other colours: {ROWS[0][0]!r}",
        f"row 1: same text, other colours: {ROWS[1][0]!r}",
    ]
