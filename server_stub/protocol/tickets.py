"""The ticket workflow's vocabulary on the wire: states, transitions, fields, roles, codes.

The desk and the back office read this module to know which transitions a ticket in a
state offers, which fields each asks for and who may take it, without a round trip; the
server's rules (`server_stub.workflow.lifecycle`) enforce the same table. Nothing here
imports the server. Names are stable: they are stored in the event log.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TicketState(StrEnum):
    NEW = "new"  # recorded by the agent, not yet with a department
    DISPATCHED = "dispatched"  # in a work queue, nobody has taken it
    IN_PROGRESS = "in_progress"  # taken by a worker of the step's queue
    WAITING_CUSTOMER = "waiting_customer"  # paused: the clock stops
    WAITING_THIRD_PARTY = "waiting_third_party"  # paused: the clock stops
    RESOLVED = "resolved"  # the result is in; the satisfaction callback comes next
    CALLBACK_PENDING = "callback_pending"  # 回访 scheduled or being retried
    CLOSED = "closed"
    CANCELLED = "cancelled"
    MERGED = "merged"  # folded into another ticket (`merged_into`)


class StateGroup(StrEnum):
    OPEN = "open"  # someone owes work: clocks run
    PAUSED = "paused"  # waiting on someone outside: clocks stop
    DONE = "done"  # resolved, the loop is closing (callback)
    TERMINAL = "terminal"  # nothing more happens (a closed ticket may still be reopened)


STATE_GROUP: dict[TicketState, StateGroup] = {
    TicketState.NEW: StateGroup.OPEN,
    TicketState.DISPATCHED: StateGroup.OPEN,
    TicketState.IN_PROGRESS: StateGroup.OPEN,
    TicketState.WAITING_CUSTOMER: StateGroup.PAUSED,
    TicketState.WAITING_THIRD_PARTY: StateGroup.PAUSED,
    TicketState.RESOLVED: StateGroup.DONE,
    TicketState.CALLBACK_PENDING: StateGroup.DONE,
    TicketState.CLOSED: StateGroup.TERMINAL,
    TicketState.CANCELLED: StateGroup.TERMINAL,
    TicketState.MERGED: StateGroup.TERMINAL,
}

STATE_LABELS: dict[TicketState, str] = {
    TicketState.NEW: "新建 New",
    TicketState.DISPATCHED: "已派单 Dispatched",
    TicketState.IN_PROGRESS: "处理中 In progress",
    TicketState.WAITING_CUSTOMER: "待客户 Waiting on customer",
    TicketState.WAITING_THIRD_PARTY: "待第三方 Waiting on third party",
    TicketState.RESOLVED: "已解决 Resolved",
    TicketState.CALLBACK_PENDING: "待回访 Callback pending",
    TicketState.CLOSED: "已关闭 Closed",
    TicketState.CANCELLED: "已取消 Cancelled",
    TicketState.MERGED: "已合并 Merged",
}


class TicketPriority(StrEnum):
    """The same four names as `protocol.api.TicketPriority`; `PRIORITY_RANK` orders them."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITY_RANK: dict[TicketPriority, int] = {
    TicketPriority.LOW: 0,
    TicketPriority.NORMAL: 1,
    TicketPriority.HIGH: 2,
    TicketPriority.URGENT: 3,
}
PRIORITY_LABELS: dict[TicketPriority, str] = {
    TicketPriority.LOW: "低 Low",
    TicketPriority.NORMAL: "普通 Normal",
    TicketPriority.HIGH: "高 High",
    TicketPriority.URGENT: "紧急 Urgent",
}

# The built-in ticket types (TK2); a workflow file may define more.
DEFAULT_TICKET_TYPES: tuple[str, ...] = ("enquiry", "complaint", "suggestion", "fault")


class TicketEventType(StrEnum):
    """Events of the ticket loop (DESIGN.md "Ticket workflow"), for the one event log.

    Proposed `data`: `ticket.created` {type, priority, customer_id, call_id, state};
    `ticket.transitioned` {transition, from, to, actor_role, fields, queue, effects};
    `ticket.reminder` / `ticket.escalated` {clock, rung, action, at_percent, recipients,
    new_priority, reassign_to}; `callback.scheduled` {earliest, due, attempt};
    `callback.placed` {call_id, agent_id}; `callback.completed` {outcome, attempt};
    `ticket.message` {channel, template, text, customer_id}."""

    CREATED = "ticket.created"
    DISPATCHED = "ticket.dispatched"
    TRANSITIONED = "ticket.transitioned"
    REMINDER = "ticket.reminder"
    ESCALATED = "ticket.escalated"
    CALLBACK_SCHEDULED = "callback.scheduled"
    CALLBACK_PLACED = "callback.placed"
    CALLBACK_COMPLETED = "callback.completed"
    MESSAGE = "ticket.message"  # an automatic SMS/e-mail to the customer (TK8): the outbox


