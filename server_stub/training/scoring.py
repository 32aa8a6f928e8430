"""Scoring a trainee's call against its scenario: every point with its reason.

`score_session(scenario, facts, script)` is a pure function of its arguments: the same
facts give the same score, line for line. Arithmetic is exact (fractions); each figure is
rounded to 0.01 only when it is written into the score. Five dimensions, each worth its
weight in `score:` (a dimension of weight 0 is left out):

- **path**: each step of the expected path is worth weight ÷ its length. The walk is
  aligned with the expected path (longest common subsequence); a step on both earns its
  share, a step walked off the path costs one share, and the dimension never goes below 0.
- **actions**: each required action is worth weight ÷ their number. An action is done
  when the facts hold one that fits all its arguments (category, mode, role, `max_s`…).
  When order matters, each action in the listed order takes its first fitting occurrence
  no earlier than the previous action's; one that only happened earlier earns half its
  share ("done, but out of order"). An action whose time is unknown (a path without
  times) counts as in order.
- **phrases**: each standard phrase scored is worth weight ÷ their number, judged by
  `server_stub.protocol.phrases`; the hold phrase earns its share in proportion to the
  holds placed with it, and in full (not applicable) when the caller was never held.
- **time**: each limit given is worth weight ÷ their number, all or nothing: ring to
  answer, the longest hold, answer to release, release to wrap-up (a wrap-up that ran
  out of time, code `auto`, is over).
- **wrapup**: the code is one of those expected (the whole weight, or half when notes are
  required); the notes are not blank (the other half).

A step listed in `expect.never` that the walk reached sets the total to 0 and keeps the
raw total, so the debrief still shows what went well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from server_stub.protocol.call_facts import SessionFacts
from server_stub.protocol.phrases import (
    PHRASE_LABELS,
    Walk,
    closing_check,
    greeting_check,
    hold_checks,
    walk_of,
)
from server_stub.protocol.scenario_model import (
    DimensionScore,
    RequiredAction,
    Scenario,
    ScoreDimension,
    ScoreLine,
    TrainingScore,
)
from server_stub.protocol.script_model import FlowScript

OUT_OF_ORDER_SHARE = Fraction(1, 2)
LIMIT_LABELS = {
    "answer_within_s": "ring to answer",
    "hold_max_s": "longest hold",
    "call_within_s": "answer to release",
    "wrapup_within_s": "wrap-up",
}
DIMENSIONS: tuple[ScoreDimension, ...] = ("path", "actions", "phrases", "time", "wrapup")


def score_session(scenario: Scenario, facts: SessionFacts, script: FlowScript) -> TrainingScore:
    """The trainee's score for one call of `scenario`, with a reason for every point."""
    walk = walk_of(script, facts.path) if facts.path else Walk([], [])
    context = _Context(scenario, facts, script, walk)
    scorers: dict[ScoreDimension, Callable[[_Context, Fraction], list[_Line]]] = {
        "path": _path_lines,
        "actions": _action_lines,
        "phrases": _phrase_lines,
        "time": _time_lines,
        "wrapup": _wrapup_lines,
    }
    dimensions: list[DimensionScore] = []
    raw_total = Fraction(0)
    max_total = Fraction(0)
    for name in DIMENSIONS:
        weight = _exact(getattr(scenario.score, name))
        if weight <= 0:
            continue
        lines = scorers[name](context, weight)
        earned = sum((line.earned for line in lines), Fraction(0))
        dimensions.append(
            DimensionScore(
                name=name,
                weight=_round(weight),
                earned=_round(earned),
                lines=[line.model() for line in lines],
            )
        )
        raw_total += earned
        max_total += weight
    fatal = [
        f"walked '{step}', which a trainee must never do in this scenario"
        for step in dict.fromkeys(walk.steps)
        if step in scenario.expect.never
    ]
    return TrainingScore(
        scenario=scenario.id,
        version=scenario.version,
        call_id=facts.call_id,
        agent_id=facts.agent_id,
        dimensions=dimensions,
        raw_total=_round(raw_total),
        total=0.0 if fatal else _round(raw_total),
        max_total=_round(max_total),
        fatal=fatal,
    )


