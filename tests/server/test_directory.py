"""The transfer directory (issue 9 defect 8; IN7, TK5): who can take a call now."""

from __future__ import annotations

from server_stub.server.testing import asgi_client, demo_centre, login, paused_runtime, quiet_centre


async def test_the_directory_lists_no_logged_out_agent_and_marks_leaders_and_expert_groups() -> (
    None
):
    quiet = quiet_centre()
    leader = next(agent for agent in demo_centre().agents if agent.id == "1100")
    runtime = paused_runtime(config=quiet.model_copy(update={"agents": [*quiet.agents, leader]}))
    try:
        async with asgi_client(runtime) as api:
            agent = await login(api, "1001")
            before = (await api.get("/v1/directory", headers=agent)).json()
            assert [a["id"] for a in before["agents"]] == []  # nobody has logged in to a seat
            await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
            chief = await login(api, "1100")
            await api.post("/v1/agent/state", json={"state": "ready"}, headers=chief)
            after = (await api.get("/v1/directory", headers=agent)).json()
            agents = {a["id"]: a for a in after["agents"]}
            assert set(agents) == {"1001", "1100"}  # 1002 is logged out
            assert agents["1100"]["team_leader"] and not agents["1001"]["team_leader"]
            experts = [q["id"] for q in after["queues"] if q["expert_group"]]
            assert experts == ["complaint"]
    finally:
        runtime.store.close()
