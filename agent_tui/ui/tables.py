"""Live tables that are diffed, not rebuilt: only the cells that changed are touched.

`sync_rows(table, rows)` makes a DataTable show `rows` (row key → cells, in column order):
rows no longer there are removed, changed cells updated, new rows added, in one batch;
only when a new row belongs elsewhere than at the end is the table laid out again.
Rebuilding a table several times a second makes it flicker and loses the cursor; this
keeps the highlighted row where it was (the supervisor's boards refresh all the time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType
from textual.coordinate import Coordinate
from textual.widgets import DataTable


def sync_rows(table: DataTable[Any], rows: Mapping[str, Sequence[RenderableType]]) -> bool:
    """Bring the table to `rows`; True when anything changed."""
    changed = False
    columns = [column.key for column in table.ordered_columns]
    with table.app.batch_update():
        for stale in [key for key in table.rows if key.value not in rows]:
            table.remove_row(stale)
            changed = True
        for key, cells in rows.items():
            if key not in table.rows:
                table.add_row(*cells, key=key)
                changed = True
                continue
            for column, old, new in zip(columns, table.get_row(key), cells, strict=True):
                if old != new:
                    # A longer state or count widens its column, as a new row would.
                    table.update_cell(key, column, new, update_width=True)
                    changed = True
        # A new sort changes the order alone: compare it even when no cell changed.
        if [row.key.value for row in table.ordered_rows] != list(rows):
            _reorder(table, rows)
            changed = True
    return changed


def _reorder(table: DataTable[Any], rows: Mapping[str, Sequence[RenderableType]]) -> None:
    """Rows came in out of place (a new call on top): lay the table out again, rarely,
    keeping the highlighted row."""
    highlighted = highlighted_key(table)
    table.clear()
    for key, cells in rows.items():
        table.add_row(*cells, key=key)
    if highlighted is not None and highlighted in rows:
        table.move_cursor(row=table.get_row_index(highlighted))


def highlighted_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count or table.cursor_row is None:
        return None
    return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
