"""A call's timeline and transcript as the evaluator reads them, built from its log alone.

The timeline is one line per event of the call, in seq order, worded for a person (who
did what, with the facts the event carries). The transcript is what was said: each
script step the agent walked, with the step's text (placeholders filled with what the
evaluator may know: the centre and the agent; a customer's name stays a marker), the
caller's lines where the log has them (`call.caller_said`, from a training caller), and
the holds, transfers and end as stage directions. Pure: the events given are already
masked for the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from server_stub.protocol.call_facts import (
    CALLER_SAID_EVENT,
    SCRIPT_STEP_EVENT,
    SessionFacts,
    session_facts,
)
from server_stub.protocol.events import Event, EventType
from server_stub.protocol.phrases import walk_of
from server_stub.protocol.quality_api import TimelineEntry, TranscriptLine
from server_stub.protocol.script_model import FlowScript
from server_stub.protocol.script_placeholders import fill_placeholders

Clock = Callable[[float], str]


def timeline(events: Iterable[Event], clock: Clock) -> list[TimelineEntry]:
    """One entry per event, in seq order."""
    return [
        TimelineEntry(
            seq=event.seq,
            sim_time=event.sim_time,
            clock=clock(event.sim_time),
            type=event.type,
            agent_id=event.agent_id,
            text=event_text(event),
        )
        for event in sorted(events, key=lambda e: e.seq)
    ]


def event_text(event: Event) -> str:
    """What one event says, in a line."""
    data, who = event.data, event.agent_id or "—"
    describe = _TEXTS.get(event.type)
    if describe is not None:
        return describe(data, who)
    details = ", ".join(f"{key} {value}" for key, value in data.items() if _short(value))
    return f"{event.type} {details}".strip()


def _short(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(str(value)) <= 40


def _held(data: Mapping[str, Any], who: str) -> str:
    phrase = data.get("phrase")
    said = ""
    if isinstance(phrase, bool):
        said = ", hold phrase said" if phrase else ", hold phrase not said"
    step = data.get("script_step")
    return f"{who} put the caller on hold{f' at {step}' if step else ''}{said}"


def _transferred(data: Mapping[str, Any], who: str) -> str:
    target = data.get("to_agent") or data.get("to_queue") or data.get("to_role") or "?"
    source, mode = data.get("from_agent", who), data.get("mode", "blind")
    return f"{source} transferred the call ({mode}) to {target}"


def _script_step(data: Mapping[str, Any], who: str) -> str:
    if data.get("back"):
        return f"{who} went back a step in the script"
    return f"{who} at {data.get('step')}: chose {data.get('key')} → {data.get('next') or 'end'}"


def _wrapup(data: Mapping[str, Any], who: str) -> str:
    notes = str(data.get("notes") or "").replace("\n", " ")
    return f"{who} wrapped up: {data.get('code')}{f' — {notes}' if notes else ''}"


def _state(data: Mapping[str, Any], who: str) -> str:
    return f"{who}: {data.get('from')} → {data.get('to')}"


_TEXTS: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    EventType.CALL_ARRIVED: lambda d, w: f"call arrived from {d.get('ani') or 'an unknown number'}",
    EventType.CALL_IVR_STEP: lambda d, w: f"IVR: {d.get('step') or d.get('node') or 'step'}",
    EventType.CALL_QUEUED: lambda d, w: "queued",
    EventType.CALL_OFFERED: lambda d, w: f"rang at {w}",
    EventType.CALL_OFFER_TIMEOUT: lambda d, w: f"{w} did not answer",
    EventType.CALL_ANSWERED: lambda d, w: f"{w} answered after {d.get('waited_s', 0):g} s waiting",
    EventType.CALL_HELD: _held,
    EventType.CALL_RETRIEVED: lambda d, w: f"{w} took the caller off hold",
    EventType.CALL_TRANSFERRED: _transferred,
    EventType.CALL_CONFERENCED: lambda d, w: f"{w} made a conference",
    EventType.CALL_ABANDONED: lambda d, w: "the caller hung up while waiting",
    EventType.CALL_ENDED: lambda d, w: f"call ended by {d.get('by', '?')}",
    EventType.CALL_WRAPUP_COMPLETED: _wrapup,
    EventType.AGENT_STATE_CHANGED: _state,
    EventType.TICKET_CREATED: lambda d, w: (
        f"{w} created ticket {d.get('ticket_id')} [{d.get('category')}] {d.get('subject', '')}"
    ).rstrip(),
    SCRIPT_STEP_EVENT: _script_step,
    CALLER_SAID_EVENT: lambda d, w: f"caller: {d.get('text', '')}",
    EventType.CALL_SURVEY_OFFERED: lambda d, w: f"{w} sent the caller to the survey",
    EventType.CALL_SURVEY_SCORED: lambda d, w: f"the caller scored the call {d.get('score')}/5",
    EventType.CALL_SURVEY_ABANDONED: lambda d, w: "the caller hung up in the survey",
}


def transcript(
    events: Sequence[Event],
    call_id: str,
    script: FlowScript | None,
    *,
    centre_name: str,
) -> list[TranscriptLine]:
    """What was said on the call, in time order (untimed script lines after the answer)."""
    facts = session_facts(events, call_id)
    timed: list[tuple[float, int, TranscriptLine]] = []
    for event in events:
        if event.type == CALLER_SAID_EVENT:
            line = TranscriptLine(
                sim_time=event.sim_time,
                speaker="caller",
                step=event.data.get("step"),
                text=str(event.data.get("text", "")),
            )
            timed.append((event.sim_time, event.seq, line))
    for at, seq, text in _stage_directions(facts):
        timed.append((at, seq, TranscriptLine(sim_time=at, speaker="system", text=text)))
    said = _agent_lines(facts, script, centre_name)
    untimed = [line for line in said if line.sim_time is None]
    for order, line in enumerate(said):
        if line.sim_time is not None:
            timed.append((line.sim_time, -1_000_000 + order, line))
    timed.sort(key=lambda entry: (entry[0], entry[1]))
    lines = [line for _, _, line in timed]
    answered_at = facts.answered.at if facts.answered is not None else None
    cut = next(
        (
            index + 1
            for index, line in enumerate(lines)
            if line.speaker == "system" and line.sim_time == answered_at
        ),
        0,
    )
    if untimed:
        note = "— the steps walked, in order (the desk did not publish their times) —"
        untimed = [TranscriptLine(sim_time=None, speaker="system", text=note), *untimed]
    return lines[:cut] + untimed + lines[cut:]


def _agent_lines(
    facts: SessionFacts, script: FlowScript | None, centre_name: str
) -> list[TranscriptLine]:
    if script is None or not facts.path:
        return []
    values = {"centre": centre_name, "agent.id": facts.agent_id or ""}
    walk = walk_of(script, facts.path)
    lines = []
    for index, step_id in enumerate(walk.steps):
        step = script.steps.get(step_id)
        if step is None or not step.say:
            continue
        choice = facts.path[index] if index < len(facts.path) else None
        at = choice.at if choice is not None else _after_last(facts)
        text = fill_placeholders(step.say, values, script.variables)
        lines.append(TranscriptLine(sim_time=at, speaker="agent", step=step_id, text=text))
    return lines


def _after_last(facts: SessionFacts) -> float | None:
    """The final step is said after the last choice (when the choices are timed)."""
    timed = [choice.at for choice in facts.path if choice.at is not None]
    return timed[-1] if timed and facts.path_timed else None


def _stage_directions(facts: SessionFacts) -> list[tuple[float, int, str]]:
    directions: list[tuple[float, int, str]] = []
    if facts.answered is not None:
        directions.append((facts.answered.at, facts.answered.seq, "— the agent answers —"))
    for hold in facts.holds:
        waited = hold.duration(facts.release_time)
        how_long = f" {waited:g} s" if waited is not None else ""
        directions.append((hold.held_at, hold.seq, f"— on hold{how_long} —"))
    for transfer in facts.transfers:
        target = transfer.to_agent or transfer.to_queue or transfer.to_role or "?"
        directions.append((transfer.at, transfer.seq, f"— transferred to {target} —"))
    if facts.ended is not None:
        by = "the caller" if facts.caller_hung_up else facts.ended_by or "?"
        directions.append((facts.ended.at, facts.ended.seq, f"— call ended by {by} —"))
    return directions
