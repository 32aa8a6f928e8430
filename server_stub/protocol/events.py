"""Events: the one vocabulary of everything that happens in the centre.

The engine appends events to its log; the server stores them and streams them
over SSE (the SSE `id:` is `seq`); every report, KPI and replay derives from them.
Names are neutral (DESIGN.md "Events"), with the nearest Asterisk/CSTA names in comments.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class EventType(StrEnum):
    CALL_ARRIVED = "call.arrived"  # Newchannel
    CALL_IVR_STEP = "call.ivr_step"  # dialplan step
    CALL_QUEUED = "call.queued"  # QueueCallerJoin
    CALL_OFFERED = "call.offered"  # AgentCalled / Delivered
    CALL_OFFER_TIMEOUT = "call.offer_timeout"  # AgentRingNoAnswer
    CALL_ANSWERED = "call.answered"  # AgentConnect / Established
    CALL_HELD = "call.held"
    CALL_RETRIEVED = "call.retrieved"
    CALL_TRANSFERRED = "call.transferred"
    CALL_CONFERENCED = "call.conferenced"
    # A consult's second party (the desk shows who is on the line, issue 9 defect 9):
    CALL_CONSULT_ANSWERED = "call.consult_answered"  # {from_agent, to_agent}
    CALL_CONSULT_ENDED = "call.consult_ended"  # {from_agent, to_agent, reason}
    CALL_ABANDONED = "call.abandoned"  # QueueCallerAbandon
    CALL_OVERFLOWED = "call.overflowed"  # QueueCallerLeave (FULL)
    CALL_ENDED = "call.ended"  # {by, reason}
    CALL_WRAPUP_COMPLETED = "call.wrapup_completed"  # {code}
    CALL_SCRIPT_STEP = "call.script_step"  # {step, key, next} or {step, back} (desk)
    CALL_CUSTOMER_LINKED = "call.customer_linked"  # {customer_id, created, need?} (desk, IN5)
    # The post-call survey (IN8, server_stub/survey.py): offered, then scored or hung up.
    CALL_SURVEY_OFFERED = "call.survey_offered"  # {by: agent|simulated}
    CALL_SURVEY_SCORED = "call.survey_scored"  # {score: 1..5}
    CALL_SURVEY_ABANDONED = "call.survey_abandoned"  # the caller hung up without scoring
    AGENT_STATE_CHANGED = "agent.state_changed"  # {from, to, reason, pending}
    AGENT_SCREEN = "agent.screen"  # DeskScreenState (protocol/desk_screen.py)
    SUPERVISOR_MESSAGE = "supervisor.message"
    SUPERVISOR_MONITOR_STARTED = "supervisor.monitor_started"
    # A supervisor's actions (protocol.supervision_actions); monitoring never reaches the agent.
    SUPERVISOR_MESSAGE_WITHDRAWN = "supervisor.message_withdrawn"
    SUPERVISOR_WHISPER = "supervisor.whisper"
    SUPERVISOR_FORCED_STATE = "supervisor.forced_state"
    SUPERVISOR_WRAPUP_ENDED = "supervisor.wrapup_ended"
    SUPERVISOR_MONITOR_ENDED = "supervisor.monitor_ended"
    SUPERVISOR_BARGED = "supervisor.barged"
    QUEUE_STATS = "queue.stats"  # periodic snapshot
    SUPERVISION_QUEUE_BOARD = "supervision.queue_board"  # the queues board's figures (SV1)
    ALERT_RAISED = "alert.raised"  # SV4: protocol.supervision (escalations too)
    ALERT_CLEARED = "alert.cleared"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    TICKET_CREATED = "ticket.created"
    TICKET_UPDATED = "ticket.updated"
    TICKET_ESCALATED = "ticket.escalated"
    RESYNC = "resync"  # stream only: the client was gone too long; re-read state


# Who is on a call's line (the desk's consult and conference strip): the events that tell
# it, which `GET /v1/calls/{id}/parties` gives back to a desk logging in mid-call.
CALL_PARTY_EVENTS: frozenset[str] = frozenset(
    {
        EventType.CALL_OFFERED,
        EventType.CALL_CONSULT_ANSWERED,
        EventType.CALL_CONSULT_ENDED,
        EventType.CALL_CONFERENCED,
        EventType.CALL_TRANSFERRED,
        EventType.CALL_ENDED,
        EventType.CALL_WRAPUP_COMPLETED,
    }
)


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    NOT_READY = "not_ready"
    READY = "ready"
    RESERVED = "reserved"  # a call is ringing at the agent
    BUSY = "busy"
    WRAP_UP = "wrap_up"


class CallLeg(StrEnum):
    """What a BUSY agent is doing on the call."""

    TALKING = "talking"
    HELD = "held"
    CONFERENCE = "conference"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallOutcome(StrEnum):
    """How a call ends, exactly once (conservation)."""

    ANSWERED = "answered"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"
    SELF_SERVICE = "self_service"  # finished in the IVR


class Event(BaseModel):
    """One entry of the append-only log, as it travels on the wire."""

    seq: int
    sim_time: float = Field(description="simulation seconds since the centre's epoch")
    wall_time: float = Field(description="unix time when the event was emitted")
    type: str
    call_id: str | None = None
    agent_id: str | None = None
    queue_id: str | None = None
    ticket_id: str | None = None
    team_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
