"""The knowledge base (IN6): ranked search and whole articles, for every logged-in role.

Articles are the centre's content, not personal data, so every role may read them. The
base is built when the server starts (this router's lifespan, merged into the app's) from
the `knowledge/` folder beside the centre's flow scripts, and kept on `app.state`; an app
that never ran its lifespan (tests through ASGI) builds it on first use, from the same
per-process cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request

from server_stub.knowledge.index import EmptyQueryError
from server_stub.knowledge.service import (
    KnowledgeService,
    KnowledgeUnavailableError,
    centre_knowledge,
    open_centre_knowledge,
)
from server_stub.protocol.api import ErrorResponse
from server_stub.protocol.knowledge import (
    DEFAULT_LIMIT,
    MAX_ARTICLE_ID_CHARS,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    KnowledgeArticleResponse,
    KnowledgeSearchResult,
)
from server_stub.server.deps import AnyUser, get_runtime
from server_stub.server.errors import ApiError, not_found
from server_stub.server.runtime import CentreRuntime


def service_for(runtime: CentreRuntime, *, starting: bool = False) -> KnowledgeService:
    queue_ids = {queue.id for queue in runtime.config.queues}
    if starting:
        return open_centre_knowledge(runtime.scripts_dir, queue_ids)
    return centre_knowledge(runtime.scripts_dir, queue_ids)


@asynccontextmanager
async def build_at_start(app: FastAPI) -> AsyncIterator[None]:
    # In a thread, and not waited for: the server answers while the base is built (tens
    # of ms for the demo's 31 articles, seconds for thousands), and the first search
    # waits for it. The centre's driver is already running on this loop.
    building = asyncio.create_task(asyncio.to_thread(service_for, app.state.runtime, starting=True))
    app.state.knowledge_building = building
    try:
        yield
    finally:
        building.cancel()  # only the wait: the thread finishes on its own


router = APIRouter(
    tags=["knowledge"],
    lifespan=build_at_start,
    responses={
        503: {
            "model": ErrorResponse,
            "description": "the knowledge base has errors, or this SQLite has no FTS5",
        }
    },
)


async def get_knowledge(request: Request) -> KnowledgeService:
    """The app's knowledge base, once built (async: a sync dependency would cost a
    thread-pool hop on every search). An app that never ran its lifespan builds it here."""
    state = request.app.state
    service: KnowledgeService | None = getattr(state, "knowledge", None)
    if service is None:
        building: asyncio.Task[KnowledgeService] | None = getattr(state, "knowledge_building", None)
        if building is not None:
            service = await asyncio.shield(building)
        else:
            service = await asyncio.to_thread(service_for, get_runtime(request))
        state.knowledge = service
    return service


KnowledgeDep = Annotated[KnowledgeService, Depends(get_knowledge)]


def unavailable(error: KnowledgeUnavailableError) -> ApiError:
    return ApiError(503, "knowledge_unavailable", str(error))


@router.get("/knowledge", response_model=KnowledgeSearchResult)
def search_knowledge(
    user: AnyUser,
    knowledge: KnowledgeDep,
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description="words in Chinese, English or both, e.g. 宽带 断线, broadband down",
        ),
    ],
    queue: Annotated[
        str | None, Query(max_length=64, description="the call's queue: its articles rank first")
    ] = None,
    queue_only: Annotated[bool, Query(description="only the queue's articles")] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> KnowledgeSearchResult:
    """Articles ranked by relevance (bm25, titles and tags above bodies), each with a
    highlighted snippet. A plain `def`: the search runs in the thread pool, never on the
    event loop that streams the feed."""
    if not q.strip():
        raise ApiError(422, "invalid_request", "q: the query is empty")
    queues = get_runtime(request).config.queues
    if queue is not None and queue not in {known.id for known in queues}:
        raise not_found("queue", queue)
    if queue_only and queue is None:
        raise ApiError(422, "invalid_request", "queue_only: give the queue to keep to")
    try:
        index = knowledge.searchable()
        hits = index.search(q, queue=queue, queue_only=queue_only, limit=limit)
    except EmptyQueryError as error:
        raise ApiError(422, "invalid_request", f"q: {error}") from error
    except KnowledgeUnavailableError as error:
        raise unavailable(error) from error
    return KnowledgeSearchResult(query=q, queue=queue, hits=hits)


@router.get("/knowledge/{article_id}", response_model=KnowledgeArticleResponse)
async def knowledge_article(
    user: AnyUser,
    knowledge: KnowledgeDep,
    article_id: Annotated[str, Path(max_length=MAX_ARTICLE_ID_CHARS)],
) -> KnowledgeArticleResponse:
    """One article, both languages, with its related articles' titles."""
    try:
        article = knowledge.article(article_id)
    except KnowledgeUnavailableError as error:
        raise unavailable(error) from error
    if article is None:
        raise not_found("article", article_id)
    return article
