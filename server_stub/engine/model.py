"""The engine's mutable state: agents, calls and queues as `__slots__` objects (no validation)."""

from __future__ import annotations

from typing import Any, Final

from server_stub.centre.schema import AgentConfig, QueueConfig
from server_stub.engine.distributions import Sampler
from server_stub.protocol.events import AgentState

LOGGED_OUT: Final = AgentState.LOGGED_OUT.value
NOT_READY: Final = AgentState.NOT_READY.value
READY: Final = AgentState.READY.value
RESERVED: Final = AgentState.RESERVED.value
BUSY: Final = AgentState.BUSY.value
WRAP_UP: Final = AgentState.WRAP_UP.value
ALL_STATES: Final = (LOGGED_OUT, NOT_READY, READY, RESERVED, BUSY, WRAP_UP)

MAX_LEVEL: Final = 10  # skill levels are 1..10

# call.state values (what call_view reports)
CALL_IVR: Final = "ivr"
CALL_QUEUED: Final = "queued"
CALL_RINGING: Final = "ringing"
CALL_CONNECTED: Final = "connected"
CALL_ENDED: Final = "ended"


class StateCounts:
    """How many agents of a group are in each state (a field each: no dict lookups)."""

    __slots__ = ("busy", "logged_out", "not_ready", "ready", "reserved", "wrap_up")

    def __init__(self) -> None:
        self.logged_out = 0
        self.not_ready = 0
        self.ready = 0
        self.reserved = 0
        self.busy = 0
        self.wrap_up = 0

    def move(self, frm: str, to: str) -> None:
        """One agent goes from state `frm` to state `to`."""
        self.add(frm, -1)
        self.add(to, 1)

    def add(self, state: str, agents: int) -> None:
        # the engine's own constants: identity first, equality for a string from elsewhere
        if state is READY or state == READY:
            self.ready += agents
        elif state is BUSY or state == BUSY:
            self.busy += agents
        elif state is WRAP_UP or state == WRAP_UP:
            self.wrap_up += agents
        elif state is RESERVED or state == RESERVED:
            self.reserved += agents
        elif state is NOT_READY or state == NOT_READY:
            self.not_ready += agents
        elif state is LOGGED_OUT or state == LOGGED_OUT:
            self.logged_out += agents
        else:
            raise ValueError(f"no agent state {state!r}")

    def as_dict(self) -> dict[str, int]:
        return {
            LOGGED_OUT: self.logged_out,
            NOT_READY: self.not_ready,
            READY: self.ready,
            RESERVED: self.reserved,
            BUSY: self.busy,
            WRAP_UP: self.wrap_up,
        }


class Agent:
    __slots__ = (
        "break_seq",
        "call",
        "calls_handled",
        "config",
        "direction",
        "id",
        "leg",
        "levels",
        "pending",
        "pending_break_s",
        "queues",
        "ready_seq",
        "reason",
        "simulated",
        "since",
        "state",
        "state_counts",
        "wrap_seq",
        "wrapup_deadline",
        "wrapup_extended",
        "wrapup_notes",
        "wrapup_path",
    )

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.id = config.id
        self.simulated = config.simulated
        self.state = LOGGED_OUT
        self.reason: str | None = None
        self.since = 0.0
        self.pending: dict[str, Any] | None = (
            None  # {"state", "reason"} applied when the call is done
        )
        self.pending_break_s: float | None = None  # a shift break waiting in `pending`
        self.leg: str | None = None
        self.direction: str | None = None
        self.call: Call | None = None  # the call rung, talked or wrapped; never two
        self.wrapup_deadline: float | None = None
        # What a human has typed in wrap-up so far: it goes with an automatic wrap-up.
        self.wrapup_notes = ""
        self.wrapup_path: list[list[str]] = []
        self.wrapup_extended = False  # a wrap-up may be extended once
        self.calls_handled = 0
        self.ready_seq = 0  # nonzero while READY: validates entries in the queues' ready heaps
        self.wrap_seq = 0
        self.break_seq = 0
        self.queues: list[Queue] = []
        self.levels: dict[str, int] = {}  # queue id -> skill level there
        # state -> agents, shared by every agent serving the same queues (one update per change)
        self.state_counts = StateCounts()


