"""The time-in-state ladder and threshold resolution (server_stub.protocol.supervision)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from server_stub.protocol.supervision import (
    TOLERANCE_S,
    AgentLadders,
    CallLadders,
    QueueRules,
    QueueThresholds,
    Severity,
    Steps,
    SurgeRule,
    TeamThresholds,
    Thresholds,
    state_severity,
)


def test_a_step_is_reached_at_exactly_its_value() -> None:
    steps = Steps(warning_s=600, critical_s=1200)
    assert steps.severity(599.9) is None
    assert steps.severity(600) is Severity.WARNING
    assert steps.severity(0.1 + 600 - 0.1) is Severity.WARNING  # float noise still counts
    assert steps.severity(1199) is Severity.WARNING
    assert steps.severity(1200) is Severity.CRITICAL


def test_next_step_is_the_first_not_yet_reached() -> None:
    steps = Steps(info_s=60, warning_s=600, critical_s=1200)
    assert steps.next_after(0) == 60
    assert steps.next_after(60) == 600
    assert steps.next_after(1200) is None
    assert Steps().next_after(0) is None
    assert Steps().severity(1e9) is None


def test_steps_that_do_not_rise_are_refused() -> None:
    with pytest.raises(ValidationError, match="must rise"):
        Steps(warning_s=600, critical_s=600)
    with pytest.raises(ValidationError, match="must rise"):
        Steps(info_s=900, warning_s=600)


@given(
    st.lists(st.floats(min_value=0, max_value=1e5), min_size=3, max_size=3, unique=True),
    st.floats(min_value=0, max_value=2e5),
)
def test_severity_is_the_highest_step_at_or_below_the_time(
    points: list[float], seconds: float
) -> None:
    info, warning, critical = sorted(points)
    steps = Steps(info_s=info, warning_s=warning, critical_s=critical)
    expected = None
    for at, severity in (
        (info, Severity.INFO),
        (warning, Severity.WARNING),
        (critical, Severity.CRITICAL),
    ):
        if seconds + TOLERANCE_S >= at:  # reached within a microsecond
            expected = severity
    assert steps.severity(seconds) is expected


def test_board_and_alerts_read_the_same_ladder_per_state() -> None:
    ladder = Thresholds().ladder_for(None, None)
    assert state_severity("not_ready", "break", 600, ladder) is Severity.WARNING
    assert state_severity("ready", None, 1200, ladder) is Severity.INFO
    assert state_severity("busy", None, 1800, ladder) is Severity.CRITICAL
    assert state_severity("wrap_up", None, 59, ladder) is None  # within the 60 s limit
    assert state_severity("wrap_up", None, 60, ladder) is Severity.WARNING
    assert state_severity("wrap_up", None, 120, ladder) is Severity.CRITICAL
    assert state_severity("reserved", None, 1e6, ladder) is None
    assert state_severity("logged_out", None, 1e6, ladder) is None


def test_team_overrides_agent_ladders_and_queue_overrides_call_ladders() -> None:
    thresholds = Thresholds(
        agent=AgentLadders(
            not_ready=Steps(warning_s=600),
            not_ready_by_reason={"lunch": Steps(warning_s=2400), "break": Steps(warning_s=1080)},
        ),
        teams={
            "C": TeamThresholds(
                agent=AgentLadders(
                    not_ready=Steps(warning_s=480), not_ready_by_reason={"break": Steps()}
                )
            )
        },
        queues={"complaint": QueueThresholds(call=CallLadders(talk=Steps(warning_s=900)))},
        wrapup_limits_s={"complaint": 120.0},
    )
    team_c = thresholds.ladder_for("C", "complaint")
    assert state_severity("not_ready", "meeting", 480, team_c) is Severity.WARNING
    assert state_severity("not_ready", "lunch", 2399, team_c) is None  # merged by reason
    assert state_severity("not_ready", "break", 1e6, team_c) is None  # {}: never
    assert state_severity("busy", None, 899, team_c) is None
    assert state_severity("busy", None, 900, team_c) is Severity.WARNING
    assert state_severity("wrap_up", None, 119, team_c) is None  # the complaint queue's limit
    assert state_severity("wrap_up", None, 120, team_c) is Severity.WARNING
    team_a = thresholds.ladder_for("A", None)
    assert state_severity("not_ready", "meeting", 480, team_a) is None
    assert state_severity("not_ready", "break", 1080, team_a) is Severity.WARNING
    assert state_severity("busy", None, 900, team_a) is Severity.WARNING  # built-in 900 s


def test_a_queue_rule_replaces_the_centre_rule_as_a_whole() -> None:
    thresholds = Thresholds(
        queue=QueueRules(surge=SurgeRule(factor=1.8, min_calls=20)),
        queues={
            "vip": QueueThresholds(
                queue=QueueRules(surge=SurgeRule(factor=3.0, critical_factor=4.0))
            )
        },
    )
    assert thresholds.queue_rules("enquiry").surge.min_calls == 20
    vip = thresholds.queue_rules("vip").surge
    assert (vip.factor, vip.min_calls) == (3.0, 8)  # built-in default, not the centre's 20


def test_thresholds_travel_as_json_and_resolve_the_same() -> None:
    thresholds = Thresholds(
        teams={"C": TeamThresholds(agent=AgentLadders(idle=Steps(warning_s=300)))},
        wrapup_limits_s={"q": 90.0},
    )
    again = Thresholds.model_validate_json(thresholds.model_dump_json())
    assert again.ladder_for("C", "q") == thresholds.ladder_for("C", "q")
