"""What differs between a snapshot's stored SVG and the screen a test drew, row by row, in
words: a CI log carries no snapshot report, so a mismatch prints this to the test's output.

Rich draws each screen row as text runs (`<text class=… x=… y=…>`) over background
rectangles (`<rect fill=… x=… y=…>`); a row is told by its y. Colours and weight come from
the classes' rules in the SVG's `<style>`, whose names carry a per-picture hash. Blank
runs are often left out, so a row's text is put together by the runs' columns.
"""

from __future__ import annotations

import html
import os
import re
from collections import defaultdict
from pathlib import Path

from rich.cells import cell_len

_TEXT = re.compile(r'<text class="([^"]+)" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)
_RECT = re.compile(r'<rect fill="([^"]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"')
_RULE = re.compile(r"\.(terminal-(?:\d+-)?r\d+) \{([^}]*)\}")  # stored ones lose the hash
_LINE_HEIGHT, _CELL_WIDTH = 24.4, 12.2  # Rich's SVG: one terminal row, one cell


def _row(y: float, first: float) -> int:
    return round((y - first) / _LINE_HEIGHT)


def picture_rows(svg: str) -> list[tuple[str, str]]:
    """Each row as (its text, its colours: background runs and text styles by column)."""
    rules = dict(_RULE.findall(svg))
    text: dict[int, list[tuple[float, str]]] = defaultdict(list)
    colours: dict[int, list[str]] = defaultdict(list)
    for cls, x, y, body in _TEXT.findall(svg):
        row = _row(float(y), 20.0)
        run = html.unescape(re.sub(r"<[^>]+>", "", body))
        text[row].append((float(x), run))
        colours[row].append(f"{x}:{rules.get(cls, cls).strip()}")
    for fill, x, y, width in _RECT.findall(svg):
        colours[_row(float(y), 1.5)].append(f"{x}+{width}:{fill}")
    rows = sorted(set(text) | set(colours))
    return [(_line(text[row]), " ".join(sorted(colours[row]))) for row in rows]


def _line(runs: list[tuple[float, str]]) -> str:
    """The row's text with each run at its column (a CJK character is two cells wide)."""
    line = ""
    for x, run in sorted(runs):
        column = round(x / _CELL_WIDTH)
        line += " " * max(0, column - cell_len(line)) + run.replace("\xa0", " ").rstrip("\n")
    return line.rstrip()


def describe_difference(stored: str, drawn: str) -> list[str]:
    """Lines saying, for each row that differs, what the snapshot has and what was drawn."""
    lines = []
    was, now = picture_rows(stored), picture_rows(drawn)
    if len(was) != len(now):
        lines.append(f"rows: snapshot {len(was)}, drawn {len(now)}")
    for index, ((was_text, was_colours), (now_text, now_colours)) in enumerate(
        zip(was, now, strict=False)
    ):
        if was_text != now_text:
            lines += [f"row {index}:", f"  snapshot {was_text!r}", f"  drawn    {now_text!r}"]
        elif was_colours != now_colours:
            lines.append(f"row {index}: same text, other colours: {now_text!r}")
    return lines


def stored_snapshot() -> Path | None:
    """The SVG syrupy keeps for the running test (pytest names it in the environment)."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    node = current.rsplit(" ", 1)[0]
    if "::" not in node:
        return None
    file, name = node.split("::", 1)
    path = Path(file)
    return path.parent / "__snapshots__" / path.stem / f"{name.split('::')[-1]}.svg"


def print_difference(drawn: str) -> None:
    """Print how the running test's drawing differs from its stored snapshot."""
    path = stored_snapshot()
    if path is None or not path.exists():
        print(f"no stored snapshot to compare with ({path})")
        return
    print(f"picture differs from {path}:")
    for line in describe_difference(path.read_text(encoding="utf8"), drawn):
        print(line)
