"""CJK as tokens: the text the index stores, and what a query searches for."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server_stub.knowledge.text import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SEPARATOR,
    TOKENIZER,
    index_form,
    query_terms,
    unmark,
)


def test_every_cjk_character_becomes_a_token_and_latin_words_stay_whole() -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, tokenize = '{TOKENIZER}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.execute("INSERT INTO t VALUES (?)", (index_form("5G套餐含宽带 Broadband bills"),))
    terms = [term for (term,) in db.execute("SELECT term FROM v ORDER BY offset")]
    assert terms == ["5g", "套", "餐", "含", "宽", "带", "broadband", "bill"]


@given(st.text())
def test_the_stored_text_gives_back_the_original_exactly(text: str) -> None:
    text = text.replace(SEPARATOR, "").replace(HIGHLIGHT_OPEN, "").replace(HIGHLIGHT_CLOSE, "")
    plain, spans = unmark(index_form(text))
    assert plain == text.replace("\r", " ").replace("\n", " ").strip()
    assert spans == []


def test_a_two_character_word_is_one_phrase_of_two_tokens() -> None:
    assert query_terms("宽带").phrases == ('"宽 带"',)


def test_a_single_character_is_searched_as_itself() -> None:
    assert query_terms("费").phrases == ('"费"',)


def test_a_longer_run_becomes_its_pairs_and_the_whole_run() -> None:
    assert query_terms("光猫红灯").phrases == ('"光 猫"', '"猫 红"', '"红 灯"', '"光 猫 红 灯"')


def test_mixed_queries_keep_words_and_cjk_apart() -> None:
    terms = query_terms("VIP权益 5G套餐")
    assert terms.phrases == ('"VIP"', '"权 益"', '"5G"', '"套 餐"')


def test_full_width_letters_and_digits_are_folded() -> None:
    assert query_terms("ＶＩＰ ２４小时").phrases == ('"VIP"', '"24"', '"小 时"')


def test_the_last_word_still_being_typed_may_be_a_prefix() -> None:
    assert query_terms("broadband do").typing == "do"
    assert query_terms("broadband do ").typing is None  # a space: the word is finished
    assert query_terms("宽带").typing is None
    assert query_terms("broadband 24").typing is None  # a number is not typed by halves
    assert query_terms("broa").expression(with_prefix=True) == '"broa" OR "broa" *'


@pytest.mark.parametrize(
    "query",
    ['"', "'", "*", "a OR", "NEAR(x y)", "-x", "(宽带", "col:宽带", "^x", "AND", "\\", "{x}"],
)
def test_no_query_is_read_as_fts5_syntax(query: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, tokenize = '{TOKENIZER}')")
    db.execute("INSERT INTO t VALUES (?)", (index_form("宽带 x a near and"),))
    terms = query_terms(query)
    if not terms.empty:
        db.execute("SELECT * FROM t WHERE t MATCH ?", (terms.expression(with_prefix=True),))


def test_punctuation_alone_has_nothing_to_search_for() -> None:
    assert query_terms("!?。,…").empty
    assert query_terms("   ").empty


def test_a_pasted_paragraph_is_cut_to_a_bounded_number_of_phrases() -> None:
    assert len(query_terms("宽带断线" * 100).phrases) <= 48


def test_unmark_gives_plain_text_and_merged_highlight_spans() -> None:
    marked = f"…请将\u200b{HIGHLIGHT_OPEN}光\u200b猫{HIGHLIGHT_CLOSE}{HIGHLIGHT_OPEN}断\u200b电"
    marked += f"{HIGHLIGHT_CLOSE}\n三十秒 {HIGHLIGHT_OPEN}modem{HIGHLIGHT_CLOSE}"
    text, spans = unmark(marked)
    assert text == "…请将光猫断电 三十秒 modem"
    assert [text[start:end] for start, end in spans] == ["光猫断电", "modem"]
