"""Attendance and discipline (SV5) on the real server: the demo's roster applied by the
engine, the attendance report against an independent fold of the stored log, violations
recorded by a supervisor and acknowledged by the agent, points per month, and who sees
what, route by route and on the feed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import (
    LiveServer,
    asgi_client,
    demo_centre,
    login,
    stored_log,
    supervised_runtime,
)
from server_stub.supervision.clock import CentreClock
from tests.server.test_feed_scope import _everything_up_to_now, _login

TEN_PAST_TEN = 600.0  # the demo opens at 10:00
GRACE_S = 300.0  # supervision.yaml roster.grace_min


@pytest.fixture(scope="module")
def morning() -> Iterator[CentreRuntime]:
    """The demo centre with its supervision file, paused at 10:10."""
    config = demo_centre()
    runtime = supervised_runtime(config, TEN_PAST_TEN)
    yield runtime
    runtime.store.close()


@pytest.fixture
async def demo_api(morning: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(morning) as client:
        yield client


def _first_logins(runtime: CentreRuntime) -> dict[str, float]:
    first: dict[str, float] = {}
    for at, kind, _call, agent, _queue, data in stored_log(runtime):
        if kind == "agent.state_changed" and agent and data["from"] == "logged_out":
            first.setdefault(agent, at)
    return first


def _shift_start(runtime: CentreRuntime, agent_id: str) -> float:
    """When the agent is due, by the centre file alone (humans: the opening)."""
    agent = next(a for a in runtime.config.agents if a.id == agent_id)
    if agent.shift is None:
        return 0.0
    return CentreClock(runtime.config.centre.epoch).sim_at(runtime.config.shifts[agent.shift].start)


def test_the_absent_stay_logged_out_and_the_late_agent_logs_in_at_its_time(
    morning: CentreRuntime,
) -> None:
    logins = _first_logins(morning)
    for away in ("a010", "a022", "a031", "a019"):  # three on leave, one no-show
        assert away not in logins
    assert logins["a034"] == pytest.approx(420.0)  # 10:07, due at 08:30
    assert logins["a001"] == 0.0


async def test_attendance_per_team_agrees_with_the_stored_log(
    demo_api: httpx.AsyncClient, morning: CentreRuntime
) -> None:
    got = await demo_api.get("/v1/supervision/attendance", headers=await login(demo_api, "f100"))
    assert got.status_code == 200, got.text
    view = got.json()
    logins = _first_logins(morning)
    now = view["as_of"]
    absences = {a.agent: a.reason for a in morning.supervision_config.roster.absences}  # type: ignore[union-attr]
    assert [t["team_id"] for t in view["teams"]] == ["A", "B", "C"]
    for team in view["teams"]:
        started = [r for r in team["rows"] if r["expected_at"] <= now]
        came = [r for r in started if r["agent_id"] in logins]
        away = [r for r in started if r["agent_id"] not in logins]
        late = [r for r in came if logins[r["agent_id"]] > max(r["expected_at"], 0.0) + GRACE_S]
        assert team["expected"] == len(started)
        assert team["present"] == len(came)
        assert team["absent"] == len(away)
        assert team["late"] == len(late)
        for row in away:
            assert row["reason"] == absences.get(row["agent_id"])
            assert row["status"] == ("absent" if row["agent_id"] in absences else "missing")
    rows = {r["agent_id"]: r for t in view["teams"] for r in t["rows"]}
    assert (rows["a010"]["status"], rows["a010"]["reason"]) == ("absent", "sick_leave")
    assert rows["a019"]["status"] == "missing"  # did not call in
    assert [r["agent_id"] for r in view["late"]] == ["a034"]
    assert view["late"][0]["late_by_s"] == pytest.approx(420.0 - _shift_start(morning, "a034"))


async def test_a_team_supervisor_sees_only_its_teams_attendance(
    demo_api: httpx.AsyncClient,
) -> None:
    got = await demo_api.get("/v1/supervision/attendance", headers=await login(demo_api, "s100"))
    view = got.json()
    assert [t["team_id"] for t in view["teams"]] == ["A"]
    assert {r["team_id"] for t in view["teams"] for r in t["rows"]} == {"A"}
    agent = await demo_api.get("/v1/supervision/attendance", headers=await login(demo_api, "1001"))
    assert agent.status_code == 403


async def test_violations_are_logged_scoped_acknowledged_once_and_add_up_per_month(
    demo_api: httpx.AsyncClient, morning: CentreRuntime
) -> None:
    s100, s101, f100 = [await login(demo_api, u) for u in ("s100", "s101", "f100")]
    first = {"agent_id": "1001", "level": 2, "category": "away_from_seat", "note": "离席15分钟"}
    recorded = await demo_api.post("/v1/supervision/violations", json=first, headers=s100)
    assert recorded.status_code == 201, recorded.text
    violation = recorded.json()
    assert (violation["points"], violation["by"], violation["team_id"]) == (3, "s100", "A")
    again = {"agent_id": "1001", "level": 3, "category": "wording", "note": "口径不规范"}
    assert (
        await demo_api.post("/v1/supervision/violations", json=again, headers=f100)
    ).status_code == 201
    # Team B's agent is not s100's to discipline; a bad level or category says what is wrong.
    other = {"agent_id": "a019", "level": 1, "category": "late"}
    assert (
        await demo_api.post("/v1/supervision/violations", json=other, headers=s100)
    ).status_code == 403
    assert (
        await demo_api.post("/v1/supervision/violations", json=other, headers=s101)
    ).status_code == 201
    bad_level = await demo_api.post(
        "/v1/supervision/violations", json={**other, "level": 4}, headers=s101
    )
    assert bad_level.status_code == 422
    bad_category = await demo_api.post(
        "/v1/supervision/violations", json={**other, "category": "nope"}, headers=s101
    )
    assert (bad_category.status_code, bad_category.json()["error"]["code"]) == (
        422,
        "unknown_category",
    )
    # Points per agent per month, recomputed from the stored log.
    points: dict[str, int] = {}
    for _at, kind, _c, agent, _q, data in stored_log(morning):
        if kind == "supervisor.violation_recorded":
            points[str(agent)] = points.get(str(agent), 0) + int(data["points"])
    assert points == {"1001": 8, "a019": 1}
    month = CentreClock(morning.config.centre.epoch).month(morning.now)
    mine = (await demo_api.get("/v1/supervision/violations", headers=s100)).json()
    assert (mine["month"], mine["points"]) == (month, {"1001": 8})
    assert {v["agent_id"] for v in mine["violations"]} == {"1001"}
    floor = (await demo_api.get("/v1/supervision/violations", headers=f100)).json()
    assert floor["points"] == points
    other_month = await demo_api.get(
        "/v1/supervision/violations", params={"month": "1999-01"}, headers=f100
    )
    assert other_month.json()["points"] == {}
    # The agent: only its own, acknowledged once; another's is not even found.
    agent = await login(demo_api, "1001")
    own = (await demo_api.get("/v1/agent/violations", headers=agent)).json()
    assert [v["violation_id"] for v in own["violations"]] == [violation["violation_id"], "v2"]
    assert own["points"] == {"1001": 8}
    ack_path = f"/v1/agent/violations/{violation['violation_id']}/acknowledge"
    acked = await demo_api.post(ack_path, json={"comment": "已知悉"}, headers=agent)
    assert acked.status_code == 200, acked.text
    twice = await demo_api.post(ack_path, json={}, headers=agent)
    assert twice.status_code == 409
    theirs = await demo_api.post("/v1/agent/violations/v3/acknowledge", json={}, headers=agent)
    assert theirs.status_code == 404
    acks = [(e[3], e[5]) for e in stored_log(morning) if e[1] == "agent.violation_acknowledged"]
    assert acks == [("1001", {"violation_id": "v1", "agent_id": "1001", "comment": "已知悉"})]
    after = (await demo_api.get("/v1/agent/violations", headers=agent)).json()
    assert after["violations"][0]["acknowledged_at"] == pytest.approx(morning.now)
    assert after["violations"][1]["acknowledged_at"] is None


def _violation_kinds(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (e["type"], e["agent_id"])
        for e in events
        if e["type"] in ("supervisor.violation_recorded", "agent.violation_acknowledged")
    ]


def _stream(client: httpx.Client, user: str, marker_to: str) -> list[tuple[str, str]]:
    """`user`'s stream from the start, up to a message to `marker_to` (one it sees)."""
    marker = {"text": "end", "agent_id": marker_to}
    admin = _login(client, "admin")
    client.post("/v1/supervisor/messages", json=marker, headers=admin).raise_for_status()
    return _violation_kinds(_everything_up_to_now(client, _login(client, user)))


def test_the_feed_carries_a_violation_to_its_agent_and_supervisors_only(
    live_server: LiveServer,
) -> None:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        s100, s101 = _login(client, "s100"), _login(client, "s101")
        for agent, by in (("1001", s100), ("1002", s101)):
            body = {"agent_id": agent, "level": 1, "category": "late"}
            client.post("/v1/supervision/violations", json=body, headers=by).raise_for_status()
        agent = _login(client, "1001")
        client.post(
            "/v1/agent/violations/v1/acknowledge", json={}, headers=agent
        ).raise_for_status()
        recorded, acked = "supervisor.violation_recorded", "agent.violation_acknowledged"
        own = [(recorded, "1001"), (acked, "1001")]
        assert _stream(client, "1001", "1001") == own
        assert _stream(client, "s100", "1001") == own
        assert _stream(client, "s101", "1002") == [(recorded, "1002")]
        assert _stream(client, "1002", "1002") == [(recorded, "1002")]
        assert len(_stream(client, "f100", "1001")) == 3
        for outsider in ("t100", "e100"):  # the floor's trainers and evaluators: not theirs
            assert _stream(client, outsider, "1001") == []
