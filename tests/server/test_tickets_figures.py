"""Historical ticket figures (issue 11 item 9) are the log's: recomputed here from the
stored events, with the business hours counted minute by minute."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import httpx
import pytest

from server_stub.centre.schema import centre_epoch
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, stored_log
from tests.server.api_steps import finish
from tests.server.test_tickets_loop import loop_runtime
from tests.server.ticket_steps import ticket_on_call, transition
from tests.workflow.calendar_oracle import MinuteWalk

HOUR = 3600.0


def recompute(runtime: CentreRuntime) -> dict[str, dict[str, Any]]:
    """Per type, straight from the stored log."""
    walk = MinuteWalk(runtime.workflow.config.calendar)
    epoch = centre_epoch(runtime.config).timestamp()
    created: dict[str, tuple[str, float]] = {}
    resolved_at: dict[str, float] = {}
    reopened: set[str] = set()
    overdue: set[str] = set()
    outcomes: dict[str, list[str]] = defaultdict(list)
    for sim_time, etype, _, _, _, data in stored_log(runtime):
        ticket_id = data.get("ticket_id")
        if etype == "ticket.created":
            created[ticket_id] = (data["category"], sim_time)
        elif data.get("transition") == "resolve" and ticket_id not in resolved_at:
            resolved_at[ticket_id] = sim_time
        elif data.get("transition") == "complete_callback" and data["to"] == "dispatched":
            reopened.add(ticket_id)
        elif etype == "ticket.escalated" and data["action"] == "alert":
            overdue.add(ticket_id)
        elif etype == "callback.completed":
            outcomes[ticket_id].append(data["outcome"])
    figures: dict[str, dict[str, Any]] = {}
    for type_id, tickets in itertools.groupby(
        sorted(created, key=lambda t: created[t][0]), key=lambda t: created[t][0]
    ):
        mine = list(tickets)
        done = [t for t in mine if t in resolved_at]
        hours = [walk.between(epoch + created[t][1], epoch + resolved_at[t]) / HOUR for t in done]
        said = [o for t in mine for o in outcomes[t]]
        answered = said.count("satisfied") + said.count("not_satisfied")
        figures[type_id] = {
            "opened": len(mine),
            "resolved": len(done),
            "overdue": len([t for t in mine if t in overdue]),
            "reopened": len([t for t in done if t in reopened]),
            "mean_resolve_business_h": sum(hours) / len(hours) if hours else None,
            "satisfied": said.count("satisfied"),
            "satisfaction": said.count("satisfied") / answered if answered else None,
        }
    return figures


async def test_ticket_figures_by_type_are_the_logs(tmp_path: Any) -> None:
    runtime = loop_runtime()
    try:
        async with asgi_client(runtime) as api:
            agent = await login(api, "1001")
            call_id = None
            for category in ("fault", "fault", "billing", "enquiry", "complaint", "suggestion"):
                _, call_id = await ticket_on_call(api, agent, category, call_id=call_id)
            assert call_id is not None
            await finish(api, agent, call_id)
            outcomes = itertools.cycle(("satisfied", "not_satisfied", "no_answer"))
            for _ in range(4 * 24 * 2):  # four days in half hours
                runtime.advance(HOUR / 2)
                me = (await api.get("/v1/me", headers=agent)).json()
                if me["call_id"] is None:
                    continue
                runtime.advance(20)  # the customer picks up
                ticket_id = next(
                    t
                    for t, r in runtime.tickets.tickets.items()
                    if r.callback is not None and r.callback.state == "placed"
                )
                outcome = next(outcomes)
                await transition(
                    api, agent, ticket_id, "complete_callback", callback_outcome=outcome
                )
                await finish(api, agent, me["call_id"])
            admin = await login(api, "admin")
            shown = (await api.get("/v1/workflow/figures", headers=admin)).json()
            other_lead = await login(api, "s101")  # team B: none of these tickets
            theirs = (await api.get("/v1/workflow/figures", headers=other_lead)).json()
        expected = recompute(runtime)
        by_type = {row["key"]: row for row in shown["by_type"]}
        assert (
            set(by_type)
            == set(expected)
            == {
                "billing",
                "complaint",
                "enquiry",
                "fault",
                "suggestion",
            }
        )
        for type_id, figures in expected.items():
            row = by_type[type_id]
            for name, value in figures.items():
                if isinstance(value, float):
                    assert row[name] == pytest.approx(value, abs=1 / 60), (type_id, name)
                else:
                    assert row[name] == value, (type_id, name)
        assert sum(row["resolved"] for row in shown["by_type"]) >= 4  # the loop did go round
        assert sum(row["satisfied"] for row in shown["by_type"]) >= 1
        assert sum(row["resolved"] for row in shown["by_department"]) == sum(
            row["resolved"] for row in shown["by_type"]
        )
        assert theirs == {"by_type": [], "by_department": []}
    finally:
        runtime.store.close()


async def test_figures_are_for_the_floor_not_for_agents_or_departments(
    api: httpx.AsyncClient,
) -> None:
    for user in ("1001", "d100", "t100", "e100"):
        headers = await login(api, user)
        assert (await api.get("/v1/workflow/figures", headers=headers)).status_code == 403
