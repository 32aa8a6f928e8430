"""Knowledge search speed: the demo centre's articles, and a synthetic 10,000-article base.

The workload is what agents type during calls, keystroke by keystroke (宽, 宽带, 宽带 断…,
b, br, bro…), in Chinese, English and mixed, each with and without the call's queue. For
each base it prints the index build time and p50/p99 of `KnowledgeIndex.search` (ranking,
snippets, models); for the demo base also `GET /v1/knowledge` through the real app in
process (routing, auth, JSON, the thread pool). The baseline, measured in the same run on
the same synthetic base, is a substring scan: what a search without an index would do.

The synthetic articles recombine the demo articles' own sentences, titles and tags
(seeded), so their words are as frequent as real ones and most queries match thousands
of them: a dense worst case for bm25, which scores every matching article.

    .venv/bin/python bench/knowledge_search.py [--synthetic 10000] [--rounds 3]

Last line: `search_p99_ms=X`, on the synthetic base.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date

from server_stub.knowledge.index import KnowledgeIndex
from server_stub.knowledge.loader import load_knowledge_dir
from server_stub.knowledge.service import knowledge_dir_beside
from server_stub.protocol.knowledge import Bilingual, KnowledgeArticle
from server_stub.server.testing import asgi_client, demo_scripts_dir, login, paused_runtime

FINAL_QUERIES = (
    "宽带 断线",
    "宽带经常断线怎么办",
    "光猫 指示灯",
    "话费 bill",
    "VIP 权益",
    "投诉处理规范",
    "携号转网",
    "broadband down",
    "how to pay my bill",
    "escalate to team leader",
    "5G套餐 价格",
    "请您稍等一下,可以吗",
)
QUEUES = (None, "fault", "enquiry", "complaint", "vip")


def keystrokes(query: str) -> list[str]:
    """Every prefix an agent's search box sends while typing `query`."""
    return [query[:end] for end in range(1, len(query) + 1) if query[:end].strip()]


def workload(seed: int = 1) -> list[tuple[str, str | None]]:
    rng = random.Random(seed)
    return [(typed, rng.choice(QUEUES)) for query in FINAL_QUERIES for typed in keystrokes(query)]


def synthetic_base(
    demo: Sequence[KnowledgeArticle], count: int, seed: int = 7
) -> list[KnowledgeArticle]:
    rng = random.Random(seed)
    zh_lines = [line for a in demo for line in a.body.zh.splitlines() if line.strip()]
    en_lines = [line for a in demo for line in a.body.en.splitlines() if line.strip()]
    tags = sorted({tag for a in demo for tag in a.tags})
    queues = ["enquiry", "fault", "complaint", "vip"]
    articles = []
    for number in range(count):
        lines = rng.randint(6, 12)
        articles.append(
            KnowledgeArticle(
                id=f"synthetic_{number}",
                version=1,
                updated=date(2026, 1, 1),
                queues=rng.sample(queues, rng.randint(1, 3)),
                title=Bilingual(zh="".join(rng.sample(tags, 2)), en=" ".join(rng.sample(tags, 2))),
                tags=rng.sample(tags, 6),
                body=Bilingual(
                    zh="\n".join(rng.sample(zh_lines, lines)),
                    en="\n".join(rng.sample(en_lines, lines)),
                ),
            )
        )
    return articles


def percentiles(samples_s: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_s)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def timed(
    search: Callable[[str, str | None], object], work: list[tuple[str, str | None]], rounds: int
) -> list[float]:
    search(*work[0])  # warm: the first query pays for SQLite's statement cache
    samples = []
    for _ in range(rounds):
        for query, queue in work:
            started = time.perf_counter()
            search(query, queue)
            samples.append(time.perf_counter() - started)
    return samples


def build(articles: list[KnowledgeArticle]) -> tuple[KnowledgeIndex, float]:
    started = time.perf_counter()
    index = KnowledgeIndex(articles)
    return index, time.perf_counter() - started


def substring_scan(articles: list[KnowledgeArticle]) -> Callable[[str, str | None], object]:
    """The baseline: count each query word in every article's text, keep the best ten."""
    texts = [
        (a.title.zh + a.title.en + " ".join(a.tags) + a.body.zh + a.body.en).lower()
        for a in articles
    ]

    def search(query: str, queue: str | None) -> object:
        words = query.lower().split()
        scored = [(sum(text.count(word) for word in words), n) for n, text in enumerate(texts)]
        return sorted((s for s in scored if s[0]), reverse=True)[:10]

    return search


def api_samples(work: list[tuple[str, str | None]], rounds: int) -> list[float]:
    async def run() -> list[float]:
        runtime = paused_runtime()
        try:
            async with asgi_client(runtime) as client:
                agent = await login(client, "1001")
                samples = []
                for _ in range(rounds):
                    for query, queue in work:
                        params = {"q": query, **({"queue": queue} if queue else {})}
                        started = time.perf_counter()
                        response = await client.get("/v1/knowledge", params=params, headers=agent)
                        samples.append(time.perf_counter() - started)
                        if response.status_code != 200:
                            raise SystemExit(f"{params}: {response.status_code} {response.text}")
                return samples
        finally:
            runtime.store.close()

    return asyncio.run(run())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=10_000, help="articles in the big base")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the workload")
    args = parser.parse_args()
    work = workload()
    demo = list(load_knowledge_dir(knowledge_dir_beside(demo_scripts_dir())).articles.values())
    print(
        f"workload: {len(work)} searches per round ({len(FINAL_QUERIES)} queries typed key by key)"
    )

    demo_index, demo_build = build(demo)
    p50, p99 = percentiles(timed(lambda q, c: demo_index.search(q, queue=c), work, args.rounds))
    print(
        f"demo base, {len(demo)} articles: built in {demo_build * 1000:.1f} ms;"
        f" search p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )
    p50, p99 = percentiles(api_samples(work, args.rounds))
    print(f"demo base through GET /v1/knowledge (in process): p50 {p50:.2f} ms, p99 {p99:.2f} ms")

    big = synthetic_base(demo, args.synthetic)
    big_index, big_build = build(big)
    index_samples = timed(lambda q, c: big_index.search(q, queue=c), work, args.rounds)
    p50, p99 = percentiles(index_samples)
    print(
        f"synthetic base, {len(big)} articles: built in {big_build:.2f} s;"
        f" search p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )
    scan_p50, scan_p99 = percentiles(timed(substring_scan(big), work, 1))
    print(
        f"baseline substring scan of the same base: p50 {scan_p50:.2f} ms, p99 {scan_p99:.2f} ms"
        f" (index p50 {scan_p50 / p50:.1f}x faster)"
    )
    print(f"search_p99_ms={p99:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
