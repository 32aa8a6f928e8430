"""The facts of one agent's handling of one call, derived from the event log alone.

Training scores and quality prefill both judge a call from these facts, so that a score, a
suggested deduction and the timeline an evaluator reads agree. `session_facts(events,
call_id)` is pure: the same events give the same facts, in the log's `seq` order.

Events read (DESIGN.md "Events"; data keys as the engine and server write them):
`call.offered` (the trainee's ring; one with `consult_from` is a consult the trainee
started), `call.answered`, `call.held` (optional `script_step`: the step on the desk, and
`phrase`: true when the desk confirmed the hold phrase was said), `call.retrieved`,
`call.transferred` {mode, from_agent, to_agent, to_queue, to_role?}, `call.conferenced`,
`call.ended` {by, reason}, `agent.state_changed` (its `wrapup_deadline`),
`call.wrapup_completed` {code, notes, script_path}, `ticket.created` {ticket_id, category,
priority, department}, and three that the desk and server are to add (not in
`EventType` yet): `call.script_step` {step, key, next} for each choice in the script pane
and {back: true} for an undo, `callback.scheduled` {reason, due_at} with the call's id,
and `call.survey_offered`; then `call.survey_scored` {score} (the caller's 1..5, stored
with the call as `survey_score`) or `call.survey_abandoned` (hung up in the survey).

The path is the wrap-up's `script_path` when there is one (what the agent stood by), else
the replay of `call.script_step`; a choice's time is known where the live choices agree
with that path.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final

from pydantic import Field

from server_stub.protocol.content_model import Strict
from server_stub.protocol.events import Event, EventType

SCRIPT_STEP_EVENT: Final = "call.script_step"
CALLBACK_SCHEDULED_EVENT: Final = "callback.scheduled"
# the `kind` of a callback an agent booked for a caller (callback.scheduled, callback.placed)
BOOKED_KIND: Final = "requested"
SURVEY_OFFERED_EVENT: Final = "call.survey_offered"
CALLER_SAID_EVENT: Final = "call.caller_said"  # {text, step?}: a scripted caller's line
TEAM_LEADER_ROLE: Final = "team_leader"


class EventRef(Strict):
    seq: int
    at: float


class PathChoice(Strict):
    step: str
    key: str
    at: float | None = None
    seq: int | None = None


class HoldFact(Strict):
    seq: int
    held_at: float
    retrieved_at: float | None = None
    retrieved_seq: int | None = None
    step: str | None = Field(default=None, description="the script step on the desk; None: unknown")
    phrase_confirmed: bool | None = None

    def duration(self, until: float | None) -> float | None:
        """How long the caller waited; an open hold runs to `until` (the call's end)."""
        end = self.retrieved_at if self.retrieved_at is not None else until
        return None if end is None else end - self.held_at


class TransferFact(Strict):
    seq: int
    at: float
    mode: str = Field(description="blind | consult (a completed consult) | consult_started")
    to_agent: str | None = None
    to_queue: str | None = None
    to_role: str | None = None


class TicketFact(Strict):
    seq: int
    at: float
    ticket_id: str | None
    category: str | None
    priority: str | None = None
    department: str | None = None


class CallbackFact(Strict):
    seq: int
    at: float
    reason: str | None = None


class SessionFacts(Strict):
    call_id: str
    agent_id: str | None
    queue_id: str | None = None
    customer_id: str | None = None
    offered: EventRef | None = None
    answered: EventRef | None = None
    released: EventRef | None = Field(
        default=None, description="the agent's part ended: a transfer, or the call's end"
    )
    ended: EventRef | None = None
    ended_by: str | None = None
    end_reason: str | None = None
    caller_hung_up: bool = False
    wrapup: EventRef | None = None
    wrapup_code: str | None = None
    wrapup_notes: str = ""
    wrapup_deadline: float | None = None
    path: list[PathChoice] = Field(default_factory=list)
    path_timed: bool = Field(default=False, description="the desk published its choices live")
    holds: list[HoldFact] = Field(default_factory=list)
    transfers: list[TransferFact] = Field(default_factory=list)
    consults: list[TransferFact] = Field(default_factory=list)
    conferences: list[EventRef] = Field(default_factory=list)
    tickets: list[TicketFact] = Field(default_factory=list)
    callbacks: list[CallbackFact] = Field(default_factory=list)
    surveys: list[EventRef] = Field(default_factory=list)
    survey_score: int | None = Field(default=None, description="the caller's 1..5 (IN8)")
    survey_hung_up: bool = Field(default=False, description="hung up in the survey, no score")

    @property
    def release_time(self) -> float | None:
        return self.released.at if self.released is not None else None


def session_facts(
    events: Iterable[Event],
    call_id: str,
    *,
    agent_id: str | None = None,
    team_leaders: Collection[str] = (),
) -> SessionFacts:
    """The facts of `agent_id`'s part in `call_id` (default: the agent who answered it).

    `team_leaders` names the agents a transfer or consult reaches as the `team_leader`
    role, when the event does not say `to_role` itself."""
    mine = sorted((event for event in events if event.call_id == call_id), key=lambda e: e.seq)
    agent = agent_id if agent_id is not None else _answering_agent(mine)
    builder = _FactsBuilder(call_id, agent, frozenset(team_leaders))
    for event in mine:
        builder.add(event)
    return builder.facts()


def _answering_agent(events: list[Event]) -> str | None:
    for kind in (EventType.CALL_ANSWERED, EventType.CALL_OFFERED):
        for event in events:
            if event.type == kind and not event.data.get("consult_from"):
                return event.agent_id
    return None


def _ref(event: Event) -> EventRef:
    return EventRef(seq=event.seq, at=event.sim_time)


class _FactsBuilder:
    def __init__(self, call_id: str, agent_id: str | None, team_leaders: frozenset[str]) -> None:
        self.call_id = call_id
        self.agent_id = agent_id
        self.team_leaders = team_leaders
        self.fields: dict[str, object] = {}
        self.holds: list[dict[str, object]] = []
        self.live: list[PathChoice] = []
        self.live_seen = False
        self.live_next: list[str | None] = []  # the step each live choice led to
        self.lists: dict[str, list[object]] = {
            "transfers": [],
            "consults": [],
            "conferences": [],
            "tickets": [],
            "callbacks": [],
            "surveys": [],
        }
        self.wrapup_path: list[PathChoice] = []

    def mine(self, event: Event) -> bool:
        return self.agent_id is None or event.agent_id == self.agent_id

    def role_of(self, agent: str | None, declared: object) -> str | None:
        if isinstance(declared, str):
            return declared
        return TEAM_LEADER_ROLE if agent is not None and agent in self.team_leaders else None

    def add(self, event: Event) -> None:
        kind, data = event.type, event.data
        self.fields.setdefault("queue_id", event.queue_id)
        if kind == EventType.CALL_ARRIVED:
            self.fields.setdefault("customer_id", data.get("customer_id"))
        elif kind == EventType.CALL_OFFERED:
            self.on_offered(event)
        elif kind == EventType.CALL_ANSWERED and self.mine(event):
            self.fields.setdefault("answered", _ref(event))
        elif kind == EventType.CALL_HELD and self.mine(event):
            self.on_held(event)
        elif kind == EventType.CALL_RETRIEVED and self.mine(event):
            for hold in self.holds:
                if hold.get("retrieved_at") is None:
                    hold.update(retrieved_at=event.sim_time, retrieved_seq=event.seq)
        elif kind == EventType.CALL_TRANSFERRED:
            self.on_transferred(event)
        elif kind == EventType.CALL_CONFERENCED and self.mine(event):
            self.lists["conferences"].append(_ref(event))
        elif kind == EventType.CALL_ENDED:
            self.on_ended(event)
        elif kind == EventType.AGENT_STATE_CHANGED and self.mine(event):
            deadline = data.get("wrapup_deadline")
            if data.get("to") == "wrap_up" and isinstance(deadline, int | float):
                self.fields.setdefault("wrapup_deadline", float(deadline))
        elif kind == EventType.CALL_WRAPUP_COMPLETED and self.mine(event):
            self.on_wrapup(event)
        elif kind == EventType.TICKET_CREATED and self.mine(event):
            self.lists["tickets"].append(
                TicketFact(
                    seq=event.seq,
                    at=event.sim_time,
                    ticket_id=data.get("ticket_id") or event.ticket_id,
                    category=data.get("category"),
                    priority=data.get("priority"),
                    department=data.get("department"),
                )
            )
        elif kind == CALLBACK_SCHEDULED_EVENT and self.mine(event):
            reason = data.get("reason")
            self.lists["callbacks"].append(
                CallbackFact(seq=event.seq, at=event.sim_time, reason=reason)
            )
        elif kind == SURVEY_OFFERED_EVENT and self.mine(event):
            self.lists["surveys"].append(_ref(event))
        elif kind == EventType.CALL_SURVEY_SCORED and self.mine(event):
            self.fields["survey_score"] = data.get("score")
        elif kind == EventType.CALL_SURVEY_ABANDONED and self.mine(event):
            self.fields["survey_hung_up"] = True
        elif kind == SCRIPT_STEP_EVENT and self.mine(event):
            self.on_script_step(event)

    def on_offered(self, event: Event) -> None:
        consult_from = event.data.get("consult_from")
        if consult_from is not None:
            if self.agent_id is None or consult_from == self.agent_id:
                role = self.role_of(event.agent_id, event.data.get("to_role"))
                consult = TransferFact(
                    seq=event.seq,
                    at=event.sim_time,
                    mode="consult_started",
                    to_agent=event.agent_id,
                    to_queue=event.data.get("to_queue"),
                    to_role=role,
                )
                self.lists["consults"].append(consult)
        elif self.mine(event):
            self.fields.setdefault("offered", _ref(event))

    def on_held(self, event: Event) -> None:
        declared_step = event.data.get("script_step")
        phrase = event.data.get("phrase")
        self.holds.append(
            {
                "seq": event.seq,
                "held_at": event.sim_time,
                "step": declared_step if isinstance(declared_step, str) else None,
                "phrase_confirmed": phrase if isinstance(phrase, bool) else None,
                "live_step": self.current_live_step(),
            }
        )

    def on_transferred(self, event: Event) -> None:
        data = event.data
        source = data.get("from_agent", event.agent_id)
        if self.agent_id is not None and source != self.agent_id:
            return
        to_agent = data.get("to_agent")
        transfer = TransferFact(
            seq=event.seq,
            at=event.sim_time,
            mode=str(data.get("mode") or "blind"),
            to_agent=to_agent,
            to_queue=data.get("to_queue"),
            to_role=self.role_of(to_agent, data.get("to_role")),
        )
        self.lists["transfers"].append(transfer)
        self.fields.setdefault("released", _ref(event))

    def on_ended(self, event: Event) -> None:
        if "ended" in self.fields:
            return
        self.fields["ended"] = _ref(event)
        self.fields["ended_by"] = event.data.get("by")
        self.fields["end_reason"] = event.data.get("reason")
        still_mine = "released" not in self.fields
        self.fields["caller_hung_up"] = still_mine and event.data.get("by") == "caller"
        self.fields.setdefault("released", _ref(event))

    def on_wrapup(self, event: Event) -> None:
        if "wrapup" in self.fields:
            return
        self.fields["wrapup"] = _ref(event)
        self.fields["wrapup_code"] = event.data.get("code")
        self.fields["wrapup_notes"] = str(event.data.get("notes") or "")
        raw_path = event.data.get("script_path") or []
        self.wrapup_path = [
            PathChoice(step=str(entry[0]), key=str(entry[1]))
            for entry in raw_path
            if isinstance(entry, list | tuple) and len(entry) >= 2
        ]

    def on_script_step(self, event: Event) -> None:
        self.live_seen = True
        data = event.data
        if data.get("back"):
            if self.live:
                self.live.pop()
                self.live_next.pop()
            return
        step, key = data.get("step"), data.get("key")
        if not isinstance(step, str) or key is None:
            return
        self.live.append(PathChoice(step=step, key=str(key), at=event.sim_time, seq=event.seq))
        following = data.get("next")
        self.live_next.append(following if isinstance(following, str) else None)

    def current_live_step(self) -> str | None:
        """The step on the desk now, by the live choices (None before any, or if unknown)."""
        if not self.live:
            return None
        return self.live_next[-1]

    def resolved_holds(self) -> list[HoldFact]:
        start = self.live[0].step if self.live else None
        holds = []
        for hold in self.holds:
            step, live_step = hold["step"], hold["live_step"]
            if step is None and self.live_seen:
                # Before the first choice the desk showed the start, which the first choice names.
                step = live_step if live_step is not None else start
            fields = {name: value for name, value in hold.items() if name != "live_step"}
            holds.append(HoldFact.model_validate({**fields, "step": step}))
        return holds

    def final_path(self) -> list[PathChoice]:
        if not self.wrapup_path:
            return list(self.live)
        timed: list[PathChoice] = []
        for index, choice in enumerate(self.wrapup_path):
            live = self.live[index] if index < len(self.live) else None
            agrees = live is not None and (live.step, live.key) == (choice.step, choice.key)
            if not agrees or (timed and timed[-1].at is None):
                timed.append(choice)
            else:
                assert live is not None
                timed.append(live)
        return timed

    def facts(self) -> SessionFacts:
        return SessionFacts.model_validate(
            {
                "call_id": self.call_id,
                "agent_id": self.agent_id,
                **self.fields,
                "path": self.final_path(),
                "path_timed": self.live_seen,
                "holds": self.resolved_holds(),
                **self.lists,
            }
        )
