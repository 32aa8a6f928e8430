"""Escalation on the server (TK4, TK5): the ladder's rungs fire at their business-time
instants, as events in the log, and the last one moves the ticket.

The departments here have no simulated staff, so nobody takes the ticket and every rung
of the first-response ladder is reached."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from server_stub.server.main import build_runtime
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, demo_scripts_dir, login, quiet_centre
from server_stub.workflow.loader import default_workflow_path
from tests.server.ticket_steps import detail, ticket_on_call

MINUTE = 60.0


@pytest.fixture
def unstaffed_runtime(tmp_path: Path) -> Iterator[CentreRuntime]:
    workflow: dict[str, Any] = yaml.safe_load(default_workflow_path().read_text("utf-8"))
    for queue in workflow["queues"]:
        queue.pop("staff", None)
    centre_dir = tmp_path / "centre"
    centre_dir.mkdir()
    (centre_dir / "workflow.yaml").write_text(yaml.safe_dump(workflow, allow_unicode=True))
    (centre_dir / "scripts").symlink_to(demo_scripts_dir(), target_is_directory=True)
    runtime = build_runtime(
        quiet_centre(),
        ":memory:",
        speed=0.0,
        scripts_dir=centre_dir / "scripts",
        keep_customer_cache=True,
    )
    yield runtime
    runtime.store.close()


@pytest.fixture
async def api(unstaffed_runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(unstaffed_runtime) as client:
        yield client


async def test_a_complaint_nobody_takes_is_reminded_alerted_then_sent_to_the_complaint_group(
    api: httpx.AsyncClient, unstaffed_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "complaint")  # Monday 10:00
    unstaffed_runtime.advance(45 * MINUTE)
    # a complaint's first response is due in 60 business minutes: a reminder at 50 %
    rungs = [
        (e.sim_time, e.type, e.data["action"], e.data["recipients"])
        for e in unstaffed_runtime.store.iter_events()
        if e.type in ("ticket.reminder", "ticket.escalated") and e.data["ticket_id"] == ticket_id
    ]
    assert rungs == [(30 * MINUTE, "ticket.reminder", "remind", ["department"])]
    unstaffed_runtime.advance(60 * MINUTE)  # 11:45
    events = [
        e
        for e in unstaffed_runtime.store.iter_events()
        if e.data.get("ticket_id") == ticket_id and e.sim_time > 0
    ]
    steps = [(e.sim_time, e.type, e.data.get("action") or e.data.get("transition")) for e in events]
    assert steps == [
        (30 * MINUTE, "ticket.reminder", "remind"),
        (60 * MINUTE, "ticket.escalated", "alert"),
        (90 * MINUTE, "ticket.escalated", "reassign"),
        (90 * MINUTE, "ticket.dispatched", "reassign"),
    ]
    alert = events[1]
    assert alert.data["recipients"] == ["department", "team_leader"]
    assert alert.team_id == "A"  # the team leader of the agent's team hears of it
    workflow = (await detail(api, agent, ticket_id))["workflow"]
    assert (workflow["queue"], workflow["state"]) == ("complaint_group", "dispatched")
    # the new step's first-response clock starts from the reassignment at 11:30: 30
    # business minutes before lunch, 30 after it, so 13:30
    assert workflow["clocks"]["first_response"]["due_at"] == pytest.approx(210 * MINUTE)


async def test_lunch_does_not_count_towards_a_deadline(
    api: httpx.AsyncClient, unstaffed_runtime: CentreRuntime
) -> None:
    unstaffed_runtime.advance(100 * MINUTE)  # 11:40
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "complaint")
    workflow = (await detail(api, agent, ticket_id))["workflow"]
    # 20 business minutes before lunch, 40 after it: 13:40, two hours on the wall
    assert workflow["clocks"]["first_response"]["due_at"] == pytest.approx(220 * MINUTE)
    unstaffed_runtime.advance(70 * MINUTE)  # 12:50, over lunch
    reminders = [
        e.sim_time
        for e in unstaffed_runtime.store.iter_events()
        if e.type == "ticket.reminder" and e.data["ticket_id"] == ticket_id
    ]
    assert reminders == []  # 30 business minutes have not passed yet (20 did)
    unstaffed_runtime.advance(30 * MINUTE)  # 13:20
    reminders = [
        e.sim_time
        for e in unstaffed_runtime.store.iter_events()
        if e.type == "ticket.reminder" and e.data["ticket_id"] == ticket_id
    ]
    assert reminders == [pytest.approx(190 * MINUTE)]  # 13:10
