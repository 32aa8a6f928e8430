"""The SSE hub on its own: filters by scope, resume without gaps or duplicates, resync,
the end of a session, and a backlog that never holds the event loop."""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from server_stub.protocol.events import Event
from server_stub.server.auth import Principal
from server_stub.server.feed import EventHub, StreamSession
from server_stub.server.scope import HIDDEN, Audience, Reach
from server_stub.server.store import Store


def _event(seq: int, type_: str = "agent.state_changed", **fields: object) -> Event:
    return Event(seq=seq, sim_time=float(seq), wall_time=0.0, type=type_, **fields)  # type: ignore[arg-type]


def _ids(chunk: bytes) -> list[int]:
    return [int(m) for m in re.findall(rb"^id: (\d+)$", chunk, flags=re.MULTILINE)]


def _principal(user_id: str, *roles: str, supervises: tuple[str, ...] = ()) -> Principal:
    return Principal(
        user_id=user_id,
        name=user_id,
        roles=roles,
        teams=supervises,
        token_hash=f"hash-{user_id}",
        expires_at=math.inf,
        supervises=supervises,
    )


def _everyone() -> Audience:
    return Audience(Reach.of(_principal("admin", "admin")))


def _hub(events: list[Event], **kwargs: int) -> tuple[EventHub, Store]:
    """A hub whose store holds `events` (published too, so the ring has them)."""
    store = Store(":memory:")
    store.append_events(events, last_sim_time=float(len(events)))
    hub = EventHub(store.event_rows_after, **kwargs)
    hub.publish(events)
    return hub, store


async def _take(stream: AsyncIterator[bytes], wanted: int) -> list[int]:
    ids: list[int] = []
    async for chunk in stream:
        ids += _ids(chunk)
        if len(ids) >= wanted:
            break
    return ids


