"""Placing a callback when it falls due: the agent's phone if it is ready, else its queue.

Two kinds of callback become calls here, both as journaled engine commands (a restart
replays them; placing is never done twice): the satisfaction callback of a resolved ticket
(`ticket_runtime.place_callback`) and a callback an agent booked for a caller at a date and
a time (`place_booked_callback`, the `POST /v1/callbacks` kind). `ring_agent_or_queue` is
the one rule they share: an outbound call from the desk of the agent who owns it when that
agent is ready, otherwise a call waiting in that agent's call queue like a caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from server_stub.engine import Engine, EngineError
from server_stub.protocol.call_facts import BOOKED_KIND

Via = Literal["agent", "queue"]
CALLBACK_PLACED = "callback.placed"


def ring_agent_or_queue(
    engine: Engine,
    *,
    agent_id: str | None,
    queue_id: str | None,
    number: str | None,
    customer_id: str | None,
) -> tuple[str, Via]:
    """The engine's id of the call placed, and whether it rings the agent or waits in the
    queue. Raises `EngineError` when there is neither a ready agent nor a queue."""
    if number and agent_id is not None:
        try:
            if engine.agent_view(agent_id)["state"] == "ready":
                return engine.dial(agent_id, number, customer_id), "agent"
        except EngineError:
            pass  # not a human desk, or it changed state: the queue takes it
    if queue_id is None:
        raise EngineError("no_queue", "the centre has no call queue for a callback")
    return engine.place_call(queue_id, customer_id=customer_id, ani=number), "queue"


def place_booked_callback(
    engine: Engine, args: dict[str, Any], wire_call_id: Callable[[str], str]
) -> str:
    """Dial a booked callback that fell due and log `callback.placed` (kind `requested`)
    with what the desk shows: who booked it, for whom, the number and the agent's note.
    Returns the engine's call id."""
    booked_by = str(args["agent_id"])
    call_id, via = ring_agent_or_queue(
        engine,
        agent_id=booked_by,
        queue_id=args.get("queue_id"),
        number=args.get("number"),
        customer_id=args.get("customer_id"),
    )
    wire_id = wire_call_id(call_id)
    engine.record(
        CALLBACK_PLACED,
        call_id=wire_id,
        agent_id=booked_by if via == "agent" else None,
        queue_id=args.get("queue_id") if via == "queue" else None,
        data={
            "kind": BOOKED_KIND,
            "callback_id": args["callback_id"],
            "call_id": wire_id,
            "agent_id": booked_by if via == "agent" else None,
            "booked_by": booked_by,
            "via": via,
            "customer_id": args.get("customer_id"),
            "number": args.get("number"),
            "note": args.get("note", ""),
            "due_at": args.get("due_at"),
        },
    )
    return call_id
