"""The SSE hub on its own: filters by role, resume without gaps or duplicates, resync."""

from __future__ import annotations

import asyncio
import re

from server_stub.protocol.events import Event
from server_stub.server.feed import Audience, EventHub, encode_event


def _event(seq: int, type_: str = "agent.state_changed", **fields: object) -> Event:
    return Event(seq=seq, sim_time=float(seq), wall_time=0.0, type=type_, **fields)  # type: ignore[arg-type]


def _ids(chunk: bytes) -> list[int]:
    return [int(m) for m in re.findall(rb"^id: (\d+)$", chunk, flags=re.MULTILINE)]


def _everyone() -> Audience:
    return Audience(user_id="admin", role="admin", teams=frozenset())


async def _take(stream: object, wanted: int) -> list[int]:
    ids: list[int] = []
    async for chunk in stream:  # type: ignore[attr-defined]
        ids += _ids(chunk)
        if len(ids) >= wanted:
            break
    return ids


def test_agent_sees_its_own_events_its_queues_and_messages_to_it() -> None:
    agent = Audience(user_id="1001", role="agent", teams=frozenset({"A"}), queues=frozenset({"q1"}))
    seen = [
        agent.admits(encode_event(e))
        for e in (
            _event(1, agent_id="1001"),
            _event(2, agent_id="a002"),
            _event(3, "queue.stats", queue_id="q1"),
            _event(4, "queue.stats", queue_id="q2"),
            _event(5, "call.offered", call_id="C1", agent_id="1001"),
            _event(6, "call.ended", call_id="C1"),  # names no agent, but it is its call
            _event(7, "supervisor.message", agent_id="a002"),
            _event(8, "supervisor.message", team_id="A"),
            _event(9, "supervisor.message", team_id="B"),
        )
    ]
    assert seen == [True, False, True, False, True, True, False, True, False]


async def test_resume_replays_missed_events_once_then_goes_live() -> None:
    hub = EventHub(lambda after, limit: [])
    hub.publish([_event(s) for s in range(1, 6)])
    stream = hub.stream(_everyone(), last_event_id=2)
    task = asyncio.create_task(_take(stream, 5))
    await asyncio.sleep(0)
    hub.publish([_event(6), _event(7)])
    assert await asyncio.wait_for(task, 2) == [3, 4, 5, 6, 7]


async def test_resume_from_before_the_ring_reads_the_store() -> None:
    stored = [_event(s) for s in range(1, 101)]
    hub = EventHub(lambda after, limit: [e for e in stored if e.seq > after][:limit], ring_size=10)
    hub.publish(stored)
    ids = await asyncio.wait_for(_take(hub.stream(_everyone(), last_event_id=50), 50), 2)
    assert ids == list(range(51, 101))


async def test_too_far_behind_gets_resync_with_the_newest_seq() -> None:
    hub = EventHub(lambda after, limit: [], ring_size=10, store_replay_limit=20)
    hub.publish([_event(s) for s in range(1, 101)])
    stream = hub.stream(_everyone(), last_event_id=5)
    chunk = await asyncio.wait_for(stream.__anext__(), 2)
    assert b"event: resync" in chunk and _ids(chunk) == [100]


async def test_slow_client_gets_resync_instead_of_blocking_the_publisher() -> None:
    hub = EventHub(lambda after, limit: [], client_queue_size=5)
    stream = hub.stream(_everyone(), last_event_id=None)

    async def next_chunk() -> bytes:
        return await stream.__anext__()

    first = asyncio.create_task(next_chunk())
    await asyncio.sleep(0)  # registered, waiting
    hub.publish([_event(1)])
    assert _ids(await first) == [1]
    hub.publish([_event(s) for s in range(2, 30)])  # never read: the queue overflows
    chunk = await asyncio.wait_for(stream.__anext__(), 2)
    assert b"event: resync" in chunk
    assert hub.dropped_clients == 1
