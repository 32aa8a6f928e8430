"""The full-text index of the articles: SQLite FTS5 in memory, ranked by weighted bm25.

One FTS5 row per article with five columns (title zh, title en, tags, body zh, body en),
stored in `text.index_form` so that CJK characters are tokens (see `text`). The ranking
is bm25 with the titles and tags weighted above the bodies; an article that serves the
call's queue has its score raised by `QUEUE_BOOST` (or the others are left out, with
`queue_only`). The snippet is FTS5's own `snippet()` of the body in the query's language
(or the other body, where that one has no match), as plain text with highlight spans.

The index is content, not state: it is built from the folder at server start, in memory,
in a few milliseconds for the demo centre (bench/knowledge_search.py). Where this
Python's SQLite was built without FTS5, `KnowledgeIndex` raises `SearchUnavailableError`
saying so, and the server answers searches with 503 while articles still open by id.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from typing import Final

from server_stub.knowledge.text import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    TOKENIZER,
    QueryTerms,
    index_form,
    is_cjk,
    query_terms,
    unmark,
)
from server_stub.protocol.knowledge import (
    DEFAULT_LIMIT,
    KnowledgeArticle,
    KnowledgeHit,
    KnowledgeSnippet,
    Language,
)

# bm25 weights, in column order: a word in a title says more than the same word in a body
# (chosen on the relevance table of tests/knowledge/test_search.py; see architecture.md).
COLUMNS: Final = ("title_zh", "title_en", "tags", "body_zh", "body_en")
WEIGHTS: Final = (8.0, 8.0, 6.0, 1.0, 1.0)
BODY_COLUMNS: Final[dict[Language, int]] = {"zh": 3, "en": 4}
# Tokens in a snippet: a CJK token is one character, an English one a word.
SNIPPET_TOKENS: Final[dict[Language, int]] = {"zh": 40, "en": 20}
QUEUE_BOOST: Final = 1.5


class SearchUnavailableError(RuntimeError):
    """Full-text search cannot run here (no FTS5 in this SQLite)."""


class EmptyQueryError(ValueError):
    """A query with no letters, digits or CJK characters: there is nothing to search for."""


class KnowledgeIndex:
    """Build once from the articles, then `search` from any thread."""

    def __init__(self, articles: Sequence[KnowledgeArticle], *, fts_module: str = "fts5") -> None:
        started = time.perf_counter()
        self._articles = list(articles)
        # One connection for every request thread: reads only, serialised by the lock
        # (a search takes well under a millisecond on the demo centre).
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        columns = ", ".join(COLUMNS)
        try:
            self._db.execute(
                f"CREATE VIRTUAL TABLE kb USING {fts_module}"
                f"({columns}, tokenize = '{TOKENIZER}', prefix = '2 3')"
            )
        except sqlite3.OperationalError as error:
            self._db.close()
            raise SearchUnavailableError(
                f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5 ({error}):"
                " knowledge search is off; articles still open by id"
            ) from error
        self._db.execute("CREATE TABLE serves (article INTEGER, queue TEXT)")
        self._db.execute("CREATE INDEX serves_queue ON serves (queue, article)")
        with self._db:
            self._db.executemany(
                f"INSERT INTO kb (rowid, {columns}) VALUES (?, ?, ?, ?, ?, ?)",
                (_row(rowid, article) for rowid, article in enumerate(self._articles)),
            )
            self._db.executemany(
                "INSERT INTO serves VALUES (?, ?)",
                (
                    (rowid, queue)
                    for rowid, article in enumerate(self._articles)
                    for queue in article.queues
                ),
            )
            self._db.execute("INSERT INTO kb (kb) VALUES ('optimize')")
        self.build_s = time.perf_counter() - started

    def __len__(self) -> int:
        return len(self._articles)

    def close(self) -> None:
        self._db.close()

    def search(
        self,
        query: str,
        *,
        queue: str | None = None,
        queue_only: bool = False,
        limit: int = DEFAULT_LIMIT,
    ) -> list[KnowledgeHit]:
        """The best `limit` articles for `query`, best first; `EmptyQueryError` when the
        query has nothing to search for. `queue` boosts (or, with `queue_only`, keeps only)
        the articles that serve it."""
        terms = query_terms(query)
        if terms.empty:
            raise EmptyQueryError("the query has no letters, digits or characters to search for")
        sql = _ranking_sql(queue, queue_only=queue_only)
        prefer: Language = "zh" if is_cjk(query) else "en"
        with self._lock:
            expression = self._expression(terms)
            params = {"match": expression, "queue": queue, "limit": limit}
            ranked = self._db.execute(sql, params).fetchall()
            snippets = self._snippets([rowid for rowid, _ in ranked], expression, prefer)
        return [
            _hit(self._articles[rowid], -score, snippets[rowid], queue) for rowid, score in ranked
        ]

    def _expression(self, terms: QueryTerms) -> str:
        """The MATCH expression, with the word being typed as a prefix unless it is
        already a word of some article."""
        if terms.typing is not None:
            typed = f'"{terms.typing}"'
            known = self._db.execute("SELECT 1 FROM kb WHERE kb MATCH ? LIMIT 1", (typed,))
            if known.fetchone() is None:
                return terms.expression(with_prefix=True)
        return terms.expression()

    def _snippets(
        self, rowids: list[int], expression: str, prefer: Language
    ) -> dict[int, KnowledgeSnippet]:
        """The snippet of each hit, by rowid: from the body in the query's language (CJK
        in the query: Chinese), or from the other body where that one has no match.

        Separate statements for the hits alone: in the ranking query FTS5 would make a
        snippet for every matching row before sorting; and `snippet()` tokenizes the
        whole column, so the other language is asked for only where it is needed."""
        snippets: dict[int, KnowledgeSnippet] = {}
        other: Language = "en" if prefer == "zh" else "zh"
        pending = rowids
        for lang in (prefer, other):
            if not pending:
                break
            marks = ", ".join("?" for _ in pending)
            snippet = (
                f"snippet(kb, {BODY_COLUMNS[lang]}, '{HIGHLIGHT_OPEN}', '{HIGHLIGHT_CLOSE}',"
                f" '…', {SNIPPET_TOKENS[lang]})"
            )
            rows = self._db.execute(
                f"SELECT rowid, {snippet} FROM kb WHERE kb MATCH ? AND rowid IN ({marks})",
                (expression, *pending),
            ).fetchall()
            for rowid, marked in rows:
                text, spans = unmark(marked)
                if spans or rowid not in snippets:
                    snippets[rowid] = KnowledgeSnippet(lang=lang, text=text, highlights=spans)
            pending = [rowid for rowid in pending if not snippets[rowid].highlights]
        return snippets


def _ranking_sql(queue: str | None, *, queue_only: bool) -> str:
    """Weighted bm25 (FTS5's is lower for better), raised for the queue's own articles."""
    weights = ", ".join(str(weight) for weight in WEIGHTS)
    serves = "kb.rowid IN (SELECT article FROM serves WHERE queue = :queue)"
    score = f"bm25(kb, {weights})"
    where = "kb MATCH :match"
    if queue is not None and queue_only:
        where += f" AND {serves}"
    elif queue is not None:
        score += f" * CASE WHEN {serves} THEN {QUEUE_BOOST} ELSE 1.0 END"
    order = "ORDER BY score, kb.rowid LIMIT :limit"
    return f"SELECT kb.rowid, {score} AS score FROM kb WHERE {where} {order}"


def _row(rowid: int, article: KnowledgeArticle) -> tuple[int, str, str, str, str, str]:
    return (
        rowid,
        index_form(article.title.zh),
        index_form(article.title.en),
        index_form(" ; ".join(article.tags)),
        index_form(article.body.zh),
        index_form(article.body.en),
    )


def _hit(
    article: KnowledgeArticle, score: float, snippet: KnowledgeSnippet, queue: str | None
) -> KnowledgeHit:
    return KnowledgeHit(
        id=article.id,
        title=article.title,
        snippet=snippet,
        score=float(f"{score:.4g}"),
        queues=list(article.queues),
        in_queue=queue is not None and queue in article.queues,
        version=article.version,
        updated=article.updated,
    )
