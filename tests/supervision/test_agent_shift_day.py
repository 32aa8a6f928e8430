"""The shift fold's "today" (ST3): a new day starts at the centre's local midnight, in the
state the agent is in; a survey counts on the day it was answered."""

from __future__ import annotations

from server_stub.protocol.supervision_board import day_start
from server_stub.supervision.shift import ShiftCompanion

EPOCH = "2026-11-23T08:00:00+08:00"  # sim time 0 is 08:00 local: midnight is 16 h on


def state(
    at: float, frm: str, to: str, reason: str | None = None, leg: str | None = None
) -> tuple[float, str, None, str, None, dict[str, str | None]]:
    data = {"from": frm, "to": to, "reason": reason, "leg": leg}
    return (at, "agent.state_changed", None, "1001", None, data)


def test_after_midnight_the_day_starts_again_in_the_state_the_agent_is_in() -> None:
    shifts = ShiftCompanion(EPOCH)
    midnight = day_start(0.0, shifts.clock.day_offset_s) + 86400.0
    assert midnight == 16 * 3600.0
    for entry in (
        state(100.0, "logged_out", "not_ready", "login"),
        state(100.0, "not_ready", "ready"),
        state(midnight - 60.0, "ready", "reserved"),
        state(midnight - 55.0, "reserved", "busy", leg="talking"),
        (midnight - 30.0, "call.survey_scored", "c1", "1001", "enquiry", {"score": 3}),
    ):
        shifts.observe(entry)
    before = shifts.shift("1001", midnight - 1.0)
    assert before.seconds_in("ready") == midnight - 160.0
    assert before.surveys.scored == 1 and before.login_at == 100.0
    after = shifts.shift("1001", midnight + 40.0)
    assert after.day_start == midnight
    assert [(s.state, s.seconds) for s in after.states] == [("talking", 40.0)]
    assert after.login_at == midnight  # on since before midnight: the day's login is midnight
    assert after.surveys.scored == 0 and after.calls_handled == 0
