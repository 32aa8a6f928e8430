"""Training scenarios (TR1): the one import for the server, the trainer's console and tests.

A scenario is YAML (`server_stub/centres/*/scenarios/*.yaml`), versioned: the queue and
flow script the trainee works, the customer (a record or a synthetic one, a persona, a
mood, patience), the caller's scripted turns keyed by script step or desk event with
branches on what the trainee did, the expected path, the required desk actions and
whether their order matters, time limits, and the scoring weights. The pieces:

- `scenario_model`: the models (`Scenario`, `Turn`, `RequiredAction`…), the vocabulary
  (`MOODS`, `TURN_EVENTS`, `ACTION_KINDS`, `ROLES`) and the score shapes (`TrainingScore`);
- `scenario_check`: parsing and validation, every problem with file, line and item, and
  the cross-checks against a centre (`CentreFacts`) and its scripts;
- `call_facts`: `SessionFacts`, the facts of one call derived from its events;
- `phrases`: which steps carry the standard phrases and whether a call used them.

The scoring arithmetic is `server_stub.training.scoring.score_session`.
"""

from __future__ import annotations

from server_stub.protocol.call_facts import SessionFacts, session_facts
from server_stub.protocol.phrases import PHRASE_MARKERS, carries_phrase, phrase_steps
from server_stub.protocol.scenario_check import (
    CentreFacts,
    check_scenario_text,
    check_scenarios,
    load_scenarios,
    parse_scenario,
)
from server_stub.protocol.scenario_model import (
    ACTION_KINDS,
    MOODS,
    ROLES,
    TURN_EVENTS,
    Condition,
    DimensionScore,
    Expect,
    Limits,
    RequiredAction,
    Scenario,
    ScenarioCustomer,
    ScoreLine,
    ScoreWeights,
    SyntheticCustomer,
    TrainingScore,
    Turn,
    WrapupExpect,
)

__all__ = [
    "ACTION_KINDS",
    "MOODS",
    "PHRASE_MARKERS",
    "ROLES",
    "TURN_EVENTS",
    "CentreFacts",
    "Condition",
    "DimensionScore",
    "Expect",
    "Limits",
    "RequiredAction",
    "Scenario",
    "ScenarioCustomer",
    "ScoreLine",
    "ScoreWeights",
    "SessionFacts",
    "SyntheticCustomer",
    "TrainingScore",
    "Turn",
    "WrapupExpect",
    "carries_phrase",
    "check_scenario_text",
    "check_scenarios",
    "load_scenarios",
    "parse_scenario",
    "phrase_steps",
    "session_facts",
]
