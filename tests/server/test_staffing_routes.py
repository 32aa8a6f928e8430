"""The staffing table and the what-if on the server: figures recomputed here from the stored
log and from Erlang C/A by a search of our own; each supervisor sees their own queues.

The demo centre, with team B's agents trained for enquiries and faults only, runs an hour
(10:00–11:00) on a paused clock; s101 (team B) supervises those two queues, the floor
manager f100 all four.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from server_stub.centre.schema import CentreConfig
from server_stub.erlang import erlang_a, erlang_c
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import (
    asgi_client,
    demo_centre,
    login,
    stored_log,
    supervised_runtime,
)
from server_stub.supervision.workload import forecast_calls

RUN_S = 3_600.0
OPENS_SLOT = 20  # the demo's epoch is 10:00 local
TEAM_B_SKILLS = {"enquiry", "fault"}


def _team_b_narrowed() -> CentreConfig:
    config = demo_centre()
    agents = [
        a.model_copy(update={"skills": {s: v for s, v in a.skills.items() if s in TEAM_B_SKILLS}})
        if a.team == "B"
        else a
        for a in config.agents
    ]
    return config.model_copy(update={"agents": agents})


@pytest.fixture(scope="module")
def busy_runtime() -> Iterator[CentreRuntime]:
    config = _team_b_narrowed()
    runtime = supervised_runtime(config, RUN_S)
    yield runtime
    runtime.store.close()


@pytest.fixture
async def api(busy_runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(busy_runtime) as client:
        yield client


def _slot(t: float) -> int:
    return math.floor((t + 36_000.0) / 1800.0) % 48


def _fewest(meets: Any) -> int:
    """Our own search: count up from one agent."""
    n = 1
    while not meets(n):
        n += 1
    return n


def _required(calls: float, aht: float, goal: float, target: float, patience: float | None) -> int:
    if calls <= 0:
        return 0
    per_hour = calls * 2.0
    if patience is None:
        return _fewest(
            lambda n: (
                n > calls * aht / 1800.0
                and erlang_c(per_hour, aht, n, target).service_level >= goal
            )
        )
    return _fewest(lambda n: erlang_a(per_hour, aht, n, patience, target).service_level >= goal)


async def test_the_forecast_table_needs_what_our_own_erlang_search_finds(
    api: httpx.AsyncClient, busy_runtime: CentreRuntime
) -> None:
    headers = await login(api, "f100")
    response = await api.get("/v1/supervision/staffing", headers=headers)
    assert response.status_code == 200
    table = response.json()
    assert table["source"] == "forecast"
    assert table["queues"] == ["enquiry", "fault", "complaint", "vip"]
    forecast = forecast_calls(busy_runtime.config)
    assert len(table["rows"]) == 4 * 48
    for row in table["rows"][::7]:
        assert row["calls"] == pytest.approx(forecast[row["queue_id"]][row["slot"]])
        goal, target = row["sl_goal"], row["sl_target_s"]
        calls, aht = row["calls"], row["aht_s"]
        assert row["agents_erlang_c"] == _required(calls, aht, goal, target, None)
        assert row["agents_erlang_a"] == _required(calls, aht, goal, target, row["patience_s"])


async def test_the_actual_table_counts_todays_callers_from_the_stored_log(
    api: httpx.AsyncClient, busy_runtime: CentreRuntime
) -> None:
    headers = await login(api, "f100")
    response = await api.get(
        "/v1/supervision/staffing", params={"source": "actual", "shrinkage": 0.3}, headers=headers
    )
    assert response.status_code == 200
    counts: dict[tuple[str, int], int] = {}
    seen: set[str] = set()
    arrived = {e[2] for e in stored_log(busy_runtime) if e[1] == "call.arrived"}
    for t, kind, call_id, _agent, queue_id, _data in stored_log(busy_runtime):
        if (
            kind in ("call.queued", "call.overflowed")
            and call_id in arrived
            and call_id not in seen
        ):
            seen.add(call_id)
            key = (str(queue_id), _slot(t))
            counts[key] = counts.get(key, 0) + 1
    assert sum(counts.values()) > 100
    rows = response.json()["rows"]
    for row in rows:
        assert row["calls"] == counts.get((row["queue_id"], row["slot"]), 0)
        need = _required(row["calls"], row["aht_s"], row["sl_goal"], row["sl_target_s"], None)
        assert row["agents_erlang_c"] == need
        assert row["scheduled_erlang_c"] == math.ceil(need / 0.7 - 1e-9)
    busy = [r for r in rows if r["calls"] > 0]
    # the run's hour, and its last instant: the callbacks the step made due ring then
    assert {OPENS_SLOT, OPENS_SLOT + 1} <= {r["slot"] for r in busy}
    assert {r["slot"] for r in busy} <= {OPENS_SLOT, OPENS_SLOT + 1, _slot(RUN_S)}


async def test_a_team_supervisor_sees_only_the_queues_their_team_serves(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/v1/supervision/staffing", headers=await login(api, "s101"))
    assert response.status_code == 200
    assert response.json()["queues"] == ["enquiry", "fault"]
    assert {r["queue_id"] for r in response.json()["rows"]} == TEAM_B_SKILLS


async def test_a_supervisor_cannot_change_the_staffing_of_a_queue_they_do_not_supervise(
    api: httpx.AsyncClient,
) -> None:
    body = {"staffing": [{"queue_id": "vip", "slot": 20, "agents": 2}], "replications": 1}
    response = await api.post("/v1/supervision/whatif", json=body, headers=await login(api, "s101"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "out_of_scope"


async def test_a_whatif_on_a_queue_that_does_not_exist_is_a_clear_422(
    api: httpx.AsyncClient,
) -> None:
    body = {"staffing": [{"queue_id": "nowhere", "slot": 20, "agents": 2}]}
    response = await api.post("/v1/supervision/whatif", json=body, headers=await login(api, "f100"))
    assert response.status_code == 422
    assert "nowhere" in response.json()["error"]["message"]


async def _finished(api: httpx.AsyncClient, job_id: str, headers: dict[str, str]) -> Any:
    for _ in range(600):
        job = (await api.get(f"/v1/supervision/whatif/{job_id}", headers=headers)).json()
        if job["status"] != "running":
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("the what-if never finished")


def _happened(log: list[Any], queue_id: str, slot: int) -> dict[str, Any]:
    """Offered, answered, abandoned and SL(20 s) of one queue's half-hour, from the log."""
    offered: dict[str, float] = {}
    answered_in = answered = abandoned = 0
    for t, kind, call_id, _agent, queue, data in log:
        if queue != queue_id or call_id is None:
            continue
        if kind in ("call.queued", "call.overflowed") and call_id not in offered:
            offered[call_id] = t
        in_slot = call_id in offered and _slot(offered[call_id]) == slot
        if kind == "call.answered" and in_slot:
            answered += 1
            answered_in += data["waited_s"] <= 20.0
        elif kind == "call.abandoned" and in_slot:
            abandoned += 1
    offers = [c for c, t in offered.items() if _slot(t) == slot]
    short = sum(
        1
        for c in offers
        if RUN_S - offered[c] < 20.0
        and not any(e[2] == c and e[1] in ("call.answered", "call.abandoned") for e in log)
    )
    return {
        "offered": len(offers),
        "answered": answered,
        "abandoned": abandoned,
        "sl": answered_in / (len(offers) - short) if len(offers) > short else None,
    }


