"""The survey companion on a busy engine: simulated agents offer the survey at the centre's
rate, callers score from their queue's weights, and the log is the same however time is
chopped."""

from __future__ import annotations

from collections import Counter

from server_stub.centre.loader import load_default_centre
from server_stub.engine import Engine
from server_stub.protocol.events import EventType
from server_stub.survey import SURVEY, SurveyCompanion, queue_survey

HOURS_S = 3 * 3600.0


def _run(steps: list[float]) -> list[tuple[float, str, str | None, str | None, str | None, dict]]:
    config = load_default_centre()
    engine = Engine(config, seed=11, keep_log=True)
    engine.attach(SURVEY, SurveyCompanion.for_centre(config, 11))
    for until in steps:
        engine.advance_to(until)
    return [e for e in engine.log if e[1].startswith("call.survey") or e[1] == "call.ended"]


def test_simulated_agents_offer_the_survey_at_the_centres_rate_and_callers_score_1_to_5() -> None:
    config = load_default_centre()
    log = _run([HOURS_S])
    simulated = {a.id for a in config.agents if a.simulated}
    answered_ends = {
        e[2]
        for e in log
        if e[1] == "call.ended" and e[3] in simulated and e[5]["outcome"] == "answered"
    }
    offered = [e for e in log if e[1] == EventType.CALL_SURVEY_OFFERED]
    assert all(e[5] == {"by": "simulated"} and e[2] in answered_ends for e in offered)
    rate = len(offered) / len(answered_ends)
    assert len(answered_ends) > 300
    assert abs(rate - config.survey.simulated_offer_rate) < 0.06
    scores = [e[5]["score"] for e in log if e[1] == EventType.CALL_SURVEY_SCORED]
    hung_up = [e for e in log if e[1] == EventType.CALL_SURVEY_ABANDONED]
    assert set(scores) <= {1, 2, 3, 4, 5} and len(set(scores)) >= 4
    # Every survey is answered once, answer_s after it was offered (the last ones may be due).
    answered = {
        e[2]: e[0]
        for e in log
        if e[1] in (EventType.CALL_SURVEY_SCORED, EventType.CALL_SURVEY_ABANDONED)
    }
    for e in offered:
        if e[0] + config.survey.answer_s <= HOURS_S:
            assert answered[e[2]] == e[0] + queue_survey(config, e[4]).answer_s
    assert len(answered) == len(scores) + len(hung_up)


def test_complaints_score_lower_than_enquiries_by_their_own_weights() -> None:
    config = load_default_centre()
    complaint, enquiry = queue_survey(config, "complaint"), queue_survey(config, "enquiry")
    assert complaint.scores[5] < enquiry.scores[5]
    assert complaint.hang_up_share == 0.35 and complaint.simulated_offer_rate == 0.3
    log = _run([HOURS_S])
    by_queue: dict[str, Counter[int]] = {"complaint": Counter(), "enquiry": Counter()}
    for e in log:
        if e[1] == EventType.CALL_SURVEY_SCORED and e[4] in by_queue:
            by_queue[e[4]][e[5]["score"]] += 1

    def mean(counts: Counter[int]) -> float:
        return sum(s * n for s, n in counts.items()) / sum(counts.values())

    assert mean(by_queue["complaint"]) < mean(by_queue["enquiry"]) - 0.5


def test_the_surveys_are_the_same_however_time_is_chopped() -> None:
    whole = _run([HOURS_S])
    chopped = _run([float(t) for t in range(7, int(HOURS_S), 97)] + [HOURS_S])
    assert chopped == whole


class _Tally:
    """Counts the survey answers it is shown."""

    def __init__(self) -> None:
        self.seen = 0

    def observe(self, entry: tuple[object, ...]) -> list[object]:
        self.seen += entry[1] in (EventType.CALL_SURVEY_SCORED, EventType.CALL_SURVEY_ABANDONED)
        return []

    def due(self) -> float:
        return float("inf")

    def advance(self, now: float) -> list[object]:
        return []


def test_another_companion_is_shown_each_timed_survey_answer_once() -> None:
    config = load_default_centre()
    engine = Engine(config, seed=11, keep_log=True)
    engine.attach(SURVEY, SurveyCompanion.for_centre(config, 11))
    tally = _Tally()
    engine.attach("tally", tally)
    engine.advance_to(3600.0)
    answers = [
        e
        for e in engine.log
        if e[1] in (EventType.CALL_SURVEY_SCORED, EventType.CALL_SURVEY_ABANDONED)
    ]
    assert answers and tally.seen == len(answers)
