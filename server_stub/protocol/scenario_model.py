"""The training-scenario format (TR1): pydantic models, the vocabulary, the score shapes.

A scenario is YAML text, the source of truth (`server_stub/centres/*/scenarios/*.yaml`);
the server sends the parsed model as JSON and a desk rebuilds it with
`Scenario.model_validate`. Validation with file, line and item lives in `scenario_check`;
the scoring arithmetic in `server_stub.training.scoring`; this module holds the shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from server_stub.protocol.content_model import Strict, VersionedContent

# The caller's mood, worst first; a turn's `mood: -1` moves one place to the left.
MOODS: Final[tuple[str, ...]] = ("furious", "angry", "annoyed", "neutral", "calm", "pleased")
MoodName = Literal["furious", "angry", "annoyed", "neutral", "calm", "pleased"]
NEUTRAL_INDEX: Final = MOODS.index("neutral")

Difficulty = Literal["easy", "medium", "hard"]
PhraseName = Literal["greeting", "hold", "closing"]  # SC2's standard phrases
ALL_PHRASES: Final[tuple[PhraseName, ...]] = ("greeting", "hold", "closing")
ScoreDimension = Literal["path", "actions", "phrases", "time", "wrapup"]

# What the caller can react to besides reaching a script step (the turn's key).
TURN_EVENTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "on_answer": "the trainee answers, before any greeting",
        "on_hold": "the trainee puts the caller on hold",
        "on_retrieve": "the trainee comes back from hold",
        "on_consult": "the trainee consults someone (the caller waits on hold)",
        "on_transfer": "the trainee transfers the call",
        "on_ticket": "the trainee creates a ticket",
        "on_callback": "the trainee books a callback",
        "on_survey": "the trainee offers the satisfaction survey",
        "on_end": "the trainee ends the call",
    }
)

# Desk actions a scenario may require, with the arguments each one takes.
ACTION_KINDS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "verify_identity": ("step", "key"),  # the option chosen at the verification step
        "hold": ("max_s",),
        "hold_with_phrase": ("max_s",),  # a hold placed with the standard hold phrase
        "ticket": ("category", "priority", "department"),
        "transfer": ("mode", "queue", "agent", "role"),
        "consult": ("queue", "agent", "role"),
        "conference": (),
        "callback": ("reason",),
        "survey": (),
        "step": ("id",),  # walked a given script step
    }
)
# The argument a scalar stands for: `ticket: complaint` is `ticket: {category: complaint}`.
SHORTHAND_ARGUMENT: Final[Mapping[str, str]] = MappingProxyType(
    {
        "verify_identity": "key",
        "hold": "max_s",
        "hold_with_phrase": "max_s",
        "ticket": "category",
        "transfer": "role",  # a role name; any other word is taken as a queue id
        "consult": "role",
        "callback": "reason",
        "step": "id",
    }
)
# Roles a transfer or consult may name instead of a queue or an agent.
ROLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "team_leader": "the trainee's team leader (班组长)",
        "supervisor": "a supervisor on duty (值班长)",
        "expert": "an expert group member",
    }
)
VERIFY_DEFAULTS: Final = {"step": "verify", "key": "y"}


def _as_list(value: Any) -> Any:
    """`visited: verify` means `visited: [verify]`."""
    return [value] if isinstance(value, str) else value


WordList = Annotated[list[str], BeforeValidator(_as_list)]


class Condition(Strict):
    """When a branch of a turn applies: every condition given must hold."""

    visit: int | None = Field(default=None, ge=1, description="the n-th visit of this step")
    visited: WordList = Field(default_factory=list, description="steps walked before")
    not_visited: WordList = Field(default_factory=list)
    done: WordList = Field(default_factory=list, description="desk actions done before")
    not_done: WordList = Field(default_factory=list)
    mood_at_most: MoodName | None = None
    mood_at_least: MoodName | None = None
    held_over_s: float | None = Field(default=None, gt=0, description="the last hold's length")


class Turn(Strict):
    """What the caller says (and does) when its trigger happens."""

    says: str | None = None
    when: Condition | None = None
    mood: int | MoodName | None = Field(
        default=None, description="a step on the mood scale (-1 angrier, +1 calmer) or a mood"
    )
    hangs_up: bool = False
    hangs_up_after_s: float | None = Field(
        default=None, gt=0, description="hangs up if the trainee leaves it this long (on hold)"
    )
    verifies: bool | None = Field(default=None, description="the caller's answer is correct")
    delay_s: float = Field(default=0, ge=0, description="seconds after the trigger")
    note: str | None = Field(default=None, description="for the trainer only")

    @field_validator("mood", mode="before")
    @classmethod
    def _mood_step_or_name(cls, value: Any) -> Any:
        # One clear message instead of one per member of the union.
        if value is None or value in MOODS:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and -3 <= value <= 3:
            return value
        raise ValueError(f"a mood step is -3 … 3 or a mood ({', '.join(MOODS)}), not {value!r}")

    @model_validator(mode="after")
    def _says_something(self) -> Turn:
        if self.says is None and not self.hangs_up:
            raise ValueError("a turn says something (says: …) or hangs up (hangs_up: true)")
        return self


class SyntheticCustomer(Strict):
    """A made-up caller for a scenario that should not use a real record."""

    name: str = Field(min_length=1)
    tier: str = "normal"
    account: str | None = None
    phone: str | None = None
    locale: str = "zh_CN"


class ScenarioCustomer(Strict):
    id: str | None = Field(default=None, description="a record of the centre's customers")
    synthetic: SyntheticCustomer | None = None
    persona: str | None = Field(default=None, description="who the caller is, for the trainer")
    mood: MoodName = "neutral"
    patience_s: float | None = Field(default=None, gt=0, description="waits this long unanswered")
    hangs_up_at_mood: MoodName | None = Field(
        default=None, description="hangs up when the mood reaches this (or worse)"
    )

    @model_validator(mode="after")
    def _one_identity(self) -> ScenarioCustomer:
        if (self.id is None) == (self.synthetic is None):
            raise ValueError("give exactly one of id (a customer record) or synthetic")
        return self


class RequiredAction(Strict):
    """A desk action the trainee must do; which arguments apply depends on `kind`."""

    kind: str
    step: str | None = None
    key: str | None = None
    max_s: float | None = Field(default=None, gt=0)
    category: str | None = None
    priority: str | None = None
    department: str | None = None
    mode: Literal["blind", "consult"] | None = None
    queue: str | None = None
    agent: str | None = None
    role: str | None = None
    reason: str | None = None
    id: str | None = None

    @field_validator("key", "agent", mode="before")
    @classmethod
    def _digits_as_text(cls, value: Any) -> Any:
        # `key: 1` or `agent: 1100` unquoted in YAML is an int; the text was meant.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @property
    def verify_step(self) -> str:
        return self.step or VERIFY_DEFAULTS["step"]

    @property
    def verify_key(self) -> str:
        return self.key or VERIFY_DEFAULTS["key"]

    def label(self) -> str:
        """`ticket (category complaint)`: how the action is named in scores."""
        values = {name: getattr(self, name) for name in ACTION_KINDS.get(self.kind, ())}
        given = [
            f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
            for name, value in values.items()
            if value is not None
        ]
        return f"{self.kind} ({', '.join(given)})" if given else self.kind


class WrapupExpect(Strict):
    code: WordList = Field(min_length=1, description="the wrap-up code(s) that are right")
    notes_required: bool = False


class Expect(Strict):
    path: list[str] = Field(min_length=1, description="the steps walked, start to end")
    never: list[str] = Field(
        default_factory=list, description="steps that must not be walked: a hit scores 0"
    )
    actions: list[RequiredAction] = Field(default_factory=list)
    ordered: bool = Field(default=True, description="the actions count in the order listed")
    phrases: list[PhraseName] = Field(default_factory=lambda: list(ALL_PHRASES))
    wrapup: WrapupExpect | None = None


class Limits(Strict):
    answer_within_s: float | None = Field(default=None, gt=0, description="ring to answer")
    hold_max_s: float | None = Field(default=None, gt=0, description="each hold")
    call_within_s: float | None = Field(default=None, gt=0, description="answer to release")
    wrapup_within_s: float | None = Field(default=None, gt=0, description="release to wrap-up")

    def given(self) -> dict[str, float]:
        return {name: value for name, value in self.model_dump().items() if value is not None}


class ScoreWeights(Strict):
    path: float = Field(default=0, ge=0)
    actions: float = Field(default=0, ge=0)
    phrases: float = Field(default=0, ge=0)
    time: float = Field(default=0, ge=0)
    wrapup: float = Field(default=0, ge=0)

    @property
    def total(self) -> float:
        return self.path + self.actions + self.phrases + self.time + self.wrapup


class Scenario(VersionedContent):
    id: str = Field(alias="scenario", min_length=1)
    version: StrictInt = Field(gt=0, description="a published version never changes")
    title: str
    description: str | None = None
    difficulty: Difficulty
    tags: list[str] = Field(default_factory=list)
    queue: str
    script: str
    customer: ScenarioCustomer
    turns: dict[str, list[Turn]] = Field(
        default_factory=dict, description="by script step or desk event; branches in order"
    )
    expect: Expect
    limits: Limits = Limits()
    score: ScoreWeights


# ------------------------------------------------------------------------------ scores


class ScoreLine(Strict):
    """One point won or lost, with its reason."""

    item: str
    earned: float
    possible: float
    reason: str


class DimensionScore(Strict):
    name: ScoreDimension
    weight: float
    earned: float
    lines: list[ScoreLine]


class TrainingScore(Strict):
    scenario: str
    version: int
    call_id: str | None
    agent_id: str | None
    dimensions: list[DimensionScore]
    raw_total: float = Field(description="the sum of the dimensions, before a `never` hit")
    total: float = Field(description="0 when a `never` step was walked, else raw_total")
    max_total: float
    fatal: list[str] = Field(default_factory=list, description="why the total is 0")

    @property
    def percent(self) -> float:
        return round(100 * self.total / self.max_total, 2) if self.max_total else 0.0
