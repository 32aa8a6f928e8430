"""The knowledge routes against the real app: every role reads them, bad input is a 4xx."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from server_stub.knowledge.loader import load_knowledge_dir
from server_stub.knowledge.service import KnowledgeService
from server_stub.protocol.knowledge import KnowledgeArticleResponse, KnowledgeSearchResult
from server_stub.server.app import create_app
from server_stub.server.main import build_runtime
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login, paused_runtime, quiet_centre, start_live_server
from tests.knowledge.conftest import DEMO_KNOWLEDGE, WriteArticle, article_text

LOGINS = {"agent": "1001", "supervisor": "s100", "trainer": "t100", "evaluator": "e100"}
LOGINS["admin"] = "admin"


@asynccontextmanager
async def client_on(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://centre") as client:
        yield client


@contextmanager
def centre_beside(folder: Path) -> Iterator[FastAPI]:
    """The quiet centre with its scripts (none) and knowledge in `folder`."""
    runtime = build_runtime(
        quiet_centre(),
        ":memory:",
        speed=0.0,
        scripts_dir=folder / "scripts",
        keep_customer_cache=True,
    )
    try:
        yield create_app(runtime, manage_runtime=False)
    finally:
        runtime.store.close()


@pytest.fixture(scope="module")
def runtime() -> Iterator[CentreRuntime]:
    shared = paused_runtime()
    yield shared
    shared.store.close()


@pytest.fixture
async def api(runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with client_on(create_app(runtime, manage_runtime=False)) as client:
        yield client


@pytest.fixture(scope="module")
def tokens(runtime: CentreRuntime) -> dict[str, dict[str, str]]:
    """One login per role for the module: scrypt is slow on purpose."""

    async def log_in() -> dict[str, dict[str, str]]:
        async with client_on(create_app(runtime, manage_runtime=False)) as client:
            return {role: await login(client, user) for role, user in LOGINS.items()}

    return asyncio.run(log_in())


@pytest.mark.parametrize("role", LOGINS)
async def test_every_role_searches_and_opens_an_article(
    api: httpx.AsyncClient, tokens: dict[str, dict[str, str]], role: str
) -> None:
    found = await api.get(
        "/v1/knowledge", params={"q": "宽带 断线", "queue": "fault"}, headers=tokens[role]
    )
    assert found.status_code == 200, found.text
    result = KnowledgeSearchResult.model_validate(found.json())
    assert result.hits[0].id == "fault_broadband_dropping"
    assert result.hits[0].in_queue
    opened = await api.get(f"/v1/knowledge/{result.hits[0].id}", headers=tokens[role])
    assert opened.status_code == 200, opened.text
    article = KnowledgeArticleResponse.model_validate(opened.json())
    assert article.article.title.zh == "宽带断线与网速慢自助排查"
    assert [link.id for link in article.related] == article.article.related


async def test_a_hit_carries_what_the_desk_shows(
    api: httpx.AsyncClient, tokens: dict[str, dict[str, str]]
) -> None:
    found = await api.get(
        "/v1/knowledge", params={"q": "光猫 指示灯", "limit": 3}, headers=tokens["agent"]
    )
    result = KnowledgeSearchResult.model_validate(found.json())
    assert result.query == "光猫 指示灯" and result.queue is None and len(result.hits) == 3
    hit = result.hits[0]
    assert (hit.id, hit.title.en, hit.version) == (
        "fault_modem_lights",
        "What the modem lights mean",
        2,
    )
    lit = [piece for piece, is_lit in hit.snippet.parts() if is_lit]
    assert {"光猫", "指示灯"} <= set(lit)
    assert "".join(piece for piece, _ in hit.snippet.parts()) == hit.snippet.text


async def test_anonymous_callers_are_refused(api: httpx.AsyncClient) -> None:
    for url in ("/v1/knowledge?q=宽带", "/v1/knowledge/fault_modem_lights"):
        response = await api.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 422, "invalid_request"),
        ({"q": ""}, 422, "invalid_request"),
        ({"q": "   "}, 422, "invalid_request"),
        ({"q": "?!。"}, 422, "invalid_request"),
        ({"q": "宽" * 201}, 422, "invalid_request"),
        ({"q": "宽带", "limit": "0"}, 422, "invalid_request"),
        ({"q": "宽带", "limit": "51"}, 422, "invalid_request"),
        ({"q": "宽带", "limit": "ten"}, 422, "invalid_request"),
        ({"q": "宽带", "queue": "faults"}, 404, "queue_not_found"),
        ({"q": "宽带", "queue_only": "true"}, 422, "invalid_request"),
        ({"q": '"*(^)-:'}, 422, "invalid_request"),
    ],
)
async def test_bad_searches_get_a_4xx_with_the_error_shape(
    api: httpx.AsyncClient,
    tokens: dict[str, dict[str, str]],
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = await api.get("/v1/knowledge", params=params, headers=tokens["agent"])
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


async def test_search_syntax_in_a_query_is_searched_as_words(
    api: httpx.AsyncClient, tokens: dict[str, dict[str, str]]
) -> None:
    response = await api.get("/v1/knowledge", params={"q": 'NEAR(" OR *'}, headers=tokens["agent"])
    assert response.status_code == 200, response.text
    hits = KnowledgeSearchResult.model_validate(response.json()).hits
    assert hits
    assert all(
        hit.snippet.text[start:end].lower() in {"or", "near"}
        for hit in hits
        for start, end in hit.snippet.highlights
    )


@pytest.mark.parametrize("article_id", ["no_such_article", "Fault_Modem_Lights", "x" * 64])
async def test_an_unknown_article_is_404(
    api: httpx.AsyncClient, tokens: dict[str, dict[str, str]], article_id: str
) -> None:
    response = await api.get(f"/v1/knowledge/{article_id}", headers=tokens["agent"])
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "article_not_found"


async def test_a_too_long_article_id_is_422(
    api: httpx.AsyncClient, tokens: dict[str, dict[str, str]]
) -> None:
    response = await api.get(f"/v1/knowledge/{'x' * 65}", headers=tokens["agent"])
    assert response.status_code == 422


async def test_a_knowledge_base_with_errors_answers_503_naming_file_and_line(
    tmp_path: Path, write_article: WriteArticle
) -> None:
    broken = write_article("halls", article_text(version="version: 0"))
    with centre_beside(tmp_path) as app:
        async with client_on(app) as client:
            agent = await login(client, "1001")
            for url in ("/v1/knowledge?q=营业厅", "/v1/knowledge/halls"):
                response = await client.get(url, headers=agent)
                assert response.status_code == 503, response.text
                error = response.json()["error"]
                assert error["code"] == "knowledge_unavailable"
                assert f"{broken}:2: version must be a positive integer" in error["message"]


async def test_a_centre_without_a_knowledge_folder_finds_nothing(tmp_path: Path) -> None:
    with centre_beside(tmp_path) as app:
        async with client_on(app) as client:
            agent = await login(client, "1001")
            found = await client.get("/v1/knowledge?q=宽带", headers=agent)
            assert (found.status_code, found.json()["hits"]) == (200, [])
            opened = await client.get("/v1/knowledge/fault_modem_lights", headers=agent)
            assert opened.status_code == 404


async def test_without_fts5_search_answers_503_and_articles_still_open(
    runtime: CentreRuntime, tokens: dict[str, dict[str, str]]
) -> None:
    app = create_app(runtime, manage_runtime=False)
    # What the server builds where SQLite has no FTS5: the articles, and no index.
    reason = "this Python's SQLite 3.x has no FTS5: knowledge search is off"
    base = load_knowledge_dir(DEMO_KNOWLEDGE)
    app.state.knowledge = KnowledgeService(base, None, search_unavailable=reason)
    async with client_on(app) as client:
        found = await client.get("/v1/knowledge?q=宽带", headers=tokens["agent"])
        assert found.status_code == 503
        assert found.json()["error"] == {"code": "knowledge_unavailable", "message": reason}
        opened = await client.get("/v1/knowledge/fault_modem_lights", headers=tokens["agent"])
        assert opened.status_code == 200


def test_a_real_server_builds_the_index_at_start_and_answers_searches_in_parallel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="knowledge")
    with start_live_server(quiet_centre(), speed=0.0) as live:

        async def search_many() -> list[list[str]]:
            async with httpx.AsyncClient(base_url=live.base_url) as client:
                agent = await login(client, "1001")
                queries = ["宽带 断线", "VIP 权益", "话费 bill", "broadband down"] * 5
                responses = await asyncio.gather(
                    *(client.get("/v1/knowledge", params={"q": q}, headers=agent) for q in queries)
                )
                assert all(response.status_code == 200 for response in responses)
                return [[hit["id"] for hit in r.json()["hits"]] for r in responses]

        results = asyncio.run(search_many())
    # Built by the server's start (its lifespan), not by the first request: only the
    # start logs it, with the scripts' links checked.
    built = [r.getMessage() for r in caplog.records if r.name == "knowledge"]
    assert any("31 articles, indexed in" in message for message in built), built
    assert all(result == results[index % 4] for index, result in enumerate(results))
    assert results[0][0] == "fault_broadband_dropping" and results[1][0] == "vip_privileges"
