"""The clock: timers, `advance_to`, and the events they log handed on to subscribers.

It knows nothing of calls or agents, as SimPy keeps its `Environment` apart from the
processes: a timer is (when, kind, payload) and `_fire(kind, payload, seq)`, which the
simulation provides, says what a kind does.

Timers (`timers.py`): due time, then the order they were set (seq), so ties fire in that
order. A timer is cancelled lazily: its owner forgets its seq, and its handler ignores it.

Events: each handler appends `LogEntry` tuples to an outbox; the outbox goes to the
subscribers at the end of every `advance_to` and command, and every `FLUSH_EVERY` events
inside a long `advance_to`, then it is dropped. So memory holds the events not yet handed
on, not the day's: the log list (`keep_log=True`) is for tests and small tools.

Companions (`attach`) are pure parts that live on the engine's timeline without being the
simulation: supervisors' alerts, the ticket workflow. A companion sees every event right
after the timer or command that logged it, may log events of its own at that instant, and
has a time of its own (`due()`) at which the engine wakes it (`advance(now)`). Events are
handed to it per timer, never per flush, so chopping time differently (the real-time
driver's slices, a replay's steps) gives the same log.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections.abc import Callable
from typing import Any, Final, Protocol

from server_stub.engine.errors import EngineError
from server_stub.engine.timers import TimerHeap
from server_stub.engine.vocabulary import K_COMPANION, LogEntry

Subscriber = Callable[[int, LogEntry], None]
BatchSubscriber = Callable[[int, list[LogEntry]], None]
# What a companion logs: (type, call_id, agent_id, queue_id, data), at the engine's now.
Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
# A companion may answer an event with more events; beyond this something loops.
MAX_COMPANION_EMISSIONS: Final = 10_000


class Companion(Protocol):
    """A pure part on the engine's timeline (see the module docstring)."""

    def observe(self, entry: LogEntry) -> list[Emission]:
        """An event was logged (its own included: ignore those); what it logs in answer."""
        ...

    def due(self) -> float:
        """The next sim time it needs to be woken at (inf if none; earlier than now = now)."""
        ...

    def advance(self, now: float) -> list[Emission]:
        """Its time has come: what it logs now."""
        ...


# Final: the compiled engine holds these in C statics instead of looking them up per call
heappush: Final = heapq.heappush
heappop: Final = heapq.heappop
heapify: Final = heapq.heapify

# Events held before a long advance_to hands them on: small enough to stay in the cache,
# large enough that a batch subscriber's call is lost in the work.
FLUSH_EVERY: Final = 2048


