"""SC2's standard phrases: which script steps carry them, and whether a call used them.

There is no audio, so "used" is judged from what the desk recorded, the same way for a
training score and for a quality prefill:

- A step **carries** a phrase when its `say` contains one of the phrase's markers, compared
  after NFKC folding with spaces and punctuation removed (so "稍等一下," and "稍等一下，"
  match): greeting "很高兴为您服务" / "how may I help"; hold "请您稍等一下" / "could you
  hold"; closing "欢迎您再次致电" / "welcome to call again".
- **Greeting** used: the agent chose an option at the first step of the walk and that
  step carries the greeting (the agent read the opening and moved on from it).
- **Closing** used: the walk's last step (where the last choice led) carries the closing.
- **Hold**, judged for each hold: with the phrase when the desk confirmed it (`call.held`
  `phrase: true`; `false` is a confirmed no); else when the step on the desk as the hold
  was placed (`script_step`, or the live choices before it) carries the hold phrase; and
  only when neither is known, the holds in order take the walk's visits to hold-phrase
  steps in order (the k-th hold is with the phrase if the walk passed k such steps).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from server_stub.protocol.call_facts import HoldFact, PathChoice, SessionFacts
from server_stub.protocol.scenario_model import PhraseName
from server_stub.protocol.script_model import FlowScript, Step

PHRASE_MARKERS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "greeting": ("很高兴为您服务", "how may I help"),
        "hold": ("请您稍等一下", "could you hold"),
        "closing": ("欢迎您再次致电", "welcome to call again"),
    }
)
PHRASE_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "greeting": "开头语 / greeting",
        "hold": "等待用语 / hold phrase",
        "closing": "结束语 / closing",
    }
)


def fold(text: str) -> str:
    """Text as compared for markers: NFKC, case-folded, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZS")


_FOLDED_MARKERS: Final = {
    phrase: tuple(fold(marker) for marker in markers) for phrase, markers in PHRASE_MARKERS.items()
}


def carries_phrase(step: Step, phrase: PhraseName) -> bool:
    said = fold(step.say or "")
    return any(marker in said for marker in _FOLDED_MARKERS[phrase])


def phrase_steps(script: FlowScript, phrase: PhraseName) -> frozenset[str]:
    """The ids of the steps whose text carries `phrase`."""
    return frozenset(sid for sid, step in script.steps.items() if carries_phrase(step, phrase))


@dataclass(frozen=True)
class Walk:
    """The steps a path went through, start first, the step it stopped at last."""

    steps: list[str]
    unknown: list[PathChoice]  # choices the script does not have (another version?)

    @property
    def final(self) -> str | None:
        return self.steps[-1] if self.steps else None


def walk_of(script: FlowScript, path: Sequence[PathChoice]) -> Walk:
    """The breadcrumb of `path` through `script`; an empty path stands at the start."""
    if not path:
        return Walk([script.start], [])
    steps: list[str] = []
    unknown: list[PathChoice] = []
    following: str | None = None
    for choice in path:
        steps.append(choice.step)
        step = script.steps.get(choice.step)
        option = step.option(choice.key) if step is not None else None
        following = option.next if option is not None else None
        if option is None:
            unknown.append(choice)
    if following is not None:
        steps.append(following)
    return Walk(steps, unknown)


@dataclass(frozen=True)
class PhraseCheck:
    phrase: str
    used: bool
    reason: str
    seq: int | None = None  # the event that shows it


@dataclass(frozen=True)
class HoldPhraseCheck:
    hold: HoldFact
    used: bool
    reason: str


def greeting_check(facts: SessionFacts, script: FlowScript) -> PhraseCheck:
    if not facts.path:
        return PhraseCheck("greeting", False, "no step of the script was walked")
    first = facts.path[0]
    step = script.steps.get(first.step)
    if step is not None and carries_phrase(step, "greeting"):
        return PhraseCheck("greeting", True, f"opened at '{first.step}'", first.seq)
    return PhraseCheck("greeting", False, f"the first step walked, '{first.step}', has no greeting")


def closing_check(facts: SessionFacts, script: FlowScript) -> PhraseCheck:
    final = walk_of(script, facts.path).final if facts.path else None
    seq = facts.wrapup.seq if facts.wrapup is not None else None
    if final is None:
        return PhraseCheck("closing", False, "no step of the script was walked", seq)
    step = script.steps.get(final)
    if step is not None and carries_phrase(step, "closing"):
        return PhraseCheck("closing", True, f"closed at '{final}'", seq)
    reason = f"the walk stopped at '{final}', which has no closing"
    return PhraseCheck("closing", False, reason, seq)


def hold_checks(facts: SessionFacts, script: FlowScript) -> list[HoldPhraseCheck]:
    """One check per hold, in order (an empty list when the caller was never held)."""
    hold_steps = phrase_steps(script, "hold")
    visits = [sid for sid in walk_of(script, facts.path).steps if sid in hold_steps]
    checks: list[HoldPhraseCheck] = []
    unpaired = 0
    for hold in facts.holds:
        if hold.phrase_confirmed is not None:
            said = "confirmed" if hold.phrase_confirmed else "marked as not said"
            checks.append(HoldPhraseCheck(hold, hold.phrase_confirmed, f"hold phrase {said}"))
        elif hold.step is not None:
            used = hold.step in hold_steps
            has = "carries" if used else "does not carry"
            reason = f"held at step '{hold.step}', which {has} the hold phrase"
            checks.append(HoldPhraseCheck(hold, used, reason))
        else:
            unpaired += 1
            used = unpaired <= len(visits)
            reason = (
                f"hold {unpaired} of the call; the walk passed {len(visits)} step(s)"
                " carrying the hold phrase"
            )
            checks.append(HoldPhraseCheck(hold, used, reason))
    return checks
