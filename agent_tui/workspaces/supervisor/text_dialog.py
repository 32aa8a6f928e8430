"""One line of text for the monitor: the agents board's filter, a whisper, a broadcast."""

from __future__ import annotations

from agent_tui.ui.text_dialog import TextDialog

__all__ = ["TextDialog", "filter_dialog"]

FILTER_HINT = "state: team: queue: and words of the id or name · Enter applies · Esc cancels"


def filter_dialog(current: str) -> TextDialog:
    return TextDialog(
        "Filter agents 筛选坐席",
        value=current,
        placeholder="state:busy team:A queue:vip 王",
        hint=FILTER_HINT,
    )
