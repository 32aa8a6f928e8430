"""The flattened hot path: what most calls go through, written out in one piece for speed.

A simulated agent's call is offered, answered at once, talked, ended and wrapped up; the
plain path (`routing.py`, `agent_states.py`) does it in small general steps. Each override
below logs exactly what the plain path logs, and draws the same random numbers; with
`flat_hot_path=False` the plain path runs instead (`tests/engine/test_hot_path.py` runs
centres both ways and compares the logs event for event).
"""

from __future__ import annotations

from collections.abc import Sequence

from server_stub.centre.schema import CentreConfig
from server_stub.engine.model import (
    BUSY,
    CALL_CONNECTED,
    CALL_ENDED,
    READY,
    RESERVED,
    WRAP_UP,
    Agent,
    Call,
)
from server_stub.engine.vocabulary import (
    ANSWERED,
    ENDED,
    K_TALK_END,
    K_WRAP_END,
    OFFERED,
    OUT_ANSWERED,
    STATE_CHANGED,
    TALKING,
)
from server_stub.engine.workforce import Workforce


class HotPath(Workforce):
    """The plain path, with its commonest sequences flattened (unless switched off)."""

    def __init__(
        self,
        config: CentreConfig,
        seed: int,
        customers: Sequence[tuple[str, str, str]] | None,
        *,
        keep_log: bool,
        emit_queue_stats: bool,
        flat_hot_path: bool,
    ) -> None:
        super().__init__(
            config, seed, customers, keep_log=keep_log, emit_queue_stats=emit_queue_stats
        )
        self._flat = flat_hot_path
        self._hangup_data = self._ended_data("caller", "hangup", OUT_ANSWERED)

    def _offer(self, call: Call, agent: Agent) -> None:
        """Offered, reserved, answered at once (0 s ring), busy, talk: as `_offer` + `_answer`."""
        queue = call.queue
        if not (
            self._flat and agent.simulated and queue is not None and call.consult_agent is None
        ):
            super()._offer(call, agent)
            return
        now = self.now
        out = self._out
        call_id = call.id
        agent_id = agent.id
        queue_id = queue.id
        direction = call.direction
        queued_at = call.queued_at
        waited = now - queued_at if queued_at is not None else 0.0
        call.agent = agent
        agent.call = call
        agent.direction = direction
        out.append((now, OFFERED, call_id, agent_id, queue_id, self._offered_data(call, waited)))
        frm = agent.state
        agent.state_counts.move(frm, BUSY)  # straight to busy: the reserved instant counts not
        if frm is READY:
            agent.ready_seq = 0
        agent.reason = None
        agent.since = now
        pending = agent.pending
        reserved = self._state_data(frm, RESERVED, None, pending, None, direction, None)
        out.append((now, STATE_CHANGED, call_id, agent_id, queue_id, reserved))
        call.abandon_seq = 0
        call.state = CALL_CONNECTED
        call.answered_at = now
        self._count_answer(call, waited)
        answered = {"waited_s": waited, "direction": direction}
        out.append((now, ANSWERED, call_id, agent_id, queue_id, answered))
        agent.leg = TALKING
        agent.state = BUSY
        busy = self._state_data(RESERVED, BUSY, None, pending, TALKING, direction, None)
        out.append((now, STATE_CHANGED, call_id, agent_id, queue_id, busy))
        talk_s = call.talk_s
        call.step_seq = self._at(
            now + (talk_s if talk_s >= 0.0 else queue.talk()), K_TALK_END, call
        )

    def _on_talk_end(self, call: Call, seq: int) -> None:
        """The caller hangs up on a simulated agent: ended, then wrap-up for the queue's
        after-call work; as `_end_call` + `_start_wrapup`."""
        if call.step_seq != seq:
            return
        agent = call.agent
        assert agent is not None
        queue = call.queue
        acw = queue.acw if queue is not None else None
        if (
            acw is None
            or queue is None
            or not self._flat
            or not agent.simulated
            or call.consult_agent is not None
            or call.wait_seq
        ):
            super()._on_talk_end(call, seq)
            return
        call.step_seq = 0
        now = self.now
        out = self._out
        call_id = call.id
        agent_id = agent.id
        queue_id = queue.id
        call.abandon_seq = 0
        call.state = CALL_ENDED
        self.calls.pop(call_id, None)
        out.append((now, ENDED, call_id, agent_id, queue_id, self._hangup_data))
        agent.calls_handled += 1
        agent.leg = None
        agent.call = call
        acw_s = call.acw_s
        deadline = now + (acw_s if acw_s >= 0.0 else acw())
        agent.wrapup_deadline = deadline
        frm = agent.state
        if frm is not WRAP_UP:
            agent.state_counts.move(frm, WRAP_UP)
            if frm is READY:
                agent.ready_seq = 0
        agent.state = WRAP_UP
        agent.reason = None
        agent.since = now
        wrap_up = self._state_data(
            frm, WRAP_UP, None, agent.pending, None, agent.direction, deadline
        )
        out.append((now, STATE_CHANGED, call_id, agent_id, queue_id, wrap_up))
        agent.wrap_seq = self._at(deadline, K_WRAP_END, agent)
