"""The ticket lifecycle's rules: one pure function from (ticket, transition) to what follows.

`apply_transition` checks a transition against the whitelist of `protocol.tickets`
(state, role, required fields), applies the workflow's rules (routes through steps,
the reopen window, callback retries, the reopen that escalates) and returns either
`TransitionApplied` (the ticket after it, and the effects the engine must carry out:
queue moves, clock changes, callbacks, notifications) or `Refusal` (a stable code and a
readable message). It never reads a clock or does I/O: `at` is the instant it happens.

Plain typed classes, no I/O: the engine may compile this module with mypyc.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from server_stub.protocol.tickets import (
    TRANSITIONS,
    ActorRole,
    CallbackOutcome,
    CloseReason,
    RefusalCode,
    TicketField,
    TicketPriority,
    TicketState,
    Transition,
)
from server_stub.workflow.schema import WorkflowConfig

MAX_FIELD_TEXT = 4000  # the API's LONG_TEXT: a stuck key cannot store megabytes
DAY_S = 86_400.0


class Effect(StrEnum):
    """What the engine must do after a transition, in this order."""

    DEQUEUE = "dequeue"  # take the ticket out of the work queue it waited in
    ENQUEUE = "enqueue"  # put it in `TransitionApplied.queue`
    START_FIRST_RESPONSE = "start_first_response"  # a new step's queue clock
    STOP_FIRST_RESPONSE = "stop_first_response"
    START_RESOLUTION = "start_resolution"  # a fresh resolution clock (creation, reopen)
    PAUSE_CLOCKS = "pause_clocks"
    RESUME_CLOCKS = "resume_clocks"
    STOP_CLOCKS = "stop_clocks"
    REQUEST_CALLBACK = "request_callback"  # schedule the 回访 within business hours
    AUTO_CLOSE = "auto_close"  # a type without callbacks closes on resolution
    RETRY_CALLBACK = "retry_callback"  # no answer: try again after the retry gap
    CANCEL_CALLBACK = "cancel_callback"
    NOTIFY = "notify"  # tell `TransitionApplied.notify`
    ESCALATE_REOPEN = "escalate_reopen"  # reopened again: the lead takes a look


@dataclass(frozen=True)
class TicketSnapshot:
    """What the rules know of a ticket. `route` holds the work queues it passes through
    (the last one resolves); `step` is the index of the current one (-1 before dispatch)."""

    ticket_id: str
    type_id: str
    priority: TicketPriority
    state: TicketState
    created_at: float
    route: tuple[str, ...] = ()
    step: int = -1
    reopen_count: int = 0
    callback_attempts: int = 0
    resolved_at: float | None = None
    closed_at: float | None = None
    close_reason: CloseReason | None = None
    merged_into: str | None = None
    updated_at: float = 0.0

    @property
    def queue(self) -> str | None:
        """The work queue of the current step, if it has one."""
        if 0 <= self.step < len(self.route):
            return self.route[self.step]
        return None


@dataclass(frozen=True)
class LifecyclePolicy:
    """The workflow file's rules, in the form the lifecycle reads them."""

    routes: Mapping[str, tuple[str, ...]]  # type id -> its work queues, in order
    notify_on_result: Mapping[str, tuple[ActorRole, ...]]
    with_callback: frozenset[str]  # type ids whose resolution asks for a 回访
    known_queues: frozenset[str]
    reopen_window_s: float = 7 * DAY_S
    escalate_reopen_at: int = 2
    callback_retries: int = 3


def build_policy(config: WorkflowConfig) -> LifecyclePolicy:
    return LifecyclePolicy(
        routes={t.id: (*t.via, t.department) for t in config.types},
        notify_on_result={t.id: tuple(t.notify_on_result) for t in config.types},
        with_callback=frozenset(t.id for t in config.types if t.callback),
        known_queues=frozenset(q.id for q in config.queues),
        reopen_window_s=config.reopen.window_days * DAY_S,
        escalate_reopen_at=config.reopen.escalate_at,
        callback_retries=config.callback.retries,
    )


