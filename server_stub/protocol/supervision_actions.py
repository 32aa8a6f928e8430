"""A supervisor's actions on the wire (SV2, SV3): requests, and the events they log.

Every action is an event in the log; what the agent's desk shows of them is named by
`AGENT_NOTICE_TYPES` (the feed sends those to the agent named), and silent monitoring is
never among them. Broadcasts reuse `supervisor.message` with `pinned: true` and a
`broadcast_id`, and stay pinned on desks until `supervisor.message_withdrawn`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MESSAGE_WITHDRAWN = "supervisor.message_withdrawn"  # {broadcast_id, team_id, by}
WHISPER = "supervisor.whisper"  # {text, by, call_id}: only the agent (and supervisors)
FORCED_STATE = "supervisor.forced_state"  # {state, reason, by, after_call}
WRAPUP_ENDED = "supervisor.wrapup_ended"  # {call_id, code, by}
MONITOR_STARTED = "supervisor.monitor_started"  # {monitor_id, call_id, by, chosen_by}
MONITOR_ENDED = "supervisor.monitor_ended"  # {monitor_id, call_id, by}
BARGED = "supervisor.barged"  # {monitor_id, call_id, by}: the agent and caller hear it

# What the agent named in the event sees on its desk.
AGENT_NOTICE_TYPES = frozenset({WHISPER, FORCED_STATE, WRAPUP_ENDED, BARGED})
TEXT_MAX_CHARS = 4_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BroadcastRequest(_Strict):
    """统一口径: pinned on the desks of a team (`team_id`) or, for the floor manager, all."""

    text: str = Field(min_length=1, max_length=TEXT_MAX_CHARS)
    team_id: str | None = None


class Broadcast(_Strict):
    broadcast_id: str
    text: str
    team_id: str | None
    sender: str
    sender_name: str
    sent_at: float


class Broadcasts(_Strict):
    """Pinned broadcasts now (`GET /v1/supervision/broadcasts`; an agent gets its own)."""

    active: list[Broadcast]


class ForceStateRequest(_Strict):
    """Ready, not ready (with a reason) or logged out: now when the agent is off calls,
    after its current call otherwise."""

    state: Literal["ready", "not_ready", "logged_out"]
    reason: str | None = None


class ForceStateResult(_Strict):
    seq: int
    after_call: bool


class EndWrapupRequest(_Strict):
    code: str | None = Field(default=None, description="a wrap-up code; the centre's first")


class WhisperRequest(_Strict):
    text: str = Field(min_length=1, max_length=TEXT_MAX_CHARS)


class MonitorRequest(_Strict):
    """Which call to listen to: an agent's, a queue's, a customer's, or one at random."""

    agent_id: str | None = None
    queue_id: str | None = None
    customer_id: str | None = None


class MonitorSession(_Strict):
    monitor_id: str
    agent_id: str
    call_id: str
    queue_id: str | None
    started_at: float
    by: str
    chosen_by: Literal["agent", "queue", "customer", "random"]
    barged: bool = False