@dataclass(frozen=True)
class _Context:
    scenario: Scenario
    facts: SessionFacts
    script: FlowScript
    walk: Walk


@dataclass(frozen=True)
class _Line:
    item: str
    earned: Fraction
    possible: Fraction
    reason: str

    def model(self) -> ScoreLine:
        return ScoreLine(
            item=self.item,
            earned=_round(self.earned),
            possible=_round(self.possible),
            reason=self.reason,
        )


def _exact(value: float) -> Fraction:
    return Fraction(str(value))  # 33.3 is 333/10, not its binary neighbour


def _round(value: Fraction) -> float:
    return float(round(value, 2))


def _seconds(value: float) -> str:
    return f"{value:g} s"


# ------------------------------------------------------------------------------ path


def _path_lines(context: _Context, weight: Fraction) -> list[_Line]:
    expected = context.scenario.expect.path
    walked = context.walk.steps
    unit = weight / len(expected)
    on_both = _aligned(expected, walked)
    matched_expected = {i for i, _ in on_both}
    matched_walked = {j for _, j in on_both}
    lines: list[_Line] = []
    for index, step in enumerate(expected):
        if index in matched_expected:
            lines.append(_Line(f"step {step}", unit, unit, f"walked '{step}'"))
        else:
            lines.append(_Line(f"step {step}", Fraction(0), unit, _missed_reason(context, step)))
    for index, step in enumerate(walked):
        if index not in matched_walked:
            reason = f"walked '{step}', off the expected path"
            lines.append(_Line(f"step {step}", -unit, Fraction(0), reason))
    for choice in context.walk.unknown:
        reason = f"chose '{choice.key}' at '{choice.step}', which script version"
        reason += f" {context.script.version} does not have"
        lines.append(_Line(f"step {choice.step}", Fraction(0), Fraction(0), reason))
    total = sum((line.earned for line in lines), Fraction(0))
    if total < 0:
        lines.append(_Line("floor", -total, Fraction(0), "the path score does not go below 0"))
    return lines


def _missed_reason(context: _Context, step: str) -> str:
    facts = context.facts
    if not context.walk.steps:
        return f"'{step}' not walked: no step of the script was walked"
    if facts.caller_hung_up and facts.ended is not None:
        where = context.walk.final
        return f"'{step}' not reached: the caller hung up at '{where}' ({_seconds(facts.ended.at)})"
    return f"'{step}' not walked"


