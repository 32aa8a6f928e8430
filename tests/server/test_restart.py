"""A restart keeps tickets, contacts and the log, and the centre goes on from where it was;
a stored day that cannot be replayed gives way to a new simulated day on the same data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from server_stub.server.replay import ForeignCustomersError
from server_stub.server.run_frame import DAY_S
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, quiet_centre
from server_stub.supervision.config import SupervisionConfig


async def _work_a_call_and_a_ticket(runtime: CentreRuntime) -> str:
    async with asgi_client(runtime) as api:
        agent = await login(api, "1001")
        admin = await login(api, "admin")
        supervisor = await login(api, "s100")
        await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
        injected = await api.post(
            "/v1/trainer/calls",
            json={"queue_id": "enquiry", "customer_id": "C000004"},
            headers=admin,
        )
        call_id = str(injected.json()["call_id"])
        assert (await api.post(f"/v1/calls/{call_id}/answer", headers=agent)).status_code == 200
        await api.post("/v1/admin/clock", json={"advance_s": 45}, headers=admin)
        assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
        wrapup = {"code": "ticket_created", "notes": "已建单", "script_path": [["greet", "1"]]}
        response = await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
        assert response.status_code == 200, response.text
        ticket = {
            "request_id": "restart-ticket-1",
            "customer_id": "C000004",
            "call_id": call_id,
            "category": "fault",
            "subject": "无信号 / no signal",
        }
        assert (await api.post("/v1/tickets", json=ticket, headers=agent)).status_code == 201
        message = {"text": "午餐轮换 / lunch rota", "team_id": "A"}
        await api.post("/v1/supervisor/messages", json=message, headers=supervisor)
        await api.post("/v1/admin/clock", json={"advance_s": 30}, headers=admin)
    await runtime.stop()
    return call_id


async def test_restart_keeps_tickets_contacts_log_and_continues(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    before = paused_runtime(db)
    call_id = await _work_a_call_and_a_ticket(before)
    log_before = [(e.seq, e.type, e.sim_time, e.data) for e in before.store.iter_events()]
    sim_before = before.engine.now
    contact_before = before.store.contact(call_id)
    before.store.close()

    after = paused_runtime(db)
    try:
        assert [
            (e.seq, e.type, e.sim_time, e.data) for e in after.store.iter_events()
        ] == log_before
        assert after.engine.now == sim_before  # no time passed while the server was down
        assert after.hub.last_seq == log_before[-1][0]
        assert after.store.contact(call_id) == contact_before
        async with asgi_client(after) as api:
            agent = await login(api, "1001")
            tickets = await api.get("/v1/tickets", params={"customer_id": "C000004"}, headers=agent)
            assert [t["subject"] for t in tickets.json()] == ["无信号 / no signal"]
            me = (await api.get("/v1/me", headers=agent)).json()
            assert me["state"] == "ready" and me["calls_handled"] == 1  # rebuilt by replay
            admin = await login(api, "admin")
            # The replayed engine is the same engine: new work gets the next seq.
            injected = await api.post(
                "/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=admin
            )
            assert injected.status_code == 201
            assert injected.json()["seq"] > log_before[-1][0]
            assert (await api.get("/v1/me", headers=agent)).json()["state"] == "reserved"
        new_events = after.store.events_after(log_before[-1][0])
        assert new_events and new_events[0].seq == log_before[-1][0] + 1
        assert all(e.sim_time >= sim_before for e in new_events)
    finally:
        after.store.close()


async def test_a_changed_centre_starts_a_new_day_on_the_same_data(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    before = paused_runtime(db)
    await _work_a_call_and_a_ticket(before)
    log_before = [(e.seq, e.type, e.sim_time) for e in before.store.iter_events()]
    tickets, contacts = before.store.ticket_count(), before.store.contact_count()
    before.store.close()

    changed = quiet_centre().model_copy(
        update={"centre": quiet_centre().centre.model_copy(update={"stats_interval_s": 7.0})}
    )
    after = paused_runtime(db, config=changed)
    try:
        stored = [(e.seq, e.type, e.sim_time) for e in after.store.iter_events()]
        assert stored[: len(log_before)] == log_before  # the old day's log, untouched
        assert (after.store.ticket_count(), after.store.contact_count()) == (tickets, contacts)
        assert after.frame.number == 2
        assert after.now == DAY_S  # the next day, at the epoch's time of day
        async with asgi_client(after) as api:
            agent = await login(api, "1001")
            # The old day's ticket is still the customer's (and the agent's own).
            listed = await api.get("/v1/tickets", params={"customer_id": "C000004"}, headers=agent)
            assert [t["subject"] for t in listed.json()] == ["无信号 / no signal"]
            me = (await api.get("/v1/me", headers=agent)).json()
            assert (me["state"], me["sim_time"]) == ("logged_out", DAY_S)
            await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
            admin = await login(api, "admin")
            injected = await api.post(
                "/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=admin
            )
            call_id = injected.json()["call_id"]
            assert call_id.startswith("r2-")  # never one of the old day's ids
            assert (await api.post(f"/v1/calls/{call_id}/answer", headers=agent)).is_success
        new_events = after.store.events_after(log_before[-1][0])
        assert new_events[0].seq == log_before[-1][0] + 1
        assert all(e.sim_time >= DAY_S for e in new_events)
        day_two = [(e.seq, e.type, e.sim_time) for e in after.store.iter_events()]
    finally:
        after.store.close()
    again = paused_runtime(db, config=changed)  # the new day replays like any other
    try:
        assert again.frame.number == 2
        assert [(e.seq, e.type, e.sim_time) for e in again.store.iter_events()] == day_two
        assert again.floor.agents["1001"].state == "busy"
    finally:
        again.store.close()


async def test_a_journal_that_no_longer_replays_starts_a_new_day(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    before = paused_runtime(db)
    await _work_a_call_and_a_ticket(before)
    events_before = before.store.last_seq()
    before.store.close()
    with sqlite3.connect(db) as raw:  # as if the engine changed: the first command is gone
        raw.execute("DELETE FROM commands WHERE id = (SELECT MIN(id) FROM commands)")
    after = paused_runtime(db)
    try:
        assert after.frame.number == 2
        assert after.store.ticket_count() == 1 and after.store.last_seq() == events_before
        async with asgi_client(after) as api:
            agent = await login(api, "1001")
            ready = await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
            assert ready.json()["seq"] > events_before  # the log goes on, one sequence
    finally:
        after.store.close()


def test_a_database_with_another_centres_customers_is_refused_by_name(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    paused_runtime(db).store.close()
    other = quiet_centre().model_copy(
        update={"customers": quiet_centre().customers.model_copy(update={"seed": 99})}
    )
    with pytest.raises(ForeignCustomersError, match=r"centre\.sqlite holds the") as refused:
        paused_runtime(db, config=other)
    assert "delete" not in str(refused.value)


async def test_a_restart_brings_back_each_desks_last_screen_for_its_supervisor(
    tmp_path: Path,
) -> None:
    db = tmp_path / "centre.sqlite"
    before = paused_runtime(db)
    screen = {"pane": "script", "path": [], "step": "greet"}
    async with asgi_client(before) as api:
        agent = await login(api, "1001")
        answer = await api.put("/v1/agent/screen", json=screen, headers=agent)
        assert answer.status_code == 200, answer.text
    await before.stop()
    before.store.close()

    after = paused_runtime(db)
    try:
        async with asgi_client(after) as api:
            supervisor = await login(api, "s100")
            manager = await login(api, "admin")
            shown = await api.get("/v1/supervision/agents/1001/screen", headers=supervisor)
            assert shown.status_code == 200, shown.text
            assert (shown.json()["pane"], shown.json()["step"]) == ("script", "greet")
            other = await api.get("/v1/supervision/agents/1002/screen", headers=manager)
            assert other.status_code == 404  # that desk never published a screen
    finally:
        after.store.close()


async def test_a_changed_supervision_file_starts_a_new_day_and_the_same_one_replays(
    tmp_path: Path,
) -> None:
    """The supervision file's rules (alerts, surges, roster) put events in the log: a day
    run with other rules cannot be replayed, like a changed centre file."""
    db = tmp_path / "centre.sqlite"
    rules = SupervisionConfig()
    before = paused_runtime(db, supervision=rules)
    await _work_a_call_and_a_ticket(before)
    before.store.close()

    same = paused_runtime(db, supervision=SupervisionConfig())
    try:
        assert (same.frame.number, same.floor.agents["1001"].state) == (1, "ready")
    finally:
        same.store.close()
    stricter = rules.model_copy(
        update={"roster": rules.roster.model_copy(update={"grace_min": 1.0})}
    )
    after = paused_runtime(db, supervision=stricter)
    try:
        assert (after.frame.number, after.now) == (2, DAY_S)
    finally:
        after.store.close()
