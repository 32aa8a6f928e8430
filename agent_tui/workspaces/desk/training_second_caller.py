"""The trainer's second caller on the trainee's desk: waiting, then ringing, then taken.

While the trainee is on the scenario's call, a caller the trainer rang in waits in the
session's queue, as on a live floor: the desk says so, with the wait so far on the
session's clock. When the scenario's call is wrapped up the waiting caller rings (the
session's engine routes it to the trainee, now free), and the trainee answers, hangs up
and wraps it up with the desk's own keys. Pure functions of the session's view.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from agent_tui.ui.labels import clock_face
from server_stub.protocol.events import EventType
from server_stub.protocol.training_api import SessionView


def second_callers(session: SessionView) -> list[tuple[str, float]]:
    """The callers the trainer rang in besides the scenario's, not yet wrapped up: (call
    id, when each arrived on the session's clock), first come first."""
    arrived: dict[str, float] = {}
    for event in session.events:
        call_id = event.call_id
        if call_id is None or call_id == session.call_id:
            continue
        if event.type == EventType.CALL_ARRIVED:
            arrived[call_id] = event.sim_time
        elif event.type == EventType.CALL_WRAPUP_COMPLETED:
            arrived.pop(call_id, None)
    return list(arrived.items())


def waiting_line(session: SessionView, key: Callable[[str], str]) -> Text | None:
    """The second caller as the desk shows it: waiting (and for how long) while the
    trainee is on the scenario's call, then ringing, on the phone, in wrap-up."""
    callers = second_callers(session)
    if not callers:
        return None
    line = Text("☎ ", style="bold #e0b860")
    first_id, first_at = callers[0]
    waited = clock_face(session.sim_time - first_at)
    if session.phone_call_id != first_id:
        line.append("来电等待 Call waiting", style="bold #e0b860")
        more = f" ({len(callers)} callers)" if len(callers) > 1 else ""
        line.append(f"{more} · {session.queue} · {waited} · ")
        line.append("rings after this call 本通话后接入", style="dim")
    elif session.trainee_state == "reserved":
        line.append("来电 The second caller rings", style="bold #e0b860")
        line.append(f" · waited {waited} · {key('call.answer')} answers 接听")
    elif session.trainee_state == "busy":
        line.append("通话 On the second caller", style="bold")
        line.append(f" · {key('call.hangup')} hangs up 挂机")
    else:
        line.append("话后 The second caller's wrap-up", style="bold")
        line.append(f" · {key('desk.wrapup')} picks the code 结果代码")
    return line
