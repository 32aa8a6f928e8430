"""The `simulate` command: run days as fast as possible and report metrics with 95 % intervals.

`--erlang` builds a one-queue M/M/N(+M) centre in code and shows the Erlang C
(or Erlang A, with `--patience`) figures beside the simulated ones; otherwise a
centre file (`--config`, default the demo centre) is run. Each day starts empty,
with its own seed derived from (seed, day); metrics count the calls arriving in
[warm-up, hours) and the day runs on for a while after that so they are resolved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from server_stub.centre.schema import (
    AgentConfig,
    Arrivals,
    CentreConfig,
    CentreInfo,
    Customers,
    Distribution,
    QueueConfig,
    Team,
)
from server_stub.engine import Engine
from server_stub.erlang import erlang_a, erlang_c
from server_stub.metrics import MetricsFold, QueueMetrics, WindowMetrics

# Calls that arrived before the window's end are given up to this long to be answered or
# leave (checked every DRAIN_STEP_S); any still waiting then count as waiting.
DRAIN_S = 1800.0
DRAIN_STEP_S = 30.0
ERLANG_QUEUE_ID = "erlang"
ERLANG_SKILL = "general"
HALF_HOURS_PER_DAY = 48

# Metrics reported, in order, with how to read each off a QueueMetrics.
REPORTED: dict[str, Callable[[QueueMetrics], float | None]] = {
    "offered": lambda m: float(m.offered),
    "answered": lambda m: float(m.answered),
    "abandoned": lambda m: float(m.abandoned),
    "overflowed": lambda m: float(m.overflowed),
    "service_level": lambda m: m.service_level,
    "p_wait": lambda m: m.p_wait,
    "asa_s": lambda m: m.asa_s,
    "mean_wait_all_s": lambda m: m.mean_wait_all_s,
    "p_abandon": lambda m: m.p_abandon,
    "occupancy": lambda m: m.occupancy,
}

# Two-sided 95 % Student t quantiles t(0.975, df) for df = 1..30 (no scipy here).
_T_975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip
# Beyond 30 degrees of freedom: a few more table points, then the normal quantile.
_T_975_LARGE = ((40, 2.0211), (60, 2.0003), (120, 1.9799))
_Z_975 = 1.95996


def t_quantile_975(degrees_of_freedom: int) -> float:
    """t(0.975, df): exact table to 30, then the next table point at or below df (slightly
    wide, never narrow), then the normal quantile above 120."""
    if degrees_of_freedom < 1:
        raise ValueError("need at least one degree of freedom")
    if degrees_of_freedom <= len(_T_975):
        return _T_975[degrees_of_freedom - 1]
    quantile = _T_975[-1]
    for df, value in _T_975_LARGE:
        if degrees_of_freedom >= df:
            quantile = value
    return _Z_975 if degrees_of_freedom > 120 else quantile


@dataclass(frozen=True)
class Estimate:
    """Mean over days and the half-width of its 95 % t interval (None with fewer than 2 days)."""

    mean: float | None
    ci95: float | None

    def as_json(self) -> dict[str, float | None]:
        return {"mean": self.mean, "ci95": self.ci95}


def estimate(per_day: Sequence[float | None]) -> Estimate:
    """Days without a value (no calls, no agent time) are left out."""
    values = [v for v in per_day if v is not None and not math.isnan(v)]
    if not values:
        return Estimate(None, None)
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return Estimate(mean, None)
    half_width = t_quantile_975(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return Estimate(mean, half_width)


def day_seed(seed: int, day: int) -> int:
    """A seed per (seed, day), stable across processes and Python versions."""
    digest = hashlib.blake2b(f"{seed}:{day}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def erlang_centre(
    arrivals_per_hour: float,
    aht_s: float,
    agents: int,
    patience_s: float | None,
    target_s: float,
) -> CentreConfig:
    """One queue, one skill, N always-on simulated agents: M/M/N, or M/M/N+M with patience."""
    queue = QueueConfig(
        id=ERLANG_QUEUE_ID,
        name="Erlang",
        skill=ERLANG_SKILL,
        max_length=10_000_000,
        sl_target_s=target_s,
        talk_time=Distribution(dist="exponential", mean_s=aht_s),
        after_call_work=None,
        patience=None
        if patience_s is None
        else Distribution(dist="exponential", mean_s=patience_s),
        arrivals=Arrivals(calls_per_day=arrivals_per_hour * 24, profile="flat"),
    )
    return CentreConfig(
        centre=CentreInfo(name="Erlang M/M/N", sl_target_s=target_s),
        skills=[ERLANG_SKILL],
        queues=[queue],
        arrival_profiles={"flat": [1.0] * HALF_HOURS_PER_DAY},
        teams=[Team(id="floor", name="Floor")],
        agents=[
            AgentConfig(id=f"a{k:04d}", name=f"Agent {k}", team="floor", skills={ERLANG_SKILL: 5})
            for k in range(1, agents + 1)
        ],
        customers=Customers(count=1, known_caller_share=0.0),
    )


def run_day(config: CentreConfig, seed: int, hours: float, warmup_hours: float) -> WindowMetrics:
    """One day from empty; metrics of the calls arriving in [warm-up, hours)."""
    # queue.stats snapshots add events and nothing we measure
    engine = Engine(config, seed, emit_queue_stats=False)
    start, end = warmup_hours * 3600.0, hours * 3600.0
    targets = {queue.id: queue.sl_target_s for queue in config.queues}
    fold = MetricsFold(start, end, targets)  # folds events as they come: no log is kept
    engine.subscribe_batches(fold.add_batch)
    engine.advance_to(end)
    # Run on until every caller who arrived in the window has been answered or has left.
    deadline = end + DRAIN_S
    while engine.now < deadline and _window_callers_waiting(engine, config, end):
        engine.advance_to(min(engine.now + DRAIN_STEP_S, deadline))
    return fold.result()


def _window_callers_waiting(engine: Engine, config: CentreConfig, end: float) -> bool:
    """Is anyone who reached a queue before `end` still waiting? The longest wait tells."""
    waited_since_end = engine.now - end
    for queue in config.queues:
        stats = engine.queue_stats(queue.id)
        if stats["waiting"] and stats["longest_wait_s"] >= waited_since_end:
            return True
    return False


def run_days(
    config: CentreConfig, days: int, hours: float, warmup_hours: float, seed: int
) -> list[WindowMetrics]:
    return [run_day(config, day_seed(seed, day), hours, warmup_hours) for day in range(days)]


def summarise(per_day: Sequence[QueueMetrics]) -> dict[str, Estimate]:
    return {name: estimate([read(m) for m in per_day]) for name, read in REPORTED.items()}


def erlang_figures(args: argparse.Namespace) -> dict[str, float]:
    if args.patience is None:
        c = erlang_c(args.arrivals_per_hour, args.aht, args.agents, args.target)
        return {
            "p_wait": c.p_wait,
            "service_level": c.service_level,
            "asa_s": c.asa_s,
            "mean_wait_all_s": c.asa_s,
            "p_abandon": 0.0,
            "occupancy": c.occupancy,
        }
    a = erlang_a(args.arrivals_per_hour, args.aht, args.agents, args.patience, args.target)
    return {
        "p_wait": a.p_wait,
        "service_level": a.service_level,
        "asa_s": a.asa_s,
        "mean_wait_all_s": a.mean_wait_all_s,
        "p_abandon": a.p_abandon,
        "occupancy": a.occupancy,
    }


def _usage_error(message: str) -> int:
    print(f"simulate: {message}", file=sys.stderr)
    return 2


def _check_run_args(args: argparse.Namespace) -> str | None:
    if args.days < 1:
        return "--days must be at least 1"
    if not 0 < args.hours <= 24:
        # each simulated day starts empty and follows one day's profile: 30 h is not a day
        return (
            "--hours is the length of one simulated day: more than 0, at most 24 (--days for more)"
        )
    if not 0 <= args.warmup_hours < args.hours:
        return "--warmup-hours must be at least 0 and less than --hours"
    if args.erlang:
        missing = [
            flag
            for flag, value in (
                ("--arrivals-per-hour", args.arrivals_per_hour),
                ("--aht", args.aht),
                ("--agents", args.agents),
            )
            if value is None
        ]
        if missing:
            return "--erlang needs " + ", ".join(missing)
        if args.arrivals_per_hour <= 0 or args.aht <= 0 or args.agents < 1:
            return "--arrivals-per-hour and --aht must be more than 0, --agents at least 1"
        if args.patience is not None and args.patience <= 0:
            return "--patience must be more than 0"
        if args.target < 0:
            return "--target must be at least 0"
    return None


def _load_config(args: argparse.Namespace) -> CentreConfig:
    from server_stub.centre.loader import load_centre, load_default_centre

    return load_default_centre() if args.config is None else load_centre(args.config)


def run_simulate_command(args: argparse.Namespace) -> int:
    problem = _check_run_args(args)
    if problem is not None:
        return _usage_error(problem)
    if args.erlang:
        config = erlang_centre(
            args.arrivals_per_hour, args.aht, args.agents, args.patience, args.target
        )
    else:
        from server_stub.centre.loader import CentreConfigError

        try:
            config = _load_config(args)
        except CentreConfigError as error:
            print(str(error), file=sys.stderr)
            return 2

    per_day = run_days(config, args.days, args.hours, args.warmup_hours, args.seed)
    overall = summarise([day.overall for day in per_day])
    queue_ids = [queue.id for queue in config.queues]
    per_queue = {
        queue_id: summarise([day.queues[queue_id] for day in per_day if queue_id in day.queues])
        for queue_id in queue_ids
    }
    formula = erlang_figures(args) if args.erlang else None

    if args.json:
        report: dict[str, Any] = {name: value.as_json() for name, value in overall.items()}
        report["days"] = args.days
        report["hours"] = args.hours
        report["warmup_hours"] = args.warmup_hours
        report["seed"] = args.seed
        report["queues"] = {
            queue_id: {name: value.as_json() for name, value in metrics.items()}
            for queue_id, metrics in per_queue.items()
        }
        if formula is not None:
            model = "erlang_c" if args.patience is None else "erlang_a"
            # JSON has no infinity: an unstable M/M/N (load >= N) has ASA null
            finite = {k: (v if math.isfinite(v) else None) for k, v in formula.items()}
            report["erlang"] = {"model": model, **finite}
        print(json.dumps(report, ensure_ascii=False, allow_nan=False))
    else:
        _print_tables(config, args, overall, per_queue, formula)
    return 0


_LABELS = {
    "offered": "offered / day",
    "answered": "answered / day",
    "abandoned": "abandoned / day",
    "overflowed": "overflowed / day",
    "service_level": "service level",
    "p_wait": "P(wait)",
    "asa_s": "ASA (s)",
    "mean_wait_all_s": "mean wait, all (s)",
    "p_abandon": "P(abandon)",
    "occupancy": "occupancy",
}


def _fmt(value: float | None, name: str) -> str:
    if value is None:
        return "–"
    if math.isinf(value):
        return "∞"
    if name in {"offered", "answered", "abandoned", "overflowed"}:
        return f"{value:,.1f}"
    if name.endswith("_s"):
        return f"{value:.2f}"
    return f"{value:.4f}"


def _print_tables(
    config: CentreConfig,
    args: argparse.Namespace,
    overall: dict[str, Estimate],
    per_queue: dict[str, dict[str, Estimate]],
    formula: dict[str, float] | None,
) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    # Two header lines of their own: as a table title they wrapped at the table's width,
    # mid-phrase.
    days = "1 day" if args.days == 1 else f"{args.days} days"
    console.print(config.centre.name, style="bold", soft_wrap=True)
    console.print(
        f"{days} of {args.hours:g} h each, measured after {args.warmup_hours:g} h warm-up, "
        f"seed {args.seed}",
        soft_wrap=True,
    )
    labels = {**_LABELS, "service_level": f"service level ({_sl_target_text(config)})"}
    table = Table()
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("± 95 %", justify="right")
    if formula is not None:
        table.add_column("Erlang A" if args.patience is not None else "Erlang C", justify="right")
    for name, value in overall.items():
        row = [labels[name], _fmt(value.mean, name), _fmt(value.ci95, name)]
        if formula is not None:
            row.append(_fmt(formula.get(name), name) if name in formula else "")
        table.add_row(*row)
    console.print(table)
    if len(per_queue) > 1:
        # Metrics down, queues across: stays narrow however many metrics there are.
        console.print("per queue (mean over days)", style="bold")
        queues = Table()
        queues.add_column("metric")
        targets = {queue.id: queue.sl_target_s for queue in config.queues}
        for queue_id in per_queue:
            queues.add_column(f"{queue_id}\nSL ≤ {targets[queue_id]:g} s", justify="right")
        for name in REPORTED:
            if name == "occupancy":
                continue  # agents serve several queues: occupancy is centre-wide only
            queues.add_row(
                _LABELS[name], *(_fmt(metrics[name].mean, name) for metrics in per_queue.values())
            )
        console.print(queues)
    console.print(_interval_note(args.days, overall))


def _sl_target_text(config: CentreConfig) -> str:
    """What 'service level' counted: answered within each queue's own target."""
    targets = sorted({queue.sl_target_s for queue in config.queues})
    if len(targets) == 1:
        return f"answered ≤ {targets[0]:g} s"
    return "answered within each queue's target: " + ", ".join(f"{t:g}" for t in targets) + " s"


def _interval_note(days: int, overall: dict[str, Estimate]) -> str:
    """Say what ± is, and why it can be larger than the mean."""
    if days < 2:
        return "± needs at least 2 days: run with --days 2 or more for a 95 % interval."
    note = (
        f"± is the 95 % confidence half-width over {days} days (Student's t with "
        f"{days - 1} degrees of freedom)."
    )
    wide = [
        _LABELS[name]
        for name, value in overall.items()
        if value.mean is not None and value.ci95 is not None and value.ci95 > abs(value.mean)
    ]
    if wide:
        note += (
            f" Where it is larger than the mean ({', '.join(wide)}), the figure is a rare "
            "count or ratio that varies a lot from day to day, and few days cannot pin it "
            "down: run more --days."
        )
    return note
