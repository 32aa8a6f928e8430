"""The closed loop end to end on the real server, sped up (TK1, TK5, OB3, OB4): a call, a
complaint, the team leader's pre-processing, the complaint group's result, the callback
at a business-hours time answered by the agent on its desk, and the three outcomes; the
simulated departments; restart in the middle of the loop."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_tui.client.state import ClientStore
from agent_tui.client.ticket_tracking import TicketTrackingSection
from server_stub.centre.schema import CentreConfig, centre_epoch
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, quiet_centre
from tests.server.api_steps import finish, ready
from tests.server.ticket_steps import detail, pull, ticket_on_call, transition

HOUR = 3600.0
TUESDAY_0800 = 22 * HOUR  # sim time 0 is Monday 10:00 in Shanghai


@functools.cache
def slow_stats_centre() -> CentreConfig:
    """The quiet centre with queue statistics every 10 minutes: these tests step through
    nights and days, and a snapshot every 5 s would be most of what they store."""
    config = quiet_centre()
    centre = config.centre.model_copy(update={"stats_interval_s": 600})
    return config.model_copy(update={"centre": centre})


def loop_runtime(db: str | Path = ":memory:") -> CentreRuntime:
    return paused_runtime(db, config=slow_stats_centre())


@pytest.fixture
def api_runtime() -> Iterator[CentreRuntime]:
    runtime = loop_runtime()
    yield runtime
    runtime.store.close()


@pytest.fixture
async def api(api_runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(api_runtime) as client:
        yield client


def ticket_events(runtime: CentreRuntime, ticket_id: str) -> list[Any]:
    return [e for e in runtime.store.iter_events() if e.data.get("ticket_id") == ticket_id]


async def complaint_resolved_after_hours(
    api: httpx.AsyncClient, runtime: CentreRuntime
) -> tuple[str, dict[str, str]]:
    """A complaint on a call, pre-processed by the team leader, resolved by the complaint
    group at 18:30 on Monday (after closing); the agent is ready. Returns (ticket, agent)."""
    agent = await login(api, "1001")
    ticket_id, call_id = await ticket_on_call(api, agent, "complaint")
    lead = await login(api, "s100")
    assert (await pull(api, lead, "team_leader"))["id"] == ticket_id
    await transition(api, lead, ticket_id, "forward", note="已核实,客户情绪激动 Checked; upset")
    group = await login(api, "d102")
    assert (await pull(api, group, "complaint_group"))["id"] == ticket_id
    await finish(api, agent, call_id)  # the agent is ready again
    runtime.advance(8.5 * HOUR)  # Monday 18:30: the back office has closed
    resolved = await transition(
        api, group, ticket_id, "resolve", resolution_note="已道歉并减免月费 Apologised, fee waived"
    )
    assert resolved["workflow"]["state"] == "callback_pending"
    return ticket_id, agent


async def callback_rings(
    api: httpx.AsyncClient, runtime: CentreRuntime, agent: dict[str, str], ticket_id: str
) -> str:
    """Step time until the ticket's callback is a call at the agent; returns its call id."""
    for _ in range(200):
        callback = (await detail(api, agent, ticket_id))["workflow"]["callback"]
        if callback is not None and callback["state"] == "placed":
            me = (await api.get("/v1/me", headers=agent)).json()
            assert me["call_id"] == callback["call_id"]
            return str(callback["call_id"])
        runtime.advance(15 * 60)
    raise AssertionError("the callback was never placed")


async def answer_callback(
    api: httpx.AsyncClient,
    runtime: CentreRuntime,
    agent: dict[str, str],
    ticket_id: str,
    outcome: str,
) -> dict[str, Any]:
    call_id = await callback_rings(api, runtime, agent, ticket_id)
    runtime.advance(15)  # the customer picks up: the agent talks
    assert (await api.get("/v1/me", headers=agent)).json()["state"] == "busy"
    done = await transition(api, agent, ticket_id, "complete_callback", callback_outcome=outcome)
    await finish(api, agent, call_id)
    return done


