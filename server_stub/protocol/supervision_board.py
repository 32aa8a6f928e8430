"""The supervisor's boards on the wire: queue figures, agents' day figures, their definitions.

Every figure on the queues and agents boards is defined here once (DESIGN.md "Metrics")
and the boards name the variant they show:

- a window ("interval": the current half-hour; "today": since local midnight) counts the
  events that happened in it: a call joining the queue is *offered* (a re-queue after a
  ring with no answer is the same offer), then *answered* (within the queue's target T
  or not), *abandoned* or *overflowed*;
- service level SL(T) = answered within T ÷ (answered + abandoned + overflowed + callers
  waiting past T now): the DESIGN's first variant, abandons counted (`SL_VARIANT`);
- ASA = total wait of the answered ÷ answered; answer rate (接通率) = answered ÷ offered;
  abandon rate = abandoned ÷ offered;
- an agent's day: AHT = (talk + hold + after-call work) ÷ calls handled, a call counted
  when its wrap-up ends (or when it ends without one); occupancy = time busy or in
  wrap-up ÷ (that + ready + ringing): ringing is available time, not work.

`AgentDay` is the one fold of an agent's state changes into those sums; the server's
board and the client's store both use it, so the board a supervisor reads and the
route's answer cannot disagree.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server_stub.protocol.api import AgentStatus
from server_stub.protocol.supervision import NOTE_MAX_CHARS, AlertSnapshot, Thresholds

QUEUE_BOARD = "supervision.queue_board"  # a queue's figures, every stats interval

SL_VARIANT = "abandons in"  # which SL(T) the boards show (DESIGN.md "Metrics")
WORKING_STATES = frozenset({"busy", "wrap_up"})
AVAILABLE_STATES = frozenset({"ready", "reserved"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CallCounts(_Strict):
    """What happened to a queue's callers in one window."""

    offered: int = 0
    answered: int = 0
    answered_within_target: int = 0
    abandoned: int = 0
    overflowed: int = 0
    answer_wait_s: float = Field(default=0.0, description="total wait of the answered")


class AgentCounts(_Strict):
    """Agents serving the queue (a skill it needs), by state."""

    ready: int = 0
    ringing: int = 0
    busy: int = 0
    wrap_up: int = 0
    not_ready: int = 0

    @property
    def staffed(self) -> int:
        """Logged in and not "not ready": the agents the queue has now."""
        return self.ready + self.ringing + self.busy + self.wrap_up


class QueueBoardFigures(_Strict):
    """`supervision.queue_board` data: one queue at the event's sim time."""

    queue_id: str
    name: str
    target_s: float = Field(description="T of the service level")
    sl_goal: float = Field(description="the share to answer within T (0.8 for 80/20)")
    interval_start: float
    waiting: int = Field(description="in the queue, not ringing")
    ringing: int
    longest_wait_s: float = Field(description="the oldest caller in the queue, not ringing")
    waiting_past_target: int
    interval: CallCounts
    today: CallCounts
    agents: AgentCounts
    forecast_calls: float = Field(description="forecast for the whole half-hour")
    aht_s: float
    required_erlang_c: int | None = Field(description="agents for the goal, by Erlang C")
    required_erlang_a: int | None = Field(description="the same with the queue's patience")


def service_level(counts: CallCounts, waiting_past_target: int) -> float | None:
    """SL(T), abandons counted (`SL_VARIANT`); None with no call decided."""
    decided = counts.answered + counts.abandoned + counts.overflowed + waiting_past_target
    return counts.answered_within_target / decided if decided else None


def asa_s(counts: CallCounts) -> float | None:
    return counts.answer_wait_s / counts.answered if counts.answered else None


def answer_rate(counts: CallCounts) -> float | None:
    """接通率: answered ÷ offered."""
    return counts.answered / counts.offered if counts.offered else None


def sl_label(target_s: float, sl_goal: float) -> str:
    """`SL 80/20`: the goal and its T, as supervisors say it."""
    return f"SL {sl_goal:.0%}/{target_s:g}s".replace("%", "")


class AgentDay(_Strict):
    """An agent's day so far up to `since` (the start of its current state), and that state.

    The figures at a later instant add the open spell (`at(now)`): time in state is the
    only thing that moves between events."""

    agent_id: str
    state: str = "logged_out"
    since: float = 0.0
    working_s: float = 0.0  # busy (talk + hold) and wrap-up, closed spells
    available_s: float = 0.0  # ready and ringing, closed spells
    handled: int = 0
    handle_s: float = 0.0  # of the handled calls
    open_call_s: float = Field(default=0.0, description="of the call not yet handled")

    def changed(self, at: float, to: str) -> AgentDay:
        """The day after a state change to `to` at `at`."""
        spell = max(0.0, at - self.since)
        working, available = self.working_s, self.available_s
        open_call, handled, handle = self.open_call_s, self.handled, self.handle_s
        if self.state in WORKING_STATES:
            working += spell
            open_call += spell
            if to not in WORKING_STATES:  # the wrap-up (or the call) is over: one handled
                handled += 1
                handle += open_call
                open_call = 0.0
        elif self.state in AVAILABLE_STATES:
            available += spell
        return self.model_copy(
            update={
                "state": to,
                "since": at,
                "working_s": working,
                "available_s": available,
                "handled": handled,
                "handle_s": handle,
                "open_call_s": open_call,
            }
        )

    def call_seconds(self, now: float) -> float:
        """Time on the current call so far (holds included; after-call work once in it)."""
        if self.state not in WORKING_STATES:
            return 0.0
        return self.open_call_s + max(0.0, now - self.since)

    def occupancy(self, now: float) -> float | None:
        spell = max(0.0, now - self.since)
        working = self.working_s + (spell if self.state in WORKING_STATES else 0.0)
        available = self.available_s + (spell if self.state in AVAILABLE_STATES else 0.0)
        total = working + available
        return working / total if total > 0 else None

    @property
    def aht_s(self) -> float | None:
        return self.handle_s / self.handled if self.handled else None


def day_start(sim_time: float, day_offset_s: float) -> float:
    """Sim time of the local midnight before `sim_time` (the start of "today")."""
    local = day_offset_s + sim_time
    return local - (local % 86400.0) - day_offset_s


class AgentBoardRow(_Strict):
    """One agent on the agents board: its live state, its day, and its call's queue and tier."""

    status: AgentStatus
    day: AgentDay
    call_queue: str | None = None
    call_tier: str | None = None


class SupervisionBoard(_Strict):
    """`GET /v1/supervision/board`: both boards at `as_of`, after event `seq`."""

    as_of: float
    seq: int
    queues: list[QueueBoardFigures]
    agents: list[AgentBoardRow]
    thresholds: Thresholds = Field(description="the ladders that colour time in state")


class AlertHistoryItem(_Strict):
    sim_time: float
    type: str  # alert.raised / cleared / acknowledged
    data: dict[str, object]


class AlertsView(_Strict):
    """`GET /v1/supervision/alerts`: active alerts (most severe first) and recent history."""

    active: list[AlertSnapshot]
    history: list[AlertHistoryItem]


class AcknowledgeRequest(_Strict):
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)
