"""The demo's morning surge on the real server: extra callers, journaled, and the alerts
a new supervisor sees within minutes of logging in."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from server_stub.server.runtime import CentreRuntime
from server_stub.server.surges import SURGE_ACTOR
from server_stub.server.testing import demo_centre, free_port, paused_runtime, stored_log
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.dayplan import day_plan
from server_stub.supervision.loader import load_default_supervision
from tests.server.processes import REPO, serve_command, small_centre_file


def _demo(db: str | Path = ":memory:") -> CentreRuntime:
    config = demo_centre()
    return paused_runtime(db, config=config, supervision=load_default_supervision(config))


def _surge_commands(runtime: CentreRuntime) -> list[tuple[float, str]]:
    return [
        (entry.sim_time, str(entry.args["queue_id"]))
        for entry in runtime.store.journal_entries()
        if entry.actor == SURGE_ACTOR
    ]


def test_the_surge_adds_callers_only_in_its_window_at_its_factor_over_the_forecast() -> None:
    runtime = _demo()
    try:
        runtime.advance(3_000)  # 10:50: both surges are over
        config = runtime.config
        plan = day_plan(load_default_supervision(config), CentreClock(config.centre.epoch))
        placed = _surge_commands(runtime)
        forecast = runtime.supervision.board.forecast
        for surge in plan.surges:
            mine = [t for t, queue in placed if queue == surge.queue_id]
            assert mine and all(surge.start_s <= t < surge.end_s for t in mine)
            expected = (surge.factor - 1) * forecast.expected(
                surge.queue_id, surge.start_s, surge.end_s
            )
            assert abs(len(mine) - expected) < 4 * math.sqrt(expected), (surge, len(mine))
    finally:
        runtime.store.close()


def test_a_new_supervisor_sees_the_surge_alert_within_minutes_of_the_surge() -> None:
    runtime = _demo()
    try:
        runtime.advance(900)  # 10:15
        surges = [
            data
            for _, kind, _, _, _, data in stored_log(runtime)
            if kind == "alert.raised" and data["kind"] == "queue_surge"
        ]
        enquiry = [a for a in surges if a["subject_id"] == "enquiry"]
        assert enquiry, surges
        starts = 4 * 60.0  # 10:04
        assert starts < enquiry[0]["raised_at"] < starts + 6 * 60
    finally:
        runtime.store.close()


def test_a_restart_in_the_middle_of_the_surge_replays_its_callers_and_draws_none_twice(
    tmp_path: Path,
) -> None:
    db = tmp_path / "centre.sqlite"
    first = _demo(db)
    first.advance(900)
    before = _surge_commands(first)
    first.store.set_last_sim_time(first.now)
    first.store.close()
    again = _demo(db)
    try:
        assert again.frame.number == 1  # the same day, replayed
        again.advance(900)
        after = _surge_commands(again)
        assert after[: len(before)] == before
        assert len(after) > len(before) and len(set(after)) == len(after)
        assert all(t > 900.0 for t, _ in after[len(before) :])
    finally:
        again.store.close()


def test_serve_with_a_broken_supervision_file_beside_the_centre_says_where_and_exits_2(
    tmp_path: Path,
) -> None:
    centre = small_centre_file(tmp_path)
    beside = centre.parent / "supervision.yaml"
    beside.write_text("supervision: 1\nthresholds:\n  queue:\n    longest_wait: 3\n", "utf-8")
    result = subprocess.run(
        serve_command(centre, tmp_path / "centre.sqlite", free_port()),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "the supervision file has errors" in result.stderr
    assert f"{beside}:4" in result.stderr
