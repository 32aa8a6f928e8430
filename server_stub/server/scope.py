"""Who may read what (DESIGN "Data scope", SV6): decided here once, for REST and the feed.

A login's `Reach` is the union of what its roles reach:
- agent: its own seat (state, calls, messages to it), a customer only as the party of a
  call it is on or answered, or found by a search it made during its current call; the
  tickets it created and those of the customer on its current call;
- supervisor: its teams (their agents, calls, screen pops, tickets, messages); the floor
  manager (值班长, `floor: true`) and the admin the whole floor;
- trainer, evaluator: every event of the floor, but no customer personal data (no pop,
  calling numbers masked) and no agent's screen (`agent.screen`); the work itself (wrap-up
  notes, ticket text) is what they review, and an evaluator reads tickets over REST too;
  an evaluator reads a call's timeline masked the same way, and its colleagues'
  evaluations except in a blind calibration round until it has scored the call itself;
- training sessions (engines of their own: never in the live log or feed): trainers and
  the admin steer and read them all, a trainee reads and works only its own.
- department (back office): the tickets in or through its work queues, their events and
  their callbacks; no calls, no customer records.
A team leader who takes calls (agent + supervisor) gets both. Nothing a client writes
widens what it sees: the feed follows a call only from the engine's own call events.

`Audience` is the feed's filter, `Scope` the REST routes' checks; `mask_personal_data`
is what the trainer's and evaluator's feed carries instead of the full data.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from server_stub.protocol.api import Ticket
from server_stub.protocol.events import Event, EventType
from server_stub.protocol.quality_form_model import Evaluation
from server_stub.server.auth import Principal
from server_stub.server.errors import ApiError
from server_stub.server.floor import AgentView, CallView, Floor
from server_stub.server.store import Store

HIDDEN, FULL, MASKED = 0, 1, 2  # what an audience gets of one event
MY_CALLS_KEPT = 64
TEAM_CALLS_KEPT = 1_024

# Before a call reaches an agent, nobody knows whose it will be: live, these never go to
# the agent, so a replay (which knows) must not send them either.
BEFORE_THE_OFFER = frozenset(
    {EventType.CALL_ARRIVED, EventType.CALL_IVR_STEP, EventType.CALL_QUEUED}
)
# What an agent's desk shows (its screen) is for those who supervise it, not for the
# floor's trainers and evaluators (a trainer sees a trainee's desk in the session's own
# centre): these never go to a masked audience.
NOT_FOR_MASKED = frozenset({EventType.AGENT_SCREEN}) | {
    # An agent's discipline and attendance are its supervisors' business (SV5).
    "supervisor.violation_recorded",
    "agent.violation_acknowledged",
    "supervisor.attendance_noted",
}
# A queue's figures and alerts are the centre's, not a team's: every supervisor sees them.
QUEUE_WIDE_TYPES = frozenset({EventType.QUEUE_STATS, EventType.SUPERVISION_QUEUE_BOARD})
ALERT_PREFIX = "alert."
# A supervisor's actions the agent named sees on its desk (never the silent monitoring).
AGENT_NOTICE_TYPES = frozenset(
    {
        EventType.SUPERVISOR_WHISPER,
        EventType.SUPERVISOR_FORCED_STATE,
        EventType.SUPERVISOR_WRAPUP_ENDED,
        EventType.SUPERVISOR_BARGED,
        "supervisor.violation_recorded",  # SV5: the agent sees it and acknowledges it
    }
)
TEAM_MESSAGE_TYPES = frozenset(
    {EventType.SUPERVISOR_MESSAGE, EventType.SUPERVISOR_MESSAGE_WITHDRAWN}
)
# Event types an agent sees when they name it (not e.g. a supervisor's silent monitor).
OWN_EVENT_PREFIXES = ("call.", "agent.", "ticket.", "callback.")
# What a department user's feed carries: the ticket loop's events of its work queues.
WORK_QUEUE_EVENT_PREFIXES = ("ticket.", "callback.")


class Routable(Protocol):
    """The fields of an event a filter looks at (an `Event` or the feed's encoded one)."""

    @property
    def type(self) -> str: ...
    @property
    def call_id(self) -> str | None: ...
    @property
    def agent_id(self) -> str | None: ...
    @property
    def queue_id(self) -> str | None: ...
    @property
    def team_id(self) -> str | None: ...


@dataclass(frozen=True)
class Reach:
    """What one login reaches: the union of its roles."""

    user_id: str
    own_seat: bool  # an agent's own state, calls and tickets
    teams: frozenset[str]  # supervised teams
    whole_floor: bool  # every team, with personal data (admin, floor manager)
    floor_masked: bool  # every event, without personal data (trainer, evaluator)
    all_tickets: bool  # every ticket by REST (whole floor, evaluator)
    audited: bool  # reads of other people's data go to the audit trail
    work_queues: frozenset[str] = frozenset()  # a department user's ticket work queues

    @classmethod
    def of(cls, principal: Principal) -> Reach:
        whole = principal.has("admin") or (principal.has("supervisor") and principal.whole_floor)
        return cls(
            user_id=principal.user_id,
            own_seat=principal.has("agent"),
            teams=frozenset(principal.supervises) if principal.has("supervisor") else frozenset(),
            whole_floor=whole,
            floor_masked=principal.has("trainer") or principal.has("evaluator"),
            all_tickets=whole or principal.has("evaluator"),
            audited=any(principal.has(r) for r in ("supervisor", "evaluator", "admin")),
            work_queues=frozenset(principal.work_queues)
            if principal.has("department")
            else frozenset(),
        )


class _RecentIds:
    """A bounded set of ids, oldest forgotten first."""

    __slots__ = ("_ids", "_limit")

    def __init__(self, limit: int, ids: Iterable[str] = ()) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        for ident in ids:
            self.add(ident)

    def add(self, ident: str) -> None:
        if ident in self._ids:
            return
        self._ids[ident] = None
        if len(self._ids) > self._limit:
            self._ids.popitem(last=False)

    def __contains__(self, ident: object) -> bool:
        return ident in self._ids


class Audience:
    """What one feed client may see, event by event: `HIDDEN`, `FULL` or `MASKED`.

    Stateful (the calls it follows), fed every event in seq order, live and on replay
    alike, so that both send the same."""

    def __init__(
        self,
        reach: Reach,
        *,
        queues: Iterable[str] = (),
        own_team: str | None = None,
        team_agents: Iterable[str] = (),
        calls_now: Iterable[str] = (),
        team_calls_now: Iterable[str] = (),
    ) -> None:
        self.reach = reach
        self.user_id = reach.user_id
        self.queues = frozenset(queues)
        self.own_team = own_team
        self.team_agents = frozenset(team_agents)
        self.my_calls = _RecentIds(MY_CALLS_KEPT, calls_now)
        self.team_calls = _RecentIds(TEAM_CALLS_KEPT, team_calls_now)
        # The fan-out's fast paths: one shared chunk for all who see everything.
        self.everything = (
            FULL
            if reach.whole_floor
            else MASKED
            if reach.floor_masked and not (reach.own_seat or reach.teams)
            else HIDDEN
        )

    def admits(self, event: Routable) -> int:
        reach = self.reach
        if reach.whole_floor:
            return FULL
        type_, call_id, agent_id = event.type, event.call_id, event.agent_id
        if reach.own_seat and self._own(type_, call_id, agent_id, event.queue_id, event.team_id):
            return FULL
        if reach.teams and self._team(type_, call_id, agent_id, event.team_id):
            return FULL
        if (
            reach.work_queues
            and event.queue_id in reach.work_queues
            and type_.startswith(WORK_QUEUE_EVENT_PREFIXES)
        ):
            return FULL
        return MASKED if reach.floor_masked and type_ not in NOT_FOR_MASKED else HIDDEN

    def _own(
        self,
        type_: str,
        call_id: str | None,
        agent_id: str | None,
        queue_id: str | None,
        team_id: str | None,
    ) -> bool:
        if type_ == EventType.QUEUE_STATS:
            return queue_id in self.queues
        if type_ in TEAM_MESSAGE_TYPES:
            if agent_id is not None:
                return agent_id == self.user_id
            return team_id is None or team_id == self.own_team
        if type_ in AGENT_NOTICE_TYPES:
            return agent_id == self.user_id
        if agent_id == self.user_id and type_.startswith(OWN_EVENT_PREFIXES):
            if call_id is not None and type_.startswith("call."):
                # Later events of this call may not name the agent (the caller hangs up).
                self.my_calls.add(call_id)
            return True
        return (
            call_id is not None
            and type_.startswith("call.")
            and call_id in self.my_calls
            and type_ not in BEFORE_THE_OFFER
        )

    def _team(
        self, type_: str, call_id: str | None, agent_id: str | None, team_id: str | None
    ) -> bool:
        if type_ in QUEUE_WIDE_TYPES:
            return True
        if type_.startswith(ALERT_PREFIX) and agent_id is None and team_id is None:
            return True  # a queue's alert
        if team_id is not None:
            return team_id in self.reach.teams
        if agent_id == self.user_id and type_.startswith("ticket."):
            return True  # the supervisor's own tickets
        if agent_id is not None and agent_id in self.team_agents:
            if call_id is not None and type_.startswith("call."):
                self.team_calls.add(call_id)
            return True
        return (
            call_id is not None
            and type_.startswith("call.")
            and call_id in self.team_calls
            and type_ not in BEFORE_THE_OFFER
        )


def audience_for(principal: Principal, floor: Floor) -> Audience:
    """The feed filter of a login, seeded with the calls it has now."""
    reach = Reach.of(principal)
    queues: list[str] = []
    own_team = None
    calls_now: list[str] = []
    if reach.own_seat:
        agent = floor.agents.get(principal.user_id)
        if agent is not None:
            queues, own_team = agent.queues, agent.team
            calls_now = [c for c in (agent.last_call_id, agent.call_id) if c is not None]
    team_agents = floor.team_agents(reach.teams)
    team_calls = [
        c
        for a in team_agents
        for c in (floor.agents[a].last_call_id, floor.agents[a].call_id)
        if c is not None
    ]
    return Audience(
        reach,
        queues=queues,
        own_team=own_team,
        team_agents=team_agents,
        calls_now=calls_now,
        team_calls_now=team_calls,
    )


# ---------------------------------------------------------------------- masking

PERSONAL_TYPES = frozenset(
    {
        EventType.CALL_ARRIVED,
        EventType.CALL_OFFERED,
        EventType.CALL_WRAPUP_COMPLETED,
        EventType.TICKET_CREATED,
        EventType.TICKET_UPDATED,
        EventType.TICKET_ESCALATED,
        "callback.scheduled",  # may carry the number to call
        "callback.placed",  # a booked one carries it
    }
)
# The customer's record rides in the pop alone; notes and ticket text are the agent's work,
# which trainers and evaluators review.
_DROPPED_KEYS = ("pop",)


def mask_personal_data(type_: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The event data a login without personal data gets, or None when nothing in it is
    personal: no screen pop (the customer's record); calling numbers show their last four
    digits."""
    if type_ not in PERSONAL_TYPES:
        return None
    masked = {k: v for k, v in data.items() if k not in _DROPPED_KEYS}
    for key in ("ani", "number"):
        value = masked.get(key)
        if isinstance(value, str):
            masked[key] = mask_number(value)
    return masked


def mask_number(number: str) -> str:
    digits = [ch for ch in number if ch.isdigit()]
    return "*" * max(0, len(digits) - 4) + "".join(digits[-4:])


# ---------------------------------------------------------------------- REST


class SearchGrants:
    """Customers an agent found by a search during its current call: readable while that
    call is its own (at most `limit` per agent, for the latest call searched)."""

    def __init__(self, limit: int = 50) -> None:
        self._limit = limit
        self._by_agent: dict[str, tuple[str, list[str]]] = {}

    def grant(self, agent_id: str, call_id: str, customer_ids: Iterable[str]) -> None:
        held_call, held = self._by_agent.get(agent_id, (call_id, []))
        ids = (held if held_call == call_id else []) + [c for c in customer_ids]
        self._by_agent[agent_id] = (call_id, list(dict.fromkeys(ids))[-self._limit :])

    def found(self, agent_id: str, call_id: str | None) -> list[str]:
        held = self._by_agent.get(agent_id)
        if held is None or call_id is None or held[0] != call_id:
            return []
        return held[1]


def out_of_scope(message: str) -> ApiError:
    return ApiError(403, "out_of_scope", message)


class Scope:
    """One request's view of the data: what the caller may read and act on."""

    def __init__(
        self,
        principal: Principal,
        *,
        floor: Floor,
        store: Store,
        grants: SearchGrants,
        audit: Callable[..., None],
    ) -> None:
        self.principal = principal
        self.reach = Reach.of(principal)
        self._floor = floor
        self._store = store
        self._grants = grants
        self._audit = audit
        self.team_agents = floor.team_agents(self.reach.teams)

    # ------------------------------------------------------------------ agents

    def sees_agent(self, agent_id: str) -> bool:
        reach = self.reach
        return (
            reach.whole_floor
            or (reach.own_seat and agent_id == reach.user_id)
            or agent_id in self.team_agents
        )

    def agents(self) -> list[AgentView]:
        """The agents on the supervisor's boards (its teams; the floor manager's all)."""
        visible = [a for a in self._floor.agents.values() if self.sees_agent(a.agent_id)]
        self.audit_read("agents.read", ",".join(sorted(self.reach.teams)) or "floor")
        return visible

    def check_message_target(self, agent_id: str | None, team_id: str | None) -> None:
        reach = self.reach
        if reach.whole_floor:
            return
        if agent_id is not None and agent_id not in self.team_agents:
            raise out_of_scope(f"agent {agent_id} is not in a team you supervise")
        if team_id is not None and team_id not in reach.teams:
            raise out_of_scope(f"team {team_id} is not one you supervise")

    # ------------------------------------------------------------------ calls

    def current_call(self) -> CallView | None:
        """The call the caller's own seat is on (ringing, talking or wrapping up)."""
        if not self.reach.own_seat:
            return None
        agent = self._floor.agents.get(self.reach.user_id)
        if agent is None or agent.call_id is None:
            return None
        return self._floor.call(agent.call_id)

    def check_call(self, call: CallView) -> None:
        """Reading a call (its screen pop): the caller's own, its teams', or the floor's."""
        reach = self.reach
        if reach.own_seat and reach.user_id in call.agents:
            return
        if reach.whole_floor or not call.agents.isdisjoint(self.team_agents):
            self.audit_read("call.pop", call.call_id, call_id=call.call_id)
            return
        raise ApiError(403, "not_your_call", f"call {call.call_id} is not yours")

    def check_ticket_call(self, call_id: str) -> None:
        """A ticket may name only a call the caller is on or answered (or, for a
        supervisor, one of its teams')."""
        reach = self.reach
        call = self._floor.call(call_id)
        if reach.whole_floor:
            return
        people = ({reach.user_id} if reach.own_seat else set()) | set(self.team_agents)
        if call is not None and not call.agents.isdisjoint(people):
            return
        if self._store.answered_by(call_id, people):
            return
        raise ApiError(403, "not_your_call", f"call {call_id} is not one you are on or handled")

    def check_search_call(self, call_id: str | None) -> bool:
        """A customer search is made during a call: the caller's own current call (True),
        or a live call of its teams (False). The whole floor may search without one."""
        if self.reach.whole_floor and call_id is None:
            return False
        if call_id is None:
            raise ApiError(422, "call_id_required", "a search is made during a call: give call_id")
        current = self.current_call()
        if current is not None and current.call_id == call_id:
            return True
        call = self._floor.call(call_id)
        if self.reach.whole_floor or (
            call is not None and not call.ended and not call.agents.isdisjoint(self.team_agents)
        ):
            return False
        raise ApiError(403, "not_your_call", f"call {call_id} is not a call you are on")

    # ------------------------------------------------------------------ customers

    def current_customers(self) -> set[str]:
        """The customer on the caller's current call, and those it found during it."""
        call = self.current_call()
        if call is None:
            return set()
        found = set(self._grants.found(self.reach.user_id, call.call_id))
        return found | ({call.customer_id} if call.customer_id else set())

    def may_read_customer(self, customer_id: str) -> bool:
        reach = self.reach
        if reach.whole_floor:
            return True
        if reach.own_seat and (
            customer_id in self.current_customers()
            or self._store.customer_served_by(customer_id, [reach.user_id])
        ):
            return True
        return bool(self.team_agents) and (
            customer_id in self.team_customers()
            or self._store.customer_served_by(customer_id, self.team_agents)
        )

    def team_customers(self) -> set[str]:
        """The customers on the current calls of the caller's teams' agents."""
        customers = set()
        for agent_id in self.team_agents:
            agent = self._floor.agents.get(agent_id)
            call = self._floor.call(agent.call_id) if agent and agent.call_id else None
            if call is not None and call.customer_id:
                customers.add(call.customer_id)
        return customers

    def check_customer(self, customer_id: str, *, action: str = "customer.read") -> None:
        if not self.may_read_customer(customer_id):
            raise out_of_scope(
                f"customer {customer_id} is not the party of a call of yours (search for "
                "them during a call: GET /v1/customers?q=…&call_id=…)"
            )
        self.audit_read(action, customer_id)

    # ------------------------------------------------------------------ tickets

    def may_read_ticket(self, ticket: Ticket) -> bool:
        reach = self.reach
        if reach.all_tickets:
            return True
        if reach.own_seat and (
            ticket.created_by == reach.user_id or ticket.customer_id in self.current_customers()
        ):
            return True
        if not reach.teams:
            return False
        return (
            ticket.created_by in self.team_agents
            or ticket.created_by == reach.user_id
            or ticket.customer_id in self.team_customers()
        )

    def may_work_ticket(self, route: Iterable[str]) -> bool:
        """A department user reads a ticket that is in, or passed through, its queues."""
        return bool(self.reach.work_queues) and not self.reach.work_queues.isdisjoint(route)

    def check_workflow_ticket(self, ticket: Ticket, route: Iterable[str]) -> None:
        """`check_ticket`, widened for the back office by the ticket's route."""
        if self.may_work_ticket(route):
            return
        self.check_ticket(ticket)

    def readable_tickets(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        return [t for t in tickets if self.may_read_ticket(t)]

    def check_ticket(self, ticket: Ticket) -> None:
        if not self.may_read_ticket(ticket):
            raise out_of_scope(f"ticket {ticket.id} is not yours to read")
        if ticket.created_by != self.reach.user_id:
            self.audit_read("ticket.read", ticket.id, call_id=ticket.call_id)

    # ------------------------------------------------------------------ quality

    def readable_event(self, event: Event) -> Event:
        """A call's event as this reader gets it over REST: the feed's masking for a
        login without personal data (trainer, evaluator)."""
        if self.reach.whole_floor:
            return event
        masked = mask_personal_data(event.type, event.data)
        return event if masked is None else event.model_copy(update={"data": masked})

    def may_read_evaluation(self, evaluation: Evaluation, scored_rounds: Collection[str]) -> bool:
        """Evaluators read each other's evaluations, except in a blind calibration round
        until they have confirmed their own in it; the admin reads all."""
        if self.reach.whole_floor or evaluation.evaluator_id == self.reach.user_id:
            return True
        return evaluation.calibration is None or evaluation.calibration in scored_rounds

    def check_coaches(self, team: str | None) -> None:
        """A coaching task is closed by a leader of the agent's team (or the whole floor's)."""
        if not (self.reach.whole_floor or (team is not None and team in self.reach.teams)):
            raise out_of_scope(f"team {team} is not one you lead")

    def check_evaluation_author(self, evaluation: Evaluation) -> None:
        if evaluation.evaluator_id != self.reach.user_id:
            raise ApiError(
                403, "not_your_evaluation", f"evaluation {evaluation.id} is another evaluator's"
            )

    # ------------------------------------------------------------------ training

    @property
    def trains(self) -> bool:
        """Trainers and the admin steer every training session and read every result."""
        return self.principal.has("trainer") or self.principal.has("admin")

    def check_training_reader(self, trainee: str) -> None:
        """A training session or result: its trainee's, or any for a trainer or the admin."""
        if not self.trains and trainee != self.reach.user_id:
            raise out_of_scope(f"the training of {trainee} is not yours to read")

    def check_trainee(self, trainee: str) -> None:
        """Only the trainee works a session's call."""
        if trainee != self.reach.user_id:
            raise ApiError(403, "not_your_session", f"this session is {trainee}'s")

    # ------------------------------------------------------------------ audit

    def audit_read(self, action: str, target: str, *, call_id: str | None = None) -> None:
        """Reads of other people's data by a supervisor, evaluator or admin are logged."""
        if self.reach.audited:
            self._audit(self.principal, action, target, call_id=call_id)

    def audit_customer_link(self, customer_id: str, call_id: str, *, created: bool) -> None:
        """Who said who a caller is (or made their record) is always logged (IN5)."""
        action = "customer.created" if created else "customer.linked"
        self._audit(self.principal, action, customer_id, call_id=call_id, coalesce=False)

    def audit_search(self, query: str, call_id: str | None, found: list[str]) -> None:
        """Every search is logged, an agent's with the call it was made during."""
        self._audit(
            self.principal,
            "customer.search",
            query,
            call_id=call_id,
            detail={"found": found},
            coalesce=False,
        )
