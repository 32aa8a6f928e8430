"""The centre's knowledge base (IN6): bilingual articles, their checks, and full-text search.

- `loader`: the `knowledge/` folder → `KnowledgeBase`, every problem with file and line;
- `text`: CJK-aware text for the index, and queries as FTS5 expressions;
- `index`: `KnowledgeIndex`, SQLite FTS5 in memory, ranked by weighted bm25;
- `service`: what the server holds (the base, its index, why search may be off);
- `script_links`: flow scripts' `knowledge` actions checked against the base;
- `cli`: `agent-tui-server knowledge check | search`.

The wire models are in `server_stub.protocol.knowledge`. Nothing here is imported at
package import, so the command line stays quick to start.
"""
