"""The state bar: who, in what state for how long, what comes next, the queues, the link.

Two lines. Line one is the agent: name, state with reason, time in state, the pending
next state, the wrap-up countdown. Line two is the world: waiting calls and the longest
wait in the agent's queues, unread messages, the connection. Times are computed from
`ClientStore.sim_now()` on every tick, so a frozen clock gives a stable picture.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from agent_tui.client.state import ClientStore
from agent_tui.ui.header import connection_text
from agent_tui.ui.labels import STATE_LABELS, STATE_STYLES, clock_face, code_label, state_label


def agent_line(state: ClientStore, ring_left_s: float | None = None) -> Text:
    """`ring_left_s`: while a call rings, how long until it goes back to the queue."""
    line = Text()
    name = state.agent_name or state.agent_id or "—"
    line.append(f"{name}", style="bold")
    if state.agent_id and state.agent_id not in name:
        line.append(f" ({state.agent_id})", style="dim")
    line.append("  ")
    label = state_label(state.state, state.reason, state.leg, state.direction)
    line.append(f" {label} ", style=STATE_STYLES.get(state.state, "bold reverse"))
    line.append(f" {clock_face(state.seconds_in_state())}", style="bold")
    if ring_left_s is not None and state.state == "reserved":
        line.append("  answer within ", style="dim")
        line.append(f"{max(0.0, ring_left_s):.0f} s", style="bold #e06c75 reverse")
    if state.state == "busy" and state.direction == "outbound":
        line.append("  outbound 呼出", style="#5fa8d3")
    on_call = state.call_seconds()
    if on_call is not None:
        line.append("  call 通话 ", style="dim")
        line.append(clock_face(on_call), style="bold")
    if state.pending is not None:
        pending = STATE_LABELS.get(state.pending.state, state.pending.state)
        if state.pending.reason:
            pending = f"{pending} ({code_label(state.pending.reason)})"
        line.append("  next ▸ ", style="dim")
        line.append(pending, style="italic #e0b860")
    return line


def wrapup_text(state: ClientStore) -> Text | None:
    remaining = state.wrapup_remaining()
    if state.state != "wrap_up" or remaining is None:
        return None
    style = "bold #e06c75" if remaining < 15 else "bold #d08770"
    return Text(f"wrap-up {clock_face(max(0.0, remaining))} left", style=style)


def queues_text(state: ClientStore) -> Text:
    line = Text()
    if not state.queues:
        line.append("queues: —", style="dim")
        return line
    waiting = sum(stats.waiting for stats in state.queues.values())
    longest_queue, longest = max(
        ((queue_id, stats.longest_wait_s) for queue_id, stats in state.queues.items()),
        key=lambda pair: pair[1],
    )
    line.append("waiting ", style="dim")
    line.append(str(waiting), style="bold #e06c75" if waiting else "bold")
    line.append("  longest ", style="dim")
    line.append(clock_face(longest), style="bold #e0b860" if longest >= 20 else "bold")
    if waiting and longest > 0:
        line.append(f" ({longest_queue})", style="dim")
    return line


def world_line(state: ClientStore, *, show_queue_detail: bool) -> Text:
    line = Text()
    countdown = wrapup_text(state)
    if countdown is not None:
        line.append_text(countdown)
        line.append("  │  ", style="dim")
    line.append_text(queues_text(state))
    if show_queue_detail and state.queues:
        line.append("  │ ", style="dim")
        for queue_id, stats in sorted(state.queues.items()):
            line.append(f" {queue_id} ", style="dim")
            line.append(f"{stats.waiting}", style="bold" if stats.waiting else "dim")
    unread = state.unread_messages()
    if unread:
        line.append("  │  ", style="dim")
        line.append(f"✉ {unread} new", style="bold #e0b860")
    return line


class StateBar(Static):
    """The top of the desk; `show(state)` redraws it (cheap: two lines of text)."""

    DEFAULT_CSS = """
    StateBar {
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    """

    def show(self, state: ClientStore, ring_left_s: float | None = None) -> None:
        wide = self.size.width >= 110
        top = Table.grid(expand=True, padding=(0, 1))
        # One line each, whatever the width: the bar must never push the world line off.
        top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        top.add_column(justify="right", no_wrap=True)
        top.add_row(agent_line(state, ring_left_s), connection_text(state.connection))
        world = world_line(state, show_queue_detail=wide)
        world.no_wrap = True
        world.overflow = "ellipsis"
        # Two lines whatever the text: no layout pass (this runs several times a second).
        self.update(Group(top, world), layout=False)
