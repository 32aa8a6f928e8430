"""`agent-tui-server knowledge check | search`: an article author's tools.

`check [FOLDER]` reports every problem of a knowledge folder (file:line), with the queues
of the centre file beside it and the knowledge actions of the flow scripts beside it;
exit 1 on any error. `search QUERY` prints the ranked hits as the desk would get them.
Heavy imports wait until a command runs, so `agent-tui-server --help` stays quick.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

CENTRE_FILE = "centre.yaml"
SCRIPTS_FOLDER = "scripts"


def add_knowledge_commands(commands: Any) -> None:
    """Add `knowledge` to the server's subcommands (`commands` is argparse's subparsers)."""
    knowledge = commands.add_parser("knowledge", help="check or search a knowledge base")
    sub = knowledge.add_subparsers(dest="knowledge_command", required=True)
    check = sub.add_parser("check", help="validate the articles; exit 1 on any error")
    check.add_argument("folder", nargs="?", default=None, help="default: the demo centre's")
    check.add_argument(
        "--config", default=None, help=f"centre file (default: {CENTRE_FILE} beside)"
    )
    check.add_argument(
        "--scripts", default=None, help=f"flow scripts to check (default: {SCRIPTS_FOLDER}/ beside)"
    )
    search = sub.add_parser("search", help="print the ranked hits for a query")
    search.add_argument("query")
    search.add_argument("--folder", default=None, help="default: the demo centre's")
    search.add_argument("--queue", default=None, help="rank this queue's articles higher")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true", help="print the API's JSON")


def run_knowledge_command(args: argparse.Namespace) -> int:
    folder = Path(args.folder) if args.folder else _demo_folder()
    if args.knowledge_command == "check":
        return _check(folder, args.config, args.scripts)
    return _search(folder, args.query, args.queue, args.limit, as_json=args.json)


def _demo_folder() -> Path:
    from server_stub.centre.loader import default_centre_path
    from server_stub.knowledge.service import KNOWLEDGE_FOLDER

    return default_centre_path().parent / KNOWLEDGE_FOLDER


def _check(folder: Path, config: str | None, scripts: str | None) -> int:
    from server_stub.centre.loader import CentreConfigError, load_centre
    from server_stub.knowledge.index import KnowledgeIndex, SearchUnavailableError
    from server_stub.knowledge.loader import check_knowledge_dir
    from server_stub.knowledge.script_links import check_scripts_dir_links

    centre_path = Path(config) if config else folder.parent / CENTRE_FILE
    queue_ids: set[str] | None = None
    if config or centre_path.is_file():
        try:
            queue_ids = {queue.id for queue in load_centre(centre_path).queues}
        except CentreConfigError as error:
            print(f"{centre_path}: the centre file has errors:\n{error}", file=sys.stderr)
            return 2
    base, problems = check_knowledge_dir(folder, queue_ids)
    shown: list[Any] = list(problems)
    scripts_path = Path(scripts) if scripts else folder.parent / SCRIPTS_FOLDER
    if scripts_path.is_dir() and len(base):
        try:
            index: KnowledgeIndex | None = KnowledgeIndex(list(base.articles.values()))
        except SearchUnavailableError:
            index = None  # article ids are still checked; queries need the index
        shown.extend(check_scripts_dir_links(scripts_path, set(base.articles), index))
    errors = sum(1 for problem in shown if problem.severity == "error")
    for problem in shown:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    warnings = len(shown) - errors
    checked = f"{scripts_path} checked" if scripts_path.is_dir() else "no scripts beside"
    counts = ", ".join(
        _count(number, noun)
        for number, noun in ((len(base), "article"), (errors, "error"), (warnings, "warning"))
    )
    print(f"{folder}: {counts} ({checked})")
    return 1 if errors else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _search(folder: Path, query: str, queue: str | None, limit: int, *, as_json: bool) -> int:
    from server_stub.knowledge.index import (
        EmptyQueryError,
        KnowledgeIndex,
        SearchUnavailableError,
    )
    from server_stub.knowledge.loader import KnowledgeError, load_knowledge_dir
    from server_stub.protocol.knowledge import KnowledgeSearchResult

    try:
        base = load_knowledge_dir(folder)
        hits = KnowledgeIndex(list(base.articles.values())).search(query, queue=queue, limit=limit)
    except KnowledgeError as error:
        print(error, file=sys.stderr)
        return 2
    except (EmptyQueryError, SearchUnavailableError) as error:
        print(f"agent-tui-server: {error}", file=sys.stderr)
        return 2
    if as_json:
        result = KnowledgeSearchResult(query=query, queue=queue, hits=hits)
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    for hit in hits:
        marked = "".join(f"[{piece}]" if lit else piece for piece, lit in hit.snippet.parts())
        print(f"{hit.score:8.3f}  {hit.id}  {hit.title.zh} / {hit.title.en}")
        print(f"          {marked}")
    if not hits:
        print("no article matches")
    return 0
