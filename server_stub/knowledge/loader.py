"""Reading the centre's knowledge folder: one YAML file per article, every problem with its line.

Articles are YAML for the same reasons as flow scripts: the line-tracking reader of
`script_yaml` names the file and line of every field and catches duplicate keys, bodies in
both languages sit side by side as `|` blocks, and the package already ships the centre's
`*.yaml`. All problems are collected in one pass; a broken article is left out and the
rest are still checked (a related link to it is not reported again).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from server_stub.protocol.knowledge import KnowledgeArticle
from server_stub.protocol.script_yaml import LocatedYaml, YamlSyntaxError, load_located_yaml

Severity = Literal["error", "warning"]
ARTICLE_SUFFIX = ".yaml"


@dataclass(frozen=True)
class KnowledgeProblem:
    file: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {tag}{self.message}"


class KnowledgeError(ValueError):
    """A knowledge folder with errors; `problems` holds every error and warning found."""

    def __init__(self, problems: list[KnowledgeProblem]) -> None:
        self.problems = problems
        errors = [problem for problem in problems if problem.severity == "error"]
        super().__init__("\n".join(str(problem) for problem in errors or problems))


@dataclass(frozen=True)
class KnowledgeBase:
    """The articles of one folder, by id, in file-name order."""

    folder: Path | None = None
    articles: Mapping[str, KnowledgeArticle] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.articles)


def check_knowledge_dir(
    folder: str | Path, queue_ids: Set[str] | None = None
) -> tuple[KnowledgeBase, list[KnowledgeProblem]]:
    """The valid articles and every problem (errors and warnings), sorted by file and line.

    With `queue_ids` (the centre's queues), an article's queues must be among them, and a
    queue that no article serves is a warning."""
    root = Path(folder)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        return KnowledgeBase(root), [KnowledgeProblem(str(root), 1, f"the folder {what}")]
    checker = _FolderChecker(root, queue_ids)
    files = sorted(root.glob(f"*{ARTICLE_SUFFIX}"))
    for path in files:
        checker.check_file(path)
    if not files:
        checker.add(str(root), 1, f"no articles: the folder has no *{ARTICLE_SUFFIX} file")
    checker.check_links()
    problems = sorted(checker.problems, key=lambda p: (p.file, p.line, p.severity != "error"))
    return KnowledgeBase(root, dict(checker.articles)), problems


def load_knowledge_dir(folder: str | Path, queue_ids: Set[str] | None = None) -> KnowledgeBase:
    """The folder's articles, or `KnowledgeError` listing every problem if any is an error."""
    base, problems = check_knowledge_dir(folder, queue_ids)
    if any(problem.severity == "error" for problem in problems):
        raise KnowledgeError(problems)
    return base


@dataclass
class _Loaded:
    """An article that parsed, with where its parts are (for the cross-file checks)."""

    article: KnowledgeArticle
    file: str
    located: LocatedYaml


class _FolderChecker:
    def __init__(self, root: Path, queue_ids: Set[str] | None) -> None:
        self.root = root
        self.queue_ids = queue_ids
        self.problems: list[KnowledgeProblem] = []
        self.articles: dict[str, KnowledgeArticle] = {}
        self.loaded: dict[str, _Loaded] = {}
        self.broken_ids: set[str] = set()  # files that failed: links to them are not errors

    def add(self, file: str, line: int, message: str, severity: Severity = "error") -> None:
        self.problems.append(KnowledgeProblem(file, line, message, severity))

    def check_file(self, path: Path) -> None:
        file = str(path)
        self.broken_ids.add(path.stem)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.add(file, 1, "the file is not UTF-8 text")
            return
        except OSError as error:
            self.add(file, 1, f"cannot read the file: {error.strerror}")
            return
        try:
            located = load_located_yaml(text)
        except YamlSyntaxError as error:
            self.add(file, error.line, error.message)
            return
        for duplicate in located.duplicates:
            again = f"(first at line {duplicate.first_line})"
            self.add(file, duplicate.line, f"key '{duplicate.key}' appears twice {again}")
        if not isinstance(located.data, dict):
            self.add(file, 1, "an article is a mapping: id, version, updated, queues, title, body")
            return
        try:
            article = KnowledgeArticle.model_validate(located.data)
        except ValidationError as error:
            for detail in error.errors():
                loc = tuple(detail["loc"])
                self.add(file, located.line_of(loc), _describe(detail, loc))
            return
        if located.duplicates:
            return
        if article.id != path.stem:
            message = f"id '{article.id}' must be the file's name ({article.id}{ARTICLE_SUFFIX})"
            self.add(file, located.line_of(("id",)), message)
            return
        self.check_article(article, file, located)
        self.broken_ids.discard(article.id)
        self.articles[article.id] = article
        self.loaded[article.id] = _Loaded(article, file, located)

    def check_article(self, article: KnowledgeArticle, file: str, located: LocatedYaml) -> None:
        texts: list[tuple[tuple[str | int, ...], str]] = [
            (("title", "zh"), article.title.zh),
            (("title", "en"), article.title.en),
            (("body", "zh"), article.body.zh),
            (("body", "en"), article.body.en),
            *((("tags", index), tag) for index, tag in enumerate(article.tags)),
        ]
        for path, text in texts:
            where = ".".join(str(part) for part in path)
            for message, severity in _text_problems(text, where):
                self.add(file, located.line_of(path), message, severity)
        for index in _repeats(tag.casefold() for tag in article.tags):
            message = f"tag '{article.tags[index]}' is listed twice"
            self.add(file, located.line_of(("tags", index)), message, "warning")
        if not article.tags:
            message = "no tags: the article is found by its title and body only"
            self.add(file, located.line_of(("id",)), message, "warning")
        for index in _repeats(article.queues):
            message = f"queue '{article.queues[index]}' is listed twice"
            self.add(file, located.line_of(("queues", index)), message)
        if self.queue_ids is not None:
            for index, queue in enumerate(article.queues):
                if queue not in self.queue_ids:
                    message = f"queue '{queue}' is not a queue of the centre"
                    message += _did_you_mean(queue, self.queue_ids, listed=True)
                    self.add(file, located.line_of(("queues", index)), message)

    def check_links(self) -> None:
        known = set(self.articles) | self.broken_ids
        for article_id, loaded in self.loaded.items():
            related = loaded.article.related
            for index, target in enumerate(related):
                line = loaded.located.line_of(("related", index))
                if target == article_id:
                    self.add(loaded.file, line, "an article is not related to itself")
                elif target not in known:
                    message = f"related article '{target}' does not exist"
                    self.add(loaded.file, line, message + _did_you_mean(target, self.articles))
            for index in _repeats(related):
                line = loaded.located.line_of(("related", index))
                self.add(loaded.file, line, f"'{related[index]}' is listed twice", "warning")
        if self.queue_ids is not None and self.articles:
            served = {queue for article in self.articles.values() for queue in article.queues}
            for queue in sorted(self.queue_ids - served):
                self.add(str(self.root), 1, f"no article serves queue '{queue}'", "warning")


def _text_problems(text: str, where: str) -> Iterable[tuple[str, Severity]]:
    """Characters a reader cannot see, and full-width letters or digits (a search for 24
    does not find ２４: queries are folded to half width, the text is shown as written)."""
    hidden = sorted({char for char in text if _is_hidden(char)})
    if hidden:
        names = ", ".join(f"U+{ord(char):04X}" for char in hidden)
        yield f"{where} has invisible or control characters ({names}): remove them", "error"
    wide = sorted({char for char in text if "\uff10" <= char <= "\uff5a" and char.isalnum()})
    if wide:
        shown = "".join(wide[:6])
        yield (
            f"{where} has full-width letters or digits ({shown}): write them half width"
            " so that searches find them",
            "warning",
        )


def _is_hidden(char: str) -> bool:
    if char in "\n\t":
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _repeats(items: Iterable[Any]) -> list[int]:
    """Indexes of items seen before in the sequence."""
    seen: set[Any] = set()
    again: list[int] = []
    for index, item in enumerate(items):
        if item in seen:
            again.append(index)
        seen.add(item)
    return again


def _did_you_mean(name: str, choices: Iterable[str], *, listed: bool = False) -> str:
    options = sorted(choices)
    close = difflib.get_close_matches(name, options, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (one of {', '.join(options)})" if listed and options else ""


def _describe(detail: Mapping[str, Any], loc: tuple[Any, ...]) -> str:
    field_name = ".".join(str(part) for part in loc) if loc else "the article"
    kind = detail.get("type")
    if kind == "extra_forbidden":
        return f"unknown field '{field_name}'"
    if kind == "missing":
        return f"missing field '{field_name}'"
    if loc == ("id",) and kind == "string_pattern_mismatch":
        return f"id {detail.get('input')!r} must be lower-case words joined by '_'"
    if loc == ("version",):
        return f"version must be a positive integer, not {detail.get('input')!r}"
    if loc == ("updated",):
        return f"updated must be a date like 2026-11-23, not {detail.get('input')!r}"
    return f"{field_name}: {detail.get('msg', 'invalid')}"
