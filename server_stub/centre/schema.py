"""The centre configuration: what the simulated call centre is made of.

This schema is the contract between the YAML files (`loader.py` adds file and
line to every error), the engine (which only reads these models) and the
server (users, scripts). Times are seconds unless the name says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Strategy = Literal["leastrecent", "fewestcalls", "random"]
Role = Literal["agent", "supervisor", "trainer", "evaluator", "admin", "department"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Distribution(Strict):
    """A duration distribution. `mean_s` is the mean; `sd_s` the standard deviation."""

    dist: Literal["exponential", "lognormal", "fixed", "uniform"] = "exponential"
    mean_s: float = Field(gt=0)
    sd_s: float | None = Field(default=None, gt=0)
    min_s: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _lognormal_needs_sd(self) -> Distribution:
        if self.dist == "lognormal" and self.sd_s is None:
            raise ValueError("a lognormal distribution needs sd_s")
        return self


class Overflow(Strict):
    """What a caller gets when the queue is full (IN3)."""

    action: Literal["busy", "voicemail", "queue"] = "busy"
    target: str | None = Field(default=None, description="queue id, for action: queue")

    @model_validator(mode="after")
    def _queue_needs_target(self) -> Overflow:
        if self.action == "queue" and not self.target:
            raise ValueError("overflow to a queue needs a target queue id")
        return self


class Arrivals(Strict):
    """Poisson arrivals: `calls_per_day` spread by a half-hourly profile shape."""

    calls_per_day: float = Field(ge=0)
    profile: str = Field(description="name of an entry in `arrival_profiles`")


class Survey(Strict):
    """The post-call satisfaction survey (IN8): how the simulated callers it reaches score.

    `scores` weighs each score 1..5 (need not sum to 1); `hang_up_share` of the callers
    hang up instead of scoring; a caller scores (or hangs up) `answer_s` after the agent
    transferred it. Simulated agents offer it after `simulated_offer_rate` of their calls."""

    scores: dict[int, float] = Field(
        default_factory=lambda: {1: 0.04, 2: 0.06, 3: 0.15, 4: 0.35, 5: 0.4}
    )
    hang_up_share: float = Field(default=0.2, ge=0, le=1)
    answer_s: float = Field(default=15.0, gt=0)
    simulated_offer_rate: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _scores_one_to_five(self) -> Survey:
        wrong = sorted(score for score in self.scores if not 1 <= score <= 5)
        if wrong:
            raise ValueError(f"survey scores are 1..5, not {wrong}")
        if any(weight < 0 for weight in self.scores.values()):
            raise ValueError("survey score weights cannot be negative")
        if sum(self.scores.values()) <= 0:
            raise ValueError("survey scores need a weight above 0")
        return self


class QueueConfig(Strict):
    id: str
    name: str
    skill: str
    priority: int = 0  # higher first when an agent serves several queues
    max_length: int = Field(default=50, ge=0)
    overflow: Overflow = Overflow()
    strategy: Strategy = "leastrecent"
    ring_timeout_s: float = Field(default=15, gt=0)
    sl_target_s: float = Field(default=20, gt=0)
    wrapup_limit_s: float = Field(default=60, gt=0)
    wrapup_extend_s: float = Field(
        default=0, ge=0, description="seconds a human may add to a wrap-up, once (0: never)"
    )
    talk_time: Distribution
    after_call_work: Distribution | None = None  # None: no after-call work
    patience: Distribution | None = None  # None: callers never abandon
    arrivals: Arrivals | None = None
    scripts: list[str] = Field(default_factory=list, description="flow script ids")
    # An expert group (IN7, TK5): the directory offers it for escalations and consults.
    expert_group: bool = Field(default=False, description="offered as an escalation target")
    survey: Survey | None = Field(default=None, description="None: the centre's survey")


class IvrOption(Strict):
    key: str
    label: str
    next: str | None = None  # another IVR node
    queue: str | None = None  # or a queue
    self_service: str | None = None  # or a self-service exit (IN1)

    @model_validator(mode="after")
    def _exactly_one_target(self) -> IvrOption:
        if sum(x is not None for x in (self.next, self.queue, self.self_service)) != 1:
            raise ValueError("an IVR option needs exactly one of next, queue, self_service")
        return self


class IvrNode(Strict):
    prompt: str
    duration_s: float = Field(default=8, ge=0)
    self_service_share: float = Field(default=0.0, ge=0, le=1)
    options: list[IvrOption]


class Ivr(Strict):
    root: str
    nodes: dict[str, IvrNode]


class Tier(Strict):
    priority: int = 0  # added to the queue priority: higher is served first (IN2)
    share: float = Field(ge=0, le=1, description="share of customers in this tier")
    route_to: str | None = Field(default=None, description="queue that takes this tier's calls")


class Break(Strict):
    at: str = Field(pattern=r"^\d{2}:\d{2}$")
    minutes: float = Field(gt=0)
    reason: str


class Shift(Strict):
    start: str = Field(pattern=r"^\d{2}:\d{2}$")
    end: str = Field(pattern=r"^\d{2}:\d{2}$")
    breaks: list[Break] = Field(default_factory=list)


class AgentConfig(Strict):
    id: str
    name: str
    team: str
    skills: dict[str, int] = Field(description="skill -> level 1..10; higher is better")
    shift: str | None = None  # simulated: follow it (None = on all day); humans log in themselves
    simulated: bool = True
    password_hash: str | None = None  # humans only: scrypt$n$r$p$salt$hash
    # A human with a seat may hold more roles: a team leader (班组长) who also takes calls
    # is an agent who supervises `supervises` (team ids).
    also: list[Role] = Field(default_factory=list, description="roles beyond agent")
    supervises: list[str] = Field(default_factory=list, description="teams, for also: supervisor")


class UserConfig(Strict):
    """A login without a seat: supervisors, trainers, evaluators, admins."""

    id: str
    name: str
    role: Role
    teams: list[str] = Field(default_factory=list)
    # The floor manager (值班长): a supervisor of every team, present and future.
    floor: bool = Field(default=False, description="supervisor of the whole floor")
    # A department user (back office) works tickets in these workflow queues (workflow.yaml).
    work_queues: list[str] = Field(default_factory=list, description="for role: department")
    password_hash: str


class Team(Strict):
    id: str
    name: str
    supervisor: str | None = None


class Code(Strict):
    code: str
    label: str


class Customers(Strict):
    count: int = Field(default=10_000, ge=1)
    seed: int = 7
    locales: list[str] = Field(default_factory=lambda: ["zh_CN", "en_US"])
    locale_weights: list[float] | None = Field(
        default=None, description="relative weight of each locale; None = equal"
    )
    known_caller_share: float = Field(default=0.9, ge=0, le=1)


class CentreInfo(Strict):
    name: str
    sl_target_s: float = 20
    stats_interval_s: float = Field(default=5, gt=0)
    epoch: str = Field(default="2026-11-23T08:00:00+08:00", description="sim time 0")


# TK2: the ticket categories the source documents name, for a centre file that names none.
DEFAULT_TICKET_CATEGORIES: tuple[Code, ...] = (
    Code(code="enquiry", label="咨询 Enquiry"),
    Code(code="fault", label="故障 Fault"),
    Code(code="complaint", label="投诉 Complaint"),
    Code(code="suggestion", label="建议 Suggestion"),
    Code(code="billing", label="账务 Billing"),
)


class SimulatedTicket(Strict):
    """The back office's inflow from the simulated floor: a simulated agent's wrap-up with
    `code` on a call of `queue` opens a ticket of `category` (`share` of such wrap-ups do;
    the rest were settled on the call), as a desk's would, with one of `subjects`. Both
    picks go by the call's id, so the same day raises the same tickets."""

    code: str
    queue: str
    category: str
    share: float = Field(default=1.0, gt=0, le=1)
    # tickets of this kind already open when a new centre's day starts (the night's), so
    # the back office has work at once
    at_opening: int = Field(default=0, ge=0, le=100)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    subjects: list[str] = Field(min_length=1)


