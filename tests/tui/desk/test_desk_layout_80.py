"""The desk at 80×24 (issue 9 defect 15): what wraps keeps its parts whole."""

from __future__ import annotations

from rich.console import Console

from agent_tui.client.state import DeskMessage
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
