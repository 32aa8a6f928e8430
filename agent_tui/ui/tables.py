"""Live tables that are diffed, not rebuilt: only the cells that changed are touched.

`sync_rows(table, rows)` makes a DataTable show `rows` (row key → cells, in column order):
rows no longer there are removed, changed cells updated, new rows added, in one batch;
only when a new row belongs elsewhere than at the end is the table laid out again.
Rebuilding a table several times a second makes it flicker and loses the cursor; this
keeps the highlighted row where it was (the supervisor's boards refresh all the time).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from rich.console import RenderableType
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import Column, ColumnKey, RowKey


class _Widths:
    """How wide each cell of one column is (text cells, by their length in cells), so that
    the column's width can follow its widest cell without measuring the column again."""

    __slots__ = ("exact", "keys", "of")

    def __init__(self) -> None:
        self.keys: dict[int, set[str]] = {}  # width → the rows whose cell is that wide
        self.of: dict[str, int] = {}
        self.exact = True  # False once a cell is not one-line text: Textual measures then

    def put(self, key: str, cell: RenderableType) -> int | None:
        """Record the row's new cell; its width (None when only Textual can tell)."""
        self.drop(key)
        if not isinstance(cell, Text) or "\n" in cell.plain:
            self.exact = False
            return None
        width = cell.cell_len
        self.of[key] = width
        self.keys.setdefault(width, set()).add(key)
        return width

    def drop(self, key: str) -> None:
        width = self.of.pop(key, None)
        if width is not None:
            keys = self.keys[width]
            keys.discard(key)
            if not keys:
                del self.keys[width]

    def widest(self) -> tuple[int, str] | None:
        if not self.keys:
            return None
        width = max(self.keys)
        return width, next(iter(self.keys[width]))


class _Synced:
    """What `sync_rows` last put in a table: each row's cells (the very sequence it was
    given), the rows' order and the cells' widths. A board that hands back the same
    sequence for a row that did not change is then not compared cell by cell, its order
    is not read back from the table (which rebuilds it after every cell update), and a
    cell that narrows does not make Textual measure its whole column again: 2,000 rows, a
    few changed, a column of ticking clocks."""

    __slots__ = ("cells", "order", "widths")

    def __init__(self, table: DataTable[Any]) -> None:
        self.order: list[str] = [row.key.value or "" for row in table.ordered_rows]
        self.widths = [_Widths() for _ in table.ordered_columns]
        self.cells: dict[str, Sequence[RenderableType]] = {}
        for key in self.order:
            self.cells[key] = cells = table.get_row(key)
            self.put(key, cells)

    def put(self, key: str, cells: Sequence[RenderableType]) -> None:
        for widths, cell in zip(self.widths, cells, strict=False):
            widths.put(key, cell)

    def drop(self, key: str) -> None:
        self.cells.pop(key, None)
        for widths in self.widths:
            widths.drop(key)


_SYNCED: WeakKeyDictionary[DataTable[Any], _Synced] = WeakKeyDictionary()


def sync_rows(table: DataTable[Any], rows: Mapping[str, Sequence[RenderableType]]) -> bool:
    """Bring the table to `rows`; True when anything changed."""
    changed = False
    columns = table.ordered_columns
    synced = _SYNCED.get(table)
    if synced is None or len(synced.order) != table.row_count or len(synced.widths) != len(columns):
        synced = _SYNCED[table] = _Synced(table)  # new, or changed behind our back
    last_cells = synced.cells
    kept = synced.order
    added: list[str] = []
    narrowed: set[int] = set()
    quiet: dict[str, set[ColumnKey]] = {}  # cells changed in place, at their width
    with table.app.batch_update():
        if len(rows) != len(kept) or any(key not in rows for key in kept):
            for stale in [key for key in table.rows if key.value not in rows]:
                table.remove_row(stale)
                synced.drop(stale.value or "")
                changed = True
            kept = [key for key in kept if key in rows]
        for key, cells in rows.items():
            if last_cells.get(key) is cells:
                continue  # the very cells drawn last time
            last_cells[key] = cells
            if key not in table.rows:
                table.add_row(*cells, key=key)
                synced.put(key, cells)
                for column, widths in zip(columns, synced.widths, strict=False):
                    _widen(column, widths.of.get(key))
                added.append(key)
                changed = True
                continue
            data = table._data[RowKey(key)]
            for index, (column, old, new) in enumerate(
                zip(columns, table.get_row(key), cells, strict=True)
            ):
                if old is not new and old != new:  # a cached cell is the same object
                    widths = synced.widths[index]
                    was = widths.of.get(key)
                    width = widths.put(key, new)
                    # A longer state or count widens its column, as a new row would.
                    grows = width is None or not widths.exact or width > column.content_width
                    if grows:
                        table.update_cell(key, column.key, new, update_width=True)
                        _widen(column, width)
                    else:
                        data[column.key] = new
                        quiet.setdefault(key, set()).add(column.key)
                    if not grows and was == column.content_width and width != was:
                        narrowed.add(index)
                    changed = True
        if quiet:
            _repaint_rows(table, quiet)
        for index in narrowed:
            _narrow(table, columns[index], synced.widths[index])
        # A new sort changes the order alone: compare it even when no cell changed.
        order = list(rows)
        if kept + added != order:
            _reorder(table, rows)
            changed = True
        synced.order = order
    return changed


