"""The desk's local store of the latest state: what the widgets read, fed by events.

Plain dataclasses, no Textual and no I/O: `apply(event)` folds one event from the feed
into the store and says which parts changed, so the app can tell the screen what to
redraw; `load_me` fills it from `GET /v1/me` after login and after a `resync`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from server_stub.protocol.events import AgentState, Event, EventType

Connection = Literal["connecting", "online", "reconnecting", "offline"]
CallStatus = Literal["ringing", "talking", "held", "conference", "ended"]
Part = Literal["agent", "call", "queues", "messages", "connection"]

ALL_PARTS: frozenset[str] = frozenset({"agent", "call", "queues", "messages", "connection"})
NOTHING: frozenset[str] = frozenset()

# How many supervisor messages the desk keeps; a shift's worth, not the whole history.
MAX_MESSAGES = 200


@dataclass(slots=True)
class CallInfo:
    call_id: str
    ani: str | None = None
    customer_id: str | None = None
    tier: str | None = None
    queue_id: str | None = None
    waited_s: float = 0.0
    ivr_path: list[Any] = field(default_factory=list)
    status: CallStatus = "ringing"
    # The screen-pop bundle (customer record, prior contacts, open tickets) that rides
    # on `call.offered`, so the card renders without a second round trip.
    pop: dict[str, Any] = field(default_factory=dict)
    direction: str = "inbound"


@dataclass(slots=True)
class QueueStats:
    waiting: int = 0
    longest_wait_s: float = 0.0
    agents_ready: int = 0
    service_level: float | None = None
    agents_busy: int = 0
    offered: int = 0
    answered: int = 0
    abandoned: int = 0


@dataclass(slots=True)
class DeskMessage:
    at: float  # sim seconds
    sender: str
    text: str
    broadcast: bool = False
    read: bool = False


@dataclass
class DeskState:
    """The latest known state of this agent's desk."""

    agent_id: str = ""
    agent_name: str = ""
    centre_name: str = ""  # what scripts say for {centre}
    team: str | None = None
    role: str = "agent"
    state: str = AgentState.LOGGED_OUT.value
    reason: str | None = None
    state_since: float = 0.0  # sim seconds
    pending: tuple[str, str | None] | None = None  # (state, reason) after this call
    leg: str | None = None  # talking | held | conference while busy
    direction: str | None = None  # inbound | outbound while busy
    call: CallInfo | None = None
    wrapup_deadline: float | None = None  # sim seconds
    last_call_id: str | None = None  # the call being wrapped up
    queues: dict[str, QueueStats] = field(default_factory=dict)
    messages: list[DeskMessage] = field(default_factory=list)
    connection: Connection = "connecting"
    speed: float = 1.0  # sim seconds per wall second, from /v1/health
    last_seq: int | None = None
    # Injected wall clock: time.time in the app, a frozen one in tests and snapshots.
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    # The sim time last heard from the server and the local clock reading at that moment;
    # local, not the server's wall_time, so clock skew between machines does not matter.
    _sim_anchor: float = field(default=0.0, repr=False)
    _wall_anchor: float | None = field(default=None, repr=False)

    # -- time -----------------------------------------------------------------------

    def sim_now(self) -> float:
        """The server's sim time now, estimated from the last event and the local clock."""
        if self._wall_anchor is None:
            return self._sim_anchor
        elapsed = max(0.0, self.clock() - self._wall_anchor)
        return self._sim_anchor + elapsed * self.speed

    def seconds_in_state(self) -> float:
        return max(0.0, self.sim_now() - self.state_since)

    def wrapup_remaining(self) -> float | None:
        if self.wrapup_deadline is None:
            return None
        return self.wrapup_deadline - self.sim_now()

    def unread_messages(self) -> int:
        return sum(1 for message in self.messages if not message.read)

    def _anchor(self, sim_time: float) -> None:
        self._sim_anchor = sim_time
        self._wall_anchor = self.clock()

    # -- feeding --------------------------------------------------------------------

    def set_connection(self, connection: Connection) -> frozenset[str]:
        if connection == self.connection:
            return NOTHING
        self.connection = connection
        return frozenset({"connection"})

    def load_me(self, me: dict[str, Any]) -> frozenset[str]:
        """Fill the store from `GET /v1/me` (after login and after a `resync`)."""
        user = me.get("user") or me.get("agent") or {}
        self.agent_id = str(me.get("agent_id") or user.get("id") or user.get("user_id") or "")
        self.agent_name = str(me.get("name") or user.get("name") or self.agent_name)
        self.team = me.get("team") or user.get("team") or user.get("team_id") or self.team
        self.role = str(me.get("role") or user.get("role") or self.role)
        self.centre_name = str(me.get("centre") or self.centre_name)
        self.state = str(me.get("state") or AgentState.LOGGED_OUT.value)
        self.reason = me.get("reason")
        self.state_since = float(me.get("since") or me.get("state_since") or 0.0)
        self.pending = _pending_from(me.get("pending"))
        self.leg = me.get("leg")
        self.direction = me.get("direction")
        deadline = me.get("wrapup_deadline")
        self.wrapup_deadline = float(deadline) if deadline is not None else None
        call = me.get("call")
        if isinstance(call, dict):
            self.call = _call_from(call)
        elif me.get("call_id"):
            # /v1/me names the call only; keep what we know of it (the pop) if it is the same.
            call_id = str(me["call_id"])
            known = self.call if self.call is not None and self.call.call_id == call_id else None
            self.call = known or CallInfo(call_id=call_id)
            self.call.status = _status_for(self.state, self.leg)
            self.call.direction = str(self.direction or self.call.direction)
        else:
            self.call = None
        if self.call is not None and self.state == AgentState.WRAP_UP:
            self.call.status = "ended"
            self.last_call_id = self.call.call_id
        elif me.get("last_call_id"):
            self.last_call_id = str(me["last_call_id"])
        queues = me.get("queues")
        if isinstance(queues, dict):
            self.queues = {str(qid): _queue_stats_from(q) for qid, q in queues.items()}
        elif isinstance(queues, list):
            self.queues = {
                str(q.get("queue_id") or q.get("id")): _queue_stats_from(q)
                for q in queues
                if isinstance(q, dict)
            }
        last_seq = me.get("last_seq")
        if isinstance(last_seq, int):
            self.last_seq = last_seq
        if "sim_time" in me:
            self._anchor(float(me["sim_time"]))
        if "speed" in me:
            self.speed = float(me["speed"])
        return ALL_PARTS - {"connection", "messages"}

    def apply(self, event: Event) -> frozenset[str]:
        """Fold one event into the store; return which parts changed."""
        self._anchor(event.sim_time)
        self.last_seq = event.seq if event.seq else self.last_seq
        handler = _HANDLERS.get(event.type)
        if handler is None:
            return NOTHING
        return handler(self, event)

    # -- per event type -------------------------------------------------------------

    def _is_mine(self, event: Event) -> bool:
        # The feed is already filtered for this agent; events without an agent id (queue
        # stats, broadcasts) pass, events naming another agent do not.
        return event.agent_id is None or event.agent_id == self.agent_id

    def _on_state_changed(self, event: Event) -> frozenset[str]:
        if event.agent_id != self.agent_id:
            return NOTHING
        data = event.data
        self.state = str(data.get("to") or self.state)
        self.reason = data.get("reason")
        self.state_since = event.sim_time
        self.pending = _pending_from(data.get("pending"))
        self.leg = data.get("leg")
        self.direction = data.get("direction")
        deadline = data.get("wrapup_deadline")
        self.wrapup_deadline = float(deadline) if deadline is not None else None
        changed = {"agent"}
        if self.call is not None:
            if self.state == AgentState.BUSY and self.leg in ("talking", "held", "conference"):
                if self.call.status != self.leg:
                    self.call.status = _status_for(self.state, self.leg)
                    changed.add("call")
            elif self.state == AgentState.WRAP_UP and self.call.status != "ended":
                self.call.status = "ended"
                self.last_call_id = self.call.call_id
                changed.add("call")
            elif self.state in (AgentState.READY, AgentState.NOT_READY, AgentState.LOGGED_OUT):
                # Wrap-up is over (done or timed out): the call leaves the desk.
                self.call = None
                changed.add("call")
        return frozenset(changed)

    def _on_offered(self, event: Event) -> frozenset[str]:
        if event.agent_id != self.agent_id or event.call_id is None:
            return NOTHING
        data = event.data
        pop = data.get("pop")
        self.call = CallInfo(
            call_id=event.call_id,
            ani=data.get("ani"),
            customer_id=data.get("customer_id"),
            tier=_str_or_none(data.get("tier")),
            queue_id=event.queue_id,
            waited_s=float(data.get("waited_s") or 0.0),
            ivr_path=list(data.get("ivr_path") or []),
            status="ringing",
            pop=pop if isinstance(pop, dict) else {},
            direction=str(data.get("direction") or "inbound"),
        )
        return frozenset({"call"})

    def _on_offer_timeout(self, event: Event) -> frozenset[str]:
        if self.call is None or self.call.call_id != event.call_id:
            return NOTHING
        self.call = None
        return frozenset({"call"})

    def _set_call_status(self, event: Event, status: CallStatus) -> frozenset[str]:
        if self.call is None or self.call.call_id != event.call_id or not self._is_mine(event):
            return NOTHING
        self.call.status = status
        return frozenset({"call"})

    def _on_answered(self, event: Event) -> frozenset[str]:
        if event.call_id is None or not self._is_mine(event) or event.agent_id is None:
            return NOTHING
        if self.call is None or self.call.call_id != event.call_id:
            # An outbound call that was never offered: it appears when it connects.
            self.call = CallInfo(call_id=event.call_id, queue_id=event.queue_id)
        self.call.status = "talking"
        self.call.direction = str(event.data.get("direction") or self.call.direction)
        return frozenset({"call"})

    def _on_held(self, event: Event) -> frozenset[str]:
        return self._set_call_status(event, "held")

    def _on_retrieved(self, event: Event) -> frozenset[str]:
        return self._set_call_status(event, "talking")

    def _on_conferenced(self, event: Event) -> frozenset[str]:
        return self._set_call_status(event, "conference")

    def _on_ended(self, event: Event) -> frozenset[str]:
        changed = self._set_call_status(event, "ended")
        if changed:
            self.last_call_id = event.call_id
        return changed

    def _on_wrapup_completed(self, event: Event) -> frozenset[str]:
        if event.agent_id != self.agent_id:
            return NOTHING
        changed = {"agent"}
        self.wrapup_deadline = None
        if self.call is not None and self.call.call_id == event.call_id:
            self.call = None
            changed.add("call")
        return frozenset(changed)

    def _on_queue_stats(self, event: Event) -> frozenset[str]:
        if event.queue_id is None:
            return NOTHING
        self.queues[event.queue_id] = _queue_stats_from(event.data)
        return frozenset({"queues"})

    def _on_message(self, event: Event) -> frozenset[str]:
        data = event.data
        sender = data.get("sender") or data.get("from") or data.get("from_user") or "supervisor"
        broadcast = bool(data.get("broadcast", event.agent_id is None))
        self.messages.append(
            DeskMessage(
                at=event.sim_time,
                sender=str(sender),
                text=str(data.get("text") or ""),
                broadcast=broadcast,
            )
        )
        del self.messages[:-MAX_MESSAGES]
        return frozenset({"messages"})

    def _on_resync(self, event: Event) -> frozenset[str]:
        # The app re-reads /v1/me and calls load_me; nothing to fold here.
        return NOTHING


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _pending_from(value: Any) -> tuple[str, str | None] | None:
    if not value:
        return None
    if isinstance(value, dict):
        state = value.get("state")
        return (str(state), value.get("reason")) if state else None
    if isinstance(value, list | tuple) and value:
        reason = value[1] if len(value) > 1 else None
        return (str(value[0]), reason)
    return (str(value), None)