class Call:
    __slots__ = (
        "abandon_seq",
        "acw_s",
        "agent",
        "ani",
        "answered_at",
        "arrived_at",
        "consult_agent",
        "consult_state",
        "customer_id",
        "direction",
        "id",
        "ivr_index",
        "ivr_path",
        "ivr_steps",
        "offer_queue",
        "patience_s",
        "priority",
        "queue",
        "queued_at",
        "state",
        "step_seq",
        "talk_s",
        "tier",
        "tier_priority",
        "visited",
        "wait_seq",
    )

    def __init__(
        self,
        call_id: str,
        ani: str,
        customer_id: str | None,
        tier: str | None,
        tier_priority: int,
        arrived_at: float,
        direction: str,
    ) -> None:
        self.id = call_id
        self.ani = ani
        self.customer_id = customer_id
        self.tier = tier
        self.tier_priority = tier_priority
        self.arrived_at = arrived_at
        self.direction = direction
        self.queue: Queue | None = None
        self.priority = tier_priority
        self.queued_at: float | None = None
        self.answered_at: float | None = None
        self.agent: Agent | None = None
        self.state = CALL_IVR
        self.ivr_path: list[list[str | None]] = []
        self.ivr_steps: list[Any] | None = None
        self.ivr_index = 0
        self.wait_seq = 0  # nonzero while waiting: validates the entry in the queue's waiting heap
        self.abandon_seq = 0  # the live patience timer, 0 = none
        self.step_seq = 0  # the live ivr / ring / talk / connect timer, 0 = none
        self.offer_queue: Queue | None = None  # queue whose answer counters this offer feeds
        self.consult_agent: Agent | None = None
        self.consult_state: str | None = None  # ringing | consulting | conference
        self.visited: set[str] | None = None  # queues passed by overflow, to stop loops
        # Durations given with the call (a what-if's common random numbers: the same caller
        # talks as long whoever answers); below 0 the queue's samplers draw them.
        self.talk_s = -1.0
        self.acw_s = -1.0
        self.patience_s = -1.0


class Lane:
    """Ready agents of one skill level in one queue, in the order they became ready.

    `entries[head:]` are (ready_seq, agent); an entry is live while the agent still has that
    ready_seq. Time only moves forward, so appending keeps the lane in (since, seq) order.
    """

    __slots__ = ("entries", "head")

    def __init__(self) -> None:
        self.entries: list[tuple[int, Agent]] = []
        self.head = 0


class Queue:
    __slots__ = (
        "abandoned",
        "acw",
        "agents",
        "answered",
        "answered_in_sl",
        "config",
        "count_groups",
        "id",
        "lane_entries",
        "lane_levels",
        "lanes",
        "max_length",
        "offered",
        "overflowed",
        "patience",
        "priority",
        "ready",
        "ring_timeout_s",
        "sl_target_s",
        "strategy",
        "talk",
        "waiting",
        "waiting_count",
        "wrapup_extend_s",
        "wrapup_limit_s",
    )

    def __init__(
        self,
        config: QueueConfig,
        talk: Sampler,
        acw: Sampler | None,
        patience: Sampler | None,
    ) -> None:
        self.config = config
        self.id = config.id
        self.priority = config.priority
        self.max_length = config.max_length
        self.strategy = config.strategy
        # read on every call: plain attributes here, not a pydantic model's (which costs more)
        self.sl_target_s = float(config.sl_target_s)
        self.ring_timeout_s = float(config.ring_timeout_s)
        self.wrapup_limit_s = float(config.wrapup_limit_s)
        self.wrapup_extend_s = float(config.wrapup_extend_s)
        self.talk = talk
        self.acw = acw
        self.patience = patience
        # (-priority, queued_at, seq, call): highest priority, then longest waiting
        self.waiting: list[tuple[int, float, int, Call]] = []
        self.waiting_count = 0
        # strategy key..., ready_seq, agent (fewestcalls, random)
        self.ready: list[tuple[Any, ...]] = []
        # leastrecent: one lane per skill level (index), served best level first, then FIFO
        self.lanes: list[Lane] | None = (
            [Lane() for _ in range(MAX_LEVEL + 1)] if config.strategy == "leastrecent" else None
        )
        self.lane_levels: list[int] = []  # the levels its agents have, best first
        self.lane_entries = 0  # entries in its lanes, live or stale
        self.agents: list[Agent] = []
        # the state counts of the agent groups serving this queue (see Agent.state_counts)
        self.count_groups: list[StateCounts] = []
        self.offered = 0
        self.answered = 0
        self.answered_in_sl = 0
        self.abandoned = 0
        self.overflowed = 0
