"""The post-call satisfaction survey (IN8): the callers sent to it score the call.

`SurveyCompanion` is a companion (docs/architecture.md "Companions on the engine's
timeline"). A call that ends with reason "survey" (the agent transferred its caller to the
survey: `POST /v1/calls/{id}/survey`, the engine's `hangup(..., survey=True)`) is offered it
at once: `call.survey_offered {by: "agent"}`. A simulated agent's call that ends offers it
after `simulated_offer_rate` of the calls (`{by: "simulated"}`), so the demo's day has
scores. `answer_s` later the caller scores, `call.survey_scored {score}` (1..5, drawn from
the queue's weights), or has hung up instead (`call.survey_abandoned`, `hang_up_share` of
them). Every survey event names the call, the agent who offered it and the queue.

A call's draws come from a generator of its own, seeded with the engine's seed and the call
id, so the log is the same however time is chopped and a restart by replay gives the same
scores. Memory holds the surveys under way only (each lasts `answer_s`).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final

from server_stub.centre.schema import CentreConfig, Survey
from server_stub.protocol.events import EventType

Emission = tuple[str, str | None, str | None, str | None, dict[str, Any]]
LogEntry = tuple[float, str, str | None, str | None, str | None, Any]

SURVEY: Final = "survey"  # the companion's name on the engine
SURVEY_REASON: Final = "survey"  # `call.ended {reason}` when the agent sent the caller there
OFFERED: Final = EventType.CALL_SURVEY_OFFERED.value
SCORED: Final = EventType.CALL_SURVEY_SCORED.value
ABANDONED: Final = EventType.CALL_SURVEY_ABANDONED.value


def queue_survey(config: CentreConfig, queue_id: str | None) -> Survey:
    """The survey of a queue: the centre's, with what the queue's own block sets."""
    queue = next((q for q in config.queues if q.id == queue_id), None)
    own = queue.survey if queue is not None else None
    if own is None:
        return config.survey
    return config.survey.model_copy(update={k: getattr(own, k) for k in own.model_fields_set})


@dataclass(frozen=True, slots=True)
class _Pending:
    call_id: str
    agent_id: str | None
    queue_id: str | None
    score: int | None  # None: the caller hangs up instead


class SurveyCompanion:
    """Offers the survey where a call ends so, and logs each caller's answer when it is due."""

    def __init__(self, config: CentreConfig, seed: int, simulated: Collection[str]) -> None:
        self._seed = seed
        self._simulated = frozenset(simulated)
        self._surveys = {q.id: queue_survey(config, q.id) for q in config.queues}
        self._centre = config.survey
        self._due: list[tuple[float, int, _Pending]] = []
        self._order = 0

    @classmethod
    def for_centre(cls, config: CentreConfig, seed: int) -> SurveyCompanion:
        return cls(config, seed, [a.id for a in config.agents if a.simulated])

    def observe(self, entry: LogEntry) -> list[Emission]:
        at, event_type, call_id, agent_id, queue_id, data = entry
        if event_type != EventType.CALL_ENDED or call_id is None or not isinstance(data, dict):
            return []
        survey = self._surveys.get(queue_id or "", self._centre)
        rng = random.Random(f"{self._seed}/survey/{call_id}")
        if data.get("reason") == SURVEY_REASON:
            by = "agent"
        elif agent_id in self._simulated and data.get("outcome") == "answered":
            if rng.random() >= survey.simulated_offer_rate:
                return []
            by = "simulated"
        else:
            return []
        score = None if rng.random() < survey.hang_up_share else _draw_score(rng, survey)
        self._order += 1
        pending = _Pending(call_id, agent_id, queue_id, score)
        heapq.heappush(self._due, (at + survey.answer_s, self._order, pending))
        return [(OFFERED, call_id, agent_id, queue_id, {"by": by})]

    def due(self) -> float:
        return self._due[0][0] if self._due else math.inf

    def advance(self, now: float) -> list[Emission]:
        out: list[Emission] = []
        while self._due and self._due[0][0] <= now:
            pending = heapq.heappop(self._due)[2]
            where = (pending.call_id, pending.agent_id, pending.queue_id)
            if pending.score is None:
                out.append((ABANDONED, *where, {}))
            else:
                out.append((SCORED, *where, {"score": pending.score}))
        return out

    @property
    def under_way(self) -> int:
        return len(self._due)


def _draw_score(rng: random.Random, survey: Survey) -> int:
    scores = sorted(survey.scores)
    return rng.choices(scores, weights=[survey.scores[s] for s in scores])[0]
