"""What the desk tells the centre about the call as the agent works it: script steps, holds,
and the desk's screen.

- `ScriptStepRequest` (`POST /v1/calls/{id}/script`): one step of the call's flow script
  walked (`{step, key, next}`) or undone (`{step, back: true}`); logged as
  `call.script_step` with those fields. Training's scripted caller and scoring and the
  quality timeline read it.
- `HoldRequest` (`POST /v1/calls/{id}/hold`, optional body): the agent confirmed saying
  the standard hold phrase (`phrase: true`), and the script step it held on; `call.held`
  carries both.
- `WrapupNotesRequest`, `WrapupExtended`: wrap-up notes kept by the centre as they are
  typed (an automatic wrap-up carries them); a wrap-up extended once where the queue allows.
- `DeskScreenState` (`PUT /v1/agent/screen`): what the desk shows, published on change
  (at most twice a second); logged as `agent.screen` for the agent's supervisors, the floor
  manager and the admin, so their views draw the same desk (`agent_tui/ui/desk_view.py`)
  from it and the call's screen pop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from server_stub.protocol.api import LONG_TEXT, SHORT_TEXT, Request

STEP_ID = r"^[A-Za-z0-9_.-]{1,64}$"
DeskPane = Literal["script", "ticket", "wrapup", "knowledge", "customer_search", "idle"]
SCREENS_PER_S = 2.0  # the most a desk publishes; the server refuses faster (429)


class ScriptStepRequest(Request):
    """One step walked: from `step` by option `key` to `next`; or `back` from `step`."""

    step: str = Field(pattern=STEP_ID, description="the step the walk was on")
    key: str | None = Field(default=None, min_length=1, max_length=8)
    next: str | None = Field(default=None, pattern=STEP_ID, description="the step now shown")
    back: bool = False

    @model_validator(mode="after")
    def _forward_or_back(self) -> ScriptStepRequest:
        if self.back:
            if self.key is not None:
                raise ValueError("a step back has no key")
        elif self.key is None or self.next is None:
            raise ValueError("a step forward needs key and next (or back: true)")
        return self


def walked_path(steps: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The (step, key) pairs a walk has taken, folded from its `call.script_step` data in
    order: a step back undoes the last one taken."""
    path: list[tuple[str, str]] = []
    for data in steps:
        if data.get("back"):
            if path:
                path.pop()
        else:
            path.append((str(data.get("step")), str(data.get("key"))))
    return path


class HoldRequest(Request):
    phrase: bool = Field(default=False, description="the standard hold phrase was said")
    script_step: str | None = Field(default=None, pattern=STEP_ID)


class WrapupNotesRequest(Request):
    """What the agent has typed in wrap-up so far (`PUT /v1/calls/{id}/wrapup/notes`): if
    the wrap-up time runs out, the automatic wrap-up carries it."""

    notes: str = Field(default="", max_length=LONG_TEXT)
    script_path: list[tuple[str, str]] = Field(default_factory=list, max_length=500)


class WrapupExtended(BaseModel):
    """`POST /v1/calls/{id}/wrapup/extend`: the wrap-up's new deadline (sim seconds)."""

    seq: int
    wrapup_deadline: float


class ScriptProgress(BaseModel):
    """`GET /v1/calls/{id}/script`: the path the agent has walked on the call so far, folded
    from its `call.script_step` events (a desk that logs in again mid-call resumes it)."""

    call_id: str
    path: list[tuple[str, str]] = Field(default_factory=list)


class TicketDraftView(Request):
    """The ticket form as the agent has it (not yet sent)."""

    category: str = Field(default="", max_length=64)
    subject: str = Field(default="", max_length=SHORT_TEXT)
    description: str = Field(default="", max_length=LONG_TEXT)
    priority: str = Field(default="normal", max_length=16)


class DeskScreenState(Request):
    """One frame of the agent's desk, as others may draw it."""

    call_id: str | None = Field(default=None, max_length=64)
    customer_id: str | None = Field(default=None, max_length=64)
    script_id: str | None = Field(default=None, max_length=64)
    script_version: int | None = Field(default=None, ge=0)
    step: str | None = Field(default=None, pattern=STEP_ID)
    path: list[tuple[str, str]] = Field(
        default_factory=list, max_length=500, description="(step id, option key) pairs taken"
    )
    ticket: TicketDraftView | None = None
    knowledge_article: str | None = Field(default=None, max_length=64)
    pane: DeskPane = "idle"
    # the strip above the card, as words: who else is on the line, a dial, a booked callback
    call_line: str | None = Field(default=None, max_length=600)
