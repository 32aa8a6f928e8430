"""The supervisor's boards on the server: every figure recomputed here from the stored log.

The demo centre runs on a paused clock past a half-hour boundary; the queue figures the
"queue_board" companion logged, and the agents' day figures of `GET /v1/supervision/board`,
are recomputed from the stored events alone, with the definitions of DESIGN.md "Metrics"
written out again here (not the server's fold).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from server_stub.protocol.events import Event
from server_stub.protocol.supervision_board import (
    QUEUE_BOARD,
    SupervisionBoard,
    answer_rate,
    asa_s,
    service_level,
)
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import (
    asgi_client,
    demo_centre,
    login,
    supervised_runtime,
)
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.loader import load_default_supervision

RUN_S = 2_100.0  # past 10:30, so the interval has started again and today has not


@pytest.fixture(scope="module")
def busy_runtime() -> Iterator[CentreRuntime]:
    config = demo_centre()
    runtime = supervised_runtime(config, RUN_S)
    yield runtime
    runtime.store.close()


@pytest.fixture
async def api(busy_runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(busy_runtime) as client:
        yield client


def _events(runtime: CentreRuntime) -> list[Event]:
    return list(runtime.store.iter_events())


def _queue_figures_from_log(
    before: list[Event], queue_id: str, at: float, interval_start: float, target_s: float
) -> dict[str, Any]:
    """A queue's counts recomputed from the events logged before its board event."""
    windows: dict[str, Counter[str]] = {"interval": Counter(), "today": Counter()}
    waits = {"interval": 0.0, "today": 0.0}
    joined: dict[str, float] = {}
    ringing: set[str] = set()
    for event in before:
        if event.queue_id != queue_id or event.call_id is None:
            continue
        call = event.call_id
        names = ["today"] + (["interval"] if event.sim_time >= interval_start else [])
        if event.type == "call.queued" and call not in joined:
            joined[call] = event.sim_time
            for name in names:
                windows[name]["offered"] += 1
        elif event.type == "call.offered" and call in joined:
            ringing.add(call)
        elif event.type == "call.offer_timeout":
            ringing.discard(call)
        elif event.type == "call.answered" and call in joined:
            waited = event.sim_time - joined.pop(call)
            ringing.discard(call)
            for name in names:
                windows[name]["answered"] += 1
                windows[name]["answered_within_target"] += waited <= target_s
                waits[name] += waited
        elif event.type == "call.abandoned" and call in joined:
            del joined[call]
            ringing.discard(call)
            for name in names:
                windows[name]["abandoned"] += 1
        elif event.type == "call.overflowed":
            if joined.pop(call, None) is None:
                for name in names:
                    windows[name]["offered"] += 1
            ringing.discard(call)
            for name in names:
                windows[name]["overflowed"] += 1
    in_queue = [t for c, t in joined.items() if c not in ringing]
    return {
        "windows": windows,
        "waits": waits,
        "waiting": len(in_queue),
        "longest": at - min(in_queue) if in_queue else 0.0,
        "past": sum(1 for t in joined.values() if at - t > target_s),
    }


