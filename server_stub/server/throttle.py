"""Rate limits: failed logins slow their source down, and buckets cap how often things happen.

`SourceThrottle`: after `free_failures` failed logins from one client address, that address
waits 1 s, doubling with each further failure up to 5 min; the account itself is never
locked, so an attacker elsewhere cannot keep its owner out. `TokenBucket` (one) and
`Buckets` (one per key, e.g. per user) cap a rate with a burst: the overall ceiling on
login attempts, customer searches per agent.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

FREE_FAILURES = 3
FIRST_LOCK_S = 1.0
MAX_LOCK_S = 300.0
MAX_KEYS = 10_000  # remembered sources or users; the oldest go first


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class SourceThrottle:
    def __init__(
        self,
        free_failures: int = FREE_FAILURES,
        first_lock_s: float = FIRST_LOCK_S,
        max_lock_s: float = MAX_LOCK_S,
    ) -> None:
        self._free = free_failures
        self._first = first_lock_s
        self._max = max_lock_s
        self._sources: OrderedDict[str, _Failures] = OrderedDict()

    def wait_s(self, source: str, now: float) -> float:
        """Seconds this source must wait before its next attempt (0: go ahead)."""
        failures = self._sources.get(source)
        return 0.0 if failures is None else max(0.0, failures.locked_until - now)

    def failed(self, source: str, now: float) -> None:
        failures = self._sources.pop(source, None) or _Failures()
        self._sources[source] = failures  # newest last
        failures.count += 1
        beyond = failures.count - self._free
        if beyond >= 0:
            failures.locked_until = now + min(self._max, self._first * 2**beyond)
        while len(self._sources) > MAX_KEYS:
            self._sources.popitem(last=False)

    def succeeded(self, source: str) -> None:
        self._sources.pop(source, None)


class TokenBucket:
    """`rate` per second on average, up to `burst` at once."""

    def __init__(self, rate: float, burst: float, now: float = 0.0) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = now

    def take(self, now: float) -> float:
        """Take one token: 0 when granted, else the seconds until one is there."""
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


class Buckets:
    """One `TokenBucket` per key (bounded: the least recently used keys are forgotten)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, key: str, now: float) -> float:
        bucket = self._buckets.pop(key, None) or TokenBucket(self.rate, self.burst, now)
        self._buckets[key] = bucket
        while len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        return bucket.take(now)


def retry_after(wait_s: float) -> int:
    """A `Retry-After` header's whole seconds (at least 1)."""
    return max(1, math.ceil(wait_s))
