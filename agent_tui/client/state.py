"""The client's store: the latest state every workspace reads, fed by snapshots and events.

No Textual and no I/O. The shell loads it from the API's models (`load_login`,
`load_health`, `load_me`, `load_floor`, `load_queues`) and folds each event of the feed
into it with `apply(event)`; every method that changes it says which parts changed, so
the shell can tell the screens that show them. Screens never write into it: what they
learn (a screen pop fetched late, a ticket just made, messages read) goes back through
its methods, and its records are frozen so that nothing else can.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from agent_tui.client.parts import NOTHING
from agent_tui.client.sections import StoreSection, new_sections
from server_stub.protocol.api import (
    AgentStatus,
    CommandResult,
    CustomerRecord,
    HealthResponse,
    LoginResponse,
    MeResponse,
    PendingState,
    QueueStats,
    ScreenPop,
    Ticket,
    UserInfo,
)
from server_stub.protocol.events import AgentState, Event, EventType

S = TypeVar("S", bound=StoreSection)

Connection = Literal["connecting", "online", "reconnecting", "offline"]
CallStatus = Literal["ringing", "talking", "held", "conference", "ended"]

# Bounds, so that memory does not grow with the shift: a shift's worth of each, not all.
MAX_MESSAGES = 200
MAX_REVIEWS = 200
MAX_TRAILS = 50
MAX_TRAIL_STEPS = 20
# Calls' recent steps, so a trail started when the POST answers has the events that the
# feed delivered before that answer (the call may ring at an agent before it returns).
RECENT_STEPS = 500

# Queue statistics as `queue.stats` events carry them (everything but id, name and time).
_QUEUE_FIELDS = tuple(
    name for name in QueueStats.model_fields if name not in ("queue_id", "name", "as_of")
)
_ACTIVE_LEGS = ("talking", "held", "conference")


@dataclass(frozen=True, slots=True)
class CallInfo:
    """The agent's current call, as far as the desk knows it."""

    call_id: str
    status: CallStatus = "ringing"
    direction: str = "inbound"
    queue_id: str | None = None
    ani: str | None = None
    customer_id: str | None = None
    tier: str | None = None
    waited_s: float = 0.0
    ivr_path: tuple[Any, ...] = ()
    answered_at: float | None = None  # sim seconds: the call's own duration runs from here
    # The screen pop (customer record, prior contacts, open tickets) that rides on
    # `call.offered`, so the card renders without a second round trip.
    pop: ScreenPop | None = None

    @property
    def customer(self) -> CustomerRecord | None:
        return self.pop.customer if self.pop is not None else None

    @property
    def open_tickets(self) -> list[Ticket]:
        return list(self.pop.open_tickets) if self.pop is not None else []


@dataclass(frozen=True, slots=True)
class DeskMessage:
    at: float  # sim seconds
    sender: str
    text: str
    broadcast: bool = False
    read: bool = False


@dataclass(frozen=True, slots=True)
class WrappedCall:
    """A call whose wrap-up was completed (by a person, a simulated agent, or the timer)."""

    call_id: str
    at: float  # sim seconds
    agent_id: str | None
    queue_id: str | None
    code: str
    notes: str
    script_path: tuple[tuple[str, str], ...]
    tickets: tuple[Ticket, ...] = ()


@dataclass(frozen=True, slots=True)
class TrailStep:
    at: float  # sim seconds
    event: str  # the event type
    agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class CallTrail:
    """What happened to a call this client made happen (a trainer's caller), step by step."""

    call_id: str
    queue_id: str
    customer_id: str | None
    sent_at: float
    steps: tuple[TrailStep, ...] = ()

    @property
    def last(self) -> TrailStep | None:
        return self.steps[-1] if self.steps else None


