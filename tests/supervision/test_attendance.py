"""Attendance at shift start: the demo roster, present / late / absent / missing per team,
and counts that an independent pass over the log agrees with."""

from __future__ import annotations

import pytest

from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig
from server_stub.engine import Engine
from server_stub.protocol.supervision import (
    ATTENDANCE_NOTED,
    AttendanceNoted,
    AttendanceStatus,
)
from server_stub.supervision.attendance import AttendanceBook, RosterEntry, build_roster
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.loader import load_default_supervision
from tests.supervision.helpers import Entry, login

GRACE = 300.0


@pytest.fixture(scope="module")
def centre() -> CentreConfig:
    return load_default_centre()


@pytest.fixture(scope="module")
def roster(centre: CentreConfig) -> list[RosterEntry]:
    supervision = load_default_supervision(centre)
    return build_roster(centre, supervision.roster, CentreClock(centre.centre.epoch))


def _book(roster: list[RosterEntry], entries: list[Entry]) -> AttendanceBook:
    book = AttendanceBook(roster, grace_s=GRACE)
    for entry in sorted(entries, key=lambda e: e[0]):
        book.apply_entry(*entry)
    return book


def _demo_morning(roster: list[RosterEntry]) -> list[Entry]:
    """Everyone on shift at the opening logs in then, but the absentees, the no-show a019
    and a034, who comes at 10:07; the humans log in at 10:02."""
    away = {"a010", "a022", "a031", "a019", "a034", "1001", "1100"}
    entries = [
        e for r in roster if r.start_s <= 0 and r.agent_id not in away for e in login(0, r.agent_id)
    ]
    entries += login(420, "a034") + login(120, "1001") + login(120, "1100")
    return entries


def test_the_demo_roster_expects_every_shift_and_the_two_human_seats(
    roster: list[RosterEntry],
) -> None:
    by_agent = {r.agent_id: r for r in roster}
    assert len(roster) == 42  # 40 simulated agents and the two humans' extra shifts
    assert by_agent["a003"].start_s == -3 * 3600  # the early shift began at 07:00
    assert by_agent["a011"].start_s == 3.5 * 3600  # the late shift begins at 13:30
    assert by_agent["1001"].start_s == 0 and by_agent["1001"].shift is None
    assert (by_agent["a010"].absence_reason, by_agent["a010"].absence_note[:5]) == (
        "sick_leave",
        "07:40",
    )


def test_at_the_opening_everyone_on_shift_is_expected_and_the_late_shift_upcoming(
    roster: list[RosterEntry],
) -> None:
    book = _book(roster, _demo_morning(roster))
    rows = {row.agent_id: row for team in book.report(0) for row in team.rows}
    assert rows["a001"].status is AttendanceStatus.PRESENT
    assert rows["a019"].status is AttendanceStatus.EXPECTED  # within the grace
    assert rows["a010"].status is AttendanceStatus.ABSENT and rows["a010"].reason == "sick_leave"
    assert rows["a011"].status is AttendanceStatus.UPCOMING


def test_after_the_grace_a_no_show_is_missing_and_a_late_login_is_flagged(
    roster: list[RosterEntry],
) -> None:
    book = _book(roster, _demo_morning(roster))
    rows = {row.agent_id: row for team in book.report(400) for row in team.rows}
    assert rows["a019"].status is AttendanceStatus.MISSING
    assert rows["a034"].status is AttendanceStatus.MISSING
    assert rows["1001"].status is AttendanceStatus.PRESENT  # 10:02, inside the grace
    later = {row.agent_id: row for team in book.report(500) for row in team.rows}
    a034 = later["a034"]
    assert a034.status is AttendanceStatus.LATE
    assert a034.first_login_at == 420
    assert a034.late_by_s == 420 + 1.5 * 3600  # day_b began at 08:30
    assert [r.agent_id for r in book.late_logins(500)] == ["a034"]


def test_a_supervisors_note_gives_a_missing_agent_a_reason(roster: list[RosterEntry]) -> None:
    note = AttendanceNoted(
        agent_id="a019", team_id="B", reason="personal_leave", note="家里有事", by="s101"
    )
    entries = [
        *_demo_morning(roster),
        (600.0, ATTENDANCE_NOTED, None, "a019", None, note.model_dump()),
    ]
    book = _book(roster, entries)
    before = {r.agent_id: r for t in book.report(599) for r in t.rows}["a019"]
    after = {r.agent_id: r for t in book.report(600) for r in t.rows}["a019"]
    assert before.status is AttendanceStatus.MISSING
    assert (after.status, after.reason, after.note) == (
        AttendanceStatus.ABSENT,
        "personal_leave",
        "家里有事",
    )


def test_the_late_shift_is_on_time_within_the_grace_and_late_after_it(
    roster: list[RosterEntry],
) -> None:
    start = 3.5 * 3600
    book = _book(roster, [*login(start + 200, "a011"), *login(start + 400, "a013")])
    rows = {r.agent_id: r for t in book.report(start + 600, ["A"]) for r in t.rows}
    assert rows["a011"].status is AttendanceStatus.PRESENT
    assert (rows["a013"].status, rows["a013"].late_by_s) == (AttendanceStatus.LATE, 400)


def _independent_counts(
    roster: list[RosterEntry], entries: list[Entry], now: float, team: str
) -> tuple[int, int, int, int]:
    """(expected, present, absent, late) of `team` at `now`, worked out from the log."""
    first_login: dict[str, float] = {}
    for at, event_type, _call, agent_id, _queue, data in sorted(entries, key=lambda e: e[0]):
        if event_type == "agent.state_changed" and data["from"] == "logged_out" and at <= now:
            first_login.setdefault(agent_id, at)  # type: ignore[arg-type]
    expected = present = absent = late = 0
    for entry in roster:
        if entry.team_id != team or entry.start_s > now:
            continue
        expected += 1
        login_at = first_login.get(entry.agent_id)
        if login_at is None:
            absent += entry.absence_reason is not None or now >= max(entry.start_s, 0) + GRACE
        else:
            present += 1
            late += login_at > max(entry.start_s, 0) + GRACE
    return expected, present, absent, late


@pytest.mark.parametrize("now", [0.0, 299.0, 300.0, 450.0, 3600.0])
def test_team_counts_agree_with_a_pass_over_the_log(roster: list[RosterEntry], now: float) -> None:
    entries = _demo_morning(roster)
    book = _book(roster, entries)
    for team in book.report(now):
        counts = (team.expected, team.present, team.absent, team.late)
        assert counts == _independent_counts(roster, entries, now, team.team_id)
        assert team.missing == sum(r.status is AttendanceStatus.MISSING for r in team.rows)


def test_an_engine_morning_logs_in_everyone_on_shift_on_time(
    centre: CentreConfig, roster: list[RosterEntry]
) -> None:
    engine = Engine(centre, seed=2, keep_log=True)
    engine.advance_to(600)
    book = AttendanceBook(roster, grace_s=GRACE)
    for entry in engine.log:
        book.apply_entry(*entry)
    for team in book.report(600):
        expected, present, absent, late = _independent_counts(roster, engine.log, 600, team.team_id)
        assert (team.expected, team.present, team.absent, team.late) == (
            expected,
            present,
            absent,
            late,
        )
        assert late == 0
        # the humans have not logged in: missing; every simulated agent on shift is here
        assert {r.agent_id for r in team.rows if r.status is AttendanceStatus.MISSING} <= {
            "1001",
            "1100",
        }
