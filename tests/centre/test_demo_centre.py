"""The demo centre is staffed for its own traffic at every hour of the day."""

from __future__ import annotations

import math

import pytest

from server_stub.centre.loader import default_centre_path, load_default_centre
from server_stub.centre.passwords import verify_password
from server_stub.centre.schema import CentreConfig, Shift

SLOT_MINUTES = 30


@pytest.fixture(scope="module")
def demo() -> CentreConfig:
    return load_default_centre()


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _overlap(lo: float, hi: float, slot_start: int) -> float:
    """Minutes of [lo, hi) inside the slot, on the day or the next one (overnight shifts)."""
    total = 0.0
    for day in (0, 24 * 60):
        total += max(0.0, min(hi, slot_start + SLOT_MINUTES + day) - max(lo, slot_start + day))
    return total


def _share_on_duty(shift: Shift | None, slot: int) -> float:
    """Share of the half hour an agent on `shift` is on the floor (breaks taken out)."""
    if shift is None:
        return 1.0
    start, end = _minutes(shift.start), _minutes(shift.end)
    end += 24 * 60 if end <= start else 0
    on = _overlap(start, end, slot * SLOT_MINUTES)
    for brk in shift.breaks:
        at = _minutes(brk.at)
        at += 24 * 60 if at < start else 0
        on -= _overlap(at, at + brk.minutes, slot * SLOT_MINUTES)
    return on / SLOT_MINUTES


def _erlang_c_service_level(
    calls_per_s: float, aht_s: float, agents: int, target_s: float
) -> float:
    load = calls_per_s * aht_s
    if agents <= load:
        return 0.0
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    p_wait = agents * blocking / (agents - load * (1 - blocking))
    return 1 - p_wait * math.exp(-(agents - load) * target_s / aht_s)


def test_human_logins_use_the_documented_demo_password(demo: CentreConfig) -> None:
    human = next(a for a in demo.agents if a.id == "1001")
    assert human.password_hash is not None and verify_password("demo", human.password_hash)
    for user in demo.users:
        assert verify_password("demo", user.password_hash), user.id


def test_some_agents_are_always_on(demo: CentreConfig) -> None:
    always_on = [a for a in demo.agents if a.simulated and a.shift is None]
    assert len(always_on) >= 4
    for skill in demo.skills:
        assert any(skill in a.skills for a in always_on), skill


def test_pooled_erlang_c_meets_service_level_every_half_hour(demo: CentreConfig) -> None:
    # Rough sizing: all queues pooled, every agent on duty counted. Skills split the pool in
    # the real simulation, so this is the best case; it must hold with some margin.
    profile = demo.arrival_profiles["weekday"]
    weight_sum = sum(profile)
    simulated = [a for a in demo.agents if a.simulated]
    worst = 1.0
    for slot, weight in enumerate(profile):
        calls = 0.0
        work_s = 0.0
        for queue in demo.queues:
            if queue.arrivals is None:
                continue
            queue_calls = queue.arrivals.calls_per_day * weight / weight_sum
            acw = queue.after_call_work.mean_s if queue.after_call_work else 0.0
            calls += queue_calls
            work_s += queue_calls * (queue.talk_time.mean_s + acw)
        on_duty = sum(_share_on_duty(demo.shifts.get(a.shift or ""), slot) for a in simulated)
        if calls == 0:
            continue
        assert on_duty >= 4, f"slot {slot}: {on_duty} agents"
        level = _erlang_c_service_level(
            calls / (SLOT_MINUTES * 60), work_s / calls, int(on_duty + 1e-9), 20
        )
        worst = min(worst, level)
    assert worst >= 0.85


def test_every_queue_script_has_a_file_beside_the_demo_centre(demo: CentreConfig) -> None:
    scripts_dir = default_centre_path().parent / "scripts"
    for queue in demo.queues:
        assert queue.scripts, queue.id
        for script_id in queue.scripts:
            assert (scripts_dir / f"{script_id}.yaml").is_file(), script_id
