"""Who else is on the agent's call: a consult's second party, a conference's members.

`CallPartiesSection` folds, for a store with a seat, the consult of the desk's own call
from the call's events (issue 9 defect 9): `call.offered` with `consult` names both
agents (names, the consulted one's role, the queue or expert group it was reached
through), `call.consult_answered` says it picked up, `call.conferenced` that all three
talk, `call.consult_ended` {reason} that it left (cancelled, declined, no_answer,
hung_up), `call.transferred` (consult) that it took the call over. Both desks follow the
call, so the consulting agent and the consulted one read the same facts, each from its
side. Kept for the calls on the desk only: a wrap-up completed forgets its call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from agent_tui.client.parts import CALL_PARTIES, NOTHING
from agent_tui.client.sections import StoreSection
from server_stub.protocol.events import CALL_PARTY_EVENTS, EventType

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event

CALLS_KEPT = 8  # a consult or two per call on the desk; old calls go first
Phase = Literal["ringing", "answered", "conference", "ended"]


@dataclass(frozen=True, slots=True)
class Party:
    """An agent on the line, as the consult's offer named it."""

    agent_id: str
    name: str = ""
    team_leader: bool = False  # 班组长: the usual escalation

    @property
    def label(self) -> str:
        return f"{self.name} ({self.agent_id})" if self.name else self.agent_id


@dataclass(frozen=True, slots=True)
class Consult:
    """One consult on a call: who asked whom, through which queue, and how far it got."""

    call_id: str
    consulting: Party  # the agent who has the caller and asked
    consulted: Party  # the agent it rang
    rang_at: float  # sim seconds
    phase: Phase = "ringing"
    via_queue: str | None = None  # reached through a queue (an expert group, say)
    via_queue_name: str | None = None
    expert_group: bool = False
    answered_at: float | None = None
    conference_at: float | None = None
    ended_at: float | None = None
    # cancelled, declined, no_answer, hung_up, transferred, call_ended
    ended_reason: str | None = None

    @property
    def live(self) -> bool:
        return self.phase != "ended"


class CallPartiesSection(StoreSection):
    name: ClassVar[str] = "call_parties"
    handles: ClassVar[frozenset[str]] = CALL_PARTY_EVENTS

    def __init__(self) -> None:
        self.consults: dict[str, Consult] = {}  # the latest consult of each call, by call id

    def restore(self, events: list[Event], store: ClientStore) -> frozenset[str]:
        """A call's party events from the server (`GET /v1/calls/{id}/parties`), folded as
        the feed would have brought them: the desk logged in again mid-call. A call the
        feed has already told of is left as the feed has it (it is newer)."""
        if not events or events[0].call_id in self.consults:
            return NOTHING
        changed: frozenset[str] = NOTHING
        for event in events:
            changed |= self.apply(event, store)
        return changed

    def consult_on(self, call_id: str | None) -> Consult | None:
        return self.consults.get(call_id) if call_id is not None else None

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        call_id = event.call_id
        if call_id is None or not store.agent_id:
            return NOTHING
        data = event.data
        if event.type == EventType.CALL_OFFERED:
            return self._offered(call_id, event.sim_time, data.get("consult"), store.agent_id)
        consult = self.consults.get(call_id)
        if consult is None:
            return NOTHING
        if event.type == EventType.CALL_WRAPUP_COMPLETED:
            if event.agent_id != store.agent_id:
                return NOTHING
            del self.consults[call_id]
            return frozenset({CALL_PARTIES})
        updated = _folded(consult, event)
        if updated is None:
            return NOTHING
        self.consults[call_id] = updated
        return frozenset({CALL_PARTIES})

    def _offered(self, call_id: str, at: float, parties: Any, me: str) -> frozenset[str]:
        if not isinstance(parties, dict):
            return NOTHING
        consulting = _party(parties, "from")
        consulted = _party(parties, "to")
        if consulting is None or consulted is None:
            return NOTHING
        if me not in (consulting.agent_id, consulted.agent_id):
            return NOTHING
        self.consults[call_id] = Consult(
            call_id=call_id,
            consulting=consulting,
            consulted=consulted,
            rang_at=at,
            via_queue=_text(parties.get("via_queue")),
            via_queue_name=_text(parties.get("via_queue_name")),
            expert_group=bool(parties.get("expert_group")),
        )
        while len(self.consults) > CALLS_KEPT:
            del self.consults[next(iter(self.consults))]
        return frozenset({CALL_PARTIES})


def _folded(consult: Consult, event: Event) -> Consult | None:
    """The consult after one of its call's events (None: the event changes nothing)."""
    at = event.sim_time
    data = event.data
    if event.type == EventType.CALL_CONSULT_ANSWERED and consult.phase == "ringing":
        return replace(consult, phase="answered", answered_at=at)
    if event.type == EventType.CALL_CONFERENCED and consult.live:
        return replace(consult, phase="conference", conference_at=at)
    if event.type == EventType.CALL_CONSULT_ENDED and consult.live:
        return replace(consult, phase="ended", ended_at=at, ended_reason=str(data.get("reason")))
    if event.type == EventType.CALL_TRANSFERRED and data.get("mode") == "consult" and consult.live:
        return replace(consult, phase="ended", ended_at=at, ended_reason="transferred")
    if event.type == EventType.CALL_ENDED and consult.live:
        return replace(consult, phase="ended", ended_at=at, ended_reason="call_ended")
    return None


def _party(parties: dict[str, Any], side: str) -> Party | None:
    agent_id = parties.get(f"{side}_agent")
    if not isinstance(agent_id, str) or not agent_id:
        return None
    leader = bool(parties.get("to_team_leader")) if side == "to" else False
    name = _text(parties.get(f"{side}_name")) or ""
    return Party(agent_id=agent_id, name=name, team_leader=leader)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
