"""The engine's log entry, the one shape every fold of the supervision core reads.

Folds take `apply_entry(sim_time, type, call_id, agent_id, queue_id, data)`, which is what
`Engine.subscribe` hands over; `as_entry` turns a protocol `Event` (the store, the feed)
into the same, so `apply(event)` is one line in each fold.
"""

from __future__ import annotations

from typing import Any

from server_stub.protocol.events import Event

LogEntry = tuple[float, str, str | None, str | None, str | None, dict[str, Any]]


def as_entry(event: Event) -> LogEntry:
    return (event.sim_time, event.type, event.call_id, event.agent_id, event.queue_id, event.data)