def _status_for(state: str, leg: str | None) -> CallStatus:
    if state == AgentState.RESERVED:
        return "ringing"
    if state == AgentState.WRAP_UP:
        return "ended"
    if leg == "held":
        return "held"
    if leg == "conference":
        return "conference"
    return "talking"


def _call_from(call: dict[str, Any]) -> CallInfo:
    raw_status = str(call.get("status") or call.get("leg") or "talking")
    status: CallStatus = "talking"
    if raw_status in ("ringing", "offered"):
        status = "ringing"
    elif raw_status in ("held", "conference", "ended"):
        status = raw_status  # type: ignore[assignment]
    pop = call.get("pop")
    return CallInfo(
        call_id=str(call.get("call_id") or call.get("id") or ""),
        ani=call.get("ani"),
        customer_id=call.get("customer_id"),
        tier=_str_or_none(call.get("tier")),
        queue_id=call.get("queue_id"),
        waited_s=float(call.get("waited_s") or 0.0),
        ivr_path=list(call.get("ivr_path") or []),
        status=status,
        pop=pop if isinstance(pop, dict) else {},
        direction=str(call.get("direction") or "inbound"),
    )


def _queue_stats_from(data: dict[str, Any]) -> QueueStats:
    service_level = data.get("service_level")
    return QueueStats(
        waiting=int(data.get("waiting") or 0),
        longest_wait_s=float(data.get("longest_wait_s") or 0.0),
        agents_ready=int(data.get("agents_ready") or 0),
        service_level=float(service_level) if service_level is not None else None,
        agents_busy=int(data.get("agents_busy") or 0),
        offered=int(data.get("offered") or 0),
        answered=int(data.get("answered") or 0),
        abandoned=int(data.get("abandoned") or 0),
    )


_HANDLERS: dict[str, Callable[[DeskState, Event], frozenset[str]]] = {
    EventType.AGENT_STATE_CHANGED: DeskState._on_state_changed,
    EventType.CALL_OFFERED: DeskState._on_offered,
    EventType.CALL_OFFER_TIMEOUT: DeskState._on_offer_timeout,
    EventType.CALL_ANSWERED: DeskState._on_answered,
    EventType.CALL_HELD: DeskState._on_held,
    EventType.CALL_RETRIEVED: DeskState._on_retrieved,
    EventType.CALL_CONFERENCED: DeskState._on_conferenced,
    EventType.CALL_ENDED: DeskState._on_ended,
    EventType.CALL_WRAPUP_COMPLETED: DeskState._on_wrapup_completed,
    EventType.QUEUE_STATS: DeskState._on_queue_stats,
    EventType.SUPERVISOR_MESSAGE: DeskState._on_message,
    EventType.RESYNC: DeskState._on_resync,
}
