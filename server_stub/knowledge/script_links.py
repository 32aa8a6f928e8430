"""Flow scripts' `knowledge` actions checked against a knowledge base: does the article exist,
does the query find anything.

The script checker (`script_check`) already checks the action's shape (`KnowledgeAction`)
without any knowledge base; this adds what needs one, with the script's own file, line
and step. It reads the YAML again for the lines: scripts are small.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Set
from pathlib import Path
from typing import Any

from server_stub.knowledge.index import EmptyQueryError, KnowledgeIndex
from server_stub.protocol.script_model import ScriptProblem
from server_stub.protocol.script_yaml import LocatedYaml, YamlSyntaxError, load_located_yaml

ACTION = "knowledge"
ARTICLE_ARGUMENTS = ("article", "topic")  # `topic` is the older name of `article`


def check_script_links(
    path: str | Path, article_ids: Set[str], index: KnowledgeIndex | None = None
) -> list[ScriptProblem]:
    """Problems of one script file's knowledge actions: an article id that does not exist
    (an error), a query that finds no article (a warning, when `index` is given). A file
    that cannot be read or parsed gives none: the script checker reports it."""
    file = str(path)
    try:
        located = load_located_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return []
    problems: list[ScriptProblem] = []
    for step_id, arguments, where in _knowledge_actions(located):
        for name in ARTICLE_ARGUMENTS:
            article = arguments.get(name)
            if isinstance(article, str) and article not in article_ids:
                message = f"knowledge article '{article}' does not exist"
                close = difflib.get_close_matches(article, sorted(article_ids), n=1)
                if close:
                    message += f" (did you mean '{close[0]}'?)"
                line = located.line_of((*where, name))
                problems.append(ScriptProblem(file, line, step_id, message))
        query = arguments.get("query")
        if index is not None and isinstance(query, str) and not _finds_anything(index, query):
            message = f"knowledge query '{query}' finds no article"
            line = located.line_of((*where, "query"))
            problems.append(ScriptProblem(file, line, step_id, message, "warning"))
    return problems


def check_scripts_dir_links(
    folder: str | Path, article_ids: Set[str], index: KnowledgeIndex | None = None
) -> list[ScriptProblem]:
    """`check_script_links` for every `*.yaml` script in `folder`, in file order."""
    problems: list[ScriptProblem] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        problems.extend(check_script_links(path, article_ids, index))
    return problems


def _knowledge_actions(
    located: LocatedYaml,
) -> Iterator[tuple[str, dict[Any, Any], tuple[str | int, ...]]]:
    """(step id, the action's arguments, their path) of every well-formed knowledge action."""
    data = located.data
    steps = data.get("steps") if isinstance(data, dict) else None
    for step_id, step in steps.items() if isinstance(steps, dict) else ():
        action = step.get("action") if isinstance(step, dict) else None
        arguments = action.get(ACTION) if isinstance(action, dict) else None
        if isinstance(arguments, dict):
            yield str(step_id), arguments, ("steps", step_id, "action", ACTION)


def _finds_anything(index: KnowledgeIndex, query: str) -> bool:
    try:
        return bool(index.search(query, limit=1))
    except EmptyQueryError:
        return False
