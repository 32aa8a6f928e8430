"""Text for the full-text index: CJK characters as tokens, queries as FTS5 expressions.

SQLite's `unicode61` tokenizer makes one token of a whole run of Han characters
("宽带经常断线" is one token), so a search for 宽带 would find nothing, and the `trigram`
tokenizer cannot match a two-character word at all. Python's sqlite3 cannot register a
tokenizer of its own, so the text is prepared instead: the index holds the article's text
with a zero-width space (U+200B, a separator to `unicode61`) on each side of every CJK
character, which makes every character a token; a query's CJK run becomes phrases of two
adjacent characters (宽带断线 → "宽 带" OR "带 断" OR "断 线", plus the whole run for an
exact match), and a single character stays a one-token query. Latin words go through
`unicode61` with the porter stemmer, in the text and in the query alike. Because the
stored text is the article's own text plus invisible separators, FTS5's `snippet()` and
`highlight()` work on it, and removing the separators gives back the original exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from server_stub.protocol.knowledge import MAX_QUERY_CHARS

SEPARATOR: Final = "\u200b"
HIGHLIGHT_OPEN: Final = "\x02"
HIGHLIGHT_CLOSE: Final = "\x03"
# The FTS5 table's tokenizer; the query side below mirrors what it treats as a token.
TOKENIZER: Final = "porter unicode61 remove_diacritics 2"
# Enough phrases for any sentence an agent types; a pasted paragraph is cut here.
MAX_PHRASES: Final = 48

# Scripts written without spaces between words: Han (with its extensions and the
# compatibility block, 々〆〇), kana and bopomofo. Hangul is written with spaces.
_CJK_RANGES: Final = (
    "\u3005-\u3007\u3021-\u3029\u3038-\u303b"
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3100-\u312f\u31a0-\u31bf"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002fa1f\U00030000-\U0003134f"
)
_CJK: Final = re.compile(f"[{_CJK_RANGES}]")
_AROUND_CJK: Final = re.compile(f"(?=[{_CJK_RANGES}])|(?<=[{_CJK_RANGES}])")
# A query's pieces: a run of CJK characters, or a word of other letters and digits
# (unicode61's token characters are the letters, the digits and the private-use area).
_MARKERS: Final = re.compile(f"[{HIGHLIGHT_OPEN}{HIGHLIGHT_CLOSE}]")
_LINE_BREAKS_AS_SPACES: Final = str.maketrans("\r\n", "  ")
_QUERY_PIECE: Final = re.compile(
    f"(?P<cjk>[{_CJK_RANGES}]+)|(?P<word>(?:(?![{_CJK_RANGES}])[^\\W_])+)"
)


def index_form(text: str) -> str:
    """`text` as stored in the index: a separator on each side of every CJK character."""
    return _AROUND_CJK.sub(SEPARATOR, text)


def is_cjk(text: str) -> bool:
    """Whether `text` has any CJK character (a Chinese query, or a Chinese passage)."""
    return _CJK.search(text) is not None


def normalize_query(query: str) -> str:
    """Fold full-width letters and digits (ｖｉｐ２４ → vip24): what is searched. A space
    at the end stays: it says the last word is finished."""
    return unicodedata.normalize("NFKC", query)[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class QueryTerms:
    """What a query searches for: FTS5 phrases, each already quoted, duplicates dropped.

    Words become `"word"`; a CJK run becomes its overlapping pairs of characters, and the
    whole run when it is longer than two; one character stays one. `typing` is the last
    word while it is still being typed (no space after it): the index also looks for it as
    a prefix (`"broa" *`), but only when it is not a word of the articles, so that a
    finished "down" does not pull in every "downgrade".
    """

    phrases: tuple[str, ...]
    typing: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing to search for: no letters, digits or CJK characters."""
        return not self.phrases

    def expression(self, *, with_prefix: bool = False) -> str:
        """The FTS5 MATCH expression: any phrase may match, and bm25 ranks the articles
        that match more of them higher (empty when there is nothing to search for)."""
        phrases = list(self.phrases)
        if with_prefix and self.typing is not None:
            phrases.append(f'"{self.typing}" *')
        return " OR ".join(phrases)


def query_terms(query: str) -> QueryTerms:
    """The phrases of `query`. Only letters, digits and CJK characters reach them, so no
    query is ever read as FTS5 syntax."""
    text = normalize_query(query)
    phrases: list[str] = []
    typing: str | None = None
    pieces = list(_QUERY_PIECE.finditer(text))
    for number, piece in enumerate(pieces):
        cjk, word = piece.group("cjk"), piece.group("word")
        if cjk is not None:
            phrases.extend(_cjk_phrases(cjk))
        elif word is not None:
            phrases.append(f'"{word}"')
            last = number == len(pieces) - 1 and piece.end() == len(text)
            if last and len(word) >= 2 and not word.isdigit():
                typing = word
    return QueryTerms(tuple(dict.fromkeys(phrases))[:MAX_PHRASES], typing)


def _cjk_phrases(run: str) -> Iterator[str]:
    if len(run) == 1:
        yield f'"{run}"'
        return
    for start in range(len(run) - 1):
        yield f'"{run[start]} {run[start + 1]}"'
    if len(run) > 2:
        yield '"' + " ".join(run) + '"'


def unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """A `snippet()`/`highlight()` result made with the HIGHLIGHT_* markers, as the plain
    text (separators removed, line breaks as spaces, trimmed) and its highlighted
    (start, end) spans; spans that touch are merged."""
    # Pieces alternate: plain, highlighted, plain, …; string methods, not a loop per
    # character: this runs for every hit of every search.
    pieces = _MARKERS.split(marked.replace(SEPARATOR, "").translate(_LINE_BREAKS_AS_SPACES))
    lead = len(pieces[0]) - len(pieces[0].lstrip())
    pieces[0] = pieces[0][lead:]
    pieces[-1] = pieces[-1].rstrip()
    spans: list[tuple[int, int]] = []
    at = 0
    for number, piece in enumerate(pieces):
        if number % 2 and piece:
            if spans and spans[-1][1] == at:
                spans[-1] = (spans[-1][0], at + len(piece))
            else:
                spans.append((at, at + len(piece)))
        at += len(piece)
    return "".join(pieces), spans
