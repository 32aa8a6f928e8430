"""`GET /v1/agent/tickets`: the desk's ticket tracking reads the agent's own tickets (or its
caller's) with their workflow state, nearest deadline and result, and nobody else's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login
from tests.server.api_steps import finish
from tests.server.ticket_steps import pull, ticket_on_call, transition


async def mine(api: httpx.AsyncClient, who: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await api.get("/v1/agent/tickets", params=params, headers=who)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


async def test_the_agent_s_tickets_carry_state_deadline_and_the_result(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    ticket_id, call_id = await ticket_on_call(api, agent, "complaint")
    [listed] = await mine(api, agent)
    record = api_runtime.tickets.record(ticket_id)
    assert record is not None
    due = record.clocks.due_at(api_runtime.tickets.calendar)
    assert due is not None
    assert (listed["id"], listed["state"], listed["result"]) == (ticket_id, "dispatched", None)
    assert listed["due_at"] == pytest.approx(api_runtime.tickets.sim_time(due))

    lead, group = await login(api, "s100"), await login(api, "d102")
    await pull(api, lead, "team_leader")
    await transition(api, lead, ticket_id, "forward", note="已核实 Checked")
    await pull(api, group, "complaint_group")
    await transition(api, group, ticket_id, "resolve", resolution_note="减免月费 Fee waived")
    [listed] = await mine(api, agent)
    assert (listed["state"], listed["result"]) == ("callback_pending", "减免月费 Fee waived")
    # the callback pending stops the resolution clock: no deadline runs
    assert listed["due_at"] is None
    await finish(api, agent, call_id)


async def test_another_agent_sees_neither_my_tickets_nor_my_caller_s(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    ticket_id, _ = await ticket_on_call(api, agent, "complaint")
    other = await login(api, "1002")
    assert await mine(api, other) == []
    assert await mine(api, other, customer_id="C000001") == []
    # the agent on the call reads its caller's tickets
    assert [t["id"] for t in await mine(api, agent, customer_id="C000001")] == [ticket_id]
    for role in ("s100", "d102"):
        response = await api.get("/v1/agent/tickets", headers=await login(api, role))
        assert response.status_code == 403