@dataclass(frozen=True)
class TransitionApplied:
    ticket: TicketSnapshot  # after the transition
    transition: Transition
    from_state: TicketState
    effects: tuple[Effect, ...]
    queue: str | None = None  # for ENQUEUE
    notify: tuple[ActorRole, ...] = ()  # for NOTIFY
    fields: Mapping[str, str] | None = None  # as given, for the event log


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    message: str


def new_ticket(
    ticket_id: str, type_id: str, priority: TicketPriority, at: float
) -> tuple[TicketSnapshot, tuple[Effect, ...]]:
    """A ticket as the agent records it: `new`, its resolution clock starting."""
    ticket = TicketSnapshot(ticket_id, type_id, priority, TicketState.NEW, at, updated_at=at)
    return ticket, (Effect.START_RESOLUTION,)


def apply_transition(
    ticket: TicketSnapshot,
    transition: str,
    fields: Mapping[str, str],
    actor_role: str,
    at: float,
    policy: LifecyclePolicy,
) -> TransitionApplied | Refusal:
    """Take `transition` on `ticket` as `actor_role` at instant `at`, or say why not."""
    try:
        name = Transition(transition)
    except ValueError:
        return Refusal(RefusalCode.UNKNOWN_TRANSITION, f"no transition {transition!r}")
    spec = TRANSITIONS[name]
    if ticket.state not in spec.from_states:
        allowed = ", ".join(sorted(s.value for s in spec.from_states))
        return Refusal(
            RefusalCode.NOT_ALLOWED_IN_STATE,
            f"{name.value} is not possible on a {ticket.state.value} ticket (only from {allowed})",
        )
    if actor_role not in {role.value for role in spec.roles}:
        roles = ", ".join(sorted(role.value for role in spec.roles))
        return Refusal(
            RefusalCode.ROLE_NOT_ALLOWED,
            f"{name.value} is not for the {actor_role} role (only {roles})",
        )
    refusal = _check_fields(name, fields, policy)
    if refusal is not None:
        return refusal
    return _RULES[name](ticket, name, fields, at, policy)


def _check_fields(
    name: Transition, fields: Mapping[str, str], policy: LifecyclePolicy
) -> Refusal | None:
    spec = TRANSITIONS[name]
    accepted = {f.value for f in (*spec.required, *spec.optional)}
    for key in fields:
        if key not in accepted:
            known = ", ".join(sorted(accepted)) or "none"
            return Refusal(
                RefusalCode.UNKNOWN_FIELD, f"{name.value} takes no field {key!r} (fields: {known})"
            )
    for required in spec.required:
        value = fields.get(required.value)
        if value is None or not value.strip():
            return Refusal(RefusalCode.MISSING_FIELD, f"{name.value} needs {required.value}")
    for key, value in fields.items():
        if len(value) > MAX_FIELD_TEXT:
            return Refusal(
                RefusalCode.INVALID_FIELD, f"{key} is longer than {MAX_FIELD_TEXT} characters"
            )
    outcome = fields.get(TicketField.CALLBACK_OUTCOME.value)
    if outcome is not None and outcome not in {o.value for o in CallbackOutcome}:
        outcomes = ", ".join(o.value for o in CallbackOutcome)
        return Refusal(
            RefusalCode.INVALID_FIELD, f"callback_outcome {outcome!r} is not one of {outcomes}"
        )
    queue = fields.get(TicketField.QUEUE.value)
    if queue is not None and policy.known_queues and queue not in policy.known_queues:
        queues = ", ".join(sorted(policy.known_queues))
        message = f"unknown work queue {queue!r} (queues: {queues})"
        return Refusal(RefusalCode.INVALID_FIELD, message)
    return None


# ---------------------------------------------------------------------- the rules, one each

RuleResult = TransitionApplied | Refusal


def _applied(
    before: TicketSnapshot,
    after: TicketSnapshot,
    name: Transition,
    fields: Mapping[str, str],
    effects: list[Effect],
    notify: tuple[ActorRole, ...] = (),
) -> TransitionApplied:
    if before.state is TicketState.DISPATCHED and Effect.DEQUEUE not in effects:
        effects.insert(0, Effect.DEQUEUE)  # whatever happens next, it leaves the queue
    if notify and Effect.NOTIFY not in effects:
        effects.append(Effect.NOTIFY)
    queue = after.queue if Effect.ENQUEUE in effects else None
    return TransitionApplied(after, name, before.state, tuple(effects), queue, notify, fields)


