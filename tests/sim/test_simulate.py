"""The `simulate` command: its arguments, intervals, seeds and output."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from server_stub.cli import main
from server_stub.simulate import day_seed, erlang_centre, estimate, t_quantile_975

DOCUMENTED_KEYS = {
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "p_wait",
    "asa_s",
    "p_abandon",
    "occupancy",
}


def test_t_quantiles_come_from_the_table_and_approach_the_normal() -> None:
    assert t_quantile_975(1) == pytest.approx(12.7062)
    assert t_quantile_975(9) == pytest.approx(2.2622)
    assert t_quantile_975(30) == pytest.approx(2.0423)
    assert t_quantile_975(45) == pytest.approx(2.0211)  # the 40-df value: a bit wide, never narrow
    assert t_quantile_975(10_000) == pytest.approx(1.96, abs=1e-3)


def test_estimate_is_the_mean_and_the_t_interval_half_width() -> None:
    values = [0.8, 0.9, 0.85, 0.95]
    result = estimate(values)
    assert result.mean == pytest.approx(0.875)
    assert result.ci95 == pytest.approx(3.1824 * statistics.stdev(values) / 2)


def test_estimate_leaves_out_days_without_a_value_and_gives_no_interval_for_one_day() -> None:
    assert estimate([None, 0.5]) == estimate([0.5])
    assert estimate([0.5]).ci95 is None
    assert estimate([None, math.nan]).mean is None


def test_day_seeds_differ_by_day_and_by_seed_and_never_change() -> None:
    seeds = {day_seed(seed, day) for seed in (1, 2) for day in range(50)}
    assert len(seeds) == 100
    assert day_seed(1, 0) == day_seed(1, 0)
    assert 0 <= day_seed(1, 0) < 2**63


def test_erlang_centre_is_one_queue_served_by_n_always_on_agents() -> None:
    config = erlang_centre(200, 180, 14, 300, 20)
    (queue,) = config.queues
    assert queue.arrivals is not None
    assert queue.arrivals.calls_per_day == pytest.approx(200 * 24)
    assert config.arrival_profiles[queue.arrivals.profile] == [1.0] * 48
    assert queue.patience is not None and queue.patience.mean_s == 300
    assert queue.talk_time.dist == "exponential" and queue.talk_time.mean_s == 180
    assert queue.after_call_work is None
    assert len(config.agents) == 14
    assert all(agent.shift is None and agent.simulated for agent in config.agents)
    assert erlang_centre(200, 180, 14, None, 20).queues[0].patience is None


def test_erlang_mode_without_its_figures_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulate", "--erlang", "--aht", "180"]) == 2
    error = capsys.readouterr().err
    assert "--arrivals-per-hour" in error and "--agents" in error


def test_a_broken_centre_file_is_reported_by_file_and_line_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    centre = tmp_path / "centre.yaml"
    centre.write_text("centre:\n  name: 坏的\nskills: [a]\nqueues: 7\n", encoding="utf-8")
    assert main(["simulate", "--config", str(centre)]) == 2
    error = capsys.readouterr().err
    assert f"{centre}:4" in error
    assert "Traceback" not in error


def test_erlang_json_output_has_every_documented_key_with_mean_and_interval(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "200", "--aht", "180"]
    argv += ["--agents", "14", "--patience", "300", "--hours", "3", "--days", "3", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report.keys() >= DOCUMENTED_KEYS
    for key in DOCUMENTED_KEYS:
        assert set(report[key]) == {"mean", "ci95"}
        assert isinstance(report[key]["mean"], float)
        assert isinstance(report[key]["ci95"], float)
    assert report["erlang"]["model"] == "erlang_a"
    assert report["erlang"]["p_wait"] == pytest.approx(0.14526, abs=1e-5)
    assert report["days"] == 3 and report["seed"] == 1
    assert set(report["queues"]) == {"erlang"}


def test_the_same_seed_prints_the_same_report(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "100", "--aht", "120"]
    argv += ["--agents", "5", "--hours", "2", "--days", "2", "--json", "--seed", "9"]
    main(argv)
    first = capsys.readouterr().out
    main(argv)
    assert capsys.readouterr().out == first
    main([*argv[:-1], "10"])
    assert capsys.readouterr().out != first


def test_the_table_shows_the_erlang_column_beside_the_simulated_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "100", "--aht", "120"]
    argv += ["--agents", "5", "--hours", "2", "--days", "2"]
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "Erlang C" in table
    assert "service level" in table and "P(wait)" in table


def test_an_overloaded_erlang_c_centre_prints_valid_json_with_no_formula_asa(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "400", "--aht", "180"]
    argv += ["--agents", "10", "--hours", "2", "--days", "2", "--json"]  # 20 erlangs on 10
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["erlang"]["asa_s"] is None
    assert report["erlang"]["service_level"] == 0.0
    assert report["service_level"]["mean"] < 0.2


def test_a_day_longer_than_24_hours_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "100", "--aht", "120"]
    assert main([*argv, "--agents", "5", "--hours", "30"]) == 2
    assert "at most 24 (--days for more)" in capsys.readouterr().err


def test_the_report_says_what_it_ran_the_service_level_target_and_what_plus_minus_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "100", "--aht", "120", "--agents"]
    argv += ["5", "--hours", "3", "--days", "3", "--target", "15", "--patience", "60"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # one line, not a title wrapped at the table's width
    assert "3 days of 3 h each, measured after 1 h warm-up, seed 1" in out
    assert "service level (answered ≤ 15 s)" in out
    assert "95 % confidence half-width over 3 days" in out
    assert "2 degrees of freedom" in " ".join(out.split())


def test_one_day_says_that_an_interval_needs_two(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--erlang", "--arrivals-per-hour", "100", "--aht", "120", "--agents"]
    assert main([*argv, "5", "--hours", "2", "--days", "1"]) == 0
    assert "± needs at least 2 days" in capsys.readouterr().out
