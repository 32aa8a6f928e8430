"""The supervisor's core (SV4, SV5, KP1): alerts, staffing, attendance and discipline.

Pure and free of I/O but for `loader.load_supervision` (it reads the file), so that it can
run inside the engine's timeline. The wire shapes it emits live in
`server_stub.protocol.supervision`. One module, one job:

- `alerts`: `AlertEngine` (apply / due / advance / acknowledge) → `AlertChange`s;
- `projection`: the interval's service level projected from the live queue;
- `staffing`: agents required per queue and half-hour (Erlang C and A), and the inverse;
- `workload`: AHT, patience and the forecast from the centre file;
- `attendance`: the roster and `AttendanceBook`; `discipline`: `ViolationLedger`;
- `config` / `loader`: `supervision.yaml`; `dayplan`: the day's surges, late log-ins and
  absences as sim times for the engine; `clock`: sim time ↔ local time;
- `directory`: agents' teams and queues, queue facts.
"""

from __future__ import annotations

from server_stub.supervision.alerts import AlertChange, AlertEngine, AlertError, QueueLive
from server_stub.supervision.attendance import AttendanceBook, RosterEntry, build_roster
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.config import SupervisionConfig
from server_stub.supervision.dayplan import DayPlan, SurgeWindow, day_plan
from server_stub.supervision.discipline import DisciplineError, ViolationLedger, new_violation
from server_stub.supervision.loader import (
    SupervisionConfigError,
    load_default_supervision,
    load_supervision,
    parse_supervision,
)
from server_stub.supervision.staffing import (
    IntervalFigures,
    StaffingRow,
    interval_figures,
    required_agents,
    staffing_plan,
)
from server_stub.supervision.workload import Forecast, forecast_calls

__all__ = [
    "AlertChange",
    "AlertEngine",
    "AlertError",
    "AttendanceBook",
    "CentreClock",
    "DayPlan",
    "DisciplineError",
    "Forecast",
    "IntervalFigures",
    "QueueLive",
    "RosterEntry",
    "StaffingRow",
    "SupervisionConfig",
    "SupervisionConfigError",
    "SurgeWindow",
    "ViolationLedger",
    "build_roster",
    "day_plan",
    "forecast_calls",
    "interval_figures",
    "load_default_supervision",
    "load_supervision",
    "new_violation",
    "parse_supervision",
    "required_agents",
    "staffing_plan",
]