class Scheduler:
    """Sim time, the timers, and the outbox of logged events."""

    def __init__(self, *, keep_log: bool = False) -> None:
        self.now = 0.0
        # every event ever logged, in order (seq = index + 1); None unless asked for
        self.log: list[LogEntry] | None = [] if keep_log else None
        self._out: list[LogEntry] = []  # logged, not yet handed on
        self._handed_on = 0  # events handed to subscribers (the seq of the last one)
        self._flushing = False
        self._subscribers: list[Subscriber] = []
        self._batch_subscribers: list[BatchSubscriber] = []
        self._timers = TimerHeap()
        self._last_id = 0  # timers, waiting and ready entries are numbered from one counter
        self._companions: list[Any] = []  # Companion objects, in the order attached
        self._companion_names: dict[str, int] = {}
        self._companion_timer: list[int] = []  # seq of each companion's live timer (0: none)
        self._companion_when: list[float] = []  # when that timer is due

    # ------------------------------------------------------------------ time

    def advance_to(self, t: float) -> None:
        """Fire every timer due at or before `t` (by time, then seq); then now = t."""
        if not math.isfinite(t):
            raise EngineError("invalid_time", f"cannot advance to {t}")
        if t < self.now:
            raise EngineError("invalid_time", f"time {t} is before now ({self.now})")
        t = float(t)  # an int would make the sim times of the events it logs ints
        timers = self._timers
        # Nothing the engine makes has cycles; a cyclic GC pass over the live calls, agents
        # and the outbox would cost time and free nothing, so it waits while time moves.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            while len(timers) and timers.next_time() <= t:
                when, seq, kind, payload = timers.pop()
                self.now = when
                if self._companions:
                    mark = self.last_seq
                    self._fire(kind, payload, seq)
                    self._observe(mark)
                else:
                    self._fire(kind, payload, seq)
                if len(self._out) >= FLUSH_EVERY:
                    self._flush()
        finally:
            if gc_was_enabled:
                gc.enable()
        self.now = t
        self._flush()

    def next_timer_time(self) -> float:
        """When the next timer is due (inf if none); may be a cancelled timer, which is harmless."""
        return self._timers.next_time() if len(self._timers) else math.inf

    def _at(self, when: float, kind: int, payload: Any) -> int:
        """Set a timer; returns its seq (the owner keeps it to know the timer is still live)."""
        self._last_id += 1
        seq = self._last_id
        self._timers.push(when, seq, kind, payload)
        return seq

    def _next_id(self) -> int:
        """A number for a waiting or ready entry: later entries get larger ones."""
        self._last_id += 1
        return self._last_id

    def _fire(self, kind: int, payload: Any, seq: int) -> None:
        """Do what a timer of `kind` does (the simulation says)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ companions

    def attach(self, name: str, companion: Any) -> None:
        """Put a companion on the timeline from now on (before the first event, for one
        that must see them all); `companion(name)` finds it again."""
        if name in self._companion_names:
            raise EngineError("invalid_request", f"a companion {name!r} is attached already")
        self._companion_names[name] = len(self._companions)
        self._companions.append(companion)
        self._companion_timer.append(0)
        self._companion_when.append(math.inf)
        self._wake_companions()

    def companion(self, name: str) -> Any:
        index = self._companion_names.get(name)
        if index is None:
            raise EngineError("no_such_companion", f"no companion {name!r}")
        return self._companions[index]

    def _log_emissions(self, emissions: list[Emission]) -> None:
        if len(emissions) > MAX_COMPANION_EMISSIONS:
            raise AssertionError(f"a companion logged {len(emissions)} events at once")
        for etype, call_id, agent_id, queue_id, data in emissions:
            self._out.append((self.now, etype, call_id, agent_id, queue_id, data))

    def _observe(self, mark: int) -> None:
        """Show every companion the events logged after seq `mark` (and those they log in
        answer, in turn), then set their wake-up timers."""
        index = mark - self._handed_on
        if index < 0:
            raise AssertionError("events were handed on before the companions saw them")
        out = self._out
        logged = 0
        while index < len(out):
            entry = out[index]
            index += 1
            for companion in self._companions:
                emissions = companion.observe(entry)
                if emissions:
                    logged += len(emissions)
                    if logged > MAX_COMPANION_EMISSIONS:
                        raise AssertionError("companions keep answering each other's events")
                    self._log_emissions(emissions)
        self._wake_companions()

    def _wake_companions(self) -> None:
        """A timer for each companion at its `due()`, unless one as early is set."""
        for index, companion in enumerate(self._companions):
            when = companion.due()
            if when == math.inf or when >= self._companion_when[index]:
                continue
            when = max(float(when), self.now)
            self._companion_when[index] = when
            self._companion_timer[index] = self._at(when, K_COMPANION, index)

    def _on_companion(self, index: int, seq: int) -> None:
        if self._companion_timer[index] != seq:
            return  # superseded by an earlier wake-up, which already ran
        self._companion_timer[index] = 0
        self._companion_when[index] = math.inf
        # Only from `advance_to`'s loop, which shows the companions what this logs (once).
        self._log_emissions(self._companions[index].advance(self.now))

    def _companion_command(self, name: str, method: str, args: dict[str, Any]) -> Any:
        """Call `method(now=..., **args)` of a companion; it returns (result, emissions),
        and the emissions are logged now. A refusal raises EngineError and logs nothing."""
        companion = self.companion(name)
        mark = self.last_seq
        result, emissions = getattr(companion, method)(now=self.now, **args)
        self._log_emissions(emissions)
        self._observe(mark)
        return result

    # ------------------------------------------------------------------ events

    @property
    def last_seq(self) -> int:
        """The seq of the newest event logged (0 before the first)."""
        return self._handed_on + len(self._out)

    def _emit(
        self,
        etype: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        data: dict[str, Any],
    ) -> None:
        self._out.append((self.now, etype, call_id, agent_id, queue_id, data))

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call `fn(seq, entry)` for every event logged from now on; returns an unsubscribe.

        Events arrive in log order, after the `advance_to` or command that logged them
        (a long `advance_to` hands them on every FLUSH_EVERY events).
        """
        self._flush()
        self._subscribers.append(fn)
        return lambda: _discard(self._subscribers, fn)

    def subscribe_batches(self, fn: BatchSubscriber) -> Callable[[], None]:
        """Call `fn(first_seq, entries)` with each batch of events logged from now on.

        The cheap door for consumers of every event (metrics, counters): one call a batch.
        The list is shared with other subscribers: read it, do not change it.
        """
        self._flush()
        self._batch_subscribers.append(fn)
        return lambda: _discard(self._batch_subscribers, fn)

    def _flush(self) -> None:
        """Hand the outbox to the subscribers (and the log), then drop it."""
        if self._flushing:
            return  # a subscriber's command logged more: the loop below hands it on too
        self._flushing = True
        try:
            while self._out:
                batch = self._out
                self._out = []
                first = self._handed_on + 1
                self._handed_on += len(batch)
                if self.log is not None:
                    self.log.extend(batch)
                for batch_fn in self._batch_subscribers:
                    batch_fn(first, batch)
                if self._subscribers:
                    subscribers = self._subscribers
                    seq = first
                    for entry in batch:
                        for fn in subscribers:
                            fn(seq, entry)
                        seq += 1
        finally:
            self._flushing = False


def _discard(subscribers: list[Any], fn: Any) -> None:
    if fn in subscribers:
        subscribers.remove(fn)