def _widen(column: Column, width: int | None) -> None:
    """A cell as wide as `width` went in: the column is that wide from now on. Textual
    measures it only when the table is next idle, and a frame drawn before then is cached
    under the table's update count with the old width, kept until the next change: seen as
    "10:5" for 10:55 on a board that had stopped changing."""
    if width is not None and width > column.content_width:
        column.content_width = width


def _narrow(table: DataTable[Any], column: Column, widths: _Widths) -> None:
    """The column's widest cell narrowed: the column follows its widest cell now (or its
    label), as Textual would after measuring every cell of it."""
    widest = widths.widest()
    label_width = column.label.cell_len
    width = max(label_width, widest[0]) if widest is not None else label_width
    if width >= column.content_width:
        return
    column.content_width = width
    if widest is not None:
        # Textual lays the table out again after measuring one cell as wide as its column.
        key = widest[1]
        table.update_cell(key, column.key, table.get_cell(key, column.key), update_width=True)


def _repaint_rows(table: DataTable[Any], cells: Mapping[str, set[ColumnKey]]) -> None:
    """`cells` (row key → columns) were put in place (`_data`): forget what Textual
    rendered of those cells and their lines alone and repaint those lines. `update_cell`
    counts every change as a change of the whole table (its render caches are keyed by
    one update count), so at 2,000 rows each event re-rendered every visible cell:
    measured as 30% of the monitor's time. (Textual is pinned; `tests/tui/test_tables.py`
    checks the picture against a table built afresh.)"""
    header = table.header_height if table.show_header else 0
    locations = table._row_locations
    found = (locations.get(RowKey(key)) for key in cells)
    indexes = {index for index in found if index is not None}
    lines = {header + index for index in indexes}
    changed = {(RowKey(key), column) for key, columns in cells.items() for column in columns}
    _forget(table._cell_render_cache, changed, 2)  # keyed by row key and column first
    _forget(table._row_render_cache, cells, 1)  # by the row key first
    _forget(table._line_cache, lines, 1)  # by the line first
    count = table._update_count
    for index in indexes:
        table._row_renderable_cache.discard((count, index))
    width = max(table.size.width, table.virtual_size.width)
    scroll_y = table.scroll_offset.y
    for line in lines:
        # Below the header the table scrolls: a line's place on screen is less its scroll.
        table.refresh(Region(0, line - scroll_y, width, 1))


def _forget(cache: LRUCache[Any, Any], first_in: Container[object], parts: int) -> None:
    """Drop the entries whose key begins (its first `parts`) with one of `first_in`."""
    cached = cache.keys()  # an LRUCache: no iteration of its own
    if parts == 1:
        dropped = [k for k in cached if k[0] in first_in]
    else:
        dropped = [k for k in cached if k[:parts] in first_in]
    for cache_key in dropped:
        cache.discard(cache_key)


def _reorder(table: DataTable[Any], rows: Mapping[str, Sequence[RenderableType]]) -> None:
    """Rows came in out of place (a new call on top, a new sort, an agent whose state
    moved it): put them in the new order as `DataTable.sort` does, without removing and
    adding 2,000 rows, keeping the highlighted row."""
    highlighted = highlighted_key(table)
    table._row_locations = TwoWayDict({RowKey(key): index for index, key in enumerate(rows)})
    table._update_count += 1
    table.refresh()
    if highlighted is not None and highlighted in rows:
        table.move_cursor(row=table.get_row_index(highlighted))


def rows_on_screen(table: DataTable[Any]) -> range:
    """The positions of the rows the table shows now, and a screenful either side (a page
    key away), for boards that bring only those up to date between their changes."""
    top = int(table.scroll_y)
    height = max(table.size.height, 1)
    return range(max(0, top - height), top + 2 * height)


def cursor_to(table: DataTable[Any], key: str) -> None:
    """Put the cursor on the row `key` (when the table has it), so the row highlighted and
    the thing shown beside the table are the same one."""
    if key in table.rows:
        index = table.get_row_index(key)
        if table.cursor_row != index:
            table.move_cursor(row=index)


def highlighted_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count or table.cursor_row is None:
        return None
    return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
