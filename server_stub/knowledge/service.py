"""What the server holds of a centre's knowledge base: the articles, their index, and why
search (or the whole base) may be off.

The base lives in the centre's folder, beside the flow scripts (`knowledge/` next to
`scripts/` and `centre.yaml`). It is built once per folder and version of its files and
shared by every app of the process (tests make many apps over one demo centre). A folder
with errors does not stop the centre: the problems are logged with file and line, and the
knowledge routes answer 503 saying where the first one is.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from server_stub.knowledge.index import KnowledgeIndex, SearchUnavailableError
from server_stub.knowledge.loader import (
    ARTICLE_SUFFIX,
    KnowledgeBase,
    KnowledgeProblem,
    check_knowledge_dir,
)
from server_stub.knowledge.script_links import check_scripts_dir_links
from server_stub.protocol.knowledge import KnowledgeArticleResponse, KnowledgeLink

log = logging.getLogger("knowledge")

KNOWLEDGE_FOLDER = "knowledge"


def knowledge_dir_beside(scripts_dir: Path) -> Path:
    """The knowledge folder of the centre whose flow scripts are in `scripts_dir`."""
    return scripts_dir.parent / KNOWLEDGE_FOLDER


class KnowledgeUnavailableError(RuntimeError):
    """The knowledge base, or its search, cannot answer; the message says why."""


@dataclass(frozen=True)
class KnowledgeService:
    base: KnowledgeBase
    index: KnowledgeIndex | None
    problems: tuple[KnowledgeProblem, ...] = ()
    articles_unavailable: str | None = None  # the folder has errors
    search_unavailable: str | None = None  # the folder has errors, or no FTS5 here
    build_s: float = 0.0

    def searchable(self) -> KnowledgeIndex:
        """The index to search, or `KnowledgeUnavailableError` saying why there is none."""
        if self.index is None:
            raise KnowledgeUnavailableError(self.search_unavailable or "no knowledge index")
        return self.index

    def article(self, article_id: str) -> KnowledgeArticleResponse | None:
        """The article and its related articles' titles, or None if there is no such id."""
        if self.articles_unavailable is not None:
            raise KnowledgeUnavailableError(self.articles_unavailable)
        article = self.base.articles.get(article_id)
        if article is None:
            return None
        related = [
            KnowledgeLink(id=other.id, title=other.title)
            for other in (self.base.articles.get(ident) for ident in article.related)
            if other is not None
        ]
        return KnowledgeArticleResponse(article=article, related=related)


def build_knowledge_service(
    folder: Path | None, queue_ids: Set[str] | None = None
) -> KnowledgeService:
    """Load and index `folder` (no folder: an empty base that finds nothing)."""
    started = time.perf_counter()
    if folder is None or not folder.is_dir():
        return KnowledgeService(KnowledgeBase(folder), KnowledgeIndex([]))
    base, problems = check_knowledge_dir(folder, queue_ids)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        reason = f"the knowledge base has errors: {errors[0]}{more}"
        return KnowledgeService(
            KnowledgeBase(folder),
            None,
            tuple(problems),
            articles_unavailable=reason,
            search_unavailable=reason,
            build_s=time.perf_counter() - started,
        )
    try:
        index: KnowledgeIndex | None = KnowledgeIndex(list(base.articles.values()))
        search_off = None
    except SearchUnavailableError as error:
        index, search_off = None, str(error)
    return KnowledgeService(
        base,
        index,
        tuple(problems),
        search_unavailable=search_off,
        build_s=time.perf_counter() - started,
    )


def knowledge_service(folder: Path | None, queue_ids: Set[str] | None = None) -> KnowledgeService:
    """The service of `folder`, built once for each version of its files."""
    if folder is None:
        return _cached(None, (), None)
    resolved = folder.resolve()
    stamp = tuple(
        (path.name, path.stat().st_mtime_ns) for path in sorted(resolved.glob(f"*{ARTICLE_SUFFIX}"))
    )
    return _cached(str(resolved), stamp, frozenset(queue_ids) if queue_ids is not None else None)


@functools.lru_cache(maxsize=8)
def _cached(
    folder: str | None, stamp: tuple[tuple[str, int], ...], queue_ids: frozenset[str] | None
) -> KnowledgeService:
    return build_knowledge_service(Path(folder) if folder is not None else None, queue_ids)


def centre_knowledge(scripts_dir: Path | None, queue_ids: Set[str]) -> KnowledgeService:
    """The knowledge base of the centre whose flow scripts are in `scripts_dir`."""
    return knowledge_service(knowledge_dir_beside(scripts_dir) if scripts_dir else None, queue_ids)


def open_centre_knowledge(scripts_dir: Path | None, queue_ids: Set[str]) -> KnowledgeService:
    """`centre_knowledge` at server start: logged with its problems and those of the
    scripts' knowledge actions (which the script checker cannot see without the base)."""
    service = centre_knowledge(scripts_dir, queue_ids)
    log_knowledge_service(service)
    if scripts_dir is not None and scripts_dir.is_dir() and service.index is not None:
        article_ids = set(service.base.articles)
        for problem in check_scripts_dir_links(scripts_dir, article_ids, service.index):
            log.warning("%s", problem)
    return service


def log_knowledge_service(service: KnowledgeService) -> None:
    """One line at start (articles, build time), then each problem with file and line."""
    for problem in service.problems:
        level = logging.ERROR if problem.severity == "error" else logging.WARNING
        log.log(level, "%s", problem)
    if service.articles_unavailable is not None:
        log.error("%s: the knowledge routes answer 503", service.articles_unavailable)
        return
    if service.search_unavailable is not None:
        log.error("%s", service.search_unavailable)
    log.info(
        "knowledge base %s: %d articles, indexed in %.1f ms",
        service.base.folder,
        len(service.base),
        service.build_s * 1000,
    )
