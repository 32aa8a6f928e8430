"""The calls a trainer sent, as rows: where each one is now, in words, and its history.

Pure functions of the store's `CallTrail`s, for `ui.tables.sync_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from agent_tui.client.state import CallTrail, ClientStore, TrailStep

TRAIL_COLUMNS = ("Call", "Queue", "Caller", "Sent", "Now")

# What each step means for the call, as a trainer says it.
STEP_WORDS: dict[str, tuple[str, str]] = {
    "call.arrived": ("arrived", "dim"),
    "call.queued": ("waiting in the queue", "#e0b860"),
    "call.offered": ("ringing at {agent}", "bold #5fa8d3"),
    "call.offer_timeout": ("not answered by {agent}: back in the queue", "#e0b860"),
    "call.answered": ("talking with {agent}", "bold #8fbf7f"),
    "call.held": ("on hold ({agent})", "#e0b860"),
    "call.retrieved": ("talking with {agent}", "bold #8fbf7f"),
    "call.transferred": ("transferred by {agent}", "#b48ead"),
    "call.conferenced": ("in conference ({agent})", "#b48ead"),
    "call.abandoned": ("the caller hung up waiting", "bold #e06c75"),
    "call.overflowed": ("overflowed: the queue was full", "bold #e06c75"),
    "call.ended": ("ended", "dim"),
    "call.wrapup_completed": ("wrapped up by {agent}", "dim"),
}


def step_text(step: TrailStep | None) -> Text:
    if step is None:
        return Text("sent", style="dim")
    words, style = STEP_WORDS.get(step.event, (step.event, ""))
    return Text(words.format(agent=step.agent_id or "an agent"), style=style)


def trail_rows(store: ClientStore) -> dict[str, tuple[Text, ...]]:
    rows: dict[str, tuple[Text, ...]] = {}
    trails: Iterable[CallTrail] = reversed(list(store.trails.values()))  # newest first
    for trail in trails:
        rows[trail.call_id] = (
            Text(trail.call_id, style="bold"),
            Text(trail.queue_id),
            Text(trail.customer_id or "unknown 未知", style="" if trail.customer_id else "dim"),
            Text(store.centre_time(trail.sent_at)),
            step_text(trail.last),
        )
    return rows
