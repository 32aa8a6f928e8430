"""The two engine hooks the server needs (architecture.md "Engine hooks"), until the engine
has them itself: `record` (a server-side event in the same log, so one `seq`) and
`inject_call` (a caller arrives now at a queue, skipping the IVR).

When the engine grows real `Engine.record` / `Engine.inject_call`, these defer to them;
until then they use the engine's internals, kept to this one module.
"""

from __future__ import annotations

from typing import Any

from server_stub.engine import Engine, EngineError
from server_stub.engine.model import Call


def record(
    engine: Engine,
    event_type: str,
    *,
    call_id: str | None = None,
    agent_id: str | None = None,
    queue_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Append a non-simulation event (supervisor message, ticket) at `now`; returns its seq."""
    native = getattr(engine, "record", None)
    if callable(native):
        return int(
            native(event_type, call_id=call_id, agent_id=agent_id, queue_id=queue_id, data=data)
        )
    engine._emit(event_type, call_id, agent_id, queue_id, dict(data or {}))
    _notify(engine)
    return len(engine.log)


def _notify(engine: Engine) -> None:
    # The engine hands new events to subscribers after each timer or command it runs.
    flush = getattr(engine, "_flush", None)
    if callable(flush):
        flush()


def inject_call(
    engine: Engine,
    queue_id: str,
    *,
    customer_id: str | None = None,
    ani: str | None = None,
    tier: str | None = None,
) -> str:
    """A caller arrives now at `queue_id` (no IVR, no tier re-routing); returns the call id."""
    native = getattr(engine, "inject_call", None)
    if callable(native):
        return str(native(queue_id, customer_id=customer_id, ani=ani, tier=tier))
    queue = engine.queues_by_id.get(queue_id)
    if queue is None:
        raise EngineError("no_such_queue", f"no queue {queue_id!r}")
    if customer_id is not None:
        known = next((c for c in engine._customers or () if c[0] == customer_id), None)
        if known is not None:
            tier = tier or known[1]
            ani = ani or known[2]
    place_call = getattr(engine, "place_call", None)
    if callable(place_call):
        caller: dict[str, Any] = {"tier": tier, "customer_id": customer_id}
        if ani:
            caller["ani"] = ani
        return str(place_call(queue_id, **caller))
    tier = tier or engine._unknown_tier
    call = Call(
        f"c{engine._call_numbers()}",
        ani or "",
        customer_id,
        tier,
        engine._tier_priority.get(tier, 0) if tier is not None else 0,
        engine.now,
        "inbound",
    )
    engine.calls[call.id] = call
    engine._emit(
        "call.arrived",
        call.id,
        None,
        queue_id,
        {"ani": call.ani, "customer_id": customer_id, "tier": tier, "injected": True},
    )
    engine._enter_queue(call, queue)
    _notify(engine)
    return call.id
