"""The words a snapshot mismatch prints in a CI log: which rows differ, and how."""

from __future__ import annotations

from pathlib import Path

from picture_diff import describe_difference, picture_rows

SNAPSHOTS = Path(__file__).parent / "backoffice/__snapshots__/test_back_office"
STORED = SNAPSHOTS / "test_back_office_with_a_ticket_in_progress[80x24].svg"


def test_a_picture_is_read_back_as_the_rows_a_user_sees() -> None:
    rows = [text for text, _ in picture_rows(STORED.read_text(encoding="utf8"))]
    assert len(rows) == 24
    assert rows[5].startswith(" T000002  急   4:00:00    光纤中断 …    │ State")


def test_only_the_rows_that_differ_are_named() -> None:
    stored = STORED.read_text(encoding="utf8")
    assert describe_difference(stored, stored) == []
    other_text = stored.replace("T000001", "T000009")
    row = " {}  中   1:00:00    光纤中断 …    │ Priority   紧急 Urgent               │"
    assert describe_difference(stored, other_text) == [
        "row 6:",
        f"  snapshot {row.format('T000001')!r}",
        f"  drawn    {row.format('T000009')!r}",
    ]
    other_colour = stored.replace('fill="#5fa8d3"', 'fill="#123456"', 1)
    [line] = describe_difference(stored, other_colour)
    assert line.startswith("row 5: same text, other colours")
