"""A recorded call played back in time order: the player, and the desk it draws.

`ReplayPlayer` is pure state: the call's events, how far the replay has got (sim time and
events shown), whether it plays and at what speed. `tick(wall_s)` moves it on by wall
seconds × speed, `step()` shows the next event, `toggle()` pauses or plays. `replay_block`
draws the desk as it stood then (the call's state, the script step walked, the caller's
lines) and the events so far; tested as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from server_stub.protocol.events import Event
from server_stub.protocol.training_api import RecordedCall

SPEEDS = (1.0, 2.0, 4.0, 8.0, 16.0)
STATES = {
    "call.arrived": "arrived",
    "call.queued": "waiting in the queue",
    "call.offered": "ringing",
    "call.answered": "talking",
    "call.held": "on hold",
    "call.retrieved": "talking",
    "call.transferred": "transferred",
    "call.ended": "ended",
    "call.wrapup_completed": "wrapped up",
}


@dataclass
class ReplayPlayer:
    call: RecordedCall
    shown: int = 0  # events on screen
    at: float = field(default=0.0)  # replay position, sim time
    playing: bool = False
    speed_index: int = 0

    def __post_init__(self) -> None:
        self.events: list[Event] = sorted(self.call.events, key=lambda e: e.seq)
        self.at = self.events[0].sim_time if self.events else 0.0

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    @property
    def finished(self) -> bool:
        return self.shown >= len(self.events)

    def toggle(self) -> None:
        self.playing = not self.playing and not self.finished

    def faster(self) -> None:
        self.speed_index = (self.speed_index + 1) % len(SPEEDS)

    def step(self) -> None:
        """Show the next event (the replay's clock jumps to it)."""
        if not self.finished:
            self.at = self.events[self.shown].sim_time
            self.shown += 1

    def tick(self, wall_s: float) -> bool:
        """Move on by `wall_s` of wall time at the speed; True when anything new shows."""
        if not self.playing or self.finished:
            return False
        self.at += wall_s * self.speed
        before = self.shown
        while not self.finished and self.events[self.shown].sim_time <= self.at:
            self.shown += 1
        if self.finished:
            self.playing = False
        return self.shown != before

    def visible(self) -> list[Event]:
        return self.events[: self.shown]


def replay_block(player: ReplayPlayer, clock: str) -> RenderableType:
    """The desk as it stood at the replay's position, then the events so far."""
    seen = player.visible()
    state = next((STATES[e.type] for e in reversed(seen) if e.type in STATES), "not yet")
    steps = [e for e in seen if e.type == "call.script_step" and not e.data.get("back")]
    head = Table.grid(padding=(0, 1))
    head.add_column(style="dim", no_wrap=True)
    head.add_column(overflow="fold")
    head.add_row("Call", f"{player.call.call_id} · {player.call.queue_id or '—'}")
    head.add_row("Agent", player.call.agent_id or "—")
    head.add_row("Now", Text(state, style="bold"))
    head.add_row("Script", " › ".join(str(e.data.get("step")) for e in steps) or "—")
    mode = "▶ playing" if player.playing else "paused" if not player.finished else "the end"
    head.add_row(
        "Replay", f"{clock} · {mode} · ×{player.speed:g} · {player.shown}/{len(player.events)}"
    )
    events = Table.grid(padding=(0, 1))
    events.add_column(style="dim", no_wrap=True)
    events.add_column(overflow="fold")
    for event in seen:
        events.add_row(f"#{event.seq}", _event_line(event))
    return Group(head, Text(""), Text("Events 事件", style="bold #5fa8d3"), events)


def _event_line(event: Event) -> Text:
    data = event.data
    if event.type == "call.caller_said":
        return Text(f"客户: {data.get('text', '')}", style="#e0b860")
    if event.type == "call.script_step":
        return Text(f"{event.agent_id}: {data.get('step')} {data.get('key')} → {data.get('next')}")
    details = ", ".join(
        f"{key} {value}"
        for key, value in data.items()
        if isinstance(value, str | int | float) and len(str(value)) <= 24
    )
    who = f"{event.agent_id} " if event.agent_id else ""
    return Text(f"{who}{event.type} {details}".strip())