class CentreConfig(Strict):
    centre: CentreInfo
    skills: list[str]
    queues: list[QueueConfig]
    ivr: Ivr | None = None
    tiers: dict[str, Tier] = Field(default_factory=lambda: {"normal": Tier(share=1.0)})
    arrival_profiles: dict[str, list[float]] = Field(
        default_factory=dict, description="48 half-hourly weights from 00:00"
    )
    teams: list[Team] = Field(default_factory=list)
    shifts: dict[str, Shift] = Field(default_factory=dict)
    agents: list[AgentConfig] = Field(default_factory=list)
    users: list[UserConfig] = Field(default_factory=list)
    reason_codes: list[Code] = Field(default_factory=list)
    wrapup_codes: list[Code] = Field(default_factory=list)
    ticket_categories: list[Code] = Field(
        default_factory=list, description="empty = the TK2 categories the documents name"
    )
    customers: Customers = Customers()
    survey: Survey = Survey()  # each queue's unless it has its own (IN8)
    simulated_tickets: list[SimulatedTicket] = Field(default_factory=list)

    def categories(self) -> list[Code]:
        """The file's ticket categories, or the TK2 set when it names none."""
        return list(self.ticket_categories) or list(DEFAULT_TICKET_CATEGORIES)


DEFAULT_EPOCH = "2026-11-23T08:00:00+08:00"


def centre_epoch(config: CentreConfig) -> datetime:
    """Sim time 0 as a date-time (the default epoch where the file's does not parse)."""
    try:
        return datetime.fromisoformat(config.centre.epoch)
    except ValueError:
        return datetime.fromisoformat(DEFAULT_EPOCH)
