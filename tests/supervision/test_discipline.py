"""Violations: levels worth 1/3/5 points, the agent's acknowledgement, points per month."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server_stub.protocol.supervision import (
    VIOLATION_ACKNOWLEDGED,
    VIOLATION_RECORDED,
    ViolationRecorded,
)
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.discipline import DisciplineError, ViolationLedger, new_violation

CLOCK = CentreClock("2026-11-23T10:00:00+08:00")
CATEGORIES = ["late", "away_from_seat", "wording"]
DECEMBER = (8 * 24 - 10) * 3600.0  # 2026-12-01 00:00 local


def _record(
    ledger: ViolationLedger, at: float, violation_id: str, agent_id: str, level: int
) -> None:
    data = new_violation(
        violation_id=violation_id,
        agent_id=agent_id,
        team_id="A",
        level=level,
        category="late",
        note="迟到 12 分钟 late by 12 min",
        by="s100",
        categories=CATEGORIES,
    )
    ledger.apply_entry(at, VIOLATION_RECORDED, None, agent_id, None, data.model_dump())


def test_levels_one_two_three_are_worth_one_three_and_five_points() -> None:
    points = [
        new_violation(
            violation_id=f"v{level}",
            agent_id="a1",
            team_id="A",
            level=level,
            category="late",
            note="",
            by="s100",
        ).points
        for level in (1, 2, 3)
    ]
    assert points == [1, 3, 5]


def test_a_record_with_the_wrong_points_or_level_is_refused() -> None:
    with pytest.raises(ValidationError, match="worth 3 points"):
        ViolationRecorded(
            violation_id="v", agent_id="a1", level=2, points=1, category="late", by="s"
        )
    with pytest.raises(DisciplineError) as bad_level:
        new_violation(
            violation_id="v", agent_id="a1", team_id=None, level=4, category="late", note="", by="s"
        )
    assert bad_level.value.code == "invalid_level"
    with pytest.raises(DisciplineError) as bad_category:
        new_violation(
            violation_id="v",
            agent_id="a1",
            team_id=None,
            level=1,
            category="lateness",
            note="",
            by="s",
            categories=CATEGORIES,
        )
    assert bad_category.value.code == "unknown_category"
    with pytest.raises(DisciplineError) as long_note:
        new_violation(
            violation_id="v",
            agent_id="a1",
            team_id=None,
            level=1,
            category="late",
            note="x" * 501,
            by="s",
        )
    assert long_note.value.code == "invalid_violation" and "note" in long_note.value.message


def test_points_add_up_per_agent_per_month_in_local_time() -> None:
    ledger = ViolationLedger(CLOCK)
    _record(ledger, 100, "v1", "a1", 1)
    _record(ledger, 200, "v2", "a1", 3)
    _record(ledger, 300, "v3", "a2", 2)
    _record(ledger, DECEMBER - 1, "v4", "a1", 1)  # 30 November, 23:59:59
    _record(ledger, DECEMBER, "v5", "a1", 3)  # 1 December
    assert ledger.points("2026-11") == {"a1": 5 + 1 + 1, "a2": 3}
    assert ledger.points("2026-12") == {"a1": 5}
    assert [v.violation_id for v in ledger.for_agent("a1")] == ["v1", "v2", "v4", "v5"]
    assert ledger.get("v5") is not None and ledger.get("v5").month == "2026-12"  # type: ignore[union-attr]


def test_only_the_named_agent_acknowledges_and_only_once() -> None:
    ledger = ViolationLedger(CLOCK)
    _record(ledger, 100, "v1", "a1", 2)
    with pytest.raises(DisciplineError) as other:
        ledger.check_acknowledgement("v1", "a2")
    assert other.value.code == "not_your_violation"
    with pytest.raises(DisciplineError) as unknown:
        ledger.check_acknowledgement("v9", "a1")
    assert unknown.value.code == "no_such_violation"
    ack = ledger.check_acknowledgement("v1", "a1", comment="收到 noted")
    ledger.apply_entry(250, VIOLATION_ACKNOWLEDGED, None, "a1", None, ack.model_dump())
    view = ledger.get("v1")
    assert view is not None and (view.acknowledged_at, view.comment) == (250, "收到 noted")
    with pytest.raises(DisciplineError) as twice:
        ledger.check_acknowledgement("v1", "a1")
    assert twice.value.code == "already_acknowledged"


def test_a_violation_id_is_recorded_once() -> None:
    ledger = ViolationLedger(CLOCK)
    _record(ledger, 100, "v1", "a1", 1)
    with pytest.raises(DisciplineError) as again:
        ledger.check_new("v1")
    assert again.value.code == "duplicate_violation"
    ledger.check_new("v2")
