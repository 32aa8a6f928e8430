"""A recorded call turned into a training scenario draft (TR1, QA3) in one step.

`scenario_draft(events, call_id, script, …)` reads the call's facts (the same facts a
score reads) and writes scenario YAML a trainer then edits: the queue and flow script,
the customer of the call, the path the agent walked as the expected path, what the agent
did as the required actions (holds, the ticket's category, a transfer or consult and to
whom), time limits a little above what the call took, the caller's lines where the log
has them (a training call) or a line to fill in at each step, and scoring weights. Pure;
the draft passes the scenario checker (the test proves it on the demo centre).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import yaml

from server_stub.protocol.call_facts import CALLER_SAID_EVENT, SessionFacts, session_facts
from server_stub.protocol.events import Event
from server_stub.protocol.phrases import walk_of
from server_stub.protocol.script_model import FlowScript

SLACK = 1.5  # limits: what the recorded call took, times this, rounded up to 10 s
FILL_IN = "(客户在此说什么 / what the caller says here)"


def _limit(seconds: float | None) -> int | None:
    if seconds is None or seconds <= 0:
        return None
    return int(math.ceil(seconds * SLACK / 10.0) * 10)


def scenario_draft(
    events: Iterable[Event],
    call_id: str,
    script: FlowScript,
    *,
    scenario_id: str,
    title: str,
    team_leaders: Iterable[str] = (),
) -> str:
    """Scenario YAML drafted from the recorded call `call_id` on `script`."""
    log = list(events)
    facts = session_facts(log, call_id, team_leaders=frozenset(team_leaders))
    walked = walk_of(script, facts.path).steps if facts.path else [script.start]
    document: dict[str, Any] = {
        "scenario": scenario_id,
        "version": 1,
        "title": title,
        "description": f"Drafted from call {call_id} of agent {facts.agent_id or '?'}.",
        "difficulty": "medium",
        "tags": ["from-call"],
        "queue": facts.queue_id,
        "script": script.id,
        "customer": {"id": facts.customer_id, "mood": "neutral"}
        if facts.customer_id
        else {"synthetic": {"name": "来电客户 / A caller"}, "mood": "neutral"},
        "turns": _turns(log, call_id, walked),
        "expect": {"path": walked, "actions": _actions(facts)},
        "limits": {k: v for k, v in _limits(facts).items() if v is not None},
    }
    if facts.wrapup_code:
        document["expect"]["wrapup"] = {"code": [facts.wrapup_code]}
    weights = {"path": 40, "actions": 30, "phrases": 15, "time": 15}
    if not document["expect"]["actions"]:
        weights = {"path": 55, "phrases": 15, "time": 15}
    if facts.wrapup_code:
        weights["path"] -= 10
        weights["wrapup"] = 10
    document["score"] = weights
    header = f"# Drafted from call {call_id}: edit the turns, the actions and the weights.\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _turns(events: list[Event], call_id: str, walked: list[str]) -> dict[str, Any]:
    said = [e for e in events if e.call_id == call_id and e.type == CALLER_SAID_EVENT]
    turns: dict[str, Any] = {}
    for event in said:
        trigger = str(event.data.get("trigger") or "")
        if trigger and trigger not in turns:
            turns[trigger] = str(event.data.get("text", ""))
    if not turns:
        turns = {step: FILL_IN for step in dict.fromkeys(walked)}
    return turns


def _actions(facts: SessionFacts) -> list[Any]:
    actions: list[Any] = []
    for hold in facts.holds:
        waited = hold.duration(facts.release_time)
        actions.append({"hold": {"max_s": _limit(waited)}} if waited else "hold")
    for ticket in facts.tickets:
        if ticket.category:
            actions.append({"ticket": {"category": ticket.category}})
    for transfer in [*facts.consults, *facts.transfers]:
        kind = "consult" if transfer.mode == "consult_started" else "transfer"
        target = (
            {"role": transfer.to_role}
            if transfer.to_role
            else {"agent": transfer.to_agent}
            if transfer.to_agent
            else {"queue": transfer.to_queue}
        )
        actions.append({kind: target})
    return actions


def _limits(facts: SessionFacts) -> dict[str, int | None]:
    ring = answer = release = None
    if facts.offered is not None and facts.answered is not None:
        ring = facts.answered.at - facts.offered.at
    if facts.answered is not None and facts.released is not None:
        answer = facts.released.at - facts.answered.at
    if facts.released is not None and facts.wrapup is not None:
        release = facts.wrapup.at - facts.released.at
    return {
        "answer_within_s": max(_limit(ring) or 0, 10) if ring is not None else None,
        "call_within_s": _limit(answer),
        "wrapup_within_s": _limit(release),
    }
