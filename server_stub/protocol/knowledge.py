"""The knowledge base on the wire (IN6): articles, search hits, and the script action.

An article is bilingual text that an agent reads beside the call: one YAML file per article
in the centre's `knowledge/` folder (the server's `server_stub.knowledge` loads, checks and
indexes them). `GET /v1/knowledge?q=` answers a `KnowledgeSearchResult`, and
`GET /v1/knowledge/{id}` a `KnowledgeArticleResponse`; the desk rebuilds both with
`model_validate`. A flow script's step opens the knowledge base with
`action: {knowledge: {article: <id>, query: "<words>"}}` (`KnowledgeAction`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

# Article ids travel in URLs and scripts: lower-case words joined by underscores.
ARTICLE_ID: Final = re.compile(r"[a-z][a-z0-9_]*")
ARTICLE_ID_PATTERN: Final = ARTICLE_ID.pattern
MAX_ARTICLE_ID_CHARS: Final = 64
# A query is what an agent types in a search box during a call, not a document.
MAX_QUERY_CHARS: Final = 200
DEFAULT_LIMIT: Final = 10
MAX_LIMIT: Final = 50

Language = Literal["zh", "en"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    """The same text in Chinese and in English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class KnowledgeArticle(_Strict):
    """One article, as written in its file and as sent whole to the desk."""

    id: str = Field(pattern=f"^{ARTICLE_ID_PATTERN}$", max_length=MAX_ARTICLE_ID_CHARS)
    version: StrictInt = Field(gt=0, description="raised whenever the text changes")
    updated: date = Field(description="when this version was written")
    queues: list[str] = Field(min_length=1, description="queue ids whose calls it serves")
    title: Bilingual
    tags: list[str] = Field(default_factory=list, description="keywords, either language")
    body: Bilingual = Field(description="plain text; numbered and '- ' lines are lists")
    related: list[str] = Field(default_factory=list, description="ids of related articles")


class KnowledgeLink(BaseModel):
    """A pointer to an article: enough to list it and open it."""

    id: str
    title: Bilingual


class KnowledgeArticleResponse(BaseModel):
    """`GET /v1/knowledge/{id}`: the article, and its related articles' titles."""

    article: KnowledgeArticle
    related: list[KnowledgeLink]


class KnowledgeSnippet(BaseModel):
    """A passage of an article's body around the words that matched, in one language.

    `highlights` are `(start, end)` character offsets into `text` (Python string indexes,
    end exclusive), in order and never overlapping: the desk styles those spans.
    """

    lang: Language
    text: str
    highlights: list[tuple[int, int]] = Field(default_factory=list)

    def parts(self) -> list[tuple[str, bool]]:
        """`text` cut into (piece, is_highlighted) in order, for a renderer."""
        pieces: list[tuple[str, bool]] = []
        at = 0
        for start, end in self.highlights:
            if start > at:
                pieces.append((self.text[at:start], False))
            pieces.append((self.text[start:end], True))
            at = end
        if at < len(self.text):
            pieces.append((self.text[at:], False))
        return pieces


class KnowledgeHit(BaseModel):
    id: str
    title: Bilingual
    snippet: KnowledgeSnippet
    score: float = Field(description="relevance, higher is better; comparable within a result")
    queues: list[str]
    in_queue: bool = Field(description="the article serves the queue the search was made for")
    version: int
    updated: date


class KnowledgeSearchResult(BaseModel):
    """`GET /v1/knowledge?q=&queue=&limit=`: the hits, best first."""

    query: str
    queue: str | None = None
    hits: list[KnowledgeHit]


class KnowledgeAction(_Strict):
    """The arguments of a script step's `knowledge` action: what the desk opens.

    `article` opens that article; `query` opens the search with these words (ranked for
    the call's queue); both open the article with the search beside it; neither opens an
    empty search. `topic` is the older name of `article`, kept so that scripts written with
    it still mean the same.
    """

    article: str | None = Field(default=None, pattern=f"^{ARTICLE_ID_PATTERN}$")
    query: str | None = Field(default=None, min_length=1, max_length=MAX_QUERY_CHARS)
    topic: str | None = Field(default=None, pattern=f"^{ARTICLE_ID_PATTERN}$")

    @model_validator(mode="after")
    def _one_article(self) -> KnowledgeAction:
        if self.article is not None and self.topic is not None:
            raise ValueError("give the article once: article (topic is its older name)")
        return self

    @property
    def article_id(self) -> str | None:
        return self.article or self.topic