class ActorRole(StrEnum):
    """Who takes a transition. The server maps a login to one of these per ticket: the agent
    who recorded it, the team leader of that agent's team, a worker of the step's queue."""

    AGENT = "agent"
    TEAM_LEADER = "team_leader"
    DEPARTMENT = "department"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"  # the engine: deadlines, callbacks, simulated workers' automatic steps


class TicketField(StrEnum):
    """Fields a transition may require (the request's `fields` mapping)."""

    RESOLUTION_NOTE = "resolution_note"
    CALLBACK_OUTCOME = "callback_outcome"
    MERGE_TARGET = "merge_target"  # the id of the ticket this one is folded into
    REASON = "reason"
    NOTE = "note"  # the pre-processing note a step hands to the next
    QUEUE = "queue"  # a work-queue id: where dispatch or reassign sends the ticket


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    NO_ANSWER = "no_answer"


class CloseReason(StrEnum):
    SATISFIED = "satisfied"  # the callback confirmed it: the loop is closed
    UNREACHABLE = "unreachable"  # K callbacks went unanswered
    BY_HAND = "by_hand"  # closed without a callback (a lead's decision)


class Transition(StrEnum):
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    FORWARD = "forward"
    REASSIGN = "reassign"
    BOUNCE = "bounce"
    WAIT_CUSTOMER = "wait_customer"
    WAIT_THIRD_PARTY = "wait_third_party"
    RESUME = "resume"
    RESOLVE = "resolve"
    RESOLVE_ON_CONTACT = "resolve_on_contact"
    SCHEDULE_CALLBACK = "schedule_callback"
    COMPLETE_CALLBACK = "complete_callback"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"
    MERGE = "merge"


class RefusalCode(StrEnum):
    """Why a transition was refused; the server sends these as the 409 error's `code`."""

    UNKNOWN_TRANSITION = "unknown_transition"
    NOT_ALLOWED_IN_STATE = "transition_not_allowed_in_state"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    UNKNOWN_FIELD = "unknown_field"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"  # open a new ticket linked to this one
    NO_NEXT_STEP = "no_next_step"
    MERGE_INTO_SELF = "merge_into_self"
    CALLBACK_IN_PAST = "callback_in_past"  # a requested callback time (OB3)
    CALLBACK_OUTSIDE_HOURS = "callback_outside_hours"  # … when the centre is closed


@dataclass(frozen=True)
class TransitionSpec:
    """One whitelisted transition: from which states, to which, what it needs, who may.

    `to_states` has one state except where the outcome decides (a callback's result)."""

    name: Transition
    from_states: frozenset[TicketState]
    to_states: tuple[TicketState, ...]
    required: tuple[TicketField, ...]
    roles: frozenset[ActorRole]
    label: str
    optional: tuple[TicketField, ...] = ()


_S = TicketState
_F = TicketField
_R = ActorRole
_WORKING = frozenset({_S.NEW, _S.DISPATCHED, _S.IN_PROGRESS})
_ACTIVE = _WORKING | {_S.WAITING_CUSTOMER, _S.WAITING_THIRD_PARTY}
_LEADS = frozenset({_R.TEAM_LEADER, _R.SUPERVISOR, _R.ADMIN})


def _spec(
    name: Transition,
    from_states: frozenset[TicketState] | set[TicketState],
    to_states: tuple[TicketState, ...],
    required: tuple[TicketField, ...],
    roles: frozenset[ActorRole] | set[ActorRole],
    label: str,
    optional: tuple[TicketField, ...] = (),
) -> TransitionSpec:
    return TransitionSpec(
        name, frozenset(from_states), to_states, required, frozenset(roles), label, optional
    )


