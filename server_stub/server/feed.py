"""The SSE hub: one stream per client, filtered by `scope.Audience`, resumable by seq.

Each event is encoded to its SSE bytes ONCE (`id: seq`, `event: type`, `data: json`), with
a second, masked encoding where it holds personal data (for trainers and evaluators); a
batch of events (one engine step) is joined once for the clients that see everything, and
each client gets one chunk and one wake-up per batch. Every client's outbox is bounded;
`publish` never blocks or awaits, so a slow client can never hold up the engine. A client
whose outbox overflows, or who asks to resume from further back than the server keeps,
gets a `resync` event (its id is the newest seq, so the next resume starts from there)
and should re-read the state with one query.

Resuming: the subscriber is registered in the same step, with no await, as the newest seq
is read; the backlog (last_id, that seq] comes from the in-memory ring or else from the
store, read, filtered and encoded in a worker thread a batch at a time, so the event loop
(the clock, every other client) never waits for it. Live events published meanwhile wait
unfiltered in the client's outbox and go through its filter after the backlog, in seq
order: a stateful filter (the calls an agent follows) sees every event in order.

A stream ends when its session does (logout, token expiry) and when the server stops.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from server_stub.protocol.events import Event, EventType
from server_stub.server.scope import (
    FULL,
    HIDDEN,
    MASKED,
    NOT_FOR_MASKED,
    Audience,
    mask_personal_data,
)
from server_stub.server.store import EventRow

PING = b": ping\n\n"  # an SSE comment: keeps proxies and idle clients from timing out
RING_SIZE = 20_000  # recent events kept in memory for fast resume
STORE_REPLAY_LIMIT = 200_000  # further back than this (from the store) → resync
BACKLOG_BATCH = 2_000  # events read, filtered and encoded per step of a resume
CLIENT_QUEUE_SIZE = 5_000  # events queued for one client before it is declared too slow
BACKLOG_THREADS = 1  # resumes share it; more threads would only fight the loop for the GIL
# A backlog thread holds the GIL between the loop's turns: hand it back this often (the
# interpreter's default is 5 ms, which a request needing it ten times would feel).
GIL_SWITCH_S = 0.0005


class EncodedEvent:
    """An event's SSE bytes (and masked bytes, where it holds personal data), plus the
    fields filters look at."""

    __slots__ = ("agent_id", "call_id", "masked", "payload", "queue_id", "seq", "team_id", "type")

    def __init__(
        self,
        seq: int,
        type_: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        team_id: str | None,
        payload: bytes,
        masked: bytes | None,
    ) -> None:
        self.seq = seq
        self.type = type_
        self.call_id = call_id
        self.agent_id = agent_id
        self.queue_id = queue_id
        self.team_id = team_id
        self.payload = payload
        self.masked = masked  # None: the same as payload

    def bytes_for(self, level: int) -> bytes:
        if level == MASKED and self.masked is not None:
            return self.masked
        return self.payload


def _frame(seq: int, type_: str, json_text: str) -> bytes:
    return f"id: {seq}\nevent: {type_}\ndata: {json_text}\n\n".encode()


def encode_event(event: Event) -> EncodedEvent:
    masked_data = mask_personal_data(event.type, event.data)
    masked = (
        _frame(
            event.seq, event.type, event.model_copy(update={"data": masked_data}).model_dump_json()
        )
        if masked_data is not None
        else None
    )
    return EncodedEvent(
        event.seq,
        event.type,
        event.call_id,
        event.agent_id,
        event.queue_id,
        event.team_id,
        _frame(event.seq, event.type, event.model_dump_json()),
        masked,
    )


def encode_row(row: EventRow, level: int) -> bytes:
    """The SSE bytes of a stored event at `level` (FULL or MASKED), straight from its row:
    the same JSON as the live encoding, without building an `Event`."""
    seq, sim_time, wall_time, type_, call_id, agent_id, queue_id, ticket_id, team_id, data = row
    if level == MASKED:
        masked = mask_personal_data(type_, json.loads(data))
        if masked is not None:
            data = json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
    head = json.dumps(
        {
            "seq": seq,
            "sim_time": sim_time,
            "wall_time": wall_time,
            "type": type_,
            "call_id": call_id,
            "agent_id": agent_id,
            "queue_id": queue_id,
            "ticket_id": ticket_id,
            "team_id": team_id,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return _frame(seq, type_, f'{head[:-1]},"data":{data}}}')


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
    return _frame(last_seq, EventType.RESYNC.value, data)


@dataclass(frozen=True)
class StreamSession:
    """Whose stream it is: it ends with that session (`token_hash`) or at `expires_at`."""

    token_hash: str
    expires_at: float  # unix time


class _Row:
    """A stored row as the filter sees it."""

    __slots__ = ("agent_id", "call_id", "queue_id", "team_id", "type")

    def __init__(self, row: EventRow) -> None:
        self.type = row[3]
        self.call_id = row[4]
        self.agent_id = row[5]
        self.queue_id = row[6]
        self.team_id = row[8]


class Subscriber:
    """One client's outbox: chunks of SSE bytes waiting to be written, and a wake-up.

    (Not an asyncio.Queue: `publish` hands each client one chunk per batch of events and
    wakes it once, which is what makes 1,000 clients cheap.) While its backlog is read, a
    subscriber keeps live batches unfiltered (`held`) and filters them afterwards."""

    __slots__ = (
        "audience",
        "chunks",
        "ended",
        "held",
        "limit",
        "overflowed",
        "queued",
        "session",
        "waiter",
    )

    def __init__(self, audience: Audience, limit: int, session: StreamSession | None) -> None:
        self.audience = audience
        self.session = session
        self.chunks: list[bytes] = []
        self.queued = 0  # events waiting in `chunks` (or `held`)
        self.limit = limit
        self.overflowed = False
        self.ended = False
        self.held: list[Sequence[EncodedEvent]] | None = None  # catching up when not None
        self.waiter: asyncio.Future[None] | None = None

    def push(self, chunk: bytes, events: int) -> bool:
        """Queue a chunk; False if that would pass the limit (the client is too slow)."""
        if self.queued + events > self.limit:
            return False
        self.chunks.append(chunk)
        self.queued += events
        self._wake()
        return True

    def hold(self, batch: Sequence[EncodedEvent]) -> bool:
        if self.queued + len(batch) > self.limit:
            return False
        assert self.held is not None
        self.held.append(batch)
        self.queued += len(batch)
        return True

    def end(self) -> None:
        self.ended = True
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def take(self) -> bytes | None:
        """Everything queued, as one write; waits until there is something. None once the
        stream has ended (what was queued before the end is sent first)."""
        while not self.chunks:
            if self.ended:
                return None
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        chunks, self.chunks, self.queued = self.chunks, [], 0
        self.overflowed = False  # the resync (if any) is on its way: live events may follow
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def filter_chunk(audience: Audience, batch: Iterable[EncodedEvent]) -> tuple[bytes, int]:
    """The bytes of the events of `batch` the audience may see, and how many."""
    picked = []
    for event in batch:
        level = audience.admits(event)
        if level != HIDDEN:
            picked.append(event.bytes_for(level))
    return b"".join(picked), len(picked)


class EventHub:
    """Fans events out to SSE subscribers; keeps a ring of recent events for resume."""

    def __init__(
        self,
        read_rows: Callable[[int, int, int], list[EventRow]],
        ring_size: int = RING_SIZE,
        client_queue_size: int = CLIENT_QUEUE_SIZE,
        store_replay_limit: int = STORE_REPLAY_LIMIT,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._read_rows = read_rows  # (after_seq, upto_seq, limit) -> rows, from any thread
        self._ring: deque[EncodedEvent] = deque(maxlen=ring_size)
        self._client_queue_size = client_queue_size
        self._store_replay_limit = store_replay_limit
        self._wall_clock = wall_clock
        self._subscribers: set[Subscriber] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._closing = False
        self.last_seq = 0
        self.run_seq_base = 0  # events up to here belong to an earlier simulated day
        self.published = 0
        self.dropped_clients = 0

    @property
    def client_count(self) -> int:
        return len(self._subscribers)

    def start_at(self, last_seq: int, recent: Iterable[Event], run_seq_base: int = 0) -> None:
        """Set the newest seq (after a restart) and warm the ring from the store."""
        self._closing = False
        self.last_seq = last_seq
        self.run_seq_base = run_seq_base
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
        everything: bytes | None = None  # shared by all who see everything
        everything_masked: bytes | None = None
        masked_count = 0
        for subscriber in self._subscribers:
            if subscriber.overflowed or subscriber.ended:
                continue
            if subscriber.held is not None:
                ok = subscriber.hold(batch)
            else:
                audience = subscriber.audience
                if audience.everything == FULL:
                    if everything is None:
                        everything = b"".join(e.payload for e in batch)
                    ok = subscriber.push(everything, len(batch))
                elif audience.everything == MASKED:
                    if everything_masked is None:
                        masked = [e for e in batch if e.type not in NOT_FOR_MASKED]
                        masked_count = len(masked)
                        everything_masked = b"".join(e.bytes_for(MASKED) for e in masked)
                    if not masked_count:
                        continue
                    ok = subscriber.push(everything_masked, masked_count)
                else:
                    chunk, count = filter_chunk(audience, batch)
                    if not count:
                        continue
                    ok = subscriber.push(chunk, count)
            if not ok:
                self._overflow(subscriber)

    async def keepalive(self, every_s: float) -> None:
        """Send every idle client a comment line every `every_s` seconds (run as a task)."""
        while True:
            await asyncio.sleep(every_s)
            for subscriber in self._subscribers:
                if not subscriber.chunks and subscriber.held is None:
                    subscriber.push(PING, 0)

    def end_session(self, token_hash: str) -> None:
        """End the streams of a session (logout, expiry)."""
        for subscriber in self._subscribers:
            if subscriber.session is not None and subscriber.session.token_hash == token_hash:
                subscriber.end()

    def end_all(self) -> None:
        """End every stream, and any opened from now on (the server is stopping): clients
        see the end and reconnect."""
        self._closing = True
        for subscriber in self._subscribers:
            subscriber.end()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _overflow(self, subscriber: Subscriber) -> None:
        # Too slow to keep up: drop what it has queued and tell it to re-read the state.
        subscriber.overflowed = True
        self.dropped_clients += 1
        subscriber.chunks, subscriber.queued = [], 0
        if subscriber.held is not None:
            subscriber.held = []  # the backlog reader sees the overflow and stops
        subscriber.push(resync_payload(self.last_seq, "client_too_slow"), 1)

    async def stream(
        self,
        audience: Audience,
        last_event_id: int | None,
        session: StreamSession | None = None,
    ) -> AsyncIterator[bytes]:
        """The SSE byte stream of one client: missed events first, then live ones."""
        subscriber = Subscriber(audience, self._client_queue_size, session)
        if self._closing:
            subscriber.end()
        self._subscribers.add(subscriber)
        loop = asyncio.get_running_loop()
        expiry = (
            loop.call_later(max(0.0, session.expires_at - self._wall_clock()), subscriber.end)
            if session is not None
            else None
        )
        try:
            # No await between registering and reading the newest seq: nothing is
            # published in between, so the backlog ends exactly where the live events begin.
            upto = self.last_seq
            first = self._first_chunk(last_event_id, upto)
            if first is not None:
                yield first
            elif last_event_id is not None and last_event_id < upto:
                subscriber.held = []
                async for chunk in self._backlog(subscriber, last_event_id, upto):
                    yield chunk
                self._release_held(subscriber)
            while True:
                taken = await subscriber.take()
                if taken is None:
                    return
                yield taken
        finally:
            if expiry is not None:
                expiry.cancel()
            self._subscribers.discard(subscriber)

    def _first_chunk(self, last_event_id: int | None, upto: int) -> bytes | None:
        """A resync instead of a backlog, when one is due."""
        if last_event_id is None:
            return None
        if last_event_id > upto:
            # An id from another database or a reset server: the client must start over.
            return resync_payload(upto, "unknown_event_id")
        if 0 < last_event_id <= self.run_seq_base:
            # The client knew an earlier simulated day: its state is gone with that day.
            return resync_payload(upto, "new_day")
        ring_covers = bool(self._ring) and self._ring[0].seq <= last_event_id + 1
        if not ring_covers and upto - last_event_id > self._store_replay_limit:
            return resync_payload(upto, "too_far_behind")
        return None

    async def _backlog(self, subscriber: Subscriber, after: int, upto: int) -> AsyncIterator[bytes]:
        """Missed events (after, upto] the audience may see, a batch per write, filtered
        and encoded in a worker thread."""
        loop = asyncio.get_running_loop()
        executor = self._backlog_executor()
        audience = subscriber.audience
        if self._ring and self._ring[0].seq <= after + 1:
            recent = [e for e in self._ring if after < e.seq <= upto]
            for start in range(0, len(recent), BACKLOG_BATCH):
                part = recent[start : start + BACKLOG_BATCH]
                chunk, _count = await loop.run_in_executor(executor, filter_chunk, audience, part)
                if subscriber.overflowed or subscriber.ended:
                    return
                if chunk:
                    yield chunk
            return
        cursor = after
        while cursor < upto:
            chunk, cursor = await loop.run_in_executor(
                executor, self._read_backlog, audience, cursor, upto
            )
            if subscriber.overflowed or subscriber.ended:
                return
            if chunk:
                yield chunk

    def _read_backlog(self, audience: Audience, after: int, upto: int) -> tuple[bytes, int]:
        """(Worker thread.) The next batch of stored events after `after`, as bytes for
        `audience`, and the seq it reached (`upto` when the store has no more)."""
        rows = self._read_rows(after, upto, BACKLOG_BATCH)
        if not rows:
            return b"", upto
        picked = []
        for row in rows:
            level = audience.admits(_Row(row))
            if level != HIDDEN:
                picked.append(encode_row(row, level))
        return b"".join(picked), int(rows[-1][0])

    def _release_held(self, subscriber: Subscriber) -> None:
        """The backlog is out: the live batches held meanwhile go through the filter."""
        held, subscriber.held = subscriber.held or [], None
        if subscriber.overflowed:
            return
        subscriber.queued = 0
        for batch in held:
            chunk, count = filter_chunk(subscriber.audience, batch)
            if count and not subscriber.push(chunk, count):
                self._overflow(subscriber)
                return

    def _backlog_executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_S))
            self._executor = ThreadPoolExecutor(BACKLOG_THREADS, thread_name_prefix="feed-backlog")
        return self._executor
