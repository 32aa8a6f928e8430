"""The names the engine logs and schedules: event types, legs, directions, outcomes, timer kinds.

Every name is `Final`, so the compiled engine reads it as a C constant instead of looking it
up in a module's dict each time (which costs a dict lookup per use on the hot path).
"""

from __future__ import annotations

from typing import Any, Final

from server_stub.protocol.events import CallLeg, CallOutcome, Direction, EventType

# (sim_time, type, call_id, agent_id, queue_id, data); an event's seq is its place in the log
LogEntry = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]

ARRIVED: Final = EventType.CALL_ARRIVED.value
IVR_STEP: Final = EventType.CALL_IVR_STEP.value
QUEUED: Final = EventType.CALL_QUEUED.value
OFFERED: Final = EventType.CALL_OFFERED.value
OFFER_TIMEOUT: Final = EventType.CALL_OFFER_TIMEOUT.value
ANSWERED: Final = EventType.CALL_ANSWERED.value
HELD: Final = EventType.CALL_HELD.value
RETRIEVED: Final = EventType.CALL_RETRIEVED.value
TRANSFERRED: Final = EventType.CALL_TRANSFERRED.value
CONFERENCED: Final = EventType.CALL_CONFERENCED.value
CONSULT_ANSWERED: Final = EventType.CALL_CONSULT_ANSWERED.value
CONSULT_ENDED: Final = EventType.CALL_CONSULT_ENDED.value
ABANDONED: Final = EventType.CALL_ABANDONED.value
OVERFLOWED: Final = EventType.CALL_OVERFLOWED.value
ENDED: Final = EventType.CALL_ENDED.value
WRAPUP_COMPLETED: Final = EventType.CALL_WRAPUP_COMPLETED.value
STATE_CHANGED: Final = EventType.AGENT_STATE_CHANGED.value
QUEUE_STATS: Final = EventType.QUEUE_STATS.value

TALKING: Final = CallLeg.TALKING.value
HELD_LEG: Final = CallLeg.HELD.value
CONFERENCE: Final = CallLeg.CONFERENCE.value
INBOUND: Final = Direction.INBOUND.value
OUTBOUND: Final = Direction.OUTBOUND.value
OUT_ANSWERED: Final = CallOutcome.ANSWERED.value
OUT_ABANDONED: Final = CallOutcome.ABANDONED.value
OUT_OVERFLOWED: Final = CallOutcome.OVERFLOWED.value
OUT_SELF_SERVICE: Final = CallOutcome.SELF_SERVICE.value

# Timer kinds: what a timer does when it is due (`Simulation._fire` dispatches on them).
K_INIT: Final = 0  # sim time 0: simulated agents log in, arrivals start
K_ARRIVAL: Final = 1  # a caller arrives (payload: the queue's ArrivalStream)
K_IVR: Final = 2  # a caller is done listening to an IVR node (Call)
K_ABANDON: Final = 3  # a waiting caller's patience runs out (Call)
K_RING: Final = 4  # a human did not answer in time (Call)
K_TALK_END: Final = 5  # a simulated agent's caller is done talking (Call)
K_WRAP_END: Final = 6  # the wrap-up time is over (Agent)
K_SHIFT: Final = 7  # a shift starts, ends or breaks (Agent, action, Break)
K_BREAK_END: Final = 8  # a break is over (Agent)
K_STATS: Final = 9  # the periodic queue.stats snapshot
K_CONNECT: Final = 10  # the far end of an outbound call picks up (Call)
K_CONSULT_RING: Final = 11  # a consulted human did not answer in time (Call)
K_COMPANION: Final = 12  # an attached companion's own time has come (its index)
