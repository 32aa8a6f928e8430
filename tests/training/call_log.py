"""Writes the event log of one call the way the engine and the server write it.

Tests of training scores and quality prefill describe a call as the desk would live it
(answer, choose options, hold, create a ticket, wrap up) and get the protocol `Event`s the
server would have logged, with `seq` and sim times, so the facts are derived from the
same shapes as in production (data keys as in docs/architecture.md "Event data").
"""

from __future__ import annotations

from typing import Any

from server_stub.protocol.call_facts import (
    CALLBACK_SCHEDULED_EVENT,
    SCRIPT_STEP_EVENT,
    SURVEY_OFFERED_EVENT,
)
from server_stub.protocol.events import Event, EventType
from server_stub.protocol.scripts import FlowScript, ScriptWalker

MINE = "<the call's agent>"


class CallLog:
    def __init__(
        self,
        script: FlowScript,
        *,
        call_id: str = "c1",
        agent_id: str = "1001",
        queue_id: str = "enquiry",
        customer_id: str | None = "C000001",
        publish_steps: bool = True,
        first_seq: int = 1,
    ) -> None:
        self.script = script
        self.call_id = call_id
        self.agent_id = agent_id
        self.queue_id = queue_id
        self.customer_id = customer_id
        self.publish_steps = publish_steps
        self.walker = ScriptWalker(script)
        self.events: list[Event] = []
        self.seq = first_seq - 1
        self.now = 0.0
        self.tickets = 0

    # -- plumbing -------------------------------------------------------------------

    def at(self, sim_time: float) -> CallLog:
        assert sim_time >= self.now, "time runs forward"
        self.now = sim_time
        return self

    def emit(self, kind: str, agent_id: str | None = MINE, **data: Any) -> Event:
        self.seq += 1
        event = Event(
            seq=self.seq,
            sim_time=self.now,
            wall_time=1_700_000_000 + self.now,
            type=kind,
            call_id=self.call_id,
            agent_id=self.agent_id if agent_id == MINE else agent_id,
            queue_id=self.queue_id,
            data=data,
        )
        self.events.append(event)
        return event

    # -- the call -------------------------------------------------------------------

    def ring(self, at: float = 0.0) -> CallLog:
        self.at(at)
        self.emit(
            EventType.CALL_ARRIVED, agent_id=None, customer_id=self.customer_id, tier="normal"
        )
        self.emit(EventType.CALL_OFFERED, waited_s=0.0, customer_id=self.customer_id)
        return self

    def answer(self, at: float) -> CallLog:
        self.at(at).emit(EventType.CALL_ANSWERED, waited_s=at, direction="inbound")
        return self

    def choose(self, at: float, key: str) -> CallLog:
        step = self.walker.current
        self.walker.choose(key)
        if self.publish_steps:
            self.at(at).emit(SCRIPT_STEP_EVENT, step=step, key=key, next=self.walker.current)
        else:
            self.at(at)
        return self

    def walk(self, start: float, keys: str, every_s: float = 10.0) -> CallLog:
        """Choose each key of `keys` in turn, `every_s` apart, the first at `start`."""
        for index, key in enumerate(keys):
            self.choose(start + index * every_s, key)
        return self

    def back(self, at: float) -> CallLog:
        self.walker.back()
        if self.publish_steps:
            self.at(at).emit(SCRIPT_STEP_EVENT, back=True)
        return self

    def hold(self, at: float, **data: Any) -> CallLog:
        self.at(at).emit(EventType.CALL_HELD, **data)
        return self

    def retrieve(self, at: float) -> CallLog:
        self.at(at).emit(EventType.CALL_RETRIEVED)
        return self

    def ticket(self, at: float, category: str, **fields: Any) -> CallLog:
        self.tickets += 1
        ticket_id = f"T{self.tickets:06d}"
        self.at(at).emit(
            EventType.TICKET_CREATED,
            ticket_id=ticket_id,
            category=category,
            priority=fields.get("priority", "normal"),
            department=fields.get("department"),
        )
        return self

    def consult(self, at: float, to_agent: str) -> CallLog:
        """A consult: the caller is held and the other agent's phone rings."""
        self.hold(at)
        self.emit(
            EventType.CALL_OFFERED, agent_id=to_agent, waited_s=0.0, consult_from=self.agent_id
        )
        return self

    def complete_consult(self, at: float, to_agent: str) -> CallLog:
        return self.transfer(at, to_agent=to_agent, mode="consult")

    def transfer(
        self,
        at: float,
        *,
        to_queue: str | None = None,
        to_agent: str | None = None,
        mode: str = "blind",
    ) -> CallLog:
        self.at(at).emit(
            EventType.CALL_TRANSFERRED,
            mode=mode,
            from_agent=self.agent_id,
            to_agent=to_agent,
            to_queue=to_queue,
        )
        return self

    def callback(self, at: float, reason: str) -> CallLog:
        self.at(at).emit(CALLBACK_SCHEDULED_EVENT, reason=reason, due_at=at + 3600)
        return self

    def survey(self, at: float) -> CallLog:
        self.at(at).emit(SURVEY_OFFERED_EVENT)
        return self

    def end(self, at: float, by: str = "agent") -> CallLog:
        reason = "hangup" if by == "agent" else "caller_hangup"
        self.at(at).emit(EventType.CALL_ENDED, by=by, reason=reason, outcome="answered")
        return self

    def start_wrapup(self, limit_s: float = 60.0) -> CallLog:
        self.emit(
            EventType.AGENT_STATE_CHANGED,
            **{"from": "busy", "to": "wrap_up", "wrapup_deadline": self.now + limit_s},
        )
        return self

    def wrapup(
        self, at: float, code: str, notes: str = "", path: list[list[str]] | None = None
    ) -> CallLog:
        walked = [list(choice) for choice in self.walker.path] if path is None else path
        self.at(at).emit(
            EventType.CALL_WRAPUP_COMPLETED, code=code, notes=notes, script_path=walked
        )
        return self
