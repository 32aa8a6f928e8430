"""Attendance at shift start (SV5): the roster, and who came, who is late, who is away.

The roster is who is expected today: every simulated agent on its centre shift (one with
no shift is on all day from the opening), the `roster.extra` shifts (humans' seats),
less the agents `off`; planned absences keep their reason. `AttendanceBook` folds
`agent.state_changed` (a log-in is a change from `logged_out`) and
`supervisor.attendance_noted`, and reports each team at any moment:

- a log-in by max(shift start, opening) + grace is on time (`present`): the log begins at
  the opening, so an agent logged in then was there when the day's record starts;
- a later log-in is `late`, by (log-in − shift start);
- no log-in: `absent` with the supervisor's note or the roster's reason, else `expected`
  until the grace is over, then `missing`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.events import Event
from server_stub.protocol.supervision import (
    ATTENDANCE_NOTED,
    AttendanceNoted,
    AttendanceRow,
    AttendanceStatus,
    TeamAttendance,
)
from server_stub.supervision.clock import DAY_S, CentreClock
from server_stub.supervision.config import RosterConfig
from server_stub.supervision.entries import as_entry

# A log-in this long before a shift starts still counts for it (an early arrival).
EARLY_LOGIN_S = 2 * 3600.0


@dataclass(frozen=True)
class RosterEntry:
    agent_id: str
    name: str
    team_id: str
    shift: str | None  # the centre's shift name; None: on all day or an extra shift
    start_s: float
    end_s: float
    absence_reason: str | None = None
    absence_note: str = ""


def build_roster(
    centre: CentreConfig, roster: RosterConfig, clock: CentreClock, *, opening_s: float = 0.0
) -> list[RosterEntry]:
    """Today's roster: shifts that end after the opening, in the centre file's order."""
    off = set(roster.off)
    absences = {a.agent: a for a in roster.absences}
    extra = {e.agent: e for e in roster.extra}
    entries: list[RosterEntry] = []
    for agent in centre.agents:
        if agent.id in off:
            continue
        shift_name: str | None = None
        if agent.id in extra:
            start = clock.sim_at(extra[agent.id].start)
            end = clock.sim_at(extra[agent.id].end)
        elif not agent.simulated:
            continue  # a human without a seat today
        elif agent.shift is None:
            start, end = opening_s, opening_s + DAY_S
        else:
            shift_name = agent.shift
            shift = centre.shifts[agent.shift]
            start, end = clock.sim_at(shift.start), clock.sim_at(shift.end)
        if end <= start:
            end += DAY_S  # an overnight shift
        if end <= opening_s:
            continue
        absence = absences.get(agent.id)
        entries.append(
            RosterEntry(
                agent_id=agent.id,
                name=agent.name,
                team_id=agent.team,
                shift=shift_name,
                start_s=start,
                end_s=end,
                absence_reason=absence.reason if absence is not None else None,
                absence_note=absence.note if absence is not None else "",
            )
        )
    return entries


class AttendanceBook:
    """Log-ins and supervisors' notes, folded from the log; reports at any moment."""

    def __init__(
        self, roster: Sequence[RosterEntry], *, grace_s: float, opening_s: float = 0.0
    ) -> None:
        self.roster = list(roster)
        self.grace_s = grace_s
        self.opening_s = opening_s
        self._logins: dict[str, list[float]] = {}
        self._notes: dict[str, tuple[float, AttendanceNoted]] = {}

    def apply(self, event: Event) -> None:
        self.apply_entry(*as_entry(event))

    def apply_entry(
        self,
        sim_time: float,
        event_type: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        data: Mapping[str, Any],
    ) -> None:
        if agent_id is None:
            return
        if event_type == "agent.state_changed":
            if data.get("from") == "logged_out" and data.get("to") != "logged_out":
                self._logins.setdefault(agent_id, []).append(sim_time)
        elif event_type == ATTENDANCE_NOTED:
            self._notes[agent_id] = (sim_time, AttendanceNoted.model_validate(dict(data)))

    def _first_login(self, entry: RosterEntry, now: float) -> float | None:
        for at in self._logins.get(entry.agent_id, ()):
            if entry.start_s - EARLY_LOGIN_S <= at < entry.end_s and at <= now:
                return at
        return None

    def row(self, entry: RosterEntry, now: float) -> AttendanceRow:
        status: AttendanceStatus
        late_by: float | None = None
        reason: str | None = None
        note = ""
        login = self._first_login(entry, now)
        deadline = max(entry.start_s, self.opening_s) + self.grace_s
        noted = self._notes.get(entry.agent_id)
        if entry.start_s > now:
            status = AttendanceStatus.UPCOMING
            reason, note = entry.absence_reason, entry.absence_note
        elif login is not None:
            status = AttendanceStatus.PRESENT if login <= deadline else AttendanceStatus.LATE
            if status is AttendanceStatus.LATE:
                late_by = login - entry.start_s
        elif noted is not None and noted[0] <= now:
            status = AttendanceStatus.ABSENT
            reason, note = noted[1].reason, noted[1].note
        elif entry.absence_reason is not None:
            status = AttendanceStatus.ABSENT
            reason, note = entry.absence_reason, entry.absence_note
        else:
            status = AttendanceStatus.MISSING if now >= deadline else AttendanceStatus.EXPECTED
        return AttendanceRow(
            agent_id=entry.agent_id,
            name=entry.name,
            team_id=entry.team_id,
            shift=entry.shift,
            expected_at=entry.start_s,
            ends_at=entry.end_s,
            status=status,
            first_login_at=login,
            late_by_s=late_by,
            reason=reason,
            note=note,
        )

    def report(self, now: float, teams: Sequence[str] | None = None) -> list[TeamAttendance]:
        """Each team (all, or `teams`) at `now`: counts over shifts that have started."""
        wanted = list(teams) if teams is not None else sorted({e.team_id for e in self.roster})
        rows: dict[str, list[AttendanceRow]] = {team: [] for team in wanted}
        for entry in self.roster:
            if entry.team_id in rows:
                rows[entry.team_id].append(self.row(entry, now))
        return [_team_counts(team, team_rows) for team, team_rows in rows.items()]

    def late_logins(self, now: float) -> list[AttendanceRow]:
        """Every late log-in so far, in roster order."""
        late = (self.row(entry, now) for entry in self.roster)
        return [row for row in late if row.status is AttendanceStatus.LATE]


def _team_counts(team_id: str, rows: list[AttendanceRow]) -> TeamAttendance:
    def count(*statuses: AttendanceStatus) -> int:
        return sum(1 for row in rows if row.status in statuses)

    return TeamAttendance(
        team_id=team_id,
        expected=len(rows) - count(AttendanceStatus.UPCOMING),
        present=count(AttendanceStatus.PRESENT, AttendanceStatus.LATE),
        absent=count(AttendanceStatus.ABSENT, AttendanceStatus.MISSING),
        late=count(AttendanceStatus.LATE),
        missing=count(AttendanceStatus.MISSING),
        rows=rows,
    )
