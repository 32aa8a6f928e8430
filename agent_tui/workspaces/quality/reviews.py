"""Wrapped-up calls as an evaluator reads them: a row each, and the whole of one.

Pure functions of the store's `WrappedCall`s, tested as text.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from agent_tui.client.state import ClientStore, WrappedCall
from agent_tui.ui.tickets import ticket_line

REVIEW_COLUMNS = ("Time", "Call", "Agent", "Queue", "Code", "Notes")
NOTES_PREVIEW = 24  # the whole notes are in the call's details
AUTOMATIC_CODE = "auto"  # the server's code when the wrap-up timer ran out


def review_rows(store: ClientStore) -> dict[str, tuple[Text, ...]]:
    rows: dict[str, tuple[Text, ...]] = {}
    for review in reversed(store.reviews):  # newest first
        notes = review.notes.replace("\n", " ")
        if len(notes) > NOTES_PREVIEW:
            notes = notes[: NOTES_PREVIEW - 1] + "…"
        code_style = "bold #e06c75" if review.code == AUTOMATIC_CODE else "#8fbcbb"
        rows[review.call_id] = (
            Text(store.centre_time(review.at)),
            Text(review.call_id, style="bold"),
            Text(review.agent_id or "—"),
            Text(review.queue_id or "—"),
            Text(review.code, style=code_style),
            Text(notes or "—", style="" if notes else "dim"),
        )
    return rows


def script_path_text(path: tuple[tuple[str, str], ...]) -> Text:
    if not path:
        return Text("no script steps recorded", style="dim")
    return Text(" › ".join(f"{step} {key}" for step, key in path))


def review_block(review: WrappedCall, store: ClientStore) -> RenderableType:
    """One call, everything the log has on it."""
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row("Call", review.call_id)
    fields.add_row("Wrapped up", store.centre_time(review.at))
    fields.add_row("Agent", review.agent_id or "—")
    fields.add_row("Queue", review.queue_id or "—")
    fields.add_row("Code", review.code)
    fields.add_row("Script", script_path_text(review.script_path))
    parts: list[RenderableType] = [fields]
    parts.append(Text("Notes 备注", style="bold #5fa8d3"))
    parts.append(Text(review.notes) if review.notes else Text("none", style="dim"))
    parts.append(Text(f"Tickets on this call 工单 ({len(review.tickets)})", style="bold #5fa8d3"))
    parts.extend(ticket_line(ticket) for ticket in review.tickets)
    return Group(*parts)
