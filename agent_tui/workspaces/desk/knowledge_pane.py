"""The knowledge base beside the call (IN6): search as you type, read the article.

A pane of the desk's work area (the caller's card stays on the left): a query line, the
ranked hits (`GET /v1/knowledge?q=&queue=`, the call's queue first; one search per pause
in typing, `LiveSearch`), and the article opened with Enter (`GET /v1/knowledge/{id}`),
both languages, its lists indented, wrapped by the CJK rules. A script step's
`knowledge` action opens it with the step's query and article (`open`). Esc asks the desk
to close it (`CloseRequested`); nothing here waits on the network.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from agent_tui.client.errors import ApiError, ServerUnreachable
from agent_tui.ui.cjk_wrap import Paragraph
from agent_tui.ui.live_search import LiveSearch
from server_stub.protocol.knowledge import (
    KnowledgeArticleResponse,
    KnowledgeHit,
    KnowledgeSearchResult,
)

Search = Callable[[str], Awaitable[KnowledgeSearchResult]]
Fetch = Callable[[str], Awaitable[KnowledgeArticleResponse]]
HIGHLIGHT = "bold #ebcb8b"
LIST_ITEM = re.compile(r"\s*(?:- |\d+[.)、]\s?)")  # its wrapped lines hang under its text


def hit_prompt(hit: KnowledgeHit) -> Group:
    """A hit: its titles (★ when it serves the call's queue), then one line of the
    matching passage (cut with … so that more hits fit on a small terminal)."""
    line = Text("★ " if hit.in_queue else "  ", style="#ebcb8b")
    line.append(f"{hit.title.zh} / {hit.title.en}", style="bold")
    passage = Text("    ", style="dim", no_wrap=True, overflow="ellipsis")
    for piece, marked in hit.snippet.parts():
        passage.append(" ".join(piece.split()), style=HIGHLIGHT if marked else "dim")
    return Group(line, passage)


def article_renderable(found: KnowledgeArticleResponse) -> RenderableType:
    """The whole article: titles, version and date, Chinese then English, related ones."""
    article = found.article
    parts: list[RenderableType] = [
        Paragraph(Text(f"{article.title.zh} / {article.title.en}", style="bold #88c0d0")),
        Text(f"{article.id} · v{article.version} · {article.updated.isoformat()}", style="dim"),
    ]
    for body in (article.body.zh, article.body.en):
        parts.append(Text(""))
        for line in body.strip().splitlines():
            item = LIST_ITEM.match(line)
            parts.append(Paragraph(Text(line), indent=len(item.group(0)) if item else 0))
    if found.related:
        parts.append(Text(""))
        parts.append(Text("Related 相关", style="bold #5fa8d3"))
        parts.extend(
            Paragraph(Text(f"· {r.title.zh} / {r.title.en} ({r.id})")) for r in found.related
        )
    return Group(*parts)


class KnowledgePane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    class CloseRequested(Message):
        """Esc: back to the script."""

    DEFAULT_CSS = """
    KnowledgePane {
        border: round $success 60%;
        border-title-color: $success;
        padding: 0 1;
        height: 1fr;
    }
    KnowledgePane:focus-within { border: round $success; }
    KnowledgePane #kb-query { background: $boost; }
    KnowledgePane #kb-hits { height: auto; max-height: 9; border: none; padding: 0; }
    KnowledgePane #kb-status { color: $text-muted; height: auto; }
    KnowledgePane #kb-article { height: 1fr; border-top: solid $success 40%; }
    KnowledgePane.-reading #kb-hits { max-height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Knowledge 知识库"
        self.hits: list[KnowledgeHit] = []
        self.article_id: str | None = None  # the article on screen
        self._fetch: Fetch | None = None
        self._search: Search | None = None
        self.live = LiveSearch(self, self._searched, self._show_hits, self._failed, min_chars=1)

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="search 搜索: 宽带 断线, roaming fees…", id="kb-query", compact=True
        )
        yield OptionList(id="kb-hits")
        yield Static("", id="kb-status")
        with VerticalScroll(id="kb-article"):
            yield Static("", id="kb-article-body")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self._status("Type words in Chinese or English; Enter opens the highlighted article.")

    # -- what the desk calls ---------------------------------------------------------

    def bind(self, search: Search, fetch: Fetch) -> None:
        """How to search (for the call's queue) and fetch an article."""
        self._search, self._fetch = search, fetch

    def open(self, query: str | None = None, article: str | None = None) -> None:
        """Show `query`'s hits and `article` (a script step's action); the query line has
        the focus, so the agent can refine the words at once."""
        field = self.query_one(Input)
        if query is not None:
            with field.prevent(Input.Changed):
                field.value = query
            self.live.now(query)
        if article is not None:
            self.show_article(article)
        field.focus()

    def reset(self) -> None:
        """A new call: no words, no hits, no article."""
        with self.query_one(Input).prevent(Input.Changed):
            self.query_one(Input).value = ""
        self.live.latest = ""
        self.hits = []
        self.article_id = None
        self.remove_class("-reading")
        self.query_one(OptionList).clear_options()
        self.query_one("#kb-article-body", Static).update("")
        self._status("Type words in Chinese or English; Enter opens the highlighted article.")

    def show_article(self, article_id: str) -> None:
        if self._fetch is not None:
            self.run_worker(self._load(article_id), group="kb-article", exclusive=True)

    # -- inside ---------------------------------------------------------------------------

    async def _searched(self, query: str) -> KnowledgeSearchResult:
        if self._search is None:
            raise ServerUnreachable("", "not connected")
        return await self._search(query)

    def _show_hits(self, query: str, result: KnowledgeSearchResult) -> None:
        self.hits = list(result.hits)
        options = self.query_one(OptionList)
        options.clear_options()
        for hit in self.hits:
            options.add_option(Option(hit_prompt(hit), id=hit.id))
        if self.hits:
            options.highlighted = 0
            self._status(f"{len(self.hits)} articles for “{query.strip()}” · Enter opens 打开")
        else:
            self._status(f"No article matches “{query.strip()}”: try other words. 无匹配文章")

    def _failed(self, query: str, reason: str) -> None:
        self._status(f"Search for “{query.strip()}” failed: {reason}")

    async def _load(self, article_id: str) -> None:
        assert self._fetch is not None
        try:
            found = await self._fetch(article_id)
        except ApiError as error:
            self._status(f"Article {article_id} could not be opened: {error.message}")
            return
        except ServerUnreachable:
            self._status(f"Article {article_id}: the centre cannot be reached; try again.")
            return
        self.article_id = found.article.id
        self.add_class("-reading")
        self.query_one("#kb-article-body", Static).update(article_renderable(found))
        self.query_one("#kb-article", VerticalScroll).scroll_home(animate=False)
        self.post_message(self.ArticleShown(found.article.id))

    class ArticleShown(Message):
        """An article is on screen (the desk publishes its id in `agent.screen`)."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def _status(self, text: str) -> None:
        self.query_one("#kb-status", Static).update(Text(text, style="italic"))

    @on(Input.Changed, "#kb-query")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.live.typed(event.value)

    @on(Input.Submitted, "#kb-query")
    def _open_highlighted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.query_one(OptionList).highlighted
        if index is not None and 0 <= index < len(self.hits):
            self.show_article(self.hits[index].id)
        else:
            self.live.now(event.value)

    @on(OptionList.OptionSelected, "#kb-hits")
    def _open_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.show_article(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.hits:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    def action_close(self) -> None:
        self.post_message(self.CloseRequested())
