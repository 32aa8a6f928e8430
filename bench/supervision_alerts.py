"""Cost of the alert evaluator riding along a simulated demo day.

The demo centre (centre.yaml with supervision.yaml's thresholds) runs for `--hours` from
its 10:00 opening; the evaluator hears every event through `Engine.subscribe`, as it will
inside the engine. Three runs of the same day: the engine alone, with the evaluator but
no projections, and with everything; printed: each time, the evaluator's cost per event
and per projection (the look-ahead chain is the expensive part). The day plan's surges
are not applied (the engine does not take them yet): this is the day as planned.

    .venv/bin/python bench/supervision_alerts.py [--hours 8] [--seed 1]

The last line is `us_per_event=X`: the whole evaluator's microseconds per event of the log.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig
from server_stub.engine import BUILD, Engine
from server_stub.protocol.supervision import ProjectionRule, QueueRules, Thresholds
from server_stub.supervision.alerts import AlertChange, AlertEngine
from server_stub.supervision.loader import load_default_supervision


def _day(
    centre: CentreConfig, seed: int, until: float, thresholds: Thresholds | None
) -> tuple[float, int, int]:
    """(seconds, events, alert changes) of one run; no evaluator when thresholds is None."""
    engine = Engine(centre, seed)
    changes: list[AlertChange] = []
    if thresholds is not None:
        alerts = AlertEngine.for_centre(centre, thresholds)
        engine.subscribe(lambda _seq, entry: changes.extend(alerts.apply_entry(*entry)))
    started = time.perf_counter()
    engine.advance_to(until)
    if thresholds is not None:
        changes.extend(alerts.advance(until))
    return time.perf_counter() - started, engine.last_seq, len(changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    until = args.hours * 3600.0
    centre = load_default_centre()
    thresholds = load_default_supervision(centre).thresholds
    no_projection = thresholds.model_copy(
        update={"queue": QueueRules(projection=ProjectionRule(enabled=False)), "queues": {}}
    )
    engine_s, events, _ = _day(centre, args.seed, until, None)
    folds_s, _, _ = _day(centre, args.seed, until, no_projection)
    full_s, _, changes = _day(centre, args.seed, until, thresholds)
    projections = len(centre.queues) * int(until // 60)  # every_s 60 in the demo
    print(f"engine ({BUILD}) alone: {events} events in {args.hours:g} h, {engine_s:.2f} s")
    per_event = (folds_s - engine_s) / events * 1e6
    print(f"+ evaluator, no projections: {folds_s:.2f} s ({per_event:.1f} us/event)")
    print(f"+ evaluator: {full_s:.2f} s, {changes} alert changes")
    print(
        f"projections: about {projections}, {(full_s - folds_s) / projections * 1000:.2f} ms each"
    )
    print(f"us_per_event={(full_s - engine_s) / events * 1e6:.1f}")


if __name__ == "__main__":
    main()
