"""The flow-type script format (SC1): pydantic models, reserved keys, built-in variables.

A script is YAML text, the source of truth; the server sends the parsed model as JSON
and the desk rebuilds it with `FlowScript.model_validate`. Validation with file, line
and step lives in `script_check`; this module holds only the shapes and the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from server_stub.protocol.knowledge import KnowledgeAction

# Keys the desk keeps for itself while the script pane has focus, so no option may use
# them. Printable ones are given as the character, the others by their Textual key name.
# The desk's own hotkeys are F-keys and ctrl-combos, never plain characters, because the
# desk has text fields (ticket form, notes) where every plain character is typing; so a
# plain character can only clash with these few.
RESERVED_KEYS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "?": "help for the script pane",
        " ": "space activates the focused button or checkbox",
        "backspace": "back one step (undo the last choice)",
        "escape": "leave the script pane",
        "enter": "activates the focused widget",
        "tab": "moves focus",
    }
)

# Values the desk always knows during a call; scripts may use them without declaring them
# (declare one only to give it `required` or a `fallback`).
BUILTIN_VARIABLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "centre": "the call centre's name",
        "agent.id": "the agent's id (工号)",
        "agent.name": "the agent's name",
        "customer.id": "the customer's id",
        "customer.name": "the customer's name",
        "customer.tier": "the customer's value tier (IN2)",
        "account.id": "the customer's account number",
        "call.id": "the call's id",
        "call.ani": "the caller's number",
        "call.queue": "the queue the call came from",
    }
)

# Actions a step may ask the desk to offer; the value is a mapping of arguments.
KNOWN_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "open_ticket": "open the ticket form, prefilled: category, department, priority",
        "escalate": "escalate to: team_leader | expert_group (TK5, IN7)",
        "transfer": "offer a transfer: queue or agent, mode blind | consult",
        "schedule_callback": "open the callback form: reason",
        "hold": "offer to put the caller on hold",
        "knowledge": "open the knowledge base: article (an id) and/or query (words) (IN6)",
    }
)
# Actions whose arguments have a model of their own, checked by `script_check`.
ACTION_ARGUMENTS: Final[Mapping[str, type[BaseModel]]] = MappingProxyType(
    {"knowledge": KnowledgeAction}
)

# `customer.name`, `agent.id`, `centre`: dotted identifiers.
VARIABLE_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# Step ids become Mermaid state ids and travel in call records: keep them plain.
STEP_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

Severity = Literal["error", "warning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VariableSpec(_Strict):
    required: bool = False
    fallback: str | None = None
    description: str | None = None


class Option(_Strict):
    key: str
    label: str
    next: str
    max_visits: int | None = Field(
        default=None, ge=1, description="most visits of `next` in one call, first included"
    )

    @field_validator("key", mode="before")
    @classmethod
    def _digit_key_as_text(cls, value: Any) -> Any:
        # `key: 1` unquoted in YAML is an int; a digit key is what was meant.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class EndSpec(_Strict):
    outcome: str


class Step(_Strict):
    say: str | None = None
    rule: str | None = None
    options: list[Option] = Field(default_factory=list)
    action: dict[str, Any] | None = None
    end: EndSpec | None = None

    @property
    def is_end(self) -> bool:
        return self.end is not None

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)


class FlowScript(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    id: str = Field(alias="script", min_length=1)
    version: StrictInt = Field(gt=0, description="a published version never changes")
    title: str
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    start: str
    steps: dict[str, Step]


@dataclass(frozen=True)
class ScriptProblem:
    file: str
    line: int | None  # None: the file as a whole (missing, unreadable)
    step: str | None
    message: str
    severity: Severity = "error"
    kind: str = "step"  # what `step` names: scenarios and forms report turns, items, sections

    def __str__(self) -> str:
        where = f"{self.kind} '{self.step}': " if self.step is not None else ""
        tag = "warning: " if self.severity == "warning" else ""
        at = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{at}: {tag}{where}{self.message}"


class ScriptError(ValueError):
    """A script that does not validate; `problems` holds every error and warning found."""

    def __init__(self, problems: list[ScriptProblem]) -> None:
        self.problems = problems
        errors = [problem for problem in problems if problem.severity == "error"]
        super().__init__("\n".join(str(problem) for problem in errors or problems))
