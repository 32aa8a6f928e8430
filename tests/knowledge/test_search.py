"""The full-text index on the demo knowledge base: the right article first, for Chinese,
English and mixed queries, with the matched words highlighted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server_stub.knowledge.index import (
    EmptyQueryError,
    KnowledgeIndex,
    SearchUnavailableError,
)
from server_stub.knowledge.loader import load_knowledge_dir
from server_stub.protocol.knowledge import KnowledgeHit
from tests.knowledge.conftest import DEMO_KNOWLEDGE

# What an agent types during a call, and the article that answers it. Chinese, English
# and mixed; two-character and one-character words; with and without the call's queue.
RELEVANCE: list[tuple[str, str | None, str]] = [
    ("宽带 断线", None, "fault_broadband_dropping"),
    ("宽带经常断线怎么办", None, "fault_broadband_dropping"),
    ("broadband down", None, "fault_broadband_dropping"),
    ("broadband keeps dropping", "fault", "fault_broadband_dropping"),
    ("网速慢", None, "fault_broadband_dropping"),
    ("光猫 指示灯", None, "fault_modem_lights"),
    ("光猫红灯", "fault", "fault_modem_lights"),
    ("modem red light", None, "fault_modem_lights"),
    ("无拨号音", None, "line_fault_basic_checks"),
    ("no dial tone", "fault", "line_fault_basic_checks"),
    ("话费 bill", None, "bill_reading"),
    ("看不懂账单", "enquiry", "bill_reading"),
    ("how to pay", None, "payment_channels"),
    ("缴费渠道", None, "payment_channels"),
    ("VIP 权益", None, "vip_privileges"),
    ("VIP privileges", "vip", "vip_privileges"),
    ("投诉处理规范", None, "complaint_handling"),
    ("complaint handling", "complaint", "complaint_handling"),
    ("投诉升级", None, "complaint_escalation"),
    ("escalate to team leader", "complaint", "complaint_escalation"),
    ("赔偿", None, "compensation_rules"),
    ("compensation", "complaint", "compensation_rules"),
    ("携号转网", None, "number_porting"),
    ("port my number", "enquiry", "number_porting"),
    ("营业厅 地址", None, "service_halls"),
    ("人工服务时间", None, "opening_hours"),
    ("hotline hours", None, "opening_hours"),
    ("opening hours", "fault", "opening_hours"),
    ("身份核实", None, "identity_verification"),
    ("verify identity", None, "identity_verification"),
    ("隐私 录音", None, "privacy_statement"),
    ("privacy", None, "privacy_statement"),
    ("开场白", None, "standard_phrases"),
    ("服务禁语", None, "standard_phrases"),
    ("发票", None, "invoices"),
    ("invoice", None, "invoices"),
    ("国际漫游", None, "data_roaming"),
    ("roaming abroad", None, "data_roaming"),
    ("停机 复机", None, "suspension_restoration"),
    ("忘记服务密码", None, "service_password"),
    ("手机丢了", None, "sim_replacement"),
    ("lost phone", None, "sim_replacement"),
    ("wifi password", None, "wifi_router"),
    ("信号差", None, "fault_mobile_signal"),
    ("no signal", "fault", "fault_mobile_signal"),
    ("无声电话", None, "difficult_callers"),
    ("套餐 价格", None, "tariffs"),
    ("5G套餐", None, "tariffs"),
    ("改套餐", None, "plan_change"),
    ("积分兑换", None, "loyalty_points"),
    ("违约金", None, "fees_and_charges"),
    ("乱扣费", None, "billing_disputes"),
    ("停机公告", "fault", "outage_notices"),
    ("修复时限", None, "fault_repair_timelines"),
    ("VIP 优惠", "vip", "vip_offers"),
    ("费", None, "fees_and_charges"),
]


@pytest.fixture(scope="module")
def index() -> Iterator[KnowledgeIndex]:
    base = load_knowledge_dir(DEMO_KNOWLEDGE)
    built = KnowledgeIndex(list(base.articles.values()))
    yield built
    built.close()


def highlighted(hit: KnowledgeHit) -> list[str]:
    return [hit.snippet.text[start:end] for start, end in hit.snippet.highlights]


@pytest.mark.parametrize(("query", "queue", "expected"), RELEVANCE)
def test_the_answering_article_comes_first(
    index: KnowledgeIndex, query: str, queue: str | None, expected: str
) -> None:
    hits = index.search(query, queue=queue, limit=5)
    assert [hit.id for hit in hits][:1] == [expected], [(h.id, h.score) for h in hits]


def test_a_two_character_word_finds_the_articles_that_contain_it(index: KnowledgeIndex) -> None:
    hits = index.search("宽带", limit=50)
    base = load_knowledge_dir(DEMO_KNOWLEDGE)
    containing = {
        a.id for a in base.articles.values() if "宽带" in a.title.zh + a.body.zh + " ".join(a.tags)
    }
    assert {hit.id for hit in hits} == containing
    assert all("宽带" in highlighted(hit) for hit in hits if hit.snippet.lang == "zh")


def test_a_one_character_query_finds_that_character(index: KnowledgeIndex) -> None:
    articles = load_knowledge_dir(DEMO_KNOWLEDGE).articles
    hits = index.search("赔", limit=50)
    assert hits[0].id == "compensation_rules"  # in its title: 赔偿与补偿标准
    for hit in hits:
        body = articles[hit.id].body.zh
        assert hit.snippet.lang == "zh"
        if "赔" in body:
            assert set(highlighted(hit)) == {"赔"}
        else:  # found by its title or tags: the snippet is where the body begins
            start = hit.snippet.text.rstrip("…")
            assert highlighted(hit) == [] and body.replace("\n", " ").startswith(start)


def test_the_trigram_blind_spot_is_covered_two_characters_inside_a_longer_word(
    index: KnowledgeIndex,
) -> None:
    # 话费 appears inside 话费争议, 兑换话费, 话费账户: no word boundaries in Chinese.
    assert "billing_disputes" in {hit.id for hit in index.search("话费", limit=10)}


def test_the_snippet_highlights_the_query_words_in_the_matching_language(
    index: KnowledgeIndex,
) -> None:
    zh = index.search("光猫 指示灯", limit=1)[0]
    assert zh.snippet.lang == "zh"
    assert set(highlighted(zh)) >= {"光猫", "指示灯"}
    en = index.search("modem lights", limit=1)[0]
    assert en.snippet.lang == "en"
    assert {word.lower() for word in highlighted(en)} >= {"lights"}
    assert "\u200b" not in zh.snippet.text + en.snippet.text


def test_english_words_match_their_other_forms(index: KnowledgeIndex) -> None:
    hit = next(h for h in index.search("charge", limit=10) if h.id == "billing_disputes")
    assert {word.lower() for word in highlighted(hit)} & {"charges", "charged", "charge"}


def test_the_calls_queue_lifts_its_own_articles(index: KnowledgeIndex) -> None:
    without = index.search("opening hours", limit=2)
    with_fault = index.search("opening hours", queue="fault", limit=2)
    assert [hit.id for hit in without] == ["service_halls", "opening_hours"]
    assert with_fault[0].id == "opening_hours"
    assert with_fault[0].in_queue and not any(hit.in_queue for hit in without)


def test_queue_only_keeps_to_the_queues_articles(index: KnowledgeIndex) -> None:
    hits = index.search("投诉", queue="fault", queue_only=True, limit=50)
    assert hits
    assert all("fault" in hit.queues and hit.in_queue for hit in hits)


def test_hits_are_ranked_best_first_and_limited(index: KnowledgeIndex) -> None:
    hits = index.search("宽带 账单 投诉", limit=7)
    assert len(hits) == 7
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(hit.score > 0 for hit in hits)


def test_a_word_being_typed_matches_as_a_prefix_until_it_is_a_word(
    index: KnowledgeIndex,
) -> None:
    assert index.search("broa", limit=1)[0].id == "fault_broadband_dropping"
    # "down" is a word of the articles: it does not also pull in every "downgrade".
    for hit in index.search("down", limit=10):
        assert all(word.lower() == "down" for word in highlighted(hit)), highlighted(hit)


def test_a_query_with_nothing_to_search_for_is_refused(index: KnowledgeIndex) -> None:
    with pytest.raises(EmptyQueryError):
        index.search("?!。")


def test_a_query_that_matches_nothing_finds_nothing(index: KnowledgeIndex) -> None:
    assert index.search("量子纠缠 quantum") == []


def test_an_empty_base_finds_nothing() -> None:
    assert KnowledgeIndex([]).search("宽带") == []


def test_without_fts5_the_index_says_so() -> None:
    # A SQLite built without FTS5 answers "no such module: fts5" here.
    with pytest.raises(SearchUnavailableError, match="has no FTS5"):
        KnowledgeIndex([], fts_module="fts5_not_built_in")