def _aligned(expected: Sequence[str], walked: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence; ties keep the earliest walked step."""
    rows, cols = len(expected), len(walked)
    best = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            if expected[i] == walked[j]:
                best[i][j] = best[i + 1][j + 1] + 1
            else:
                best[i][j] = max(best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        if expected[i] == walked[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


# ------------------------------------------------------------------------------ actions


@dataclass(frozen=True)
class _Occurrence:
    at: float | None
    fits: bool
    note: str


def _action_lines(context: _Context, weight: Fraction) -> list[_Line]:
    actions = context.scenario.expect.actions
    ordered = context.scenario.expect.ordered
    share = weight / len(actions)
    lines: list[_Line] = []
    previous: tuple[str, float] | None = None  # the last in-order match: label, time
    for action in actions:
        label = action.label()
        found = sorted(
            _occurrences(context, action),
            key=lambda o: (o.at is None, o.at if o.at is not None else 0.0),
        )
        fitting = [occurrence for occurrence in found if occurrence.fits]
        if not fitting:
            notes = "; ".join(dict.fromkeys(o.note for o in found)) or "not done"
            lines.append(_Line(label, Fraction(0), share, notes))
            continue
        since = previous[1] if ordered and previous is not None else None
        in_order = next(
            (o for o in fitting if o.at is None or since is None or o.at >= since), None
        )
        if in_order is not None:
            lines.append(_Line(label, share, share, in_order.note))
            if in_order.at is not None:
                previous = (label, in_order.at)
            continue
        assert previous is not None
        reason = f"{fitting[0].note}, but before '{previous[0]}': out of order"
        lines.append(_Line(label, share * OUT_OF_ORDER_SHARE, share, reason))
    return lines


def _occurrences(context: _Context, action: RequiredAction) -> list[_Occurrence]:
    facts, kind = context.facts, action.kind
    if kind == "verify_identity":
        return [
            _Occurrence(choice.at, True, f"chose '{choice.key}' at '{choice.step}'")
            for choice in facts.path
            if (choice.step, choice.key) == (action.verify_step, action.verify_key)
        ]
    if kind in ("hold", "hold_with_phrase"):
        return _hold_occurrences(context, action)
    if kind == "ticket":
        return [
            _fit(
                ticket.at,
                f"ticket {ticket.ticket_id or ''} ({ticket.category})".replace("  ", " "),
                [
                    ("category", action.category, ticket.category),
                    ("priority", action.priority, ticket.priority),
                    ("department", action.department, ticket.department),
                ],
            )
            for ticket in facts.tickets
        ]
    if kind in ("transfer", "consult"):
        moves = facts.transfers if kind == "transfer" else facts.consults
        return [
            _fit(
                move.at,
                f"{kind} to {move.to_role or move.to_agent or move.to_queue} ({move.mode})",
                [
                    ("mode", action.mode if kind == "transfer" else None, move.mode),
                    ("queue", action.queue, move.to_queue),
                    ("agent", action.agent, move.to_agent),
                    ("role", action.role, move.to_role),
                ],
            )
            for move in moves
        ]
    if kind == "conference":
        return [_Occurrence(ref.at, True, "conference") for ref in facts.conferences]
    if kind == "callback":
        return [
            _fit(callback.at, "callback booked", [("reason", action.reason, callback.reason)])
            for callback in facts.callbacks
        ]
    if kind == "survey":
        return [_Occurrence(ref.at, True, "survey offered") for ref in facts.surveys]
    return _step_occurrences(context, action.id)


def _fit(at: float, note: str, wanted: Sequence[tuple[str, str | None, str | None]]) -> _Occurrence:
    """An occurrence that fits when every argument given matches what happened."""
    misses = [f"{name} {got!r}, not {want!r}" for name, want, got in wanted if want and want != got]
    if misses:
        return _Occurrence(at, False, f"{note}: {', '.join(misses)}")
    return _Occurrence(at, True, note)


def _hold_occurrences(context: _Context, action: RequiredAction) -> list[_Occurrence]:
    facts = context.facts
    found: list[_Occurrence] = []
    for hold, check in zip(facts.holds, hold_checks(facts, context.script), strict=True):
        duration = hold.duration(facts.release_time)
        note = f"hold at {_seconds(hold.held_at)}"
        if duration is not None:
            note += f" for {_seconds(duration)}"
        fits = True
        if action.kind == "hold_with_phrase":
            fits = check.used
            note += f" ({check.reason})"
        if action.max_s is not None and (duration is None or duration > action.max_s):
            fits = False
            note += f", over {_seconds(action.max_s)}"
        found.append(_Occurrence(hold.held_at, fits, note))
    return found


def _step_occurrences(context: _Context, step_id: str | None) -> list[_Occurrence]:
    """When the walk reached `step_id`: at the choice that led there (the start at answer)."""
    facts = context.facts
    start_at = facts.answered.at if facts.answered is not None else None
    times = [start_at] + [choice.at for choice in facts.path]
    return [
        _Occurrence(times[index] if index < len(times) else None, True, f"walked '{step}'")
        for index, step in enumerate(context.walk.steps)
        if step == step_id
    ]


# ------------------------------------------------------------------------------ phrases


def _phrase_lines(context: _Context, weight: Fraction) -> list[_Line]:
    phrases = context.scenario.expect.phrases
    share = weight / len(phrases)
    facts, script = context.facts, context.script
    lines: list[_Line] = []
    for phrase in phrases:
        label = PHRASE_LABELS[phrase]
        if phrase == "hold":
            checks = hold_checks(facts, script)
            if not checks:
                lines.append(_Line(label, share, share, "no hold was placed: nothing to judge"))
                continue
            used = [check for check in checks if check.used]
            missed = [check.reason for check in checks if not check.used]
            reason = f"{len(used)} of {len(checks)} hold(s) with the hold phrase"
            if missed:
                reason += ": " + "; ".join(missed)
            lines.append(_Line(label, share * len(used) / len(checks), share, reason))
            continue
        check = (
            greeting_check(facts, script) if phrase == "greeting" else closing_check(facts, script)
        )
        lines.append(_Line(label, share if check.used else Fraction(0), share, check.reason))
    return lines


# ------------------------------------------------------------------------------ time


def _time_lines(context: _Context, weight: Fraction) -> list[_Line]:
    limits = context.scenario.limits.given()
    share = weight / len(limits)
    facts = context.facts
    lines: list[_Line] = []
    for name, limit in limits.items():
        taken, missing = _time_taken(facts, name)
        label = f"{LIMIT_LABELS[name]} ≤ {_seconds(limit)}"
        if taken is None:
            lines.append(_Line(label, Fraction(0), share, missing))
        elif name == "hold_max_s" and not facts.holds:
            lines.append(_Line(label, share, share, "no hold was placed"))
        elif name == "wrapup_within_s" and facts.wrapup_code == "auto":
            reason = "the wrap-up ran out of time (code auto)"
            lines.append(_Line(label, Fraction(0), share, reason))
        else:
            within = taken <= limit
            verdict = "within" if within else "over"
            reason = f"{_seconds(round(taken, 2))}, {verdict} the limit of {_seconds(limit)}"
            lines.append(_Line(label, share if within else Fraction(0), share, reason))
    return lines


def _time_taken(facts: SessionFacts, limit: str) -> tuple[float | None, str]:
    """The seconds a limit is compared with, or None and why there is nothing to compare."""
    answered, released = facts.answered, facts.released
    if limit == "answer_within_s":
        if facts.offered is None or answered is None:
            return None, "the call was not answered"
        return answered.at - facts.offered.at, ""
    if limit == "hold_max_s":
        durations = [hold.duration(facts.release_time) for hold in facts.holds]
        known = [duration for duration in durations if duration is not None]
        return (max(known) if known else 0.0), ""
    if limit == "call_within_s":
        if answered is None or released is None:
            return None, "the call has not ended"
        return released.at - answered.at, ""
    if released is None or facts.wrapup is None:
        return None, "no wrap-up was completed"
    return facts.wrapup.at - released.at, ""


# ------------------------------------------------------------------------------ wrap-up


def _wrapup_lines(context: _Context, weight: Fraction) -> list[_Line]:
    expected = context.scenario.expect.wrapup
    assert expected is not None  # the checker refuses a wrap-up weight without it
    facts = context.facts
    code_share = weight / 2 if expected.notes_required else weight
    codes = " or ".join(f"'{code}'" for code in expected.code)
    if facts.wrapup_code is None:
        code_line = _Line("wrap-up code", Fraction(0), code_share, "no wrap-up was completed")
    elif facts.wrapup_code in expected.code:
        code_line = _Line("wrap-up code", code_share, code_share, f"'{facts.wrapup_code}'")
    else:
        reason = f"'{facts.wrapup_code}', expected {codes}"
        code_line = _Line("wrap-up code", Fraction(0), code_share, reason)
    lines = [code_line]
    if expected.notes_required:
        notes_share = weight - code_share
        if facts.wrapup_notes.strip():
            lines.append(_Line("wrap-up notes", notes_share, notes_share, "notes written"))
        else:
            lines.append(_Line("wrap-up notes", Fraction(0), notes_share, "no notes"))
    return lines
