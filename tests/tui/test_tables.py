"""Diffed tables (`ui.tables.sync_rows`): the same picture as a table built afresh."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from agent_tui.ui.tables import sync_rows


class _Tables(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(id="live")
        yield DataTable(id="fresh")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns("Agent", "State")


def _rows(states: dict[str, str]) -> dict[str, tuple[Text, ...]]:
    return {agent: (Text(agent), Text(state)) for agent, state in states.items()}


def _widths(table: DataTable[Any]) -> list[int]:
    return [column.content_width for column in table.ordered_columns]


async def test_a_column_narrows_with_its_widest_cell_as_a_table_built_afresh_would() -> None:
    app = _Tables()
    async with app.run_test() as pilot:
        live, fresh = app.query_one("#live", DataTable), app.query_one("#fresh", DataTable)
        sync_rows(live, _rows({"1001": "示忙 training 培训", "1002": "ready", "1003": "busy"}))
        await pilot.pause()
        wide = _widths(live)
        sync_rows(live, _rows({"1001": "通话 call", "1002": "ready", "1003": "busy"}))
        sync_rows(fresh, _rows({"1001": "通话 call", "1002": "ready", "1003": "busy"}))
        await pilot.pause()
        assert _widths(live) == _widths(fresh) and _widths(live)[1] < wide[1]
        sync_rows(live, _rows({"1001": "通话 call", "1002": "话后 wrap-up ACW", "1003": "busy"}))
        await pilot.pause()
        assert _widths(live)[1] == len("话后 wrap-up ACW") + 2


async def test_rows_follow_a_new_order_and_lose_the_rows_no_longer_given() -> None:
    app = _Tables()
    async with app.run_test() as pilot:
        live = app.query_one("#live", DataTable)
        rows = _rows({"1001": "ready", "1002": "busy", "1003": "ready"})
        sync_rows(live, rows)
        sync_rows(live, {key: rows[key] for key in ("1003", "1001")})  # the same cells
        await pilot.pause()
        assert [row.key.value for row in live.ordered_rows] == ["1003", "1001"]
        assert [str(cell) for cell in live.get_row("1003")] == ["1003", "ready"]
        sync_rows(live, _rows({"1003": "busy", "1001": "ready", "1004": "ready"}))
        await pilot.pause()
        assert [row.key.value for row in live.ordered_rows] == ["1003", "1001", "1004"]
        assert str(live.get_row("1003")[1]) == "busy"


def _lines(table: DataTable[Any]) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_cells_changed_in_place_show_as_a_table_built_afresh_with_the_same_rows() -> None:
    app = _Tables()
    async with app.run_test(size=(40, 12)) as pilot:
        live, fresh = app.query_one("#live", DataTable), app.query_one("#fresh", DataTable)
        states = {f"10{n:02d}": "ready" for n in range(8)}
        sync_rows(live, _rows(states))
        await pilot.pause()
        before = _lines(live)  # rendered, so Textual's caches hold every line
        states |= {"1001": "busy", "1004": "wrap"}  # no wider than "ready": in place
        sync_rows(live, _rows(states))
        sync_rows(fresh, _rows(states))
        await pilot.pause()
        assert _lines(live) == _lines(fresh) != before
        assert "busy" in _lines(live)[2] and "ready" in _lines(live)[3]


def _line_text(table: DataTable[Any], y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y)).rstrip()


async def test_a_widened_column_is_drawn_whole_when_drawn_before_the_table_is_idle() -> None:
    """Textual measures a widened column when the table is next idle; a line drawn before
    that is cached with the old width and kept while nothing changes (a paused board)."""
    app = _Tables()
    async with app.run_test() as pilot:
        live = app.query_one("#live", DataTable)
        sync_rows(live, _rows({"1001": "0:00"}))
        await pilot.pause()
        assert _line_text(live, 1).endswith("0:00")
        sync_rows(live, _rows({"1001": "10:55"}))  # an update: the column widens
        assert _line_text(live, 1).endswith("10:55")  # drawn at once, before idle
        live.clear()
        sync_rows(live, _rows({"1002": "示忙 小休 break"}))  # a board drawn again afresh
        assert _line_text(live, 1).endswith("示忙 小休 break")
        await pilot.pause()
        assert _line_text(live, 1).endswith("示忙 小休 break")
