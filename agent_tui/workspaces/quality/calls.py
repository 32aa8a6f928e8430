"""The calls an evaluator samples, and one call's timeline and transcript, as text.

Pure functions of the quality API's models (`SampleResult`, `CallTimeline`), tested as
text; the screen only puts them on a table and in the detail panel.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from server_stub.protocol.quality_api import CallSample, CallTimeline, SampleResult

SAMPLE_COLUMNS = ("Answered", "Call", "Agent", "Queue", "Code", "Talk", "QA")
SPEAKER_STYLES = {"agent": "bold #5fa8d3", "caller": "bold #e0b860", "system": "dim"}
SPEAKER_LABELS = {"agent": "座席", "caller": "客户", "system": ""}


def sample_rows(result: SampleResult) -> dict[str, tuple[Text, ...]]:
    return {call.call_id: sample_row(call) for call in result.calls}


def sample_row(call: CallSample) -> tuple[Text, ...]:
    talk = f"{call.talk_s:.0f}s" if call.talk_s is not None else "—"
    done = Text(f"✔{call.evaluations}", style="#8fbf7f") if call.evaluations else Text("—")
    return (
        Text(call.clock),
        Text(call.call_id, style="bold"),
        Text(call.agent_id or "—"),
        Text(call.queue_id or "—"),
        Text(call.wrapup_code or "—", style="#8fbcbb"),
        Text(talk, justify="right"),
        done,
    )


def quota_text(result: SampleResult) -> Text:
    """`Quota 2026-11: 1001 1/4 · 1002 0/4` (confirmed evaluations of the agent's month)."""
    line = Text(f"Quota 配额 {result.month}: ", style="dim")
    if not result.quota:
        line.append("no calls answered this month", style="dim")
    for index, quota in enumerate(result.quota):
        if index:
            line.append(" · ", style="dim")
        style = "#8fbf7f" if quota.missing == 0 else ""
        line.append(f"{quota.agent_id} {quota.done}/{quota.quota}", style=style)
    return line


def timeline_block(call: CallTimeline) -> RenderableType:
    """The transcript first (what was said), then every event of the call."""
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")
    facts.add_row("Agent", f"{call.agent_id or '—'} · {call.queue_id or '—'} · {call.call_date}")
    facts.add_row("Script", call.script or "—")
    facts.add_row("Notes", call.notes or "—")
    if call.tickets:
        facts.add_row("Tickets", ", ".join(call.tickets))
    said = Table.grid(padding=(0, 1))
    said.add_column(no_wrap=True)
    said.add_column(overflow="fold")
    for line in call.transcript:
        who = Text(SPEAKER_LABELS[line.speaker], style=SPEAKER_STYLES[line.speaker])
        said.add_row(who, Text(line.text, style="dim" if line.speaker == "system" else ""))
    events = Table.grid(padding=(0, 1))
    events.add_column(style="dim", no_wrap=True)
    events.add_column(overflow="fold")
    for entry in call.entries:
        events.add_row(entry.clock, entry.text)
    return Group(
        facts,
        Text("Transcript 通话记录", style="bold #5fa8d3"),
        said,
        Text("Timeline 事件", style="bold #5fa8d3"),
        events,
    )
