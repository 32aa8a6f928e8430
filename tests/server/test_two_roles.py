"""A team leader who also takes calls: one login, two roles (agent first, then supervisor)."""

from __future__ import annotations

import pytest

from server_stub.centre.loader import CentreConfigError, parse_centre
from server_stub.server.testing import asgi_client, demo_centre, login, paused_runtime


async def test_team_leader_login_carries_both_roles_and_may_use_both_workspaces() -> None:
    runtime = paused_runtime(config=demo_centre())
    try:
        async with asgi_client(runtime) as api:
            answer = await api.post("/v1/auth/login", json={"user_id": "1100", "password": "demo"})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["role"] == "agent"
            assert body["roles"] == ["agent", "supervisor"]
            assert body["user"]["teams"] == ["A"]
            headers = {"Authorization": f"Bearer {body['token']}"}
            assert (await api.get("/v1/me", headers=headers)).status_code == 200
            assert (await api.get("/v1/supervisor/agents", headers=headers)).status_code == 200
            # A plain agent has one role and stays out of the supervisor's routes.
            agent = await login(api, "1001")
            assert (await api.get("/v1/supervisor/agents", headers=agent)).status_code == 403
    finally:
        runtime.store.close()


def test_only_a_human_agent_may_hold_more_roles() -> None:
    text = (
        "centre: {name: x}\nskills: [s]\nteams: [{id: A, name: A}]\n"
        "queues: [{id: q, name: q, skill: s, talk_time: {mean_s: 60}}]\n"
        "agents:\n  - {id: a1, name: a, team: A, skills: {s: 5}, also: [supervisor]}\n"
    )
    with pytest.raises(CentreConfigError) as raised:
        parse_centre(text, "x.yaml")
    assert "x.yaml:6: agents[0].also: only a human agent" in str(raised.value)
