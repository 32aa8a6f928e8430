"""Companions on the engine's timeline: they see every event at its instant, log their own,
wake at their own times, and the log does not depend on how time is chopped."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from server_stub.centre.schema import Distribution
from server_stub.engine import Engine, EngineError
from tests.engine.centres import agent, centre, queue

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]


class ArrivalCounter:
    """Logs `test.count` on every third arrival and `test.tick` every 90 s after the first."""

    def __init__(self) -> None:
        self.arrivals = 0
        self.next_tick = math.inf
        self.seen: list[str] = []

    def observe(self, entry: tuple[Any, ...]) -> list[Emission]:
        self.seen.append(entry[1])
        if entry[1] != "call.arrived":
            return []
        self.arrivals += 1
        if self.next_tick == math.inf:
            self.next_tick = entry[0] + 90.0
        if self.arrivals % 3 == 0:
            return [("test.count", entry[2], None, None, {"arrivals": self.arrivals})]
        return []

    def due(self) -> float:
        return self.next_tick

    def advance(self, now: float) -> list[Emission]:
        if now < self.next_tick:
            return []
        self.next_tick += 90.0
        return [("test.tick", None, None, None, {"arrivals": self.arrivals})]

    def reset(self, *, now: float, to: int) -> tuple[int, list[Emission]]:
        if to < 0:
            raise EngineError("invalid_request", "a count is never negative")
        self.arrivals = to
        return to, [("test.reset", None, None, None, {"to": to})]


class Echo:
    """Answers the counter's events: a companion sees what another one logs."""

    def observe(self, entry: tuple[Any, ...]) -> list[Emission]:
        if entry[1] == "test.count":
            return [("test.echo", None, None, None, {"of": entry[5]["arrivals"]})]
        return []

    def due(self) -> float:
        return math.inf

    def advance(self, now: float) -> list[Emission]:
        return []


def busy_engine() -> Engine:
    q = queue(calls_per_day=3000, talk_s=200, patience=Distribution(mean_s=60))
    engine = Engine(centre([q], [agent("a1"), agent("a2")]), seed=5, keep_log=True)
    engine.attach("counter", ArrivalCounter())
    engine.attach("echo", Echo())
    return engine


def test_chopping_time_differently_gives_the_same_log_with_companions() -> None:
    whole = busy_engine()
    whole.advance_to(3_600)
    chopped = busy_engine()
    rng = random.Random(3)
    t = 0.0
    while t < 3_600:
        t = min(3_600.0, t + rng.expovariate(1 / 40))
        chopped.advance_to(t)
    assert whole.log is not None and chopped.log is not None
    assert chopped.log == whole.log
    kinds = [entry[1] for entry in whole.log]
    assert kinds.count("test.count") >= 10
    assert kinds.count("test.tick") == int((3_600 - first_arrival(whole.log)) // 90)


def first_arrival(log: list[Any]) -> float:
    return float(next(entry[0] for entry in log if entry[1] == "call.arrived"))


def test_a_companion_logs_at_the_instant_of_the_event_it_answers() -> None:
    engine = busy_engine()
    engine.advance_to(1_800)
    assert engine.log is not None
    for index, entry in enumerate(engine.log):
        if entry[1] == "test.count":
            arrived = engine.log[index - 1]
            # the third arrival's timer logged the arrival (and maybe its queueing) first
            assert entry[0] == arrived[0]
            assert entry[2] is not None
            echo = engine.log[index + 1]
            assert echo[1] == "test.echo" and echo[5] == {"of": entry[5]["arrivals"]}
            assert echo[0] == entry[0]


def test_a_companion_wakes_at_its_own_time() -> None:
    engine = busy_engine()
    engine.advance_to(1_200)
    assert engine.log is not None
    ticks = [entry[0] for entry in engine.log if entry[1] == "test.tick"]
    start = first_arrival(engine.log)
    assert ticks == [start + 90.0 * k for k in range(1, len(ticks) + 1)]


def test_a_command_to_a_companion_logs_what_it_answers_and_a_refusal_logs_nothing() -> None:
    engine = busy_engine()
    engine.advance_to(600)
    assert engine.log is not None
    before = len(engine.log)
    assert engine.companion_command("counter", "reset", {"to": 0}) == 0
    assert [entry[1] for entry in engine.log[before:]] == ["test.reset"]
    assert engine.log[-1][0] == 600.0
    with pytest.raises(EngineError):
        engine.companion_command("counter", "reset", {"to": -1})
    assert len(engine.log) == before + 1


def test_subscribers_hear_companion_events_in_log_order() -> None:
    engine = busy_engine()
    heard: list[int] = []
    engine.subscribe(lambda seq, _entry: heard.append(seq))
    engine.advance_to(900)
    assert heard == list(range(1, engine.last_seq + 1))


def test_companion_names_are_unique_and_known() -> None:
    engine = busy_engine()
    with pytest.raises(EngineError):
        engine.attach("counter", Echo())
    with pytest.raises(EngineError):
        engine.companion("nobody")
