"""A caller placed with its own talk, after-call work and patience (a what-if's common
random numbers) keeps them, on the flat hot path and the plain path alike."""

from __future__ import annotations

import pytest

from server_stub.centre.schema import Distribution
from server_stub.engine import Engine
from tests.engine.centres import agent, centre, queue

LOGNORMAL = Distribution(dist="lognormal", mean_s=200.0, sd_s=100.0)


def _engine(flat: bool, agents: int = 1) -> Engine:
    config = centre(
        [
            queue(
                talk_time=LOGNORMAL,
                after_call_work=LOGNORMAL,
                patience=Distribution(dist="exponential", mean_s=60.0),
            )
        ],
        [agent(f"a{n}") for n in range(agents)],
    )
    engine = Engine(config, 3, keep_log=True, flat_hot_path=flat)
    engine.advance_to(1.0)
    return engine


def _times(engine: Engine, kind: str) -> dict[str, float]:
    assert engine.log is not None
    return {c: t for t, k, c, _a, _q, _d in engine.log if k == kind and c is not None}


@pytest.mark.parametrize("flat", [True, False])
def test_a_caller_talks_and_is_wrapped_up_for_exactly_the_given_times(flat: bool) -> None:
    engine = _engine(flat)
    call_id = engine.place_call("q1", talk_s=123.5, acw_s=17.25)
    engine.advance_to(1000.0)
    answered, ended = _times(engine, "call.answered"), _times(engine, "call.ended")
    assert ended[call_id] - answered[call_id] == pytest.approx(123.5)
    assert engine.log is not None
    wrap_end = [
        t
        for t, k, _c, a, _q, d in engine.log
        if k == "agent.state_changed" and a == "a0" and d["from"] == "wrap_up"
    ]
    assert wrap_end == [pytest.approx(ended[call_id] + 17.25)]


@pytest.mark.parametrize("flat", [True, False])
def test_a_waiting_caller_gives_up_after_exactly_the_given_patience(flat: bool) -> None:
    engine = _engine(flat)
    engine.place_call("q1", talk_s=500.0, acw_s=1.0)  # keeps the only agent busy
    waiting = engine.place_call("q1", patience_s=42.0)
    engine.advance_to(400.0)
    assert engine.log is not None
    waited = [
        d["waited_s"]
        for _t, k, c, _a, _q, d in engine.log
        if k == "call.abandoned" and c == waiting
    ]
    assert waited == [pytest.approx(42.0)]


def test_callers_without_given_times_draw_them_as_before() -> None:
    engine = _engine(True)
    first = engine.place_call("q1")
    engine.advance_to(2000.0)
    again = _engine(True)
    second = again.place_call("q1", talk_s=-1.0, acw_s=-1.0, patience_s=-1.0)
    again.advance_to(2000.0)
    assert engine.log == again.log and first == second
