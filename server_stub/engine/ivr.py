"""The IVR walk: for each queue, the shortest path of options from the root that ends at it."""

from __future__ import annotations

from collections import deque

from server_stub.centre.schema import Ivr


class IvrStep:
    """One IVR node on a path: wait `duration_s`, maybe self-serve, else press `key`."""

    __slots__ = ("duration_s", "key", "node_id", "self_service_key", "self_service_name", "share")

    def __init__(
        self,
        node_id: str,
        key: str,
        duration_s: float,
        share: float,
        self_service_key: str | None,
        self_service_name: str | None,
    ) -> None:
        self.node_id = node_id
        self.key = key
        self.duration_s = duration_s
        self.share = share
        self.self_service_key = self_service_key
        self.self_service_name = self_service_name


def ivr_paths(ivr: Ivr | None) -> dict[str, list[IvrStep]]:
    """queue id -> the steps from the root to it; queues the IVR cannot reach are absent."""
    if ivr is None or ivr.root not in ivr.nodes:
        return {}
    # breadth first, so each queue gets its shortest path; first option wins ties
    parents: dict[str, tuple[str, str] | None] = {ivr.root: None}
    found: dict[str, tuple[str, str]] = {}
    todo = deque([ivr.root])
    while todo:
        node_id = todo.popleft()
        for option in ivr.nodes[node_id].options:
            if option.queue is not None and option.queue not in found:
                found[option.queue] = (node_id, option.key)
            elif (
                option.next is not None and option.next not in parents and option.next in ivr.nodes
            ):
                parents[option.next] = (node_id, option.key)
                todo.append(option.next)
    paths: dict[str, list[IvrStep]] = {}
    for queue_id, last in found.items():
        hops: list[tuple[str, str]] = [last]
        parent = parents[last[0]]
        while parent is not None:
            hops.append(parent)
            parent = parents[parent[0]]
        hops.reverse()
        paths[queue_id] = [_step(ivr, node_id, key) for node_id, key in hops]
    return paths


def _step(ivr: Ivr, node_id: str, key: str) -> IvrStep:
    node = ivr.nodes[node_id]
    exit_option = next((o for o in node.options if o.self_service is not None), None)
    return IvrStep(
        node_id,
        key,
        node.duration_s,
        node.self_service_share,
        exit_option.key if exit_option else None,
        exit_option.self_service if exit_option else None,
    )
