"""The desk at 80×24 (issue 9 defect 15): what wraps keeps its parts whole, and its
hanging indent (the banner's key hint, the card's IVR trail)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from desk_fixtures import render_text, ringing_call
from live_helpers import until
from rich.console import Console
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot

from agent_tui.client.state import CallInfo, DeskMessage
from agent_tui.ui.desk_view import card_renderable
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.message_banner import banner_renderable


def test_the_banners_key_hint_never_breaks_between_the_key_and_its_word() -> None:
    unread = [
        DeskMessage(at=0.0, sender="s100", text="海淀区光缆中断,请使用统一口径 / Fibre cut"),
        DeskMessage(
            at=1.0,
            sender="s100",
            text="请各位在10点前完成培训签到 / Sign in for training by 10:00, early shift too",
        ),
    ]
    console = Console(width=78, color_system=None)  # 80 columns less the banner's padding
    with console.capture() as drawn:
        console.print(banner_renderable(unread, "Alt+M"))
    lines = drawn.get().splitlines()
    assert len(lines) > 1  # the message wraps…
    assert lines[0].rstrip().endswith("(+1 more)  Alt+M log")  # …the hint stays whole
    assert all(not line.rstrip().endswith("Alt+M") for line in lines)
    assert "early shift too" in " ".join(lines)  # nothing of the message is lost


def _ivr_call(ivr_path: tuple[object, ...]) -> CallInfo:
    return replace(ringing_call(), ivr_path=ivr_path)


IVR_PATH = (["main", "1"], ["enquiry_menu", "0"], ["故障报修菜单", "2"])
CARD_TEXT_80 = 28  # the card's text at 80×24: 34 columns less border, padding, scroll bar


def test_a_wrapped_ivr_trail_keeps_each_step_whole_under_the_value_column() -> None:
    drawn = render_text(card_renderable(_ivr_call(IVR_PATH), verified=False), CARD_TEXT_80)
    lines = drawn.splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("IVR"))
    column = lines[first].index("main")
    trail = [lines[first][column:].rstrip()]
    for line in lines[first + 1 :]:
        if line[:column].strip():  # the next field's label: the trail is over
            break
        trail.append(line[column:].rstrip())
    assert len(trail) > 1  # it wraps at this width…
    assert trail == ["main 1 ›", "enquiry_menu 0 ›", "故障报修菜单 2"]  # …between steps only


def test_an_ivr_trail_that_fits_stays_on_one_line() -> None:
    drawn = render_text(card_renderable(_ivr_call(IVR_PATH[:2]), verified=False), 60)
    assert "IVR      main 1 › enquiry_menu 0" in drawn


class CardAtDeskWidth(App[None]):
    """The caller's card as wide as the desk gives it (34 columns at 80×24, 52 wide)."""

    CSS = "#left { width: 34; height: 1fr; } CustomerCard { height: 1fr; }"

    def __init__(self, wide: bool) -> None:
        super().__init__()
        self.wide = wide

    def compose(self) -> ComposeResult:
        with Vertical(id="left"):
            yield CustomerCard(id="card")

    def on_mount(self) -> None:
        if self.wide:
            self.query_one("#left").styles.width = 52
        self.query_one(CustomerCard).show_call(_ivr_call(IVR_PATH))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_card_with_a_long_ivr_trail(snap_compare: Any, size: tuple[int, int]) -> None:
    app = CardAtDeskWidth(wide=size[0] >= 110)

    async def run_before(pilot: Pilot[Any]) -> None:
        card = app.query_one(CustomerCard)
        await until(lambda: bool(card.rendered_at), pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