def test_agent_sees_its_own_events_its_queues_and_messages_to_it() -> None:
    agent = Audience(Reach.of(_principal("1001", "agent")), queues={"q1"}, own_team="A")
    seen = [
        agent.admits(e) != HIDDEN
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


def test_a_ticket_naming_another_call_does_not_make_the_agent_follow_that_call() -> None:
    agent = Audience(Reach.of(_principal("1001", "agent")))
    own_ticket = _event(1, "ticket.created", call_id="C9", agent_id="1001")
    assert agent.admits(own_ticket) != HIDDEN  # its own ticket
    # …but the call it names is still not the agent's: nothing of C9 follows.
    for seq, type_ in enumerate(("call.offered", "call.answered", "call.ended"), start=2):
        assert agent.admits(_event(seq, type_, call_id="C9", agent_id="a005")) == HIDDEN


def test_a_supervisor_sees_its_team_and_not_the_others() -> None:
    supervisor = Audience(
        Reach.of(_principal("s100", "supervisor", supervises=("A",))), team_agents={"1001"}
    )
    assert supervisor.admits(_event(1, "call.offered", call_id="C1", agent_id="1001")) != HIDDEN
    assert supervisor.admits(_event(2, "call.ended", call_id="C1")) != HIDDEN
    assert supervisor.admits(_event(3, "call.offered", call_id="C2", agent_id="1002")) == HIDDEN
    assert supervisor.admits(_event(4, "supervisor.message", team_id="B")) == HIDDEN


async def test_resume_replays_missed_events_once_then_goes_live() -> None:
    hub, store = _hub([_event(s) for s in range(1, 6)])
    stream = hub.stream(_everyone(), last_event_id=2)
    task = asyncio.create_task(_take(stream, 5))
    await asyncio.sleep(0.05)
    hub.publish([_event(6), _event(7)])
    assert await asyncio.wait_for(task, 2) == [3, 4, 5, 6, 7]
    store.close()


async def test_resume_from_before_the_ring_reads_the_store() -> None:
    hub, store = _hub([_event(s) for s in range(1, 101)], ring_size=10)
    ids = await asyncio.wait_for(_take(hub.stream(_everyone(), last_event_id=50), 50), 2)
    assert ids == list(range(51, 101))
    store.close()


async def test_live_events_during_a_backlog_come_after_it_and_through_the_filter() -> None:
    # The agent's call is offered in the backlog; its end (naming no agent) is published
    # while the backlog is still being read: it must reach the agent, after the offer.
    backlog = [_event(s) for s in range(1, 5_000)] + [
        _event(5_000, "call.offered", call_id="C7", agent_id="1001")
    ]
    hub, store = _hub(backlog, ring_size=10)
    agent = Audience(Reach.of(_principal("1001", "agent")))
    stream = hub.stream(agent, last_event_id=0)
    task = asyncio.create_task(_take(stream, 2))
    await asyncio.sleep(0)
    hub.publish([_event(5_001, "call.ended", call_id="C7"), _event(5_002, agent_id="a009")])
    assert await asyncio.wait_for(task, 5) == [5_000, 5_001]
    store.close()


async def test_too_far_behind_gets_resync_with_the_newest_seq() -> None:
    hub, store = _hub([_event(s) for s in range(1, 101)], ring_size=10, store_replay_limit=20)
    stream = hub.stream(_everyone(), last_event_id=5)
    chunk = await asyncio.wait_for(stream.__anext__(), 2)
    assert b"event: resync" in chunk and _ids(chunk) == [100]
    store.close()


async def test_a_client_of_an_earlier_simulated_day_gets_resync() -> None:
    hub, store = _hub([_event(s) for s in range(1, 21)])
    hub.run_seq_base = 10  # events 1..10 were an earlier day
    chunk = await asyncio.wait_for(hub.stream(_everyone(), last_event_id=7).__anext__(), 2)
    assert b'"reason": "new_day"' in chunk and _ids(chunk) == [20]
    store.close()


async def test_slow_client_gets_resync_instead_of_blocking_the_publisher() -> None:
    hub = EventHub(lambda after, upto, limit: [], client_queue_size=5)
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


async def test_the_stream_ends_with_its_session_and_at_its_expiry() -> None:
    hub = EventHub(lambda after, upto, limit: [])
    ended_by_logout = hub.stream(_everyone(), None, StreamSession("h1", time.time() + 3600))
    expiring = hub.stream(_everyone(), None, StreamSession("h2", time.time() + 0.2))
    logout_task = asyncio.create_task(_take(ended_by_logout, 10))
    expiry_task = asyncio.create_task(_take(expiring, 10))
    await asyncio.sleep(0.05)
    hub.publish([_event(1)])
    hub.end_session("h1")
    started = time.monotonic()
    assert await asyncio.wait_for(logout_task, 2) == [1]  # what was queued, then the end
    assert await asyncio.wait_for(expiry_task, 2) == [1]
    assert time.monotonic() - started < 1.0
    assert hub.client_count == 0


def test_trainer_gets_the_offer_without_the_customer() -> None:
    from server_stub.server.feed import encode_event

    offered = _event(
        1,
        "call.offered",
        call_id="C1",
        agent_id="1001",
        data={"ani": "13800138000", "customer_id": "C000001", "pop": {"customer": {"name": "王"}}},
    )
    trainer = Audience(Reach.of(_principal("t100", "trainer")))
    level = trainer.admits(offered)
    data = json.loads(encode_event(offered).bytes_for(level).split(b"data: ", 1)[1])["data"]
    assert "pop" not in data and data["ani"] == "*******8000"
    assert data["customer_id"] == "C000001"


async def test_a_far_back_backlog_is_read_off_the_event_loop() -> None:
    hub, store = _hub([_event(s) for s in range(1, 5_001)], ring_size=10)
    readers: set[str] = set()
    read_rows = store.event_rows_after

    def recording(after: int, upto: int, limit: int) -> list[Any]:
        readers.add(threading.current_thread().name)
        return read_rows(after, upto, limit)

    hub._read_rows = recording
    ticks = 0

    async def loop_keeps_running() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(loop_keeps_running())
    ids = await asyncio.wait_for(_take(hub.stream(_everyone(), last_event_id=0), 5_000), 10)
    ticker.cancel()
    assert ids == list(range(1, 5_001))
    assert readers and threading.current_thread().name not in readers
    assert all(name.startswith("feed-backlog") for name in readers)
    assert ticks >= 3  # the loop ran between the batches
    store.close()
