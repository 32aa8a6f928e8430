"""Training sessions as the trainer reads them: a row each, and the whole of one.

Pure functions of the training API's `SessionView` (tested as text): the session's own
clock, the trainee's state, the caller's mood, what the caller said and what the trainee
did in order, a second caller the trainer rang in, the trainer's whispers, and the score
with every point's reason at the end.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from server_stub.protocol.scenario_model import TrainingScore
from server_stub.protocol.training_api import SessionView

SESSION_COLUMNS = ("Session", "Trainee", "Scenario", "Clock", "", "Mood", "Score")
MOOD_STYLES = {
    "furious": "bold #e06c75",
    "angry": "#e06c75",
    "annoyed": "#e0b860",
    "neutral": "",
    "calm": "#8fbf7f",
    "pleased": "bold #8fbf7f",
}
# What the trainee's desk did, in the trainer's words (the session's own event types).
DESK_TEXTS = {
    "call.offered": "the trainee's phone rings",
    "call.answered": "the trainee answers",
    "call.held": "the trainee puts the caller on hold",
    "call.retrieved": "the trainee is back from hold",
    "call.transferred": "the trainee transfers the call",
    "call.ended": "the call ends",
    "call.wrapup_completed": "the trainee wraps up",
    "ticket.created": "the trainee creates a ticket",
}


def clock_text(seconds: float) -> str:
    """A session's own clock as mm:ss (whole seconds)."""
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def score_cell(view: SessionView) -> Text:
    if view.score is None:
        return Text("—", style="dim")
    return Text(f"{view.score.total:g}/{view.score.max_total:g}", style="bold")


def state_text(view: SessionView) -> Text:
    """The session's clock: running, paused, or over (scored, stopped, abandoned)."""
    if view.score is not None:
        return Text("scored", style="#8fbf7f")
    if view.ended is not None:
        return Text(view.ended, style="dim")
    if view.paused:
        return Text("paused", style="bold #e0b860")
    return Text("running")


def session_rows(sessions: list[SessionView]) -> dict[str, tuple[Text, ...]]:
    return {
        view.id: (
            Text(view.id, style="bold"),
            Text(view.trainee),
            Text(view.scenario),
            Text(clock_text(view.sim_time)),
            state_text(view),
            Text(view.mood, style=MOOD_STYLES.get(view.mood, "")),
            score_cell(view),
        )
        for view in sessions
    }


def session_block(
    view: SessionView,
    desk: RenderableType | None = None,
    quality: RenderableType | None = None,
    history: RenderableType | None = None,
) -> RenderableType:
    """The session in full: who, what, the trainee's desk (`desk`, mirrored while the call
    runs), the call as it went, and the score at the end (with the quality form prefilled
    from the same call, `quality`, and the trainee's results over time, `history`, once
    read)."""
    head = Text()
    head.append(view.title, style="bold")
    head.append(f"\n{view.trainee} · {view.scenario} v{view.scenario_version} · ", style="dim")
    head.append(f"clock {clock_text(view.sim_time)} ")
    head.append(state_text(view))
    head.append(f" · trainee {view.trainee_state}")
    head.append(" · mood ")
    head.append(view.mood, style=MOOD_STYLES.get(view.mood, ""))
    lines = Table.grid(padding=(0, 1))
    lines.add_column(style="dim", no_wrap=True)
    lines.add_column(no_wrap=True)
    lines.add_column(overflow="fold")
    for event in view.events:
        if event.call_id is None and event.type != "training.whisper":
            continue
        if event.type == "call.caller_said":
            who, text = Text("客户", style="bold #e0b860"), Text(str(event.data.get("text", "")))
        elif event.type == "training.whisper":
            who = Text("耳语", style="bold #c678dd")
            text = Text(str(event.data.get("text", "")), style="italic")
        elif event.type == "call.script_step" and not event.data.get("back"):
            who = Text("座席", style="bold #5fa8d3")
            text = Text(
                f"{event.data.get('step')} → {event.data.get('next') or 'end'}", style="dim"
            )
        elif event.type == "call.arrived" and event.call_id != view.call_id:
            # A second caller the trainer rang in: it waits in the session's queue.
            who = Text("来电", style="bold #e0b860")
            text = Text(f"a second caller rings {event.queue_id} 第二位来电", style="dim")
        elif event.type in DESK_TEXTS and event.agent_id == view.trainee:
            who, text = (
                Text("座席", style="bold #5fa8d3"),
                Text(DESK_TEXTS[event.type], style="dim"),
            )
        else:
            continue
        lines.add_row(clock_text(event.sim_time), who, text)
    # Once scored, the score comes first: it is what the trainer debriefs from.
    parts: list[RenderableType] = [head, Text("")]
    if view.score is not None:
        parts += [score_block(view.score), Text("")]
        for block in (quality, history):  # each once read
            if block is not None:
                parts += [block, Text("")]
    elif desk is not None and view.ended is None:
        title = Text("Trainee's desk 学员桌面 (live)", style="bold #c678dd")
        parts += [title, desk, Text("")]
    return Group(*parts, lines)


def score_block(score: TrainingScore) -> RenderableType:
    """The score: each dimension, and every line with its reason."""
    title = Text(f"Score 得分 {score.total:g} / {score.max_total:g}", style="bold #8fbf7f")
    if score.fatal:
        title.append(f"  (0: {'; '.join(score.fatal)}; raw {score.raw_total:g})", style="#e06c75")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for dimension in score.dimensions:
        table.add_row(
            Text(dimension.name, style="bold"),
            Text(f"{dimension.earned:g}/{dimension.weight:g}", style="bold"),
            Text(""),
        )
        for line in dimension.lines:
            style = "" if line.earned >= line.possible else "#e06c75"
            table.add_row(
                Text(f"  {line.item}", style=style),
                Text(f"{line.earned:g}/{line.possible:g}", style=style),
                Text(line.reason, style="dim"),
            )
    return Group(title, table)