def _dispatch(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    chosen = f.get(TicketField.QUEUE.value)
    route = (chosen,) if chosen else p.routes.get(t.type_id, ())
    if not route:
        return Refusal(
            RefusalCode.MISSING_FIELD,
            f"ticket type {t.type_id!r} has no default department: dispatch needs queue",
        )
    after = replace(t, state=TicketState.DISPATCHED, route=route, step=0, updated_at=at)
    return _applied(t, after, name, f, [Effect.ENQUEUE, Effect.START_FIRST_RESPONSE])


def _accept(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    after = replace(t, state=TicketState.IN_PROGRESS, updated_at=at)
    return _applied(t, after, name, f, [Effect.DEQUEUE, Effect.STOP_FIRST_RESPONSE])


def _forward(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    if t.step + 1 >= len(t.route):
        return Refusal(
            RefusalCode.NO_NEXT_STEP,
            f"{t.queue} is the last step of this ticket: resolve it, or reassign it",
        )
    after = replace(t, state=TicketState.DISPATCHED, step=t.step + 1, updated_at=at)
    return _applied(t, after, name, f, [Effect.ENQUEUE, Effect.START_FIRST_RESPONSE])


def _reassign(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    queue = f[TicketField.QUEUE.value]
    step = max(t.step, 0)
    route = (*t.route[:step], queue, *t.route[step + 1 :])
    after = replace(t, state=TicketState.DISPATCHED, route=route, step=step, updated_at=at)
    effects = [Effect.ENQUEUE, Effect.START_FIRST_RESPONSE]
    if t.state is TicketState.IN_PROGRESS:
        effects.insert(0, Effect.STOP_FIRST_RESPONSE)  # in case it never stopped
    return _applied(t, after, name, f, effects)


def _bounce(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    after = replace(t, state=TicketState.NEW, route=(), step=-1, updated_at=at)
    effects = [Effect.STOP_FIRST_RESPONSE]
    return _applied(t, after, name, f, effects, (ActorRole.AGENT, ActorRole.TEAM_LEADER))


def _wait(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    state = (
        TicketState.WAITING_CUSTOMER
        if name is Transition.WAIT_CUSTOMER
        else TicketState.WAITING_THIRD_PARTY
    )
    return _applied(t, replace(t, state=state, updated_at=at), name, f, [Effect.PAUSE_CLOCKS])


def _resume(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    after = replace(t, state=TicketState.IN_PROGRESS, updated_at=at)
    return _applied(t, after, name, f, [Effect.RESUME_CLOCKS])


def _resolve(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    after = replace(t, state=TicketState.RESOLVED, resolved_at=at, updated_at=at)
    effects = [Effect.STOP_CLOCKS]
    effects.append(Effect.REQUEST_CALLBACK if t.type_id in p.with_callback else Effect.AUTO_CLOSE)
    # the result goes back to whoever the type names (a complaint: the agent and the lead);
    # the agent who resolved it on the call needs no telling
    notify = () if name is Transition.RESOLVE_ON_CONTACT else p.notify_on_result.get(t.type_id, ())
    return _applied(t, after, name, f, effects, notify)


def _schedule_callback(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    after = replace(t, state=TicketState.CALLBACK_PENDING, callback_attempts=0, updated_at=at)
    return _applied(t, after, name, f, [])


def _complete_callback(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    outcome = CallbackOutcome(f[TicketField.CALLBACK_OUTCOME.value])
    if outcome is CallbackOutcome.SATISFIED:
        after = replace(
            t,
            state=TicketState.CLOSED,
            closed_at=at,
            close_reason=CloseReason.SATISFIED,
            updated_at=at,
        )
        return _applied(t, after, name, f, [])
    if outcome is CallbackOutcome.NOT_SATISFIED:
        return _reopened(t, name, f, at, p, from_callback=True)
    attempts = t.callback_attempts + 1
    if attempts <= p.callback_retries:
        after = replace(t, callback_attempts=attempts, updated_at=at)
        return _applied(t, after, name, f, [Effect.RETRY_CALLBACK])
    after = replace(
        t,
        state=TicketState.CLOSED,
        callback_attempts=attempts,
        closed_at=at,
        close_reason=CloseReason.UNREACHABLE,
        updated_at=at,
    )
    return _applied(t, after, name, f, [], (ActorRole.AGENT,))


def _close(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    effects = [Effect.CANCEL_CALLBACK] if t.state is TicketState.CALLBACK_PENDING else []
    after = replace(
        t, state=TicketState.CLOSED, closed_at=at, close_reason=CloseReason.BY_HAND, updated_at=at
    )
    return _applied(t, after, name, f, effects)


def _reopen(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    since = t.resolved_at if t.resolved_at is not None else t.updated_at
    if at - since > p.reopen_window_s:
        days = p.reopen_window_s / DAY_S
        return Refusal(
            RefusalCode.REOPEN_WINDOW_PASSED,
            f"{t.ticket_id} was resolved more than {days:g} days ago: "
            "open a new ticket linked to it instead",
        )
    return _reopened(t, name, f, at, p, from_callback=False)


def _reopened(
    t: TicketSnapshot,
    name: Transition,
    f: Mapping[str, str],
    at: float,
    p: LifecyclePolicy,
    from_callback: bool,
) -> TransitionApplied:
    """Back to the step that resolved it (or the type's route, if the agent resolved it on
    the call), with fresh clocks; the reopen that reaches the threshold escalates."""
    if t.route:
        route, step = t.route, len(t.route) - 1
    else:
        route, step = p.routes.get(t.type_id, ()), 0
    count = t.reopen_count + 1
    after = replace(
        t,
        state=TicketState.DISPATCHED if route else TicketState.NEW,
        route=route,
        step=step if route else -1,
        reopen_count=count,
        callback_attempts=0,
        resolved_at=None,
        closed_at=None,
        close_reason=None,
        updated_at=at,
    )
    effects: list[Effect] = []
    if t.state is TicketState.CALLBACK_PENDING and not from_callback:
        effects.append(Effect.CANCEL_CALLBACK)
    if route:
        effects += [Effect.ENQUEUE, Effect.START_FIRST_RESPONSE]
    effects.append(Effect.START_RESOLUTION)
    notify: tuple[ActorRole, ...] = (ActorRole.AGENT,)
    if count >= p.escalate_reopen_at:
        effects.append(Effect.ESCALATE_REOPEN)
        notify = (ActorRole.AGENT, ActorRole.TEAM_LEADER)
    return _applied(t, after, name, f, effects, notify)


def _cancel(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    after = replace(t, state=TicketState.CANCELLED, closed_at=at, updated_at=at)
    return _applied(t, after, name, f, [Effect.STOP_CLOCKS], (ActorRole.AGENT,))


def _merge(
    t: TicketSnapshot, name: Transition, f: Mapping[str, str], at: float, p: LifecyclePolicy
) -> RuleResult:
    target = f[TicketField.MERGE_TARGET.value].strip()
    if target == t.ticket_id:
        return Refusal(RefusalCode.MERGE_INTO_SELF, "a ticket cannot be merged into itself")
    after = replace(t, state=TicketState.MERGED, merged_into=target, closed_at=at, updated_at=at)
    return _applied(t, after, name, f, [Effect.STOP_CLOCKS])


_RULES = {
    Transition.DISPATCH: _dispatch,
    Transition.ACCEPT: _accept,
    Transition.FORWARD: _forward,
    Transition.REASSIGN: _reassign,
    Transition.BOUNCE: _bounce,
    Transition.WAIT_CUSTOMER: _wait,
    Transition.WAIT_THIRD_PARTY: _wait,
    Transition.RESUME: _resume,
    Transition.RESOLVE: _resolve,
    Transition.RESOLVE_ON_CONTACT: _resolve,
    Transition.SCHEDULE_CALLBACK: _schedule_callback,
    Transition.COMPLETE_CALLBACK: _complete_callback,
    Transition.CLOSE: _close,
    Transition.REOPEN: _reopen,
    Transition.CANCEL: _cancel,
    Transition.MERGE: _merge,
}