TRANSITIONS: dict[Transition, TransitionSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            Transition.DISPATCH,
            {_S.NEW},
            (_S.DISPATCHED,),
            (),
            {_R.AGENT, _R.SYSTEM} | _LEADS,
            "派单 Dispatch",
            (_F.QUEUE,),  # default: the type's first step
        ),
        _spec(
            Transition.ACCEPT,
            {_S.DISPATCHED},
            (_S.IN_PROGRESS,),
            (),
            {_R.DEPARTMENT, _R.TEAM_LEADER, _R.SYSTEM},
            "受理 Accept",
        ),
        _spec(
            Transition.FORWARD,
            {_S.IN_PROGRESS},
            (_S.DISPATCHED,),
            (_F.NOTE,),
            {_R.TEAM_LEADER, _R.DEPARTMENT, _R.SYSTEM},
            "预处理后转交 Pre-process and forward",
        ),
        _spec(
            Transition.REASSIGN,
            {_S.DISPATCHED, _S.IN_PROGRESS},
            (_S.DISPATCHED,),
            (_F.QUEUE, _F.REASON),
            {_R.SYSTEM} | _LEADS,
            "改派 Reassign",
        ),
        _spec(
            Transition.BOUNCE,
            {_S.DISPATCHED, _S.IN_PROGRESS},
            (_S.NEW,),
            (_F.REASON,),
            {_R.DEPARTMENT, _R.TEAM_LEADER, _R.SYSTEM},
            "退回 Bounce back",
        ),
        _spec(
            Transition.WAIT_CUSTOMER,
            {_S.IN_PROGRESS},
            (_S.WAITING_CUSTOMER,),
            (_F.REASON,),
            {_R.DEPARTMENT, _R.TEAM_LEADER, _R.SYSTEM},
            "待客户 Wait on customer",
        ),
        _spec(
            Transition.WAIT_THIRD_PARTY,
            {_S.IN_PROGRESS},
            (_S.WAITING_THIRD_PARTY,),
            (_F.REASON,),
            {_R.DEPARTMENT, _R.TEAM_LEADER, _R.SYSTEM},
            "待第三方 Wait on third party",
        ),
        _spec(
            Transition.RESUME,
            {_S.WAITING_CUSTOMER, _S.WAITING_THIRD_PARTY},
            (_S.IN_PROGRESS,),
            (),
            {_R.DEPARTMENT, _R.TEAM_LEADER, _R.SYSTEM},
            "继续处理 Resume",
            (_F.NOTE,),
        ),
        _spec(
            Transition.RESOLVE,
            {_S.IN_PROGRESS},
            (_S.RESOLVED,),
            (_F.RESOLUTION_NOTE,),
            {_R.DEPARTMENT, _R.TEAM_LEADER, _R.SYSTEM},
            "办结 Resolve",
        ),
        _spec(
            Transition.RESOLVE_ON_CONTACT,
            {_S.NEW},
            (_S.RESOLVED,),
            (_F.RESOLUTION_NOTE,),
            {_R.AGENT},
            "当场解决 Resolved on the call",
        ),
        _spec(
            Transition.SCHEDULE_CALLBACK,
            {_S.RESOLVED},
            (_S.CALLBACK_PENDING,),
            (),
            {_R.SYSTEM},
            "安排回访 Schedule callback",
        ),
        _spec(
            Transition.COMPLETE_CALLBACK,
            {_S.CALLBACK_PENDING},
            (_S.CLOSED, _S.DISPATCHED, _S.CALLBACK_PENDING),
            (_F.CALLBACK_OUTCOME,),
            {_R.AGENT, _R.SYSTEM},
            "回访结果 Callback result",
            (_F.NOTE,),
        ),
        _spec(
            Transition.CLOSE,
            {_S.RESOLVED, _S.CALLBACK_PENDING},
            (_S.CLOSED,),
            (_F.REASON,),
            {_R.SYSTEM} | _LEADS,
            "关闭 Close",
        ),
        _spec(
            Transition.REOPEN,
            {_S.RESOLVED, _S.CALLBACK_PENDING, _S.CLOSED},
            (_S.DISPATCHED,),
            (_F.REASON,),
            {_R.AGENT, _R.SYSTEM} | _LEADS,
            "重开 Reopen",
        ),
        _spec(
            Transition.CANCEL,
            _ACTIVE,
            (_S.CANCELLED,),
            (_F.REASON,),
            {_R.AGENT} | _LEADS,
            "取消 Cancel",
        ),
        _spec(
            Transition.MERGE,
            _ACTIVE,
            (_S.MERGED,),
            (_F.MERGE_TARGET,),
            {_R.AGENT, _R.DEPARTMENT} | _LEADS,
            "合并 Merge",
        ),
    )
}


def transitions_from(state: TicketState, role: ActorRole | None = None) -> list[TransitionSpec]:
    """The transitions a ticket in `state` offers (to `role`, when given), in table order."""
    return [
        spec
        for spec in TRANSITIONS.values()
        if state in spec.from_states and (role is None or role in spec.roles)
    ]
