"""The SSE hub: one stream per client, filtered by role, resumable with `Last-Event-ID`.

Each event is encoded to its SSE bytes ONCE (`id: seq`, `event: type`, `data: json`);
a batch of events (one engine step) is joined once for the clients that see everything,
and each client gets one chunk and one wake-up per batch. Every client's outbox is
bounded; `publish` never blocks or awaits, so a slow client can never hold up the engine.
A client whose outbox overflows, or who asks to resume from further back than the server
keeps, gets a `resync` event (its id is the newest seq, so the next resume starts from
there) and should re-read the state with one query.

Ordering without gaps or duplicates on resume: a subscriber is registered (and starts
collecting live events) in the same step, with no await, as the newest seq is read; the
replay covers (last_id, that seq], from the in-memory ring or else the store, and live
events all carry larger seqs.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from server_stub.protocol.events import Event, EventType

PING = b": ping\n\n"  # an SSE comment: keeps proxies and idle clients from timing out
RING_SIZE = 20_000  # recent events kept in memory for fast resume
STORE_REPLAY_LIMIT = 200_000  # further back than this (from the store) → resync
STORE_BATCH = 2_000  # events read from the store per write to a resuming client
CLIENT_QUEUE_SIZE = 5_000  # events queued for one client before it is declared too slow
MY_CALLS_KEPT = 64


@dataclass(frozen=True)
class EncodedEvent:
    """An event with its SSE bytes, plus the fields filters look at."""

    seq: int
    type: str
    call_id: str | None
    agent_id: str | None
    queue_id: str | None
    team_id: str | None
    wall_time: float
    payload: bytes


def encode_event(event: Event) -> EncodedEvent:
    data = event.model_dump_json()
    payload = f"id: {event.seq}\nevent: {event.type}\ndata: {data}\n\n".encode()
    return EncodedEvent(
        seq=event.seq,
        type=event.type,
        call_id=event.call_id,
        agent_id=event.agent_id,
        queue_id=event.queue_id,
        team_id=event.team_id,
        wall_time=event.wall_time,
        payload=payload,
    )


def resync_payload(last_seq: int, reason: str) -> bytes:
    data = json.dumps(
        {
            "seq": last_seq,
            "sim_time": 0.0,
            "wall_time": 0.0,
            "type": EventType.RESYNC.value,
            "data": {"reason": reason, "last_seq": last_seq},
        }
    )
    return f"id: {last_seq}\nevent: {EventType.RESYNC.value}\ndata: {data}\n\n".encode()


BEFORE_THE_OFFER = frozenset(
    {EventType.CALL_ARRIVED, EventType.CALL_IVR_STEP, EventType.CALL_QUEUED}
)


@dataclass
class Audience:
    """What one client may see (DESIGN "Wire protocol": filtered by role)."""

    user_id: str
    role: str
    teams: frozenset[str]
    queues: frozenset[str] = frozenset()  # an agent's queues
    team_agents: frozenset[str] = frozenset()  # a supervisor's agents
    my_calls: deque[str] = field(default_factory=lambda: deque(maxlen=MY_CALLS_KEPT))

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "trainer", "evaluator") or (
            self.role == "supervisor" and not self.teams
        )

    def admits(self, event: EncodedEvent) -> bool:
        if self.role in ("admin", "trainer", "evaluator"):
            return True
        if self.role == "supervisor":
            return self._supervisor_admits(event)
        return self._agent_admits(event)

    def _agent_admits(self, event: EncodedEvent) -> bool:
        if event.type == EventType.QUEUE_STATS:
            return event.queue_id in self.queues
        if event.type == EventType.SUPERVISOR_MESSAGE:
            if event.agent_id is not None:
                return event.agent_id == self.user_id
            return event.team_id is None or event.team_id in self.teams
        if event.agent_id == self.user_id:
            # Later events of this call may not name the agent (e.g. the caller hangs up).
            if event.call_id is not None and event.call_id not in self.my_calls:
                self.my_calls.append(event.call_id)
            return True
        # Events from before a call reached this agent are not its: live, nobody knew yet whose
        # the call would be, so a replay (which knows) must not send them either.
        return (
            event.call_id is not None
            and event.call_id in self.my_calls
            and event.type not in BEFORE_THE_OFFER
        )

    def _supervisor_admits(self, event: EncodedEvent) -> bool:
        if not self.teams:
            return True
        if event.type == EventType.QUEUE_STATS:
            return True
        if event.team_id is not None:
            return event.team_id in self.teams
        return event.agent_id is not None and event.agent_id in self.team_agents


class Subscriber:
    """One client's outbox: chunks of SSE bytes waiting to be written, and a wake-up.

    (Not an asyncio.Queue: `publish` hands each client one chunk per batch of events and
    wakes it once, which is what makes 1,000 clients cheap.)"""

    __slots__ = ("audience", "chunks", "limit", "overflowed", "queued", "waiter")

    def __init__(self, audience: Audience, limit: int) -> None:
        self.audience = audience
        self.chunks: list[bytes] = []
        self.queued = 0  # events waiting in `chunks`
        self.limit = limit
        self.overflowed = False
        self.waiter: asyncio.Future[None] | None = None

    def push(self, chunk: bytes, events: int) -> bool:
        """Queue a chunk; False if that would pass the limit (the client is too slow)."""
        if self.queued + events > self.limit:
            return False
        self.chunks.append(chunk)
        self.queued += events
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return True

    async def take(self) -> bytes:
        """Everything queued, as one write; waits until there is something."""
        while not self.chunks:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        chunks, self.chunks, self.queued = self.chunks, [], 0
        self.overflowed = False  # the resync (if any) is on its way: live events may follow
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class EventHub:
    """Fans events out to SSE subscribers; keeps a ring of recent events for resume."""

    def __init__(
        self,
        replay_from_store: Callable[[int, int], list[Event]],
        ring_size: int = RING_SIZE,
        client_queue_size: int = CLIENT_QUEUE_SIZE,
        store_replay_limit: int = STORE_REPLAY_LIMIT,
    ) -> None:
        self._replay_from_store = replay_from_store  # (after_seq, limit) -> events
        self._ring: deque[EncodedEvent] = deque(maxlen=ring_size)
        self._client_queue_size = client_queue_size
        self._store_replay_limit = store_replay_limit
        self._subscribers: set[Subscriber] = set()
        self.last_seq = 0
        self.published = 0
        self.dropped_clients = 0

    @property
    def client_count(self) -> int:
        return len(self._subscribers)

    def start_at(self, last_seq: int, recent: Iterable[Event]) -> None:
        """Set the newest seq (after a restart) and warm the ring from the store."""
        self.last_seq = last_seq
        self._ring.clear()
        for event in recent:
            self._ring.append(encode_event(event))

    def publish(self, events: Iterable[Event]) -> None:
        """Queue new events for every subscriber that may see them. Never blocks."""
        batch = [encode_event(event) for event in events]
        if not batch:
            return
        self._ring.extend(batch)
        self.last_seq = batch[-1].seq
        self.published += len(batch)
        everything = b"".join(e.payload for e in batch)  # shared by all who see everything
        for subscriber in self._subscribers:
            if subscriber.overflowed:
                continue
            audience = subscriber.audience
            if audience.sees_everything:
                ok = subscriber.push(everything, len(batch))
            else:
                picked = [e.payload for e in batch if audience.admits(e)]
                if not picked:
                    continue
                ok = subscriber.push(b"".join(picked), len(picked))
            if not ok:
                self._overflow(subscriber)

    async def keepalive(self, every_s: float) -> None:
        """Send every idle client a comment line every `every_s` seconds (run as a task)."""
        while True:
            await asyncio.sleep(every_s)
            for subscriber in self._subscribers:
                if not subscriber.chunks:
                    subscriber.push(PING, 0)

    def _overflow(self, subscriber: Subscriber) -> None:
        # Too slow to keep up: drop what it has queued and tell it to re-read the state.
        subscriber.overflowed = True
        self.dropped_clients += 1
        subscriber.chunks, subscriber.queued = [], 0
        subscriber.push(resync_payload(self.last_seq, "client_too_slow"), 1)

    async def stream(self, audience: Audience, last_event_id: int | None) -> AsyncIterator[bytes]:
        """The SSE byte stream of one client: missed events first, then live ones."""
        subscriber = Subscriber(audience, self._client_queue_size)
        self._subscribers.add(subscriber)
        try:
            # No await between registering and computing the backlog: nothing is published
            # in between, so the backlog ends exactly where the live events begin.
            if last_event_id is not None and last_event_id > self.last_seq:
                # An id from another database or a reset server: the client must start over.
                yield resync_payload(self.last_seq, "unknown_event_id")
            elif last_event_id is not None and last_event_id < self.last_seq:
                upto = self.last_seq
                if self._ring and self._ring[0].seq <= last_event_id + 1:
                    backlog = b"".join(
                        e.payload
                        for e in self._ring
                        if last_event_id < e.seq <= upto and audience.admits(e)
                    )
                    if backlog:
                        yield backlog
                elif upto - last_event_id > self._store_replay_limit:
                    yield resync_payload(upto, "too_far_behind")
                else:
                    # From the store, a batch per write: the loop (and every other client)
                    # keeps running meanwhile; live events wait in this client's outbox.
                    async for chunk in self._store_backlog(audience, last_event_id, upto):
                        yield chunk
            while True:
                yield await subscriber.take()
        finally:
            self._subscribers.discard(subscriber)

    async def _store_backlog(
        self, audience: Audience, after: int, upto: int
    ) -> AsyncIterator[bytes]:
        """Missed events (after, upto] from the store that the audience may see."""
        cursor = after
        while cursor < upto:
            batch = self._replay_from_store(cursor, min(STORE_BATCH, upto - cursor))
            if not batch:
                return
            picked = []
            for event in batch:
                if event.seq > upto:
                    break
                encoded = encode_event(event)
                if audience.admits(encoded):
                    picked.append(encoded.payload)
            cursor = batch[-1].seq
            if picked:
                yield b"".join(picked)
