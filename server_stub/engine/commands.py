"""Commands from human agents (through the server); each acts at `now` and logs what it causes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from server_stub.engine.errors import EngineError
from server_stub.engine.model import (
    BUSY,
    CALL_RINGING,
    LOGGED_OUT,
    NOT_READY,
    READY,
    RESERVED,
    WRAP_UP,
    Agent,
    Call,
    Queue,
)
from server_stub.engine.simulation import Simulation
from server_stub.engine.vocabulary import (
    ARRIVED,
    CONFERENCE,
    CONFERENCED,
    CONSULT_ANSWERED,
    HELD,
    HELD_LEG,
    INBOUND,
    K_CONNECT,
    K_TALK_END,
    K_WRAP_END,
    OFFERED,
    OUT_ABANDONED,
    OUT_ANSWERED,
    OUTBOUND,
    RETRIEVED,
    TALKING,
    TRANSFERRED,
    WRAPUP_COMPLETED,
)

OUTBOUND_RING_S = (3.0, 12.0)  # how long the far end rings before it picks up

P = ParamSpec("P")
R = TypeVar("R")
E = TypeVar("E", bound="CommandEngine")


def _notifies(method: Callable[Concatenate[E, P], R]) -> Callable[Concatenate[E, P], R]:
    """After a command (even a refused one), companions and then subscribers hear the
    events it appended."""

    @wraps(method)
    def run(self: E, *args: P.args, **kwargs: P.kwargs) -> R:
        mark = self.last_seq
        try:
            return method(self, *args, **kwargs)
        finally:
            if self._companions:
                self._observe(mark)
            self._flush()

    return run


class CommandEngine(Simulation):
    # ------------------------------------------------------------------ lookups

    def _agent(self, agent_id: str) -> Agent:
        agent = self.agents_by_id.get(agent_id)
        if agent is None:
            raise EngineError("no_such_agent", f"no agent {agent_id!r}")
        return agent

    def _human(self, agent_id: str) -> Agent:
        agent = self._agent(agent_id)
        if agent.simulated:
            raise EngineError("not_human", f"agent {agent_id!r} is simulated")
        return agent

    def _own_call(self, agent: Agent, call_id: str) -> Call:
        call = agent.call
        if call is not None and call.id == call_id:
            return call
        if self._find_call(call_id) is None:
            raise EngineError("no_such_call", f"no call {call_id!r}")
        raise EngineError("not_your_call", f"call {call_id} is not at agent {agent.id}")

    def _find_call(self, call_id: str) -> Call | None:
        """A call in progress, or an ended one an agent still wraps up; None if gone."""
        call = self.calls.get(call_id)
        if call is not None:
            return call
        return next(
            (
                a.call
                for a in self.agents_by_id.values()
                if a.call is not None and a.call.id == call_id
            ),
            None,
        )

    def _ringing(self, agent_id: str, call_id: str) -> tuple[Agent, Call]:
        """The human agent and the inbound call ringing at it, which it may answer or reject."""
        agent = self._human(agent_id)
        call = self._own_call(agent, call_id)
        if agent.state != RESERVED or agent.direction == OUTBOUND:
            raise EngineError("invalid_state", f"agent {agent_id} has no call ringing")
        return agent, call

    def _check_reason(self, reason: str | None) -> None:
        codes = self.config.reason_codes
        if reason is not None and codes and reason not in {c.code for c in codes}:
            raise EngineError("invalid_reason", f"{reason!r} is not a reason code")

    # ------------------------------------------------------------------ state

    @_notifies
    def login(self, agent_id: str) -> None:
        agent = self._human(agent_id)
        if agent.state != LOGGED_OUT:
            raise EngineError("invalid_state", f"agent {agent_id} is already logged in")
        self._set_state(agent, NOT_READY, "login")

    @_notifies
    def logout(self, agent_id: str, reason: str | None = None) -> None:
        self.set_state(agent_id, LOGGED_OUT, reason)

    @_notifies
    def set_state(self, agent_id: str, state: str, reason: str | None = None) -> None:
        agent = self._human(agent_id)
        current = agent.state
        if state not in (READY, NOT_READY, LOGGED_OUT):
            raise EngineError("invalid_request", f"cannot set state {state!r}")
        if current not in (READY, NOT_READY, LOGGED_OUT):
            raise EngineError(
                "invalid_state", f"agent {agent_id} is {current}: set a pending state instead"
            )
        if current == LOGGED_OUT:
            if state == LOGGED_OUT:
                return
            raise EngineError("invalid_state", f"agent {agent_id} must log in first")
        if state == READY:
            if current != READY:
                self._make_ready(agent)
        elif state == NOT_READY:
            self._check_reason(reason)
            self._set_state(agent, NOT_READY, reason)
        else:
            agent.pending = None
            self._set_state(agent, LOGGED_OUT, reason)

    @_notifies
    def set_pending(self, agent_id: str, state: str | None, reason: str | None = None) -> None:
        agent = self._human(agent_id)
        if agent.state not in (RESERVED, BUSY, WRAP_UP):
            raise EngineError("invalid_state", f"agent {agent_id} is {agent.state}: set the state")
        if state is None:
            agent.pending = None
        elif state in (READY, NOT_READY, LOGGED_OUT):
            if state == NOT_READY:
                self._check_reason(reason)
            # the engine's own constant, so that state checks by identity hold for humans too
            known = NOT_READY if state == NOT_READY else LOGGED_OUT
            agent.pending = None if state == READY else {"state": known, "reason": reason}
        else:
            raise EngineError("invalid_request", f"cannot set pending state {state!r}")
        self._set_state(agent, agent.state, agent.reason)  # same state: tells clients the pending

    # ------------------------------------------------------------------ call controls

    @_notifies
    def answer(self, agent_id: str, call_id: str) -> None:
        agent, call = self._ringing(agent_id, call_id)
        if call.consult_agent is agent:
            call.step_seq = 0
            self._consult_connected(call, agent)
            return
        self._answer(call, agent)

    @_notifies
    def reject(self, agent_id: str, call_id: str) -> None:
        agent, call = self._ringing(agent_id, call_id)
        if call.consult_agent is agent:
            call.step_seq = 0
            self._consult_ended(call, agent, "declined")
            call.consult_agent = None
            call.consult_state = None
            agent.call = None
            agent.direction = None
            self._set_state(agent, NOT_READY, "rejected")
            return
        call.step_seq = 0
        self._offer_failed(call, agent, "rejected")

    @_notifies
    def hold(
        self, agent_id: str, call_id: str, phrase: bool = False, script_step: str | None = None
    ) -> None:
        """`phrase`: the agent confirmed saying the standard hold phrase (quality checks it);
        `script_step`: the step of the call's script it held on. Logged only when given."""
        said: dict[str, Any] = {"phrase": True} if phrase else {}
        if script_step is not None:
            said["script_step"] = script_step
        self._switch_leg(agent_id, call_id, TALKING, HELD_LEG, HELD, "is not talking on", said)

    @_notifies
    def retrieve(self, agent_id: str, call_id: str) -> None:
        self._switch_leg(agent_id, call_id, HELD_LEG, TALKING, RETRIEVED, "has not held")

    def _switch_leg(
        self,
        agent_id: str,
        call_id: str,
        frm: str,
        to: str,
        event: str,
        refusal: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Hold and retrieve: the agent's leg of its own call goes from `frm` to `to`."""
        agent = self._human(agent_id)
        call = self._own_call(agent, call_id)
        if agent.state != BUSY or agent.leg != frm or call.consult_agent is not None:
            raise EngineError("invalid_state", f"agent {agent_id} {refusal} {call_id}")
        self._emit(event, call.id, agent.id, _queue_id(call), data or {})
        agent.leg = to
        self._set_state(agent, BUSY)

    @_notifies
    def hangup(self, agent_id: str, call_id: str, survey: bool = False) -> None:
        """`survey`: the agent transfers its caller to the post-call survey (IN8) and leaves
        as after a hang-up; the call ends with reason "survey" (`server_stub.survey` scores)."""
        agent = self._human(agent_id)
        call = self._own_call(agent, call_id)
        if survey and (agent.state != BUSY or call.consult_agent is agent):
            raise EngineError("invalid_state", f"agent {agent_id} has no caller on {call_id}")
        if call.consult_agent is agent:  # the consulted agent leaves; the caller stays
            if agent.state != BUSY:
                raise EngineError("invalid_state", f"agent {agent_id} is not on {call_id}")
            self._leave_consult(call, "hung_up")
            return
        if agent.state == RESERVED and agent.direction == OUTBOUND:
            self._end_call(call, "agent", "cancelled", OUT_ABANDONED)
            self._start_wrapup(agent, call)
            return
        if agent.state != BUSY:
            raise EngineError("invalid_state", f"agent {agent_id} is not on {call_id}")
        self._end_call(call, "agent", "survey" if survey else "hangup", OUT_ANSWERED)
        self._release_consulted(call, wrap=call.consult_state == "conference")
        agent.calls_handled += 1
        self._start_wrapup(agent, call)

    @_notifies
    def caller_hangup(self, call_id: str) -> None:
        """The caller of a human's connected call hangs up (a training scenario's caller
        left on hold too long); the agent wraps up, a consulted second agent is freed."""
        call = self.calls.get(call_id)
        agent = call.agent if call is not None else None
        if call is None or agent is None or agent.simulated or agent.state != BUSY:
            raise EngineError("invalid_state", f"call {call_id} is not connected to a human")
        self._end_call(call, "caller", "hangup", OUT_ANSWERED)
        self._release_consulted(call, wrap=call.consult_state == "conference")
        agent.calls_handled += 1
        self._start_wrapup(agent, call)

    def _leave_consult(self, call: Call, reason: str) -> None:
        """The second agent leaves a consult or conference; the first talks to the caller again."""
        owner = call.agent
        conference = call.consult_state == "conference"
        if call.consult_agent is not None:
            self._consult_ended(call, call.consult_agent, reason)
        self._release_consulted(call, wrap=conference)
        if owner is not None and owner.state == BUSY:
            self._emit(RETRIEVED, call.id, owner.id, _queue_id(call), {})
            owner.leg = TALKING
            self._set_state(owner, BUSY)

    @_notifies
    def transfer(
        self,
        agent_id: str,
        call_id: str,
        *,
        to_agent: str | None = None,
        to_queue: str | None = None,
        mode: str = "blind",
    ) -> None:
        agent = self._human(agent_id)
        call = self._own_call(agent, call_id)
        if agent.state != BUSY or call.agent is not agent or call.consult_agent is not None:
            raise EngineError("invalid_state", f"agent {agent_id} cannot transfer {call_id} now")
        if (to_agent is None) == (to_queue is None):
            raise EngineError("invalid_request", "transfer needs exactly one of to_agent, to_queue")
        if mode not in ("blind", "consult"):
            raise EngineError("invalid_request", f"unknown transfer mode {mode!r}")
        target_queue = None
        if to_queue is not None:
            target_queue = self.queues_by_id.get(to_queue)
            if target_queue is None:
                raise EngineError("no_such_queue", f"no queue {to_queue!r}")
        target_agent = self._agent(to_agent) if to_agent is not None else None
        if target_agent is agent:
            raise EngineError("invalid_request", "cannot transfer a call to yourself")
        if mode == "consult":
            if target_agent is None:
                assert target_queue is not None
                target_agent = self._pop_ready_agent(target_queue)
                if target_agent is None:
                    raise EngineError("no_agent_available", f"nobody is ready in {to_queue}")
            elif target_agent.state != READY:
                raise EngineError("agent_not_ready", f"agent {to_agent} is not ready")
            self._start_consult(agent, call, target_agent, target_queue)
            return
        if target_agent is not None and target_agent.state != READY:
            raise EngineError("agent_not_ready", f"agent {to_agent} is not ready")
        self._emit(
            TRANSFERRED,
            call.id,
            agent.id,
            _queue_id(call),
            {"mode": "blind", "from_agent": agent.id, "to_agent": to_agent, "to_queue": to_queue},
        )
        agent.calls_handled += 1
        self._start_wrapup(agent, call)
        call.queued_at = self.now
        call.visited = None
        if target_queue is not None:
            call.agent = None
            self._enter_queue(call, target_queue)
        else:
            assert target_agent is not None
            call.offer_queue = None
            self._offer(call, target_agent)

    def _start_consult(
        self, agent: Agent, call: Call, target: Agent, via_queue: Queue | None
    ) -> None:
        """`target` rings with the consult (picked from `via_queue` when one was asked for);
        its offer names both parties, so each desk shows who is on the line."""
        if agent.leg == TALKING:
            self._emit(HELD, call.id, agent.id, _queue_id(call), {})
            agent.leg = HELD_LEG
            self._set_state(agent, BUSY)
        call.consult_agent = target
        target.call = call
        target.direction = call.direction
        self._emit(
            OFFERED,
            call.id,
            target.id,
            _queue_id(call),
            {
                **self._offered_data(call, 0.0),
                "consult_from": agent.id,
                "consult": _consult_parties(agent, target, via_queue),
            },
        )
        self._set_state(target, RESERVED)
        if target.simulated:
            self._consult_connected(call, target)
        else:
            call.consult_state = "ringing"
            self._consult_ring(call)

    def _consult_connected(self, call: Call, target: Agent) -> None:
        """The consulted party picks up: the first agent talks to it, the caller on hold."""
        owner = call.agent
        call.consult_state = "consulting"
        self._emit(
            CONSULT_ANSWERED,
            call.id,
            target.id,
            _queue_id(call),
            {"from_agent": owner.id if owner is not None else None, "to_agent": target.id},
        )
        target.leg = TALKING
        self._set_state(target, BUSY)

    @_notifies
    def consult_action(self, agent_id: str, call_id: str, action: str) -> None:
        agent = self._human(agent_id)
        call = self._own_call(agent, call_id)
        target = call.consult_agent
        if call.agent is not agent or target is None:
            raise EngineError("invalid_state", f"agent {agent_id} has no consult on {call_id}")
        if action == "cancel":
            call.step_seq = 0
            self._leave_consult(call, "cancelled")
            return
        if call.consult_state != "consulting":
            raise EngineError("invalid_state", f"the consult on {call_id} is not connected")
        if action == "complete":
            self._emit(
                TRANSFERRED,
                call.id,
                agent.id,
                _queue_id(call),
                {
                    "mode": "consult",
                    "from_agent": agent.id,
                    "to_agent": target.id,
                    "to_queue": None,
                },
            )
            call.consult_agent = None
            call.consult_state = None
            call.agent = target
            agent.calls_handled += 1
            self._start_wrapup(agent, call)
            if target.simulated:
                talk = self._talk_sampler(call, target)()
                call.step_seq = self._at(self.now + talk, K_TALK_END, call)
        elif action == "conference":
            self._emit(
                CONFERENCED, call.id, agent.id, _queue_id(call), {"agents": [agent.id, target.id]}
            )
            call.consult_state = "conference"
            for member in (agent, target):
                member.leg = CONFERENCE
                self._set_state(member, BUSY)
        else:
            raise EngineError("invalid_request", f"unknown consult action {action!r}")

    @_notifies
    def dial(self, agent_id: str, number: str, customer_id: str | None = None) -> str:
        """An outbound call from a human who is ready or not ready; returns the new call id.

        After it the agent is back in the state it dialled from (not ready for a meeting
        stays so: the pending state says it), unless it sets another during the call."""
        agent = self._human(agent_id)
        if agent.state not in (READY, NOT_READY):
            raise EngineError("invalid_state", f"agent {agent_id} is {agent.state}")
        if not number:
            raise EngineError("invalid_request", "dial needs a number")
        if agent.state is NOT_READY:
            agent.pending = {"state": NOT_READY, "reason": agent.reason}
        known = self._known_customer(customer_id)
        tier = known[1] if known is not None else self._unknown_tier
        call = self._new_call(number, customer_id, tier, OUTBOUND)
        self._emit(
            ARRIVED,
            call.id,
            agent.id,
            None,
            {"ani": number, "customer_id": customer_id, "tier": tier, "direction": OUTBOUND},
        )
        call.agent = agent
        call.state = CALL_RINGING
        call.queued_at = self.now
        agent.call = call
        agent.direction = OUTBOUND
        self._set_state(agent, RESERVED)
        ring_s = self._rng_misc.uniform(*OUTBOUND_RING_S)
        call.step_seq = self._at(self.now + ring_s, K_CONNECT, call)
        return call.id

    @_notifies
    def companion_command(self, name: str, method: str, args: dict[str, Any]) -> Any:
        """A human's command to an attached companion (acknowledge an alert, move a
        ticket): `method(now=…, **args) -> (result, emissions)`; the emissions are logged."""
        return self._companion_command(name, method, args)

    @_notifies
    def record(
        self,
        event_type: str,
        *,
        call_id: str | None = None,
        agent_id: str | None = None,
        queue_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> int:
        """Append an event that is not the simulation's (a supervisor message, a ticket) at
        `now`, so the centre has one log and one seq; returns the event's seq."""
        self._emit(event_type, call_id, agent_id, queue_id, dict(data or {}))
        return self.last_seq

    @_notifies
    def place_call(
        self,
        queue_id: str,
        *,
        tier: str | None = None,
        ani: str | None = None,
        customer_id: str | None = None,
        via_ivr: bool = False,
        talk_s: float = -1.0,
        acw_s: float = -1.0,
        patience_s: float = -1.0,
    ) -> str:
        """A caller for `queue_id` arrives now (trainers replaying a call, tests); returns the
        call id. A known customer brings its own tier and number unless they are given.
        `talk_s`, `acw_s`, `patience_s` (when ≥ 0) are this caller's, instead of draws from
        the queue's distributions: a what-if gives each caller the same in every variant."""
        if queue_id not in self.queues_by_id:
            raise EngineError("no_such_queue", f"no queue {queue_id!r}")
        known = self._known_customer(customer_id)
        if known is not None:
            tier = tier if tier is not None else known[1]
            ani = ani if ani is not None else known[2]
        ani = ani if ani is not None else "10000000000"
        tier = tier if tier is not None else self._unknown_tier
        call = self._new_call(ani, customer_id, tier, INBOUND)
        call.talk_s = talk_s
        call.acw_s = acw_s
        call.patience_s = patience_s
        self._emit(
            ARRIVED, call.id, None, queue_id, {"ani": ani, "customer_id": customer_id, "tier": tier}
        )
        self._after_arrival(call, queue_id, via_ivr=via_ivr)
        return call.id

    @_notifies
    def complete_wrapup(
        self,
        agent_id: str,
        call_id: str,
        code: str,
        notes: str = "",
        script_path: Sequence[Sequence[str]] = (),
    ) -> None:
        agent = self._human(agent_id)
        call = self._own_call(agent, call_id)
        if agent.state != WRAP_UP:
            raise EngineError("invalid_state", f"agent {agent_id} is not wrapping up {call_id}")
        codes = self._wrapup_codes
        if codes and code not in codes:
            raise EngineError("invalid_code", f"{code!r} is not a wrap-up code")
        agent.wrap_seq = 0
        self._emit(
            WRAPUP_COMPLETED,
            call.id,
            agent.id,
            _queue_id(call),
            {"code": code, "notes": notes, "script_path": [list(step) for step in script_path]},
        )
        self._after_call(agent)

    @_notifies
    def save_wrapup_notes(
        self, agent_id: str, call_id: str, notes: str, script_path: Sequence[Sequence[str]] = ()
    ) -> None:
        """What the agent has typed so far in wrap-up: an automatic wrap-up carries it."""
        agent = self._wrapping_up(agent_id, call_id)
        agent.wrapup_notes = notes
        agent.wrapup_path = [list(step) for step in script_path]

    @_notifies
    def extend_wrapup(self, agent_id: str, call_id: str) -> float:
        """Add the queue's `wrapup_extend_s` to the deadline, once; returns the new one."""
        agent = self._wrapping_up(agent_id, call_id)
        call = agent.call
        queue = call.queue if call is not None else None
        extend_s = queue.wrapup_extend_s if queue is not None else 0.0
        if extend_s <= 0:
            raise EngineError("no_extension", "this queue's wrap-up cannot be extended")
        if agent.wrapup_extended or agent.wrapup_deadline is None:
            raise EngineError("already_extended", "a wrap-up is extended only once")
        agent.wrapup_extended = True
        deadline = agent.wrapup_deadline + extend_s
        agent.wrapup_deadline = deadline
        agent.wrap_seq = self._at(deadline, K_WRAP_END, agent)  # the old timer goes stale
        self._set_state(agent, WRAP_UP)  # same state: tells clients the new deadline
        return deadline

    def _wrapping_up(self, agent_id: str, call_id: str) -> Agent:
        agent = self._human(agent_id)
        self._own_call(agent, call_id)
        if agent.state != WRAP_UP:
            raise EngineError("invalid_state", f"agent {agent_id} is not wrapping up {call_id}")
        return agent


def _queue_id(call: Call) -> str | None:
    return call.queue.id if call.queue is not None else None


def _consult_parties(agent: Agent, target: Agent, via_queue: Queue | None) -> dict[str, Any]:
    """Who consults whom, as the offer names them: names, the target's role (a team leader,
    班组长, or an agent) and the queue or expert group it was reached through."""
    return {
        "from_agent": agent.id,
        "from_name": agent.config.name,
        "to_agent": target.id,
        "to_name": target.config.name,
        "to_team_leader": "supervisor" in target.config.also,
        "via_queue": via_queue.id if via_queue is not None else None,
        "via_queue_name": via_queue.config.name if via_queue is not None else None,
        "expert_group": via_queue.config.expert_group if via_queue is not None else False,
    }
