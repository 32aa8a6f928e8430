"""The day's events as the engine applies them: surges, late log-ins, agents who stay away.

`day_plan` turns the supervision file's `day` section and the roster's absences into
sim times. The engine (a later step) multiplies a queue's arrival rate by
`arrival_factor(queue, t)` (factors of overlapping surges multiply), keeps the agents of
`stays_out` logged out all day, and logs a late agent in at its `late_logins` time
instead of at its shift's start. None of it enters the forecast: that is the point.
"""

from __future__ import annotations

from dataclasses import dataclass

from server_stub.supervision.clock import CentreClock
from server_stub.supervision.config import SupervisionConfig


@dataclass(frozen=True)
class SurgeWindow:
    queue_id: str
    start_s: float
    end_s: float
    factor: float
    note: str = ""


@dataclass(frozen=True)
class DayPlan:
    surges: tuple[SurgeWindow, ...]
    late_logins: dict[str, float]  # agent id → sim time it logs in
    stays_out: frozenset[str]  # planned absences and no-shows

    def arrival_factor(self, queue_id: str, t: float) -> float:
        """What the forecast rate of `queue_id` is multiplied by at sim time `t`."""
        factor = 1.0
        for surge in self.surges:
            if surge.queue_id == queue_id and surge.start_s <= t < surge.end_s:
                factor *= surge.factor
        return factor

    def factor_changes(self) -> list[tuple[float, str]]:
        """(sim time, queue id) at which a queue's factor changes, in time order."""
        return sorted(
            {(s.start_s, s.queue_id) for s in self.surges}
            | {(s.end_s, s.queue_id) for s in self.surges}
        )


def day_plan(config: SupervisionConfig, clock: CentreClock) -> DayPlan:
    day = config.day
    return DayPlan(
        surges=tuple(
            SurgeWindow(s.queue, clock.sim_at(s.start), clock.sim_at(s.end), s.factor, s.note)
            for s in day.surges
        ),
        late_logins={login.agent: clock.sim_at(login.at) for login in day.late_logins},
        stays_out=frozenset([a.agent for a in config.roster.absences] + list(day.no_shows)),
    )
