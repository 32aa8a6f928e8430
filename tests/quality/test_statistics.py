"""Quality statistics (QA2), each figure worked out by hand from the marks below."""

from __future__ import annotations

from server_stub.protocol.call_facts import PathChoice
from server_stub.protocol.events import Event
from server_stub.protocol.scenarios import session_facts
from server_stub.quality.statistics import (
    CallWalk,
    QualitySummary,
    ScoredEvaluation,
    Workload,
    by_agent,
    evaluator_workload,
    fatal_frequency,
    items_most_lost,
    knowledge_gaps,
    score_all,
    summarise,
)
from tests.quality.forms import demo_forms, evaluation
from tests.training import demo_runs
from tests.training.demo_runs import demo_scripts

# Totals by hand (sections are worth 100 points; weights 40 / 40 / 20):
#   q1: attitude 95                      -> (40*95 + 4000 + 2000) / 100 = 98
#   q2: attitude 85 and a fatal error    -> raw (40*85 + 4000 + 2000) / 100 = 94, total 0
#   q3: skill 90, initiative 80          -> (4000 + 40*90 + 20*80) / 100 = 92
#   q4: attitude 95, skill 90            -> (40*95 + 40*90 + 2000) / 100 = 94
#   q5: a draft: counted in no figure but the evaluator's workload
EVALUATIONS = [
    evaluation("q1", agent="1001", evaluator="e100", date="2026-11-23", cold_attitude="flat_tone"),
    evaluation(
        "q2",
        agent="1001",
        evaluator="e100",
        date="2026-11-24",
        fatal_error="disclosed",
        verbal_tics="tic*5",
    ),
    evaluation(
        "q3",
        agent="1002",
        evaluator="e101",
        date="2026-11-23",
        procedure="no_verification",
        proactive_service="no_anything_else",
    ),
    evaluation(
        "q4",
        agent="1002",
        evaluator="e101",
        date="2026-12-01",
        cold_attitude="flat_tone",
        procedure="no_verification",
    ),
    evaluation(
        "q5",
        agent="1001",
        evaluator="e100",
        date="2026-12-02",
        status="draft",
        impatience=["interrupted", "rushed", "refused_repeat"],
    ),
]


def scored() -> list[ScoredEvaluation]:
    return score_all(EVALUATIONS, demo_forms())


def test_each_evaluation_is_scored_on_its_form_version() -> None:
    assert [(e.evaluation.id, e.score.total, e.score.raw_total) for e in scored()] == [
        ("q1", 98.0, 98.0),
        ("q2", 0.0, 94.0),
        ("q3", 92.0, 92.0),
        ("q4", 94.0, 94.0),
        ("q5", 88.0, 88.0),  # (40*70 + 4000 + 2000) / 100, but a draft
    ]


def test_centre_wide_quality_counts_confirmed_evaluations_with_a_fatal_as_zero() -> None:
    assert summarise(scored()) == QualitySummary(
        evaluations=4,
        mean_total=(98 + 0 + 92 + 94) / 4,
        mean_raw_total=(98 + 94 + 92 + 94) / 4,
        fatal=1,
        fatal_rate=0.25,
    )
    assert summarise([]) == QualitySummary(0, None, None, 0, None)


def test_fatal_errors_are_counted_by_what_they_were() -> None:
    frequency = fatal_frequency(scored())
    assert (frequency.evaluations, frequency.with_fatal, frequency.rate) == (4, 1, 0.25)
    assert frequency.by_deduction == {
        "决定性错误 / Fatal error: 未核实身份泄露客户信息"
        " / Disclosed customer data without verification": 1
    }


def test_quality_per_agent_per_day_month_and_year() -> None:
    assert {key: s.mean_total for key, s in by_agent(scored(), "day").items()} == {
        ("1001", "2026-11-23"): 98.0,
        ("1001", "2026-11-24"): 0.0,
        ("1002", "2026-11-23"): 92.0,
        ("1002", "2026-12-01"): 94.0,
    }
    months = by_agent(scored(), "month")
    assert {
        key: (s.evaluations, s.mean_total, s.mean_raw_total, s.fatal) for key, s in months.items()
    } == {
        ("1001", "2026-11"): (2, 49.0, 96.0, 1),
        ("1002", "2026-11"): (1, 92.0, 92.0, 0),
        ("1002", "2026-12"): (1, 94.0, 94.0, 0),
    }
    assert {key: s.mean_total for key, s in by_agent(scored(), "year").items()} == {
        ("1001", "2026"): 49.0,
        ("1002", "2026"): 93.0,
    }


def test_evaluator_workload_shows_drafts_beside_confirmed_work() -> None:
    assert evaluator_workload(scored(), "month") == {
        ("e100", "2026-11"): Workload(confirmed=2, drafts=0, agents=frozenset({"1001"})),
        ("e100", "2026-12"): Workload(confirmed=0, drafts=1, agents=frozenset({"1001"})),
        ("e101", "2026-11"): Workload(confirmed=1, drafts=0, agents=frozenset({"1002"})),
        ("e101", "2026-12"): Workload(confirmed=1, drafts=0, agents=frozenset({"1002"})),
    }


def test_the_items_most_often_lost_come_first_then_the_most_points() -> None:
    ranked = [
        (loss.item, loss.evaluations, loss.points_lost, loss.share)
        for loss in items_most_lost(scored(), demo_forms())
    ]
    assert ranked == [
        ("procedure", 2, 20.0, 0.5),  # q3, q4: 10 each
        ("cold_attitude", 2, 10.0, 0.5),  # q1, q4: 5 each
        ("proactive_service", 1, 20.0, 0.25),
        ("verbal_tics", 1, 15.0, 0.25),  # the fatal item has no points to lose
    ]
    assert [loss.label for loss in items_most_lost(scored(), demo_forms(), top=1)] == [
        "操作规范 / Procedure"
    ]


def path_of(events: list[Event]) -> list[PathChoice]:
    return session_facts(events, "c1").path


def test_knowledge_gaps_are_the_steps_where_walks_leave_the_path() -> None:
    complaint = demo_runs.demo_scenarios()["angry_complaint"].expect.path
    enquiry_stops = [PathChoice(step="greet", key="1")]  # stopped at tariffs, not an end
    enquiry_done = [
        PathChoice(step="greet", key="1"),
        PathChoice(step="tariffs", key="1"),
        PathChoice(step="anything_else", key="2"),
    ]
    walks = [
        CallWalk("t1", "complaint", path_of(demo_runs.angry_complaint_remedy_offered()), complaint),
        CallWalk("t2", "complaint", path_of(demo_runs.angry_complaint_right()), complaint),
        CallWalk("c1", "enquiry", enquiry_stops),
        CallWalk("c2", "enquiry", enquiry_stops),
        CallWalk("c3", "enquiry", enquiry_done),
        CallWalk("c4", "enquiry", []),  # no walk: nothing to learn
    ]
    gaps = [
        (g.script, g.step, g.walks, g.left, g.share, g.calls)
        for g in knowledge_gaps(walks, demo_scripts())
    ]
    assert gaps == [
        ("enquiry", "tariffs", 3, 2, 0.6667, ["c1", "c2"]),
        ("complaint", "assess", 2, 1, 0.5, ["t1"]),  # chose 'can be put right now' there
    ]
