from __future__ import annotations

from typing import Any

from agent_tui.client.state import DeskState
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


def _desk(clock: Clock | None = None) -> DeskState:
    desk = DeskState(clock=clock or Clock())
    desk.load_me({"agent_id": ME, "name": "王小明", "team": "A", "state": "not_ready"})
    return desk


def test_a_call_goes_from_ringing_to_wrap_up_and_leaves_the_desk() -> None:
    desk = _desk()
    pop = {"customer": {"id": "C1", "name": "张三"}, "open_tickets": []}
    offered = _event(
        10, 100.0, "call.offered", call_id="k1", agent_id=ME, queue_id="enquiry",
        data={"ani": "13800000000", "customer_id": "C1", "tier": "gold", "waited_s": 12.5,
              "ivr_path": ["main", "1"], "pop": pop},
    )  # fmt: skip
    assert desk.apply(offered) == {"call"}
    assert desk.call is not None and desk.call.status == "ringing"
    assert desk.call.pop == pop and desk.call.queue_id == "enquiry"

    desk.apply(_event(11, 101.0, "agent.state_changed", agent_id=ME,
                      data={"from": "reserved", "to": "busy", "leg": "talking"}))  # fmt: skip
    desk.apply(_event(12, 101.0, "call.answered", call_id="k1", agent_id=ME))
    assert desk.state == "busy" and desk.call.status == "talking"
    assert desk.apply(_event(13, 110.0, "call.held", call_id="k1", agent_id=ME)) == {"call"}
    assert desk.call.status == "held"
    desk.apply(_event(14, 120.0, "call.retrieved", call_id="k1", agent_id=ME))
    desk.apply(_event(15, 150.0, "call.ended", call_id="k1", agent_id=ME,
                      data={"by": "caller"}))  # fmt: skip
    assert desk.call.status == "ended" and desk.last_call_id == "k1"
    changed = desk.apply(
        _event(16, 150.0, "agent.state_changed", agent_id=ME,
               data={"from": "busy", "to": "wrap_up", "wrapup_deadline": 180.0})
    )  # fmt: skip
    assert changed == {"agent"}
    assert desk.wrapup_deadline == 180.0 and desk.state_since == 150.0
    desk.apply(_event(17, 160.0, "call.wrapup_completed", call_id="k1", agent_id=ME,
                      data={"code": "resolved"}))  # fmt: skip
    assert desk.call is None and desk.wrapup_deadline is None


def test_ring_no_answer_takes_the_call_off_the_desk() -> None:
    desk = _desk()
    desk.apply(_event(1, 5.0, "call.offered", call_id="k9", agent_id=ME))
    assert desk.apply(_event(2, 20.0, "call.offer_timeout", call_id="k9", agent_id=ME)) == {"call"}
    assert desk.call is None


def test_events_about_other_agents_change_nothing() -> None:
    desk = _desk()
    assert desk.apply(_event(1, 5.0, "call.offered", call_id="k2", agent_id="a001")) == set()
    assert (
        desk.apply(_event(2, 5.0, "agent.state_changed", agent_id="a001", data={"to": "ready"}))
        == set()
    )
    assert desk.call is None and desk.state == "not_ready"


def test_pending_state_and_reason_are_kept() -> None:
    desk = _desk()
    pending = {"state": "not_ready", "reason": "break"}
    desk.apply(
        _event(1, 5.0, "agent.state_changed", agent_id=ME, data={"to": "busy", "pending": pending})
    )
    assert desk.pending == ("not_ready", "break")


def test_queue_stats_and_messages_are_stored() -> None:
    desk = _desk()
    stats = {"waiting": 3, "longest_wait_s": 41.0, "agents_ready": 2, "service_level": 0.8}
    assert desk.apply(_event(1, 5.0, "queue.stats", queue_id="fault", data=stats)) == {"queues"}
    assert desk.queues["fault"].waiting == 3 and desk.queues["fault"].service_level == 0.8
    message = _event(2, 6.0, "supervisor.message", team_id="A",
                     data={"text": "统一口径: outage in Pudong", "sender": "s100"})  # fmt: skip
    assert desk.apply(message) == {"messages"}
    assert desk.messages[0].broadcast and desk.unread_messages() == 1


def test_sim_now_runs_from_the_last_event_at_the_server_speed() -> None:
    clock = Clock(1000.0)
    desk = _desk(clock)
    desk.speed = 2.0
    desk.apply(_event(1, 500.0, "queue.stats", queue_id="q", data={}))
    assert desk.sim_now() == 500.0
    clock.now = 1003.0
    assert desk.sim_now() == 506.0


def test_load_me_mid_call_keeps_the_pop_of_the_same_call() -> None:
    desk = _desk()
    desk.apply(_event(1, 5.0, "call.offered", call_id="k3", agent_id=ME,
                      data={"pop": {"customer": {"id": "C3"}}}))  # fmt: skip
    parts = desk.load_me(
        {"agent_id": ME, "name": "王小明", "team": "A", "state": "busy", "since": 7.0,
         "call_id": "k3", "leg": "held", "direction": "inbound", "queues": ["enquiry"]}
    )  # fmt: skip
    assert "call" in parts and "agent" in parts
    assert desk.call is not None and desk.call.status == "held"
    assert desk.call.pop == {"customer": {"id": "C3"}}


def test_connection_changes_are_reported_once() -> None:
    desk = _desk()
    assert desk.set_connection("online") == {"connection"}
    assert desk.set_connection("online") == set()