@dataclass
class ClientStore:
    """The latest known state of this login: its desk, its queues, its floor."""

    # Who is logged in (from the login answer).
    user: UserInfo | None = None
    # The agent's own seat (logins with the agent role; from /v1/me and its events).
    agent_id: str = ""
    agent_name: str = ""
    centre_name: str = ""  # what scripts say for {centre}
    team: str | None = None
    state: str = AgentState.LOGGED_OUT.value
    reason: str | None = None
    state_since: float = 0.0  # sim seconds
    pending: PendingState | None = None  # the state after this call
    leg: str | None = None  # talking | held | conference while busy
    direction: str | None = None  # inbound | outbound while busy
    call: CallInfo | None = None
    wrapup_deadline: float | None = None  # sim seconds
    last_call_id: str | None = None  # the call being wrapped up
    # What everyone may see of the centre.
    queues: dict[str, QueueStats] = field(default_factory=dict)
    messages: list[DeskMessage] = field(default_factory=list)
    # The floor (supervisors and admins): every agent's state, by agent id.
    floor: dict[str, AgentStatus] = field(default_factory=dict)
    # Calls wrapped up since login, newest last (what an evaluator reviews).
    reviews: deque[WrappedCall] = field(default_factory=lambda: deque(maxlen=MAX_REVIEWS))
    # Calls this client sent (a trainer's), by call id, oldest first.
    trails: OrderedDict[str, CallTrail] = field(default_factory=OrderedDict)
    connection: Connection = "connecting"
    epoch: datetime | None = None  # the centre's date and time at sim time 0
    speed: float = 1.0  # sim seconds per wall second
    last_seq: int | None = None
    # Injected wall clock: time.time in the app, a frozen one in tests and snapshots.
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    # The sim time last heard from the server and the local clock reading at that moment;
    # local, not the server's wall_time, so clock skew between machines does not matter.
    _sim_anchor: float = field(default=0.0, repr=False)
    _wall_anchor: float | None = field(default=None, repr=False)
    _recent_steps: deque[tuple[str, TrailStep]] = field(
        default_factory=lambda: deque(maxlen=RECENT_STEPS), repr=False
    )
    # Tickets made on calls not yet wrapped up (they join the review when it comes).
    _tickets_by_call: OrderedDict[str, list[Ticket]] = field(
        default_factory=OrderedDict, repr=False
    )
    # Features' own state (client/sections.py), by section name.
    sections: dict[str, StoreSection] = field(default_factory=new_sections, repr=False)

    # -- reading ----------------------------------------------------------------------

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.user.roles or [self.user.role]) if self.user is not None else ()

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(self.user.teams) if self.user is not None else ()

    def sim_now(self) -> float:
        """The server's sim time now, estimated from the last event and the local clock."""
        if self._wall_anchor is None:
            return self._sim_anchor
        elapsed = max(0.0, self.clock() - self._wall_anchor)
        return self._sim_anchor + elapsed * self.speed

    def centre_time(self, sim_time: float) -> str:
        """A sim time as the centre's clock shows it (`10:32:05`), or as `+1:23:45`
        since the start when the centre's epoch is not known."""
        if self.epoch is None:
            whole = int(max(0.0, sim_time))
            return f"+{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
        return (self.epoch + timedelta(seconds=sim_time)).strftime("%H:%M:%S")

    def seconds_in_state(self) -> float:
        return max(0.0, self.sim_now() - self.state_since)

    def call_seconds(self) -> float | None:
        """How long the current call has been connected (None before it is answered)."""
        call = self.call
        if call is None or call.answered_at is None or call.status == "ended":
            return None
        return max(0.0, self.sim_now() - call.answered_at)

    def wrapup_remaining(self) -> float | None:
        if self.wrapup_deadline is None:
            return None
        return self.wrapup_deadline - self.sim_now()

    def unread_messages(self) -> int:
        return sum(1 for message in self.messages if not message.read)

    def team_agents(self) -> list[AgentStatus]:
        """The floor agents this login watches: its teams' (all of them without teams)."""
        teams = set(self.teams)
        agents = self.floor.values()
        return [a for a in agents if a.team in teams] if teams else list(agents)

    # -- snapshots ----------------------------------------------------------------------

    def _anchor(self, sim_time: float) -> None:
        self._sim_anchor = sim_time
        self._wall_anchor = self.clock()

    def set_connection(self, connection: Connection) -> frozenset[str]:
        if connection == self.connection:
            return NOTHING
        self.connection = connection
        return frozenset({"connection"})

    def load_login(self, login: LoginResponse) -> frozenset[str]:
        self.user = login.user
        return frozenset({"agent"})

    def load_health(self, health: HealthResponse) -> frozenset[str]:
        """Where the log and the clock stand: a login without a seat starts its feed here."""
        self.last_seq = health.last_seq
        self.speed = health.speed
        try:
            self.epoch = datetime.fromisoformat(health.epoch)
        except ValueError:
            self.epoch = None  # shown as time since the start instead
        self._anchor(health.sim_time)
        return NOTHING

    def load_me(self, me: MeResponse) -> frozenset[str]:
        """Fill the agent's part from `GET /v1/me` (after login and after a `resync`)."""
        self.agent_id = me.agent_id
        self.agent_name = me.name
        self.team = me.team
        self.centre_name = me.centre or self.centre_name
        self.state = me.state
        self.reason = me.reason
        self.state_since = me.since
        self.pending = me.pending
        self.leg = me.leg
        self.direction = me.direction
        self.wrapup_deadline = me.wrapup_deadline
        call_id = me.call_id or (me.last_call_id if me.state == AgentState.WRAP_UP else None)
        if call_id is None:
            self.call = None
        else:
            # /v1/me names the call only: keep what is known of it (the pop) if it is the same.
            known = self.call if self.call is not None and self.call.call_id == call_id else None
            self.call = replace(
                known or CallInfo(call_id=call_id),
                status=_status_for(self.state, self.leg),
                direction=me.direction or (known.direction if known else "inbound"),
                # Busy since the answer: holds no longer restart the time in state.
                answered_at=(known.answered_at if known else None)
                or (me.since if me.state == AgentState.BUSY else None),
            )
        if me.last_call_id:
            self.last_call_id = me.last_call_id
        if self.call is not None and self.state == AgentState.WRAP_UP:
            self.last_call_id = self.call.call_id
        self.queues = {stats.queue_id: stats for stats in me.queues}
        self.last_seq = me.last_seq
        self.speed = me.speed
        self._anchor(me.sim_time)
        return frozenset({"agent", "call", "queues"})

    def load_floor(self, agents: Iterable[AgentStatus]) -> frozenset[str]:
        """Every agent's state, from `GET /v1/supervisor/agents` (the truth; events follow)."""
        # An agent as it was is kept (the same object): boards redraw by identity.
        known = self.floor
        self.floor = {
            agent.agent_id: agent if known.get(agent.agent_id) != agent else known[agent.agent_id]
            for agent in agents
        }
        return frozenset({"floor"})

    def load_queues(self, queues: Iterable[QueueStats]) -> frozenset[str]:
        for stats in queues:
            self.queues[stats.queue_id] = stats
        return frozenset({"queues"})

    # -- what screens learn and hand back -------------------------------------------------

    def set_pop(self, call_id: str, pop: ScreenPop) -> frozenset[str]:
        """The screen pop of a call that had none (outbound, or after a restart)."""
        if self.call is None or self.call.call_id != call_id:
            return NOTHING
        call = self.call
        # The pop's caller wins: the agent may have just said who is calling (IN5).
        customer_id = pop.customer.id if pop.customer else call.customer_id
        # A call known from /v1/me alone (a login mid-call) learns its queue and caller here.
        self.call = replace(
            call,
            pop=pop,
            customer_id=customer_id,
            queue_id=call.queue_id or pop.queue_id,
            ani=call.ani or pop.ani,
            tier=call.tier or pop.tier,
            waited_s=call.waited_s or pop.waited_s or 0.0,
            ivr_path=call.ivr_path or tuple(pop.ivr_path),
        )
        return frozenset({"call"})

    def load_messages(self, events: Iterable[Event]) -> frozenset[str]:
        """Messages sent before this login (`GET /v1/agent/messages`): already seen."""
        known = {(m.at, m.text) for m in self.messages}
        for event in events:
            if (event.sim_time, str(event.data.get("text") or "")) not in known:
                self._on_message(event)
        self.messages = sorted((replace(m, read=True) for m in self.messages), key=lambda m: m.at)[
            -MAX_MESSAGES:
        ]
        return frozenset({"messages"})

    def add_ticket(self, ticket: Ticket) -> frozenset[str]:
        """A ticket this desk just made: it shows among the caller's open tickets at once."""
        call = self.call
        if call is None or call.pop is None or call.call_id != ticket.call_id:
            return NOTHING
        if any(known.id == ticket.id for known in call.pop.open_tickets):
            return NOTHING
        pop = call.pop.model_copy(update={"open_tickets": [ticket, *call.pop.open_tickets]})
        self.call = replace(call, pop=pop)
        return frozenset({"call"})

    def mark_messages_read(self) -> frozenset[str]:
        if not self.unread_messages():
            return NOTHING
        self.messages = [replace(message, read=True) for message in self.messages]
        return frozenset({"messages"})

    def follow_call(
        self, sent: CommandResult, queue_id: str, customer_id: str | None
    ) -> frozenset[str]:
        """Keep the trail of a call this client made arrive (its later events fill it)."""
        call_id = sent.call_id
        if call_id is None:
            return NOTHING
        already = tuple(step for known, step in self._recent_steps if known == call_id)
        self.trails[call_id] = CallTrail(
            call_id=call_id,
            queue_id=queue_id,
            customer_id=customer_id,
            sent_at=already[0].at if already else self.sim_now(),
            steps=already[-MAX_TRAIL_STEPS:],
        )
        while len(self.trails) > MAX_TRAILS:
            self.trails.popitem(last=False)
        return frozenset({"trails"})

    # -- events ---------------------------------------------------------------------------

    def apply(self, event: Event) -> frozenset[str]:
        """Fold one event into the store; return which parts changed."""
        self._anchor(event.sim_time)
        self.last_seq = event.seq if event.seq else self.last_seq
        handler = _HANDLERS.get(event.type)
        parts = handler(self, event) if handler is not None else NOTHING
        if event.call_id is not None and event.type in TRAIL_EVENTS:
            parts = parts | self._note_step(event, event.call_id)
        for section in self.sections.values():
            if event.type in section.handles:
                parts = parts | section.apply(event, self)
        return parts

    def section(self, section_type: type[S]) -> S:
        """This store's section of a type (made with the store)."""
        section = self.sections[section_type.name]
        assert isinstance(section, section_type)
        return section

    def _is_mine(self, event: Event) -> bool:
        # The feed is already filtered for this login; events without an agent id (queue
        # stats, broadcasts) pass, events naming another agent do not.
        return event.agent_id is None or event.agent_id == self.agent_id

    def _on_state_changed(self, event: Event) -> frozenset[str]:
        changed = self._update_floor(event)
        if event.agent_id != self.agent_id or not self.agent_id:
            return changed
        data = event.data
        to = str(data.get("to") or self.state)
        if to != self.state or data.get("reason") != self.reason:
            self.state_since = event.sim_time  # not on hold, retrieve or a pending state
        self.state = to
        self.reason = data.get("reason")
        self.pending = _pending_from(data.get("pending"))
        self.leg = data.get("leg")
        self.direction = data.get("direction")
        deadline = data.get("wrapup_deadline")
        self.wrapup_deadline = float(deadline) if deadline is not None else None
        changed = changed | {"agent"}
        call = self.call
        if call is None:
            return changed
        if self.state == AgentState.BUSY and self.leg in _ACTIVE_LEGS:
            if call.status != self.leg:
                self.call = replace(call, status=_status_for(self.state, self.leg))
                changed |= {"call"}
        elif self.state == AgentState.WRAP_UP and call.status != "ended":
            self.call = replace(call, status="ended")
            self.last_call_id = call.call_id
            changed |= {"call"}
        elif self.state in (AgentState.READY, AgentState.NOT_READY, AgentState.LOGGED_OUT):
            # Wrap-up is over (done or timed out): the call leaves the desk.
            self.call = None
            changed |= {"call"}
        return changed

    def _update_floor(self, event: Event) -> frozenset[str]:
        known = self.floor.get(event.agent_id or "")
        if known is None:
            return NOTHING
        data = event.data
        deadline = data.get("wrapup_deadline")
        to = str(data.get("to") or known.state)
        same_state = to == known.state and data.get("reason") == known.reason
        self.floor[known.agent_id] = known.model_copy(
            update={
                "state": to,
                "reason": data.get("reason"),
                "since": known.since if same_state else event.sim_time,
                "pending": _pending_from(data.get("pending")),
                "leg": data.get("leg"),
                "direction": data.get("direction"),
                "wrapup_deadline": float(deadline) if deadline is not None else None,
                "call_id": event.call_id if data.get("to") in ("reserved", "busy") else None,
            }
        )
        return frozenset({"floor"})

    def _on_offered(self, event: Event) -> frozenset[str]:
        if event.agent_id != self.agent_id or event.call_id is None or not self.agent_id:
            return NOTHING
        data = event.data
        raw_pop = data.get("pop")
        self.call = CallInfo(
            call_id=event.call_id,
            ani=data.get("ani"),
            customer_id=data.get("customer_id"),
            tier=_str_or_none(data.get("tier")),
            queue_id=event.queue_id,
            waited_s=float(data.get("waited_s") or 0.0),
            ivr_path=tuple(data.get("ivr_path") or ()),
            status="ringing",
            pop=ScreenPop.model_validate(raw_pop) if isinstance(raw_pop, dict) else None,
            direction=str(data.get("direction") or "inbound"),
        )
        return frozenset({"call"})

    def _on_arrived(self, event: Event) -> frozenset[str]:
        """The agent's own dial: on the desk from the first ring, not from the answer."""
        data = event.data
        if event.agent_id != self.agent_id or not self.agent_id or event.call_id is None:
            return NOTHING
        if data.get("direction") != "outbound":
            return NOTHING
        self.call = CallInfo(
            call_id=event.call_id,
            status="ringing",
            direction="outbound",
            ani=_str_or_none(data.get("ani")),
            customer_id=_str_or_none(data.get("customer_id")),
            tier=_str_or_none(data.get("tier")),
        )
        return frozenset({"call"})

    def _on_offer_timeout(self, event: Event) -> frozenset[str]:
        if self.call is None or self.call.call_id != event.call_id:
            return NOTHING
        self.call = None
        return frozenset({"call"})

    def _set_call_status(self, event: Event, status: CallStatus) -> frozenset[str]:
        call = self.call
        if call is None or call.call_id != event.call_id or not self._is_mine(event):
            return NOTHING
        self.call = replace(call, status=status)
        return frozenset({"call"})

    def _on_answered(self, event: Event) -> frozenset[str]:
        if event.call_id is None or not self._is_mine(event) or event.agent_id is None:
            return NOTHING
        call = self.call
        if call is None or call.call_id != event.call_id:
            # An outbound call that was never offered: it appears when it connects.
            call = CallInfo(call_id=event.call_id, queue_id=event.queue_id)
        direction = str(event.data.get("direction") or call.direction)
        answered_at = call.answered_at if call.answered_at is not None else event.sim_time
        self.call = replace(call, status="talking", direction=direction, answered_at=answered_at)
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
        changed = self._add_review(event)
        if event.agent_id != self.agent_id or not self.agent_id:
            return changed
        changed = changed | {"agent"}
        self.wrapup_deadline = None
        if self.call is not None and self.call.call_id == event.call_id:
            self.call = None
            changed |= {"call"}
        return changed

    def _add_review(self, event: Event) -> frozenset[str]:
        if event.call_id is None:
            return NOTHING
        data = event.data
        path = tuple((str(step), str(key)) for step, key in data.get("script_path") or ())
        self.reviews.append(
            WrappedCall(
                call_id=event.call_id,
                at=event.sim_time,
                agent_id=event.agent_id,
                queue_id=event.queue_id,
                code=str(data.get("code") or ""),
                notes=str(data.get("notes") or ""),
                script_path=path,
                tickets=tuple(self._tickets_by_call.pop(event.call_id, ())),
            )
        )
        return frozenset({"reviews"})

    def _on_ticket_created(self, event: Event) -> frozenset[str]:
        call_id = event.call_id or event.data.get("call_id")
        if not call_id:
            return NOTHING
        ticket = Ticket.model_validate(event.data)
        for index, review in enumerate(self.reviews):
            if review.call_id == call_id:  # a ticket made during the wrap-up
                self.reviews[index] = replace(review, tickets=(*review.tickets, ticket))
                return frozenset({"reviews"})
        self._tickets_by_call.setdefault(str(call_id), []).append(ticket)
        while len(self._tickets_by_call) > MAX_REVIEWS:
            self._tickets_by_call.popitem(last=False)
        return NOTHING

    def _on_queue_stats(self, event: Event) -> frozenset[str]:
        queue_id = event.queue_id
        if queue_id is None:
            return NOTHING
        data = event.data
        known = self.queues.get(queue_id)
        values: dict[str, Any] = {name: data[name] for name in _QUEUE_FIELDS if name in data}
        values["as_of"] = event.sim_time
        if known is not None:
            self.queues[queue_id] = known.model_copy(update=values)
        else:
            self.queues[queue_id] = QueueStats(queue_id=queue_id, name=queue_id, **values)
        return frozenset({"queues"})

    def _on_message(self, event: Event) -> frozenset[str]:
        data = event.data
        if data.get("pinned"):
            # A pinned broadcast lives in the desk's notices strip until it is withdrawn;
            # here it would stay on in the banner and the log after the withdrawal.
            return NOTHING
        sender = data.get("sender") or "supervisor"
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

    def _note_step(self, event: Event, call_id: str) -> frozenset[str]:
        step = TrailStep(at=event.sim_time, event=event.type, agent_id=event.agent_id)
        self._recent_steps.append((call_id, step))
        trail = self.trails.get(call_id)
        if trail is None:
            return NOTHING
        self.trails[call_id] = replace(trail, steps=(*trail.steps, step)[-MAX_TRAIL_STEPS:])
        return frozenset({"trails"})


