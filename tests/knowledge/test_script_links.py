"""Flow scripts open the knowledge base: the action's shape, its links, and the demo scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server_stub.knowledge.index import KnowledgeIndex
from server_stub.knowledge.loader import load_knowledge_dir
from server_stub.knowledge.script_links import check_script_links, check_scripts_dir_links
from server_stub.protocol.knowledge import KnowledgeAction
from server_stub.protocol.scripts import ScriptWalker, check_script_text, load_scripts_dir
from tests.knowledge.conftest import DEMO_KNOWLEDGE, DEMO_SCRIPTS

SCRIPT = """\
script: lookup
version: 1
title: Test
start: ask
steps:
  ask:
    say: "One moment, let me look that up."
    action: {knowledge: ARGUMENTS}
    options:
      - {key: "1", label: "Answered", next: done}
  done:
    end: {outcome: info_given}
"""


def script_with(arguments: str) -> str:
    return SCRIPT.replace("ARGUMENTS", arguments)


@pytest.fixture(scope="module")
def index() -> Iterator[KnowledgeIndex]:
    built = KnowledgeIndex(list(load_knowledge_dir(DEMO_KNOWLEDGE).articles.values()))
    yield built
    built.close()


@pytest.mark.parametrize(
    "arguments",
    [
        "{}",
        "{article: fault_modem_lights}",
        '{query: "光猫 指示灯"}',
        '{article: fault_modem_lights, query: "光猫 指示灯"}',
        "{topic: fault_modem_lights}",
    ],
)
def test_a_knowledge_action_may_name_an_article_a_query_both_or_neither(arguments: str) -> None:
    script, problems = check_script_text(script_with(arguments), "lookup.yaml")
    assert [str(problem) for problem in problems] == []
    assert script is not None
    step_action = script.steps["ask"].action
    assert step_action is not None
    action = KnowledgeAction.model_validate(step_action["knowledge"])
    if "fault_modem_lights" in arguments:
        assert action.article_id == "fault_modem_lights"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("{articel: fault_modem_lights}", "unknown field 'articel'"),
        ("{article: Fault-Modem}", "article: String should match pattern"),
        ('{query: ""}', "query: String should have at least 1 character"),
        ("{article: a, topic: b}", "give the article once"),
    ],
)
def test_a_malformed_knowledge_action_is_an_error_at_its_line(arguments: str, message: str) -> None:
    script, problems = check_script_text(script_with(arguments), "lookup.yaml")
    assert script is None
    assert len(problems) == 1, [str(p) for p in problems]
    assert (problems[0].line, problems[0].step) == (8, "ask")
    assert message in problems[0].message


def test_an_article_that_does_not_exist_is_an_error_with_a_suggestion(
    tmp_path: Path, index: KnowledgeIndex
) -> None:
    path = tmp_path / "lookup.yaml"
    path.write_text(script_with("{article: fault_modem_light}"), encoding="utf-8")
    problems = check_script_links(path, set(load_knowledge_dir(DEMO_KNOWLEDGE).articles), index)
    assert [str(problem) for problem in problems] == [
        f"{path}:8: step 'ask': knowledge article 'fault_modem_light' does not exist"
        " (did you mean 'fault_modem_lights'?)"
    ]


def test_a_query_that_finds_nothing_is_a_warning(tmp_path: Path, index: KnowledgeIndex) -> None:
    path = tmp_path / "lookup.yaml"
    path.write_text(script_with('{query: "量子纠缠"}'), encoding="utf-8")
    problems = check_script_links(path, set(), index)
    assert [str(problem) for problem in problems] == [
        f"{path}:8: warning: step 'ask': knowledge query '量子纠缠' finds no article"
    ]


def test_a_script_that_does_not_parse_leaves_its_problems_to_the_script_checker(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lookup.yaml"
    path.write_text("steps: [\n", encoding="utf-8")
    assert check_script_links(path, set()) == []
    assert check_script_links(tmp_path / "absent.yaml", set()) == []


def test_the_demo_scripts_link_only_to_articles_that_exist(index: KnowledgeIndex) -> None:
    article_ids = set(load_knowledge_dir(DEMO_KNOWLEDGE).articles)
    assert [str(p) for p in check_scripts_dir_links(DEMO_SCRIPTS, article_ids, index)] == []


def knowledge_steps(script_id: str) -> dict[str, KnowledgeAction]:
    script = load_scripts_dir(DEMO_SCRIPTS)[script_id]
    return {
        step_id: KnowledgeAction.model_validate(step.action["knowledge"] or {})
        for step_id, step in script.steps.items()
        if step.action and "knowledge" in step.action
    }


def test_the_fault_script_checks_the_outage_notice_before_quoting_it(
    index: KnowledgeIndex,
) -> None:
    walker = ScriptWalker(load_scripts_dir(DEMO_SCRIPTS)["fault_report"])
    walker.choose("3")  # 区域停机 / Asks about an outage
    assert walker.path[-1] == ("greet", "3")
    assert walker.step == walker.script.steps["check_outage"]
    action = knowledge_steps("fault_report")["check_outage"]
    assert action.article_id == "outage_notices"
    assert action.query is not None
    assert index.search(action.query, queue="fault", limit=1)[0].id == "outage_notices"
    walker.choose("1")  # a notice covers the address
    assert walker.step.end is not None and walker.step.end.outcome == "info_given"


def test_the_enquiry_script_looks_up_any_other_question() -> None:
    walker = ScriptWalker(load_scripts_dir(DEMO_SCRIPTS)["enquiry"])
    walker.choose("6")  # 其他问题 / Another question: look it up
    assert walker.step == walker.script.steps["knowledge_lookup"]
    action = knowledge_steps("enquiry")["knowledge_lookup"]
    assert (action.article_id, action.query) == (None, None)  # the search opens empty
    assert {option.key for option in walker.step.options} == {"1", "2"}


def test_every_knowledge_step_of_the_demo_scripts_opens_an_article_or_a_search() -> None:
    articles = load_knowledge_dir(DEMO_KNOWLEDGE).articles
    for script_id in ("fault_report", "enquiry", "vip_service"):
        steps = knowledge_steps(script_id)
        assert steps, script_id
        for action in steps.values():
            assert action.article_id is None or action.article_id in articles
