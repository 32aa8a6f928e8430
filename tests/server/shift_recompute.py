"""The agent's shift (ST3) recomputed from the stored log by another road than the server's:
time in state from the agent's state changes, the handled calls' talk, hold and wrap-up
from the calls' own events (answer, holds, end, wrap-up)."""

from __future__ import annotations

from typing import Any

from server_stub.protocol.events import EventType

LogTuple = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]


def _state_name(data: dict[str, Any]) -> tuple[str, str | None]:
    to = data["to"]
    if to == "busy":
        return ("held" if data.get("leg") == "held" else "talking", None)
    if to == "not_ready":
        return ("not_ready", data.get("reason"))
    return ("ringing" if to == "reserved" else to, None)


def recompute(log: list[LogTuple], agent_id: str, now: float) -> dict[str, Any]:
    """The agent's shift from the log: states from its state changes, the handled calls'
    parts from the calls' events (answer, holds, end, wrap-up)."""
    mine = [e for e in log if e[3] == agent_id]
    states: dict[tuple[str, str | None], float] = {}
    current: tuple[tuple[str, str | None], float] | None = None
    login_at = None
    for at, kind, _call, _agent, _queue, data in mine:
        if kind != EventType.AGENT_STATE_CHANGED:
            continue
        if login_at is None and data["from"] == "logged_out":
            login_at = at
        if current is not None:
            states[current[0]] = states.get(current[0], 0.0) + at - current[1]
        current = (_state_name(data), at) if data["to"] != "logged_out" else None
    if current is not None:
        states[current[0]] = states.get(current[0], 0.0) + now - current[1]
    handled = [e[2] for e in mine if e[1] == EventType.CALL_WRAPUP_COMPLETED]
    talk = hold = wrap = 0.0
    for call_id in handled:
        events = {(e[1], e[0]) for e in mine if e[2] == call_id}
        at = {kind: t for kind, t in sorted(events, key=lambda k: k[1])}
        held = sorted(t for kind, t in events if kind == EventType.CALL_HELD)
        back = sorted(t for kind, t in events if kind == EventType.CALL_RETRIEVED)
        call_hold = sum(b - h for h, b in zip(held, back, strict=True))
        hold += call_hold
        talk += at[EventType.CALL_ENDED] - at[EventType.CALL_ANSWERED] - call_hold
        wrap += at[EventType.CALL_WRAPUP_COMPLETED] - at[EventType.CALL_ENDED]
    scores = [e[5]["score"] for e in mine if e[1] == EventType.CALL_SURVEY_SCORED]
    working = sum(s for (state, _), s in states.items() if state in ("talking", "held", "wrap_up"))
    available = sum(s for (state, _), s in states.items() if state in ("ready", "ringing"))
    return {
        "states": states,
        "login_at": login_at,
        "logged_in_s": sum(states.values()),
        "calls_handled": len(handled),
        "talk_s": talk,
        "hold_s": hold,
        "wrapup_s": wrap,
        "occupancy": working / (working + available),
        "surveys_offered": sum(1 for e in mine if e[1] == EventType.CALL_SURVEY_OFFERED),
        "scores": scores,
    }
