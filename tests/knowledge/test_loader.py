"""Reading the knowledge folder: the demo centre's articles, and every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_stub.knowledge.loader import (
    KnowledgeError,
    check_knowledge_dir,
    load_knowledge_dir,
)
from tests.knowledge.conftest import DEMO_KNOWLEDGE, DEMO_QUEUES, WriteArticle, article_text


def problems_of(folder: Path, queues: frozenset[str] | None = None) -> list[str]:
    return [str(problem) for problem in check_knowledge_dir(folder, queues)[1]]


def test_the_demo_knowledge_base_checks_clean_and_serves_every_queue() -> None:
    base, problems = check_knowledge_dir(DEMO_KNOWLEDGE, DEMO_QUEUES)
    assert [str(problem) for problem in problems] == []
    assert len(base) >= 24
    served = {queue for article in base.articles.values() for queue in article.queues}
    assert served == DEMO_QUEUES
    for queue in DEMO_QUEUES:
        assert sum(queue in a.queues for a in base.articles.values()) >= 5, queue


def test_every_demo_article_is_bilingual_and_links_to_articles_that_exist() -> None:
    base = load_knowledge_dir(DEMO_KNOWLEDGE, DEMO_QUEUES)
    for article in base.articles.values():
        assert any("\u4e00" <= char <= "\u9fff" for char in article.body.zh), article.id
        assert not any("\u4e00" <= char <= "\u9fff" for char in article.body.en), article.id
        assert article.tags, article.id
        assert set(article.related) <= set(base.articles), article.id


def test_the_topics_the_brief_names_are_covered() -> None:
    base = load_knowledge_dir(DEMO_KNOWLEDGE)
    titles = " ".join(a.title.zh + a.title.en for a in base.articles.values())
    for topic in ("资费", "账单", "缴费", "光猫", "宽带断线", "营业时间", "投诉处理规范", "赔偿"):
        assert topic in titles, topic
    for topic in ("VIP", "身份核实", "携号转网", "个人信息", "规范用语"):
        assert topic in titles, topic


def test_a_valid_article_loads(write_article: WriteArticle) -> None:
    path = write_article("halls", article_text())
    base = load_knowledge_dir(path.parent, DEMO_QUEUES)
    assert list(base.articles) == ["halls"]
    assert base.articles["halls"].title.en == "Service hall addresses"


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        ({"version": "version: 0"}, "halls.yaml:2: version must be a positive integer, not 0"),
        ({"version": "version: two"}, "halls.yaml:2: version must be a positive integer"),
        ({"updated": "updated: soon"}, "halls.yaml:3: updated must be a date like 2026-11-23"),
        ({"queues": "queues: []"}, "halls.yaml:4: queues: List should have at least 1 item"),
        ({"queues": "queues: [enquiry, faults]"}, "halls.yaml:4: queue 'faults' is not a queue"),
        ({"queues": "queues: [enquiry, enquiry]"}, "halls.yaml:4: queue 'enquiry' is listed twice"),
        ({"tags": "tags: [a, b, A]"}, "halls.yaml:8: warning: tag 'A' is listed twice"),
        ({"tags": "tags: []"}, "halls.yaml:1: warning: no tags"),
        ({"tags": "tags: 营业厅"}, "halls.yaml:8: tags: Input should be a valid list"),
        ({"id": "id: Halls"}, "halls.yaml:1: id 'Halls' must be lower-case words joined by '_'"),
        ({"id": "id: halls_two"}, "halls.yaml:1: id 'halls_two' must be the file's name"),
        ({"tags": "tags: [a]\ncolour: red"}, "halls.yaml:9: unknown field 'colour'"),
        ({"tags": "tags: [a]\ntags: [b]"}, "halls.yaml:9: key 'tags' appears twice (first at"),
        ({"related": "related: [halls]"}, "related"),
    ],
)
def test_a_broken_field_is_named_with_its_line(
    write_article: WriteArticle, replace: dict[str, str], expected: str
) -> None:
    text = article_text(**replace)
    if "related" in replace:
        text += "related: [halls]\n"
        expected = "halls.yaml:14: an article is not related to itself"
    path = write_article("halls", text)
    problems = problems_of(path.parent, DEMO_QUEUES)
    assert any(expected in problem for problem in problems), problems


def test_a_missing_field_is_named_at_its_parent(write_article: WriteArticle) -> None:
    text = article_text().replace('  en: "Service hall addresses"\n', "")
    path = write_article("halls", text)
    assert problems_of(path.parent) == [f"{path}:5: missing field 'title.en'"]


def test_an_unknown_queue_suggests_the_nearest(write_article: WriteArticle) -> None:
    path = write_article("halls", article_text(queues="queues: [enquiry, complain]"))
    problems = problems_of(path.parent, DEMO_QUEUES)
    expected = "queue 'complain' is not a queue of the centre (did you mean 'complaint'?)"
    assert f"{path}:4: {expected}" in problems


def test_a_queue_that_no_article_serves_is_a_warning(write_article: WriteArticle) -> None:
    path = write_article("halls", article_text())
    assert problems_of(path.parent, frozenset({"enquiry", "fault"})) == [
        f"{path.parent}:1: warning: no article serves queue 'fault'"
    ]


def test_a_related_article_that_does_not_exist_suggests_the_nearest(
    write_article: WriteArticle,
) -> None:
    write_article("hall_hours", article_text("hall_hours"))
    path = write_article("halls", article_text() + "related: [hall_hour, hall_hours]\n")
    assert problems_of(path.parent) == [
        f"{path}:14: related article 'hall_hour' does not exist (did you mean 'hall_hours'?)"
    ]


def test_a_link_to_a_broken_article_is_not_reported_twice(write_article: WriteArticle) -> None:
    write_article("hours", article_text("hours", version="version: 0"))
    path = write_article("halls", article_text() + "related: [hours]\n")
    problems = problems_of(path.parent)
    assert problems == [
        f"{path.parent / 'hours.yaml'}:2: version must be a positive integer, not 0"
    ]


def test_every_broken_file_is_reported_in_one_pass(write_article: WriteArticle) -> None:
    first = write_article("a_first", "id: a_first\nversion: [\n")
    second = write_article("b_second", article_text("b_second", version="version: -1"))
    write_article("c_good", article_text("c_good"))
    base, problems = check_knowledge_dir(first.parent)
    assert [problem.file for problem in problems] == [str(first), str(second)]
    assert problems[0].line == 3  # where the YAML parser gave up
    assert list(base.articles) == ["c_good"]
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge_dir(first.parent)
    assert len(raised.value.problems) == 2


def test_invisible_characters_are_errors_and_full_width_digits_warnings(
    write_article: WriteArticle,
) -> None:
    text = article_text().replace("人民路188号。", "人民路\u200b１８８号。")
    path = write_article("halls", text)
    assert problems_of(path.parent) == [
        f"{path}:10: body.zh has invisible or control characters (U+200B): remove them",
        f"{path}:10: warning: body.zh has full-width letters or digits (１８): write them half"
        " width so that searches find them",
    ]


def test_files_that_are_not_articles_are_reported(write_article: WriteArticle) -> None:
    write_article("a_list", "- just\n- a list\n")
    path = write_article("b_bytes", "")
    path.write_bytes(b"id: \xff\xfe\n")
    problems = problems_of(path.parent)
    assert problems == [
        f"{path.parent / 'a_list.yaml'}:1: an article is a mapping: id, version, updated,"
        " queues, title, body",
        f"{path}:1: the file is not UTF-8 text",
    ]


def test_a_missing_or_empty_folder_is_reported(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}:1: the folder does not exist"
    ]
    assert problems_of(tmp_path) == [f"{tmp_path}:1: no articles: the folder has no *.yaml file"]