# The steps of a call a trainer follows: where it is, not every statistic about it.
TRAIL_EVENTS: frozenset[str] = frozenset(
    {
        EventType.CALL_ARRIVED,
        EventType.CALL_QUEUED,
        EventType.CALL_OFFERED,
        EventType.CALL_OFFER_TIMEOUT,
        EventType.CALL_ANSWERED,
        EventType.CALL_HELD,
        EventType.CALL_RETRIEVED,
        EventType.CALL_TRANSFERRED,
        EventType.CALL_CONFERENCED,
        EventType.CALL_ABANDONED,
        EventType.CALL_OVERFLOWED,
        EventType.CALL_ENDED,
        EventType.CALL_WRAPUP_COMPLETED,
    }
)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _pending_from(value: Any) -> PendingState | None:
    """`pending` as events carry it: {state, reason}, or nothing."""
    if isinstance(value, dict) and value.get("state"):
        return PendingState.model_validate(value)
    return None


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


_HANDLERS: dict[str, Callable[[ClientStore, Event], frozenset[str]]] = {
    EventType.AGENT_STATE_CHANGED: ClientStore._on_state_changed,
    EventType.CALL_ARRIVED: ClientStore._on_arrived,
    EventType.CALL_OFFERED: ClientStore._on_offered,
    EventType.CALL_OFFER_TIMEOUT: ClientStore._on_offer_timeout,
    EventType.CALL_ANSWERED: ClientStore._on_answered,
    EventType.CALL_HELD: ClientStore._on_held,
    EventType.CALL_RETRIEVED: ClientStore._on_retrieved,
    EventType.CALL_CONFERENCED: ClientStore._on_conferenced,
    EventType.CALL_ENDED: ClientStore._on_ended,
    EventType.CALL_WRAPUP_COMPLETED: ClientStore._on_wrapup_completed,
    EventType.TICKET_CREATED: ClientStore._on_ticket_created,
    EventType.QUEUE_STATS: ClientStore._on_queue_stats,
    EventType.SUPERVISOR_MESSAGE: ClientStore._on_message,
}
