"""What the log can decide on a quality form: suggested deductions, each with its evidence.

A form marks the deductions the log can decide with `prefill: {rule, over_s}`. For a call,
each rule reads the call's facts (`session_facts`, the same facts a training score reads)
and suggests the deduction with the events that show it (seq and sim time); the evaluator
confirms or rejects each one. The rules (`PREFILL_RULES`):

- `slow_to_answer`: the agent's phone rang (its `call.offered`) more than `over_s` before
  `call.answered`.
- `hold_without_phrase`: once per hold not placed with the hold phrase (the rule of
  `server_stub.protocol.phrases`), up to the deduction's `max_times`.
- `hold_over`: once per hold longer than `over_s`.
- `no_greeting_phrase`: an answered call whose walk did not open on a greeting step.
- `no_closing_phrase`: the walk did not end on a closing step; not applied when the agent
  transferred the call or the caller hung up (nobody was there to close to).
- `wrapup_over_limit`: the wrap-up ran out (code `auto`), or was completed after its
  deadline (`agent.state_changed` `wrapup_deadline`), or more than `over_s` after release.

Phrase rules need the call's flow script; without it they suggest nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server_stub.protocol.call_facts import EventRef, SessionFacts, session_facts
from server_stub.protocol.events import Event
from server_stub.protocol.phrases import closing_check, greeting_check, hold_checks
from server_stub.protocol.quality_form_model import (
    Deduction,
    DeductionMark,
    Evaluation,
    Evidence,
    ItemMark,
    QualityForm,
)
from server_stub.protocol.script_model import FlowScript


@dataclass(frozen=True)
class Suggestion:
    item: str
    deduction: str
    rule: str
    count: int
    evidence: list[Evidence]

    def mark(self) -> DeductionMark:
        return DeductionMark(
            id=self.deduction, count=self.count, suggested=True, evidence=self.evidence
        )


def suggest_deductions(
    form: QualityForm,
    events: Iterable[Event],
    call_id: str,
    *,
    script: FlowScript | None = None,
    agent_id: str | None = None,
) -> list[Suggestion]:
    """Every deduction of `form` the log of `call_id` decides, in the form's order."""
    facts = session_facts(events, call_id, agent_id=agent_id)
    suggestions: list[Suggestion] = []
    for _, item in form.items():
        for deduction in item.deductions:
            if deduction.prefill is None:
                continue
            evidence = _evidence(deduction, facts, script)
            if evidence:
                count = min(len(evidence), deduction.max_times) if _per_hold(deduction) else 1
                suggestions.append(
                    Suggestion(item.id, deduction.id, deduction.prefill.rule, count, evidence)
                )
    return suggestions


def prefilled_evaluation(
    form: QualityForm,
    events: Iterable[Event],
    call_id: str,
    *,
    evaluation_id: str,
    evaluator_id: str,
    call_date: str,
    script: FlowScript | None = None,
    agent_id: str | None = None,
    call_serial: str | None = None,
) -> Evaluation:
    """A draft evaluation of `call_id` on `form` with the log's suggestions marked."""
    log = list(events)
    facts = session_facts(log, call_id, agent_id=agent_id)
    marks: dict[str, ItemMark] = {}
    for suggestion in suggest_deductions(form, log, call_id, script=script, agent_id=agent_id):
        held = marks.get(suggestion.item, ItemMark())
        marks[suggestion.item] = ItemMark(deductions=[*held.deductions, suggestion.mark()])
    return Evaluation(
        id=evaluation_id,
        form=form.id,
        form_version=form.version,
        call_id=call_id,
        agent_id=facts.agent_id or "",
        evaluator_id=evaluator_id,
        call_date=call_date,
        call_serial=call_serial,
        marks=marks,
    )


def _per_hold(deduction: Deduction) -> bool:
    return deduction.prefill is not None and deduction.prefill.rule in (
        "hold_without_phrase",
        "hold_over",
    )


def _at(ref: EventRef, text: str) -> Evidence:
    return Evidence(seq=ref.seq, sim_time=ref.at, text=text)


def _evidence(
    deduction: Deduction, facts: SessionFacts, script: FlowScript | None
) -> list[Evidence]:
    """The events that show the rule applies (empty when it does not)."""
    assert deduction.prefill is not None
    rule, over_s = deduction.prefill.rule, deduction.prefill.over_s
    if rule == "slow_to_answer":
        return _slow_to_answer(facts, over_s)
    if rule == "hold_over":
        return [
            Evidence(seq=hold.seq, sim_time=hold.held_at, text=f"held {duration:g} s")
            for hold in facts.holds
            if (duration := hold.duration(facts.release_time)) is not None
            and over_s is not None
            and duration > over_s
        ]
    if rule == "wrapup_over_limit":
        return _wrapup_over_limit(facts, over_s)
    if script is None or facts.answered is None:
        return []
    if rule == "hold_without_phrase":
        return [
            Evidence(seq=check.hold.seq, sim_time=check.hold.held_at, text=check.reason)
            for check in hold_checks(facts, script)
            if not check.used
        ]
    if rule == "no_greeting_phrase":
        check = greeting_check(facts, script)
        return [] if check.used else [_at(facts.answered, check.reason)]
    if rule == "no_closing_phrase":
        if facts.transfers or facts.caller_hung_up:
            return []
        check = closing_check(facts, script)
        where = facts.wrapup or facts.released
        return [] if check.used or where is None else [_at(where, check.reason)]
    return []


def _slow_to_answer(facts: SessionFacts, over_s: float | None) -> list[Evidence]:
    offered, answered = facts.offered, facts.answered
    if offered is None or answered is None or over_s is None:
        return []
    rang = answered.at - offered.at
    if rang <= over_s:
        return []
    return [
        _at(offered, "the agent's phone rang"),
        _at(answered, f"answered after {rang:g} s (over {over_s:g} s)"),
    ]


def _wrapup_over_limit(facts: SessionFacts, over_s: float | None) -> list[Evidence]:
    wrapup, released = facts.wrapup, facts.released
    if wrapup is None:
        return []
    if facts.wrapup_code == "auto":
        return [_at(wrapup, "the wrap-up ran out of time (code auto)")]
    if over_s is not None and released is not None and wrapup.at - released.at > over_s:
        took = wrapup.at - released.at
        return [_at(wrapup, f"wrapped up {took:g} s after the call (over {over_s:g} s)")]
    deadline = facts.wrapup_deadline
    if over_s is None and deadline is not None and wrapup.at > deadline:
        late = wrapup.at - deadline
        return [_at(wrapup, f"wrapped up {late:g} s after its deadline")]
    return []
