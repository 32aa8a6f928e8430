"""The what-if re-run: the changed centre, common random numbers, workers, and its figures.

A demo morning (10:00–12:00) is run by the engine as "what happened"; the what-if re-runs
its callers with staffing changed, and every figure is checked against the re-run's own
log, folded again here.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from multiprocessing import resource_tracker

import pytest

from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig
from server_stub.engine import Engine
from server_stub.supervision.day_outcomes import callers_reaching_queues, day_outcomes
from server_stub.supervision.whatif import (
    BreakChange,
    StaffingChange,
    WhatIfInputs,
    changed_config,
    replicate,
    rerun_log,
    run_whatif,
)

UNTIL = 7200.0  # 12:00 local: the demo opens at 10:00
PEAK = 20  # 10:00–10:30, the demo's first half-hour


@pytest.fixture(scope="module")
def morning() -> Iterator[tuple[CentreConfig, list]]:
    config = load_default_centre()
    engine = Engine(config, 11, emit_queue_stats=False, keep_log=True)
    engine.advance_to(UNTIL)
    assert engine.log is not None
    yield config, list(engine.log)


def _inputs(morning: tuple[CentreConfig, list], **changes: object) -> WhatIfInputs:
    config, log = morning
    callers = tuple(callers_reaching_queues(log, start=0.0, until=UNTIL))
    return WhatIfInputs(config, callers, 0.0, UNTIL, 5, **changes)  # type: ignore[arg-type]


def _talks(log: list) -> dict[str, float]:
    """Call id → how long its caller talked (answered to ended)."""
    answered: dict[str, float] = {}
    talks: dict[str, float] = {}
    for t, kind, call_id, _a, _q, _d in log:
        if kind == "call.answered":
            answered[call_id] = t
        elif kind == "call.ended" and call_id in answered:
            talks[call_id] = t - answered[call_id]
    return talks


def _patience(log: list) -> dict[str, float]:
    return {c: d["waited_s"] for _t, k, c, _a, _q, d in log if k == "call.abandoned"}


def test_each_caller_talks_as_long_in_every_staffing_variant(morning) -> None:
    as_was = _inputs(morning)
    short = _inputs(morning, staffing=(StaffingChange("enquiry", PEAK, -8),))
    talks_as_was = _talks(rerun_log(as_was, 0)[1])
    talks_short = _talks(rerun_log(short, 0)[1])
    both = talks_as_was.keys() & talks_short.keys()
    assert len(both) > 300
    assert all(talks_as_was[c] == pytest.approx(talks_short[c], abs=1e-6) for c in both)
    # the answer order did change: fewer agents answer later
    waits_as_was = {
        c: d["waited_s"] for _t, k, c, _a, _q, d in rerun_log(as_was, 0)[1] if k == "call.answered"
    }
    waits_short = {
        c: d["waited_s"] for _t, k, c, _a, _q, d in rerun_log(short, 0)[1] if k == "call.answered"
    }
    assert sum(waits_short.values()) > sum(waits_as_was.values())


def test_another_replication_draws_other_talk_times(morning) -> None:
    inputs = _inputs(morning)
    first, second = _talks(rerun_log(inputs, 0)[1]), _talks(rerun_log(inputs, 1)[1])
    both = first.keys() & second.keys()
    assert sum(1 for c in both if abs(first[c] - second[c]) > 1e-6) > 0.9 * len(both)


def test_a_caller_who_abandons_in_both_variants_waited_the_same_patience(morning) -> None:
    short = _inputs(morning, staffing=(StaffingChange("enquiry", PEAK, -10),))
    shorter = _inputs(morning, staffing=(StaffingChange("enquiry", PEAK, -14),))
    a, b = _patience(rerun_log(short, 0)[1]), _patience(rerun_log(shorter, 0)[1])
    both = a.keys() & b.keys()
    assert len(both) >= 3
    assert all(a[c] == pytest.approx(b[c], abs=1e-6) for c in both)


def test_the_rerun_replays_the_logs_callers_at_their_times(morning) -> None:
    inputs = _inputs(morning)
    _config, log = rerun_log(inputs, 0)
    replayed = callers_reaching_queues(log, start=0.0, until=UNTIL)
    assert [(c.at, c.queue_id, c.tier) for c in replayed] == [
        (c.at, c.queue_id, c.tier) for c in inputs.callers
    ]


def test_fewer_agents_in_the_peak_give_more_abandons_and_a_lower_service_level(morning) -> None:
    as_was = run_whatif(_inputs(morning), 4)
    short = run_whatif(_inputs(morning, staffing=(StaffingChange("enquiry", PEAK, -10),)), 4)
    row = {(r.queue_id, r.slot): r for r in as_was.slots}
    cut = {(r.queue_id, r.slot): r for r in short.slots}
    key = ("enquiry", PEAK)
    assert cut[key].offered == row[key].offered  # the same callers
    assert cut[key].abandoned.mean > row[key].abandoned.mean
    assert cut[key].service_level.mean < row[key].service_level.mean


def test_more_agents_never_lower_the_peaks_service_level_in_a_replication(morning) -> None:
    as_was = _inputs(morning)
    more = _inputs(morning, staffing=(StaffingChange("enquiry", PEAK, 6),))
    for r in range(3):
        before = replicate(as_was, r)["enquiry"][PEAK]
        after = replicate(more, r)["enquiry"][PEAK]
        assert after[2] >= before[2]  # answered within T, the same callers and draws


def test_the_result_does_not_depend_on_the_number_of_workers(morning) -> None:
    inputs = _inputs(morning, staffing=(StaffingChange("fault", PEAK + 1, -3),))
    alone, shared = run_whatif(inputs, 5, workers=1), run_whatif(inputs, 5, workers=2)
    assert (alone.workers, shared.workers) == (1, 2)  # two worker processes ran it
    assert alone.slots == shared.slots and alone.replications == shared.replications == 5


def test_the_summary_is_mean_and_spread_of_each_replications_own_fold(morning) -> None:
    inputs = _inputs(morning)
    result = run_whatif(inputs, 3)
    levels = []
    for r in range(3):
        config, log = rerun_log(inputs, r)
        levels.append(day_outcomes(log, config, start=0.0, until=UNTIL).get("enquiry", PEAK))
    row = next(s for s in result.slots if (s.queue_id, s.slot) == ("enquiry", PEAK))
    sls = [o.service_level for o in levels]
    assert row.service_level.mean == pytest.approx(sum(sls) / 3)  # type: ignore[arg-type]
    assert row.service_level.low == min(sls)  # type: ignore[type-var]
    assert row.abandoned.high == max(o.abandoned for o in levels)


def test_extra_agents_come_on_for_their_half_hour_only(morning) -> None:
    config = changed_config(morning[0], [StaffingChange("vip", 22, 2)])
    extra = [a for a in config.agents if a.id.startswith("whatif-vip-22")]
    assert [a.skills for a in extra] == [{"vip": 5}, {"vip": 5}]
    shift = config.shifts[extra[0].shift or ""]
    assert (shift.start, shift.end) == ("11:00", "11:30")


def test_agents_taken_off_get_a_half_hour_break_and_the_best_skilled_go_first(morning) -> None:
    base = morning[0]
    config = changed_config(base, [StaffingChange("complaint", 22, -2)])
    moved = [a for a, b in zip(config.agents, base.agents, strict=True) if a.shift != b.shift]
    assert len(moved) == 2
    levels = sorted(
        (a.skills.get("complaint", 0) for a in base.agents if a.simulated), reverse=True
    )
    assert sorted(a.skills["complaint"] for a in moved) == sorted(levels[:2])
    for agent in moved:
        breaks = config.shifts[agent.shift or ""].breaks
        assert any(b.at == "11:00" and b.minutes == 30 and b.reason == "whatif" for b in breaks)


def test_breaks_in_a_half_hour_can_be_cancelled_or_moved(morning) -> None:
    base = morning[0]
    cancelled = changed_config(base, breaks=[BreakChange(24, None)])  # 12:00–12:30 lunches
    assert not [b for s in cancelled.shifts.values() for b in s.breaks if "12:00" <= b.at < "12:30"]
    moved = changed_config(base, breaks=[BreakChange(24, 27)])
    before = sum(1 for s in base.shifts.values() for b in s.breaks if "12:00" <= b.at < "12:30")
    after = sum(1 for s in moved.shifts.values() for b in s.breaks if "13:30" <= b.at < "14:00")
    was = sum(1 for s in base.shifts.values() for b in s.breaks if "13:30" <= b.at < "14:00")
    assert before > 0 and after == was + before


def test_a_change_on_an_unknown_queue_is_refused(morning) -> None:
    with pytest.raises(ValueError, match="no queue 'nowhere'"):
        changed_config(morning[0], [StaffingChange("nowhere", 20, 1)])


class _NoFileStderr(io.StringIO):
    def fileno(self) -> int:
        return -1  # what a TUI harness's captured stderr says


def test_replications_run_here_when_worker_processes_cannot_start(
    morning, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _inputs(morning)
    expected = run_whatif(inputs, 2)
    monkeypatch.setattr(resource_tracker._resource_tracker, "_fd", None)
    monkeypatch.setattr(resource_tracker._resource_tracker, "_pid", None)
    monkeypatch.setattr(sys, "stderr", _NoFileStderr())
    result = run_whatif(inputs, 2, workers=2)
    assert result.workers == 1 and result.slots == expected.slots