def test_every_queue_board_event_equals_its_recomputation_from_the_stored_log(
    busy_runtime: CentreRuntime,
) -> None:
    events = _events(busy_runtime)
    targets = {q.id: q.sl_target_s for q in busy_runtime.config.queues}
    clock = CentreClock(busy_runtime.config.centre.epoch)
    boards = [i for i, e in enumerate(events) if e.type == QUEUE_BOARD]
    queues = len(busy_runtime.config.queues)
    assert len(boards) == queues * int(RUN_S / 5)  # every queue, every five seconds
    checked_interval_calls = 0
    for index in boards[:: max(1, len(boards) // 60)] + boards[-queues:]:
        board = events[index]
        data = board.data
        assert board.queue_id is not None
        start = clock.interval_start(board.sim_time)
        assert data["interval_start"] == start
        want = _queue_figures_from_log(
            events[:index], board.queue_id, board.sim_time, start, targets[board.queue_id]
        )
        for name in ("interval", "today"):
            counts = data[name]
            for field in ("offered", "answered", "answered_within_target", "abandoned"):
                assert counts[field] == want["windows"][name][field], (board.seq, name, field)
            assert counts["overflowed"] == want["windows"][name]["overflowed"]
            assert math.isclose(counts["answer_wait_s"], want["waits"][name], abs_tol=1e-6)
        checked_interval_calls += data["interval"]["offered"]
        assert data["waiting"] == want["waiting"]
        assert math.isclose(data["longest_wait_s"], want["longest"], abs_tol=1e-6)
        assert data["waiting_past_target"] == want["past"]
    assert checked_interval_calls > 0  # the sample saw traffic, not only empty queues


def _agent_states_before(events: list[Event], seq: int) -> dict[str, list[tuple[float, str]]]:
    spells: dict[str, list[tuple[float, str]]] = {}
    for event in events:
        if event.seq > seq:
            break
        if event.type == "agent.state_changed" and event.agent_id is not None:
            spells.setdefault(event.agent_id, []).append((event.sim_time, str(event.data["to"])))
    return spells


async def test_the_agents_board_figures_equal_their_recomputation_at_the_same_instant(
    api: httpx.AsyncClient, busy_runtime: CentreRuntime
) -> None:
    headers = await login(api, "f100")
    response = await api.get("/v1/supervision/board", headers=headers)
    assert response.status_code == 200, response.text
    board = SupervisionBoard.model_validate(response.json())
    spells = _agent_states_before(_events(busy_runtime), board.seq)
    compared = 0
    for row in board.agents:
        changes = spells.get(row.status.agent_id, [])
        working = available = handle = 0.0
        handled = 0
        call_s = 0.0
        ends = [*changes[1:], (board.as_of, "")] if changes else []  # never logged in: none
        for (start, state), (end, nxt) in zip(changes, ends, strict=True):
            if state in ("busy", "wrap_up"):
                working += end - start
                call_s += end - start
                if nxt not in ("busy", "wrap_up", ""):
                    handled += 1
                    handle += call_s
                    call_s = 0.0
            elif state in ("ready", "reserved"):
                available += end - start
        assert row.day.handled == handled, row.status.agent_id
        occupancy = row.day.occupancy(board.as_of)
        if working + available == 0:
            assert occupancy is None
        else:
            assert occupancy is not None
            assert math.isclose(occupancy, working / (working + available), abs_tol=1e-9)
        if handled:
            assert row.day.aht_s is not None
            assert math.isclose(row.day.aht_s, handle / handled, abs_tol=1e-6)
            compared += 1
    assert compared >= 10  # a busy floor: most agents have handled calls


async def test_the_queues_board_of_the_route_says_its_figures_and_their_variant(
    api: httpx.AsyncClient,
) -> None:
    headers = await login(api, "s100")
    board = SupervisionBoard.model_validate(
        (await api.get("/v1/supervision/board", headers=headers)).json()
    )
    enquiry = next(q for q in board.queues if q.queue_id == "enquiry")
    counts = enquiry.today
    assert counts.offered > 0
    level = service_level(counts, enquiry.waiting_past_target)
    decided = counts.answered + counts.abandoned + counts.overflowed + enquiry.waiting_past_target
    assert level == counts.answered_within_target / decided
    assert asa_s(counts) == counts.answer_wait_s / counts.answered
    assert answer_rate(counts) == counts.answered / counts.offered
    assert enquiry.required_erlang_c is not None and enquiry.required_erlang_c > 0
    vip = next(q for q in board.queues if q.queue_id == "vip")
    assert vip.sl_goal == 0.9  # the supervision file's 90/20 for VIP


async def test_a_team_supervisor_sees_its_team_on_the_board_and_the_floor_manager_all(
    api: httpx.AsyncClient, busy_runtime: CentreRuntime
) -> None:
    teams = {a.id: a.team for a in busy_runtime.config.agents}
    team_a = await api.get("/v1/supervision/board", headers=await login(api, "s100"))
    seen_by_a = {row.status.agent_id for row in SupervisionBoard(**team_a.json()).agents}
    assert seen_by_a == {a for a, team in teams.items() if team == "A"}
    floor = await api.get("/v1/supervision/board", headers=await login(api, "f100"))
    assert {row.status.agent_id for row in SupervisionBoard(**floor.json()).agents} == set(teams)
    agent = await api.get("/v1/supervision/board", headers=await login(api, "1001"))
    assert agent.status_code == 403
    assert agent.json()["error"]["code"] == "forbidden_role"


def test_the_agents_each_queue_needs_are_worked_out_once_per_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Erlang A's search is the board's dearest part: every queue's figure is kept for the
    # half-hour, so a floor of several queues does not work them all out again each time.
    from server_stub.supervision import board as board_module
    from server_stub.supervision.board import QueueBoardCompanion

    config = demo_centre()
    supervision = load_default_supervision(config)
    calls: Counter[tuple[float, float | None]] = Counter()
    real = board_module.required_agents

    def counted(calls_in_slot: float, aht_s: float, **kwargs: Any) -> int | None:
        calls[(calls_in_slot, kwargs.get("patience_s"))] += 1
        return real(calls_in_slot, aht_s, **kwargs)

    monkeypatch.setattr(board_module, "required_agents", counted)
    companion = QueueBoardCompanion(config, supervision.thresholds)
    interval = CentreClock(config.centre.epoch).interval_start(0.0)
    first = companion.figures(interval + 60.0)
    worked_out = sum(calls.values())
    again = companion.figures(interval + 120.0)
    assert worked_out > 1  # several queues, each worked out
    assert sum(calls.values()) == worked_out
    assert [f.required_erlang_a for f in again] == [f.required_erlang_a for f in first]
    assert [f.required_erlang_c for f in again] == [f.required_erlang_c for f in first]