async def test_the_whole_loop_closes_when_the_customer_is_satisfied(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    ticket_id, agent = await complaint_resolved_after_hours(api, api_runtime)
    lead = await login(api, "s100")
    for who in (agent, lead):  # the result goes back to the team leader and the agent
        seen = await detail(api, who, ticket_id)
        resolved = next(h for h in seen["history"] if h["transition"] == "resolve")
        assert resolved["data"]["notify"] == ["agent", "team_leader"]
    call_id = await callback_rings(api, api_runtime, agent, ticket_id)
    placed = next(e for e in ticket_events(api_runtime, ticket_id) if e.type == "callback.placed")
    # placed when the centre opens on Tuesday at 08:00, not in the night
    assert placed.sim_time == pytest.approx(TUESDAY_0800, abs=60)
    calendar = api_runtime.workflow.calendar
    assert calendar.is_open(centre_epoch(api_runtime.config).timestamp() + placed.sim_time)
    assert placed.data["via"] == "agent"
    assert placed.data["call_id"] == call_id
    assert placed.data["ticket"]["subject"].startswith("宽带断线")  # the ticket on the pop
    api_runtime.advance(15)
    closed = await transition(
        api, agent, ticket_id, "complete_callback", callback_outcome="satisfied"
    )
    assert closed["status"] == "closed"
    assert (closed["workflow"]["state"], closed["workflow"]["close_reason"]) == (
        "closed",
        "satisfied",
    )
    steps = [h["transition"] for h in closed["history"] if h["transition"]]
    assert steps == [
        "dispatch",
        "accept",
        "forward",
        "accept",
        "resolve",
        "schedule_callback",
        "complete_callback",
    ]
    completed = [e for e in ticket_events(api_runtime, ticket_id) if e.type == "callback.completed"]
    assert [e.data["outcome"] for e in completed] == ["satisfied"]


async def test_not_satisfied_reopens_and_the_second_reopen_escalates(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    ticket_id, agent = await complaint_resolved_after_hours(api, api_runtime)
    reopened = await answer_callback(api, api_runtime, agent, ticket_id, "not_satisfied")
    workflow = reopened["workflow"]
    assert (workflow["state"], workflow["queue"], workflow["reopen_count"]) == (
        "dispatched",
        "complaint_group",
        1,
    )
    assert not [e for e in ticket_events(api_runtime, ticket_id) if e.type == "ticket.escalated"]
    group = await login(api, "d102")
    assert (await pull(api, group, "complaint_group"))["id"] == ticket_id
    await transition(api, group, ticket_id, "resolve", resolution_note="上门致歉 Visited")
    again = await answer_callback(api, api_runtime, agent, ticket_id, "not_satisfied")
    assert again["workflow"]["reopen_count"] == 2
    escalated = [e for e in ticket_events(api_runtime, ticket_id) if e.type == "ticket.escalated"]
    assert [e.data["action"] for e in escalated] == ["reopened_again"]
    assert escalated[0].data["recipients"] == ["agent", "team_leader"]


async def test_no_answer_is_retried_k_times_then_closed_as_unreachable(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    ticket_id, agent = await complaint_resolved_after_hours(api, api_runtime)
    retries = api_runtime.workflow.config.callback.retries
    for attempt in range(retries):
        pending = await answer_callback(api, api_runtime, agent, ticket_id, "no_answer")
        assert pending["workflow"]["state"] == "callback_pending"
        assert pending["workflow"]["callback_attempts"] == attempt + 1
    closed = await answer_callback(api, api_runtime, agent, ticket_id, "no_answer")
    assert (closed["workflow"]["state"], closed["workflow"]["close_reason"]) == (
        "closed",
        "unreachable",
    )
    placed = [e for e in ticket_events(api_runtime, ticket_id) if e.type == "callback.placed"]
    assert len(placed) == retries + 1
    gaps = [b.sim_time - a.sim_time for a, b in pairwise(placed)]
    assert all(gap >= HOUR for gap in gaps)  # 60 business minutes apart at least
    calendar = api_runtime.workflow.calendar
    epoch = centre_epoch(api_runtime.config).timestamp()
    assert all(calendar.is_open(epoch + e.sim_time) for e in placed)


async def test_a_callback_whose_agent_is_not_ready_waits_in_the_agents_call_queue(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    ticket_id, agent = await complaint_resolved_after_hours(api, api_runtime)
    away = {"state": "not_ready", "reason": "break"}
    assert (await api.post("/v1/agent/state", json=away, headers=agent)).status_code == 200
    colleague = await login(api, "1002")  # the same queue, another team
    await ready(api, colleague)
    api_runtime.advance(TUESDAY_0800 - api_runtime.now + 60)
    placed = [e for e in ticket_events(api_runtime, ticket_id) if e.type == "callback.placed"]
    assert [e.data["via"] for e in placed] == ["queue"]
    call_id = placed[0].data["call_id"]
    call_events = [e for e in api_runtime.store.iter_events() if e.call_id == call_id]
    assert [e.type for e in call_events[:3]] == ["call.arrived", "call.queued", "call.offered"]
    # The colleague's desk sees the ticket it is calling back about, as the agent would have.
    offered = call_events[2]
    assert offered.agent_id == "1002"
    assert offered.data["callback"]["ticket_id"] == ticket_id
    assert offered.data["callback"]["ticket"] == placed[0].data["ticket"]
    desk = ClientStore()
    desk.agent_id = "1002"
    desk.apply(offered)
    on_line = desk.section(TicketTrackingSection).callback_on(call_id)
    assert on_line is not None and on_line.ticket_id == ticket_id
    assert (await api.post(f"/v1/calls/{call_id}/answer", headers=colleague)).status_code == 200
    # whoever answered the callback from the queue enters its outcome
    closed = await transition(
        api, colleague, ticket_id, "complete_callback", callback_outcome="satisfied"
    )
    assert closed["workflow"]["close_reason"] == "satisfied"
    done = next(h for h in closed["history"] if h["transition"] == "complete_callback")
    assert done["actor"] == "1002"


async def test_simulated_departments_work_the_same_way_for_the_same_seed() -> None:
    async def run() -> list[tuple[float, str, Any]]:
        runtime = loop_runtime()
        try:
            async with asgi_client(runtime) as api:
                agent = await login(api, "1001")
                ticket_ids = []
                call_id = None
                for category in ("fault", "billing", "enquiry", "complaint", "suggestion"):
                    ticket_id, call_id = await ticket_on_call(api, agent, category, call_id=call_id)
                    ticket_ids.append(ticket_id)
                await finish(api, agent, call_id)
                runtime.advance(3 * 24 * HOUR)
                return [
                    (e.sim_time, e.type, e.data.get("transition"))
                    for e in runtime.store.iter_events()
                    if e.type.startswith(("ticket.", "callback."))
                ]
        finally:
            runtime.store.close()

    first, second = await run(), await run()
    assert first == second
    transitions = {t for _, _, t in first}
    assert {"accept", "resolve"} <= transitions  # the workers took items and resolved them
    resolved_by_workers = [t for t in first if t[2] == "resolve"]
    assert len(resolved_by_workers) >= 3


async def test_restart_in_the_middle_of_the_loop_loses_nothing_and_the_clocks_go_on(
    tmp_path: Path,
) -> None:
    db = tmp_path / "centre.sqlite"
    before = loop_runtime(db)
    async with asgi_client(before) as api:
        agent = await login(api, "1001")
        ticket_id, call_id = await ticket_on_call(api, agent, "complaint")
        lead = await login(api, "s100")
        await pull(api, lead, "team_leader")
        await transition(api, lead, ticket_id, "forward", note="转投诉组 Over to the group")
        group = await login(api, "d102")
        await pull(api, group, "complaint_group")
        await transition(api, group, ticket_id, "wait_customer", reason="等照片 Photos")
        before.advance(0.5 * HOUR)
        await transition(api, group, ticket_id, "resume")
        await finish(api, agent, call_id)
        before.advance(0.5 * HOUR)
        seen_before = await detail(api, agent, ticket_id)
    await before.stop()
    before.store.close()

    after = loop_runtime(db)
    try:
        async with asgi_client(after) as api:
            agent = await login(api, "1001")
            seen_after = await detail(api, agent, ticket_id)
            assert seen_after == seen_before  # state, clocks, holder and history, exactly
            # 30 business minutes ran before the restart (the wait paused the clock)
            was = seen_before["workflow"]["clocks"]["resolution"]
            assert was["target_min"] * 60 - was["remaining_s"] == pytest.approx(0.5 * HOUR, abs=60)
            after.advance(HOUR)  # 11:00 → 12:00: one more business hour
            group = await login(api, "d102")
            await transition(api, group, ticket_id, "resolve", resolution_note="已处理 Done")
            later = await detail(api, agent, ticket_id)
            clock = later["workflow"]["clocks"]["resolution"]
            assert clock["stopped"]
            assert clock["remaining_s"] == pytest.approx(was["remaining_s"] - HOUR, abs=60)
            assert later["history"][: len(seen_before["history"])] == seen_before["history"]
    finally:
        after.store.close()


async def test_a_closed_ticket_leaves_memory_after_its_reopen_window_but_not_the_log(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "enquiry")
    await transition(api, agent, ticket_id, "cancel", reason="客户已自行解决 Sorted it out")
    window = api_runtime.workflow.policy.reopen_window_s
    api_runtime.advance(window - HOUR)
    assert api_runtime.tickets.record(ticket_id) is not None  # still reopenable
    api_runtime.advance(2 * HOUR)
    assert api_runtime.tickets.record(ticket_id) is None
    kept = await detail(api, agent, ticket_id)
    assert kept["status"] == "closed" and kept["workflow"] is None
    assert [h["transition"] for h in kept["history"] if h["transition"]] == ["dispatch", "cancel"]
    late = await transition(api, agent, ticket_id, "reopen", expect=409, reason="again")
    assert late["error"]["code"] == "not_in_workflow"
