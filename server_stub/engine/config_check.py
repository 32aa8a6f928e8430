"""Checks of a centre's references that the schema cannot make alone (the loader reports the
same with file and line; this guards centres built in code)."""

from __future__ import annotations

from server_stub.centre.schema import CentreConfig
from server_stub.engine.errors import EngineError


def check_config(config: CentreConfig) -> None:
    """Raise EngineError(invalid_config) naming the first reference that goes nowhere."""
    queue_ids = {q.id for q in config.queues}
    for queue in config.queues:
        if queue.overflow.action == "queue" and queue.overflow.target not in queue_ids:
            raise EngineError(
                "invalid_config",
                f"queue {queue.id}: overflow target {queue.overflow.target!r} is no queue",
            )
        if queue.arrivals is not None:
            weights = config.arrival_profiles.get(queue.arrivals.profile)
            if weights is None:
                raise EngineError(
                    "invalid_config",
                    f"queue {queue.id}: arrival profile {queue.arrivals.profile!r} is not defined",
                )
            if len(weights) != 48 or any(w < 0 for w in weights):
                raise EngineError(
                    "invalid_config",
                    f"arrival profile {queue.arrivals.profile!r} needs 48 weights >= 0",
                )
    for name, tier in config.tiers.items():
        if tier.route_to is not None and tier.route_to not in queue_ids:
            raise EngineError(
                "invalid_config", f"tier {name}: route_to {tier.route_to!r} is no queue"
            )
    for agent in config.agents:
        if agent.shift is not None and agent.shift not in config.shifts:
            raise EngineError(
                "invalid_config", f"agent {agent.id}: shift {agent.shift!r} is not defined"
            )
    if config.ivr is not None:
        nodes = config.ivr.nodes
        if config.ivr.root not in nodes:
            raise EngineError("invalid_config", f"IVR root {config.ivr.root!r} is no node")
        for node_id, node in nodes.items():
            for option in node.options:
                if option.next is not None and option.next not in nodes:
                    raise EngineError(
                        "invalid_config", f"IVR node {node_id}: option {option.key} goes to no node"
                    )
                if option.queue is not None and option.queue not in queue_ids:
                    raise EngineError(
                        "invalid_config",
                        f"IVR node {node_id}: option {option.key} goes to no queue",
                    )