async def test_a_whatif_shows_each_half_hour_beside_what_happened(
    api: httpx.AsyncClient, busy_runtime: CentreRuntime
) -> None:
    headers = await login(api, "f100")
    body = {"staffing": [{"queue_id": "enquiry", "slot": 20, "agents": -6}], "replications": 3}
    started = await api.post("/v1/supervision/whatif", json=body, headers=headers)
    assert started.status_code == 202
    assert started.json()["status"] == "running"
    job = await _finished(api, started.json()["job_id"], headers)
    assert job["status"] == "done", job.get("error")
    result = job["result"]
    assert result["replications"] == 3 and result["until"] == RUN_S
    log = stored_log(busy_runtime)
    by_key = {(r["queue_id"], r["slot"]): r for r in result["rows"]}
    assert set(by_key) == {(q, s) for q in job["queues"] for s in (20, 21)}
    for (queue_id, slot), row in by_key.items():
        expected = _happened(log, queue_id, slot)
        happened = row["happened"]
        assert happened["offered"] == expected["offered"] == row["offered"]
        assert happened["answered"] == expected["answered"]
        assert happened["abandoned"] == expected["abandoned"]
        assert happened["service_level"] == pytest.approx(expected["sl"])
    cut = by_key[("enquiry", 20)]
    assert cut["abandoned"]["mean"] > cut["happened"]["abandoned"]
    assert cut["abandoned"]["low"] <= cut["abandoned"]["mean"] <= cut["abandoned"]["high"]


async def test_the_server_answers_while_a_whatif_runs(api: httpx.AsyncClient) -> None:
    headers = await login(api, "s100")
    started = await api.post("/v1/supervision/whatif", json={"replications": 20}, headers=headers)
    assert started.status_code == 202
    job_id = started.json()["job_id"]
    health = await api.get("/v1/health")
    assert health.status_code == 200
    second = await api.post("/v1/supervision/whatif", json={}, headers=headers)
    assert second.status_code == 409  # one what-if at a time per supervisor
    running = (await api.get(f"/v1/supervision/whatif/{job_id}", headers=headers)).json()
    assert running["status"] == "running"
    assert (await _finished(api, job_id, headers))["status"] == "done"


async def test_nobody_else_fetches_a_supervisors_whatif(api: httpx.AsyncClient) -> None:
    owner = await login(api, "s102")
    started = await api.post("/v1/supervision/whatif", json={"replications": 1}, headers=owner)
    job_id = started.json()["job_id"]
    other = await api.get(f"/v1/supervision/whatif/{job_id}", headers=await login(api, "s100"))
    assert other.status_code == 404
    assert (await _finished(api, job_id, owner))["status"] == "done"
