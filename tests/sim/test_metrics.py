"""Window metrics on small hand-written event logs with answers worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from server_stub.metrics import LogEntry, MetricsFold, window_metrics


def ev(
    at: float,
    event_type: str,
    call_id: str | None = None,
    agent_id: str | None = None,
    queue_id: str | None = None,
    **data: Any,
) -> LogEntry:
    return (at, event_type, call_id, agent_id, queue_id, data)


def state(at: float, agent_id: str, old: str, new: str) -> LogEntry:
    return ev(at, "agent.state_changed", agent_id=agent_id, **{"from": old, "to": new})


def one_queue_log() -> list[LogEntry]:
    """Five calls to queue q arriving in [0, 100), one before the window:
    c1 answered at once, c2 after 30 s, c3 abandons after 10 s, c4 finds the
    queue full, c5 is still waiting when the log ends, c0 arrived before the window."""
    return [
        ev(-5, "call.queued", "c0", queue_id="q"),
        ev(2, "call.answered", "c0", "a1", "q", waited_s=7),
        ev(10, "call.arrived", "c1"),
        ev(10, "call.queued", "c1", queue_id="q"),
        ev(10, "call.offered", "c1", "a2", "q"),
        ev(10, "call.answered", "c1", "a2", "q"),
        ev(20, "call.queued", "c2", queue_id="q"),
        ev(30, "call.queued", "c3", queue_id="q"),
        ev(40, "call.abandoned", "c3", queue_id="q"),
        ev(45, "call.overflowed", "c4", queue_id="q", action="busy", target=None),
        ev(50, "call.answered", "c2", "a1", "q"),
        ev(90, "call.queued", "c5", queue_id="q"),
        ev(95, "queue.stats", queue_id="q", waiting=1),
    ]


def test_each_outcome_is_counted_once_for_calls_arriving_in_the_window() -> None:
    metrics = window_metrics(one_queue_log(), 0, 100, sl_target_s=20).queues["q"]
    assert (metrics.offered, metrics.answered, metrics.abandoned) == (5, 2, 1)
    assert (metrics.overflowed, metrics.waiting) == (1, 1)


def test_service_level_counts_abandons_overflows_and_waiting_calls_against_it() -> None:
    metrics = window_metrics(one_queue_log(), 0, 100, sl_target_s=20).queues["q"]
    assert metrics.answered_within_target == 1  # c1 at 0 s; c2 waited 30 s
    assert metrics.service_level == pytest.approx(1 / 5)
    relaxed = window_metrics(one_queue_log(), 0, 100, sl_target_s=30).queues["q"]
    assert relaxed.service_level == pytest.approx(2 / 5)  # a wait of exactly T is within T


def test_wait_ratios_follow_the_design_definitions() -> None:
    metrics = window_metrics(one_queue_log(), 0, 100).queues["q"]
    assert metrics.p_wait == pytest.approx(4 / 5)  # only c1 was answered on arrival
    assert metrics.asa_s == pytest.approx((0 + 30) / 2)
    assert metrics.mean_wait_all_s == pytest.approx((0 + 30 + 10) / 3)
    assert metrics.p_abandon == pytest.approx(1 / 5)


def test_centre_figures_equal_the_queue_figures_when_there_is_one_queue() -> None:
    result = window_metrics(one_queue_log(), 0, 100)
    overall, queue = result.overall, result.queues["q"]
    assert (overall.offered, overall.answered, overall.abandoned, overall.overflowed) == (
        queue.offered,
        queue.answered,
        queue.abandoned,
        queue.overflowed,
    )
    assert overall.service_level == queue.service_level
    assert overall.asa_s == queue.asa_s


def test_a_call_arriving_in_the_window_counts_even_if_answered_after_it() -> None:
    log = [
        ev(90, "call.queued", "late", queue_id="q"),
        ev(130, "call.answered", "late", "a1", "q"),
        ev(100, "call.queued", "next", queue_id="q"),  # arrives at the window's end: not ours
    ]
    metrics = window_metrics(sorted(log, key=lambda e: e[0]), 0, 100).queues["q"]
    assert (metrics.offered, metrics.answered) == (1, 1)
    assert metrics.asa_s == pytest.approx(40)


def test_a_requeue_after_a_ring_with_no_answer_is_the_same_offer() -> None:
    log = [
        ev(0, "call.queued", "c1", queue_id="q"),
        ev(0, "call.offered", "c1", "a1", "q"),
        ev(15, "call.offer_timeout", "c1", "a1", "q", waited_s=15),
        ev(15, "call.queued", "c1", queue_id="q", position=1),
        ev(18, "call.offered", "c1", "a2", "q"),
        ev(21, "call.answered", "c1", "a2", "q"),
    ]
    metrics = window_metrics(log, 0, 100).queues["q"]
    assert (metrics.offered, metrics.answered) == (1, 1)
    assert metrics.asa_s == pytest.approx(21)
    assert metrics.service_level == 0.0


def test_an_overflow_to_another_queue_is_an_offer_to_each_but_one_call_for_the_centre() -> None:
    log = [
        ev(0, "call.queued", "c1", queue_id="sales"),
        ev(60, "call.overflowed", "c1", queue_id="sales", action="queue", target="help"),
        ev(60, "call.queued", "c1", queue_id="help"),
        ev(70, "call.answered", "c1", "a1", "help"),
    ]
    result = window_metrics(log, 0, 100, sl_target_s={"sales": 20, "help": 15})
    sales, help_desk, overall = result.queues["sales"], result.queues["help"], result.overall
    assert (sales.offered, sales.overflowed, sales.answered) == (1, 1, 0)
    assert (help_desk.offered, help_desk.answered, help_desk.service_level) == (1, 1, 1.0)
    assert (overall.offered, overall.answered, overall.overflowed) == (1, 1, 0)
    assert overall.asa_s == pytest.approx(70)  # from the first queue
    assert overall.service_level == 0.0  # judged by the first queue's 20 s


def test_occupancy_is_busy_and_wrap_up_time_over_that_plus_ready_time_inside_the_window() -> None:
    log = [
        state(0, "a1", "logged_out", "ready"),
        state(100, "a1", "ready", "reserved"),
        state(105, "a1", "reserved", "busy"),
        state(160, "a1", "busy", "wrap_up"),
        state(180, "a1", "wrap_up", "ready"),
        state(0, "a2", "logged_out", "not_ready"),  # never available: counts on no side
    ]
    metrics = window_metrics(log, 50, 250).overall
    working = (160 - 105) + (180 - 160)
    ready = (100 - 50) + (250 - 180)  # a1 stays ready until the window ends
    assert metrics.occupancy == pytest.approx(working / (working + ready))


def test_a_window_with_no_calls_and_no_agents_has_no_ratios() -> None:
    metrics = window_metrics(one_queue_log(), 1000, 2000).overall
    assert metrics.offered == 0
    assert metrics.service_level is None
    assert metrics.asa_s is None
    assert metrics.occupancy is None


def test_every_call_of_a_demo_day_is_counted_once_with_one_outcome() -> None:
    from server_stub.centre.loader import load_default_centre
    from server_stub.engine import Engine

    engine = Engine(load_default_centre(), seed=3, keep_log=True, emit_queue_stats=False)
    engine.advance_to(26 * 3600)  # two hours past the window: everyone has been served or left
    result = window_metrics(engine.log, 0, 24 * 3600)
    first_reached_queue: dict[str, float] = {}
    for at, event_type, call_id, *_ in engine.log:
        if event_type in ("call.queued", "call.overflowed") and call_id is not None:
            first_reached_queue.setdefault(call_id, at)
    overall = result.overall
    assert overall.offered > 1000
    assert overall.offered == sum(at < 24 * 3600 for at in first_reached_queue.values())
    for metrics in [overall, *result.queues.values()]:
        assert metrics.waiting == 0
        assert metrics.offered == (
            metrics.answered + metrics.abandoned + metrics.overflowed + metrics.waiting
        )
    assert sum(q.offered for q in result.queues.values()) >= overall.offered


def test_the_fold_of_a_live_day_equals_the_metrics_of_its_whole_log() -> None:
    from server_stub.centre.loader import load_default_centre
    from server_stub.engine import Engine

    config = load_default_centre()
    targets = {queue.id: queue.sl_target_s for queue in config.queues}
    kept = Engine(config, seed=5, keep_log=True)
    kept.advance_to(26 * 3600)
    assert kept.log is not None
    whole = window_metrics(kept.log, 2 * 3600, 24 * 3600, targets)

    live = Engine(config, seed=5)
    fold = MetricsFold(2 * 3600, 24 * 3600, targets)
    live.subscribe_batches(fold.add_batch)
    held = []
    for hour in range(1, 27):
        live.advance_to(hour * 3600.0)
        held.append(fold.calls_held)
    assert fold.result() == whole
    assert whole.overall.offered > 1000
    # the fold keeps the calls in progress, not the day's: a few dozen at any hour
    assert max(held) < 200 < whole.overall.offered
