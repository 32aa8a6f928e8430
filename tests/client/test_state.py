"""The store folds events and snapshots into what the workspaces show (no Textual, no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from agent_tui.client.state import ClientStore
from server_stub.protocol.api import (
    AgentStatus,
    CommandResult,
    HealthResponse,
    MeResponse,
    QueueStats,
    ScreenPop,
    Ticket,
)
from server_stub.protocol.events import Event

ME = "1001"


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _event(seq: int, sim_time: float, type_: str, **fields: Any) -> Event:
    data = fields.pop("data", {})
    return Event(seq=seq, sim_time=sim_time, wall_time=0.0, type=type_, data=data, **fields)


def _me(**changes: Any) -> MeResponse:
    values: dict[str, Any] = {
        "agent_id": ME,
        "name": "王小明",
        "team": "A",
        "role": "agent",
        "state": "not_ready",
        "since": 0.0,
        "sim_time": 0.0,
        "speed": 1.0,
        "last_seq": 0,
    }
    values.update(changes)
    return MeResponse.model_validate(values)


def _store(clock: Clock | None = None) -> ClientStore:
    store = ClientStore(clock=clock or Clock())
    store.load_me(_me())
    return store


def _pop(customer_id: str = "C1", name: str = "张三") -> dict[str, Any]:
    return {
        "call_id": "k1",
        "queue_id": "enquiry",
        "ani": "13800000000",
        "tier": "gold",
        "waited_s": 12.5,
        "customer": {
            "id": customer_id,
            "name": name,
            "tier": "gold",
            "account": "A1",
            "phones": ["13800000000"],
            "address": "上海",
        },
    }


def _ticket(ticket_id: str, call_id: str | None = "k1") -> Ticket:
    return Ticket(
        id=ticket_id,
        request_id=f"r-{ticket_id}-0000",
        customer_id="C1",
        call_id=call_id,
        category="fault",
        subject="断网 No internet",
        description="",
        priority="normal",
        status="open",
        department=None,
        created_by=ME,
        created_at=100.0,
        updated_at=100.0,
    )


def test_a_call_goes_from_ringing_to_wrap_up_and_leaves_the_desk() -> None:
    store = _store()
    offered = _event(
        10, 100.0, "call.offered", call_id="k1", agent_id=ME, queue_id="enquiry",
        data={"ani": "13800000000", "customer_id": "C1", "tier": "gold", "waited_s": 12.5,
              "ivr_path": ["main", "1"], "pop": _pop()},
    )  # fmt: skip
    assert store.apply(offered) == {"call"}
    call = store.call
    assert call is not None and call.status == "ringing"
    assert call.customer is not None and call.customer.name == "张三"
    assert call.queue_id == "enquiry"

    store.apply(_event(11, 101.0, "agent.state_changed", agent_id=ME,
                       data={"from": "reserved", "to": "busy", "leg": "talking"}))  # fmt: skip
    store.apply(_event(12, 101.0, "call.answered", call_id="k1", agent_id=ME))
    assert store.state == "busy" and store.call is not None and store.call.status == "talking"
    assert store.apply(_event(13, 110.0, "call.held", call_id="k1", agent_id=ME)) == {"call"}
    assert store.call.status == "held"
    store.apply(_event(14, 120.0, "call.retrieved", call_id="k1", agent_id=ME))
    store.apply(_event(15, 150.0, "call.ended", call_id="k1", agent_id=ME, data={"by": "caller"}))
    assert store.call.status == "ended" and store.last_call_id == "k1"
    changed = store.apply(
        _event(16, 150.0, "agent.state_changed", agent_id=ME,
               data={"from": "busy", "to": "wrap_up", "wrapup_deadline": 180.0})
    )  # fmt: skip
    assert changed == {"agent"}
    assert store.wrapup_deadline == 180.0 and store.state_since == 150.0
    store.apply(_event(17, 160.0, "call.wrapup_completed", call_id="k1", agent_id=ME,
                       data={"code": "resolved"}))  # fmt: skip
    assert store.call is None and store.wrapup_deadline is None


def test_records_the_store_hands_out_cannot_be_written_into() -> None:
    store = _store()
    store.apply(_event(1, 5.0, "call.offered", call_id="k9", agent_id=ME))
    assert store.call is not None
    with pytest.raises(AttributeError):
        store.call.status = "talking"  # type: ignore[misc]


def test_ring_no_answer_takes_the_call_off_the_desk() -> None:
    store = _store()
    store.apply(_event(1, 5.0, "call.offered", call_id="k9", agent_id=ME))
    assert store.apply(_event(2, 20.0, "call.offer_timeout", call_id="k9", agent_id=ME)) == {"call"}
    assert store.call is None


def test_events_about_other_agents_change_nothing_on_the_desk() -> None:
    store = _store()
    assert store.apply(_event(1, 5.0, "call.offered", call_id="k2", agent_id="a001")) == set()
    moved = _event(2, 5.0, "agent.state_changed", agent_id="a001", data={"to": "ready"})
    assert store.apply(moved) == set()
    assert store.call is None and store.state == "not_ready"


def test_pending_state_and_reason_are_kept() -> None:
    store = _store()
    pending = {"state": "not_ready", "reason": "break"}
    store.apply(
        _event(1, 5.0, "agent.state_changed", agent_id=ME, data={"to": "busy", "pending": pending})
    )
    assert store.pending is not None
    assert (store.pending.state, store.pending.reason) == ("not_ready", "break")


def test_queue_stats_keep_the_queue_name_and_messages_are_stored() -> None:
    store = _store()
    store.load_queues([QueueStats(queue_id="fault", name="故障报修 Fault reports")])
    stats = {"waiting": 3, "longest_wait_s": 41.0, "agents_ready": 2, "service_level": 0.8}
    assert store.apply(_event(1, 5.0, "queue.stats", queue_id="fault", data=stats)) == {"queues"}
    fault = store.queues["fault"]
    assert (fault.name, fault.waiting, fault.service_level, fault.as_of) == (
        "故障报修 Fault reports", 3, 0.8, 5.0,
    )  # fmt: skip
    message = _event(2, 6.0, "supervisor.message", team_id="A",
                     data={"text": "统一口径: outage in Pudong", "sender": "s100"})  # fmt: skip
    assert store.apply(message) == {"messages"}
    assert store.messages[0].broadcast and store.unread_messages() == 1
    assert store.mark_messages_read() == {"messages"}
    assert store.unread_messages() == 0
    assert store.mark_messages_read() == set()


def test_sim_now_runs_from_the_last_event_at_the_server_speed() -> None:
    clock = Clock(1000.0)
    store = _store(clock)
    store.speed = 2.0
    store.apply(_event(1, 500.0, "queue.stats", queue_id="q", data={}))
    assert store.sim_now() == 500.0
    clock.now = 1003.0
    assert store.sim_now() == 506.0


def test_load_me_mid_call_keeps_the_pop_of_the_same_call() -> None:
    store = _store()
    store.apply(_event(1, 5.0, "call.offered", call_id="k3", agent_id=ME, data={"pop": _pop()}))
    parts = store.load_me(_me(state="busy", since=7.0, call_id="k3", leg="held"))
    assert {"call", "agent"} <= parts
    assert store.call is not None and store.call.status == "held"
    assert store.call.customer is not None and store.call.customer.id == "C1"


def test_load_me_in_wrap_up_puts_the_ended_call_on_the_desk() -> None:
    store = _store()
    store.load_me(_me(state="wrap_up", last_call_id="k5", wrapup_deadline=90.0))
    assert store.call is not None and store.call.call_id == "k5"
    assert store.call.status == "ended" and store.last_call_id == "k5"


def test_a_late_screen_pop_and_a_new_ticket_go_in_through_the_store() -> None:
    store = _store()
    store.apply(_event(1, 5.0, "call.answered", call_id="k1", agent_id=ME))
    assert store.call is not None and store.call.pop is None
    assert store.set_pop("k1", ScreenPop.model_validate(_pop())) == {"call"}
    assert store.call.customer_id == "C1"
    assert store.add_ticket(_ticket("T1")) == {"call"}
    assert store.add_ticket(_ticket("T1")) == set()  # the same ticket twice shows once
    assert [t.id for t in store.call.open_tickets] == ["T1"]
    assert store.set_pop("other", ScreenPop.model_validate(_pop())) == set()


def test_the_floor_follows_agents_state_changes() -> None:
    store = ClientStore(clock=Clock())
    agent = AgentStatus(
        agent_id="a001", name="李娜", team="A", simulated=True, state="ready", since=0.0
    )
    store.load_floor([agent])
    busy = _event(1, 30.0, "agent.state_changed", agent_id="a001", call_id="c7",
                  data={"from": "ready", "to": "busy", "leg": "talking"})  # fmt: skip
    assert store.apply(busy) == {"floor"}
    now = store.floor["a001"]
    assert (now.state, now.since, now.leg, now.call_id) == ("busy", 30.0, "talking", "c7")
    assert agent.state == "ready"  # the snapshot it came from is left alone


def test_a_wrapped_up_call_is_kept_for_review_with_the_tickets_made_on_it() -> None:
    store = ClientStore(clock=Clock())
    ticket = _ticket("T9", call_id="c3")
    created = _event(1, 40.0, "ticket.created", call_id="c3", agent_id="a002",
                     data={"ticket_id": "T9", **ticket.model_dump(mode="json")})  # fmt: skip
    store.apply(created)
    data = {
        "code": "resolved",
        "notes": "重启 fixed",
        "script_path": [["greet", "1"], ["verify", "y"]],
    }
    wrapped = _event(
        2, 50.0, "call.wrapup_completed", call_id="c3", agent_id="a002", queue_id="fault", data=data
    )
    assert store.apply(wrapped) == {"reviews"}
    (review,) = store.reviews
    assert (review.call_id, review.agent_id, review.queue_id, review.code) == (
        "c3", "a002", "fault", "resolved",
    )  # fmt: skip
    assert review.script_path == (("greet", "1"), ("verify", "y"))
    assert [t.id for t in review.tickets] == ["T9"]


def test_a_trail_started_late_has_the_steps_the_feed_brought_first() -> None:
    store = ClientStore(clock=Clock())
    store.apply(_event(1, 10.0, "call.arrived", call_id="c8", queue_id="enquiry"))
    store.apply(_event(2, 10.0, "call.offered", call_id="c8", agent_id="1001"))
    store.follow_call(CommandResult(seq=1, call_id="c8"), "enquiry", None)
    store.apply(_event(3, 14.0, "call.answered", call_id="c8", agent_id="1001"))
    trail = store.trails["c8"]
    assert [step.event for step in trail.steps] == [
        "call.arrived", "call.offered", "call.answered",
    ]  # fmt: skip
    assert trail.sent_at == 10.0 and trail.last is not None and trail.last.agent_id == "1001"


def test_centre_time_reads_sim_seconds_on_the_centre_clock() -> None:
    store = ClientStore(clock=Clock())
    assert store.centre_time(3725.0) == "+1:02:05"
    store.load_health(
        HealthResponse(sim_time=0.0, speed=1.0, epoch="2026-11-23T10:00:00+08:00", last_seq=0)
    )
    assert store.centre_time(3725.0) == "11:02:05"


def test_connection_changes_are_reported_once() -> None:
    store = _store()
    assert store.set_connection("online") == {"connection"}
    assert store.set_connection("online") == set()
