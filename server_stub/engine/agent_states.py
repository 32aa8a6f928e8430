"""The agent state machine: states and their counts, the pending next state, timed wrap-up.

`logged_out → not_ready{reason} ⇄ ready → reserved → busy{leg, direction} →
wrap_up{deadline} → ready | the pending state`. Every `agent.state_changed` event's data
comes from `_state_data`, the one builder; the commonest (no reason, no pending, no
deadline) are shared dicts, so consumers must treat event data as read-only.
"""

from __future__ import annotations

import random
from typing import Any, Final

from server_stub.centre.schema import CentreConfig
from server_stub.engine.model import NOT_READY, READY, WRAP_UP, Agent, Call
from server_stub.engine.scheduler import Scheduler
from server_stub.engine.vocabulary import (
    K_BREAK_END,
    K_WRAP_END,
    STATE_CHANGED,
    WRAPUP_COMPLETED,
)

DEFAULT_WRAPUP_LIMIT_S: Final = 60.0


class AgentStates(Scheduler):
    """The floor's agents and the rules by which their states change."""

    def __init__(self, config: CentreConfig, seed: int, *, keep_log: bool) -> None:
        super().__init__(keep_log=keep_log)
        self.config = config
        self.seed = seed
        # one stream per purpose, so that e.g. a human's dial does not shift the arrivals
        self._rng_callers = random.Random(f"{seed}/callers")
        self._rng_service = random.Random(f"{seed}/service")
        self._rng_misc = random.Random(f"{seed}/misc")
        self.agents_by_id: dict[str, Agent] = {ac.id: Agent(ac) for ac in config.agents}
        # (from, to, leg, direction) -> the shared data of a change with no reason or pending
        self._shared_state_data: dict[tuple[str, str, str | None, str | None], dict[str, Any]] = {}
        self._wrapup_codes = [c.code for c in config.wrapup_codes]
        # one shared (read-only) wrapup_completed data dict per code, picked by index
        self._wrapup_data = [
            {"code": code, "notes": "", "script_path": []} for code in self._wrapup_codes
        ]
        # rng.randrange(n) is getrandbits(n.bit_length()) redrawn until below n: inlined
        self._wrapup_bits = len(self._wrapup_codes).bit_length()
        self._getrandbits_misc = self._rng_misc.getrandbits

    # ------------------------------------------------------------------ hooks

    def _make_ready(self, agent: Agent) -> None:
        """The agent is free: the ACD gives it a waiting call or keeps it READY (routing)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ states

    def _state_data(
        self,
        frm: str,
        to: str,
        reason: str | None,
        pending: dict[str, Any] | None,
        leg: str | None,
        direction: str | None,
        deadline: float | None,
    ) -> dict[str, Any]:
        """The data of an `agent.state_changed` event (the only place it is built)."""
        if reason is None and pending is None:
            key = (frm, to, leg, direction)
            shared = self._shared_state_data.get(key)
            if shared is None:
                shared = self._shared_state_data[key] = {
                    "from": frm,
                    "to": to,
                    "reason": None,
                    "pending": None,
                    "leg": leg,
                    "direction": direction,
                    "wrapup_deadline": None,
                }
            if deadline is None:
                return shared
            data = shared.copy()  # a wrap-up: its own deadline (a copy beats a 7-key literal)
            data["wrapup_deadline"] = deadline
            return data
        return {
            "from": frm,
            "to": to,
            "reason": reason,
            "pending": pending,
            "leg": leg,
            "direction": direction,
            "wrapup_deadline": deadline,
        }

    def _set_state(self, agent: Agent, to: str, reason: str | None = None) -> None:
        frm = agent.state
        if frm is not to:
            agent.state_counts.move(frm, to)
            if frm is READY:
                agent.ready_seq = 0  # its entries in the ready heaps are stale now
        if frm is not to or reason != agent.reason:
            agent.since = self.now  # not on hold, retrieve or a pending state: the same state
        agent.state = to
        agent.reason = reason
        call = agent.call
        if call is not None:
            call_id: str | None = call.id
            queue_id = call.queue.id if call.queue is not None else None
        else:
            call_id = queue_id = None
        data = self._state_data(
            frm, to, reason, agent.pending, agent.leg, agent.direction, agent.wrapup_deadline
        )
        self._out.append((self.now, STATE_CHANGED, call_id, agent.id, queue_id, data))

    def _after_call(self, agent: Agent) -> None:
        """Wrap-up is over: the pending state if one was set, else READY."""
        pending = agent.pending
        if pending is None:
            self._make_ready(agent)
            return
        agent.pending = None
        agent.call = None
        agent.leg = None
        agent.direction = None
        agent.wrapup_deadline = None
        self._set_state(agent, pending["state"], pending["reason"])
        if agent.pending_break_s is not None and pending["state"] == NOT_READY:
            agent.break_seq = self._at(self.now + agent.pending_break_s, K_BREAK_END, agent)
        agent.pending_break_s = None

    # ------------------------------------------------------------------ wrap-up

    def _start_wrapup(self, agent: Agent, call: Call) -> None:
        """The agent is done talking on `call` (which may live on elsewhere): wrap up or move on.

        A simulated agent wraps up for its queue's after-call work; a human until it says
        so, or the queue's wrap-up limit."""
        agent.leg = None
        agent.call = call
        queue = call.queue
        if agent.simulated:
            acw = queue.acw if queue is not None else None
            if acw is None:
                self._after_call(agent)
                return
            deadline = self.now + (call.acw_s if call.acw_s >= 0.0 else acw())
        else:
            limit = queue.wrapup_limit_s if queue is not None else self._wrapup_limit(agent)
            deadline = self.now + limit
        agent.wrapup_deadline = deadline
        agent.wrapup_notes = ""
        agent.wrapup_path = []
        agent.wrapup_extended = False
        self._set_state(agent, WRAP_UP)
        agent.wrap_seq = self._at(deadline, K_WRAP_END, agent)

    def _wrapup_limit(self, agent: Agent) -> float:
        if agent.queues:
            return agent.queues[0].wrapup_limit_s
        return DEFAULT_WRAPUP_LIMIT_S

    def _on_wrap_end(self, agent: Agent, seq: int) -> None:
        """Wrap-up time is over: a simulated agent picks a code; a human overran (`auto`)."""
        if agent.wrap_seq != seq:
            return
        agent.wrap_seq = 0
        call = agent.call
        codes = self._wrapup_codes
        data: dict[str, Any]
        if agent.simulated and codes:
            count = len(codes)
            bits = self._wrapup_bits
            getrandbits = self._getrandbits_misc
            pick = getrandbits(bits)  # exactly what rng.randrange(count) draws
            while pick >= count:
                pick = getrandbits(bits)
            data = self._wrapup_data[pick]
        else:
            # Over-ran the limit: what the agent typed goes with it, never lost.
            data = {
                "code": "auto",
                "notes": agent.wrapup_notes,
                "script_path": agent.wrapup_path,
            }
        if call is not None:
            call_id: str | None = call.id
            queue_id = call.queue.id if call.queue is not None else None
        else:
            call_id = queue_id = None
        self._out.append((self.now, WRAPUP_COMPLETED, call_id, agent.id, queue_id, data))
        self._after_call(agent)
