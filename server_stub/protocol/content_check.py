"""What every content checker shares: located YAML, problems with file, line and item.

Flow scripts set the pattern (`script_check`); training scenarios and quality forms follow
it with this base: the YAML is read with a line for every key (`script_yaml`), problems are
`ScriptProblem`s whose `kind` says what the item is (turn, action, section, item…), and
pydantic errors are worded the way script errors are.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any, ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from server_stub.protocol.script_check import _describe as describe_field_error
from server_stub.protocol.script_model import ScriptProblem, Severity
from server_stub.protocol.script_yaml import (
    DuplicateKey,
    LocatedYaml,
    Path,
    YamlSyntaxError,
    load_located_yaml,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
VersionedT = TypeVar("VersionedT", bound="Versioned")
Item = tuple[str, str] | None  # (kind, id): ("turn", "verify"), ("action", "2"); None: the file


def describe_validation_error(detail: Mapping[str, Any], loc: Path) -> str:
    """A pydantic error in the words of a script error; a model's own rule as it says it."""
    if detail.get("type") == "value_error" and not loc:
        return str(detail.get("ctx", {}).get("error", detail.get("msg", "invalid")))
    if detail.get("type") == "value_error":
        field = ".".join(str(part) for part in loc)
        return f"{field}: {detail.get('ctx', {}).get('error', detail.get('msg', 'invalid'))}"
    return describe_field_error(detail, loc)


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a candidate is close to `word`, else an empty string."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, sorted(candidates), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def read_text_problem(path: str | FilePath) -> tuple[str | None, ScriptProblem | None]:
    """The file's text, or the one problem that says why it cannot be read."""
    try:
        return FilePath(path).read_text(encoding="utf-8"), None
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        return None, ScriptProblem(str(path), None, None, message)
    except UnicodeDecodeError:
        return None, ScriptProblem(str(path), None, None, "the file is not UTF-8 text")


class Versioned(Protocol):
    """A content model published in numbered versions (a scenario, a form)."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


def check_versioned_files(
    path_or_dir: str | FilePath,
    check_text: Callable[[str, str], tuple[VersionedT | None, list[ScriptProblem]]],
    noun: str,
) -> tuple[dict[tuple[str, int], VersionedT], list[ScriptProblem]]:
    """Every valid model of a file, or of each `*.yaml` in a folder, by (id, version), and
    every problem, with two files of one id and version reported too."""
    root = FilePath(path_or_dir)
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    models: dict[tuple[str, int], VersionedT] = {}
    first_file: dict[tuple[str, int], str] = {}
    problems: list[ScriptProblem] = []
    if root.is_dir() and not files:
        message = f"no {noun} files (*.yaml) in this folder"
        problems.append(ScriptProblem(str(root), None, None, message, "warning"))
    for file in files:
        text, unreadable = read_text_problem(file)
        if text is None:
            problems.extend([unreadable] if unreadable is not None else [])
            continue
        model, file_problems = check_text(text, str(file))
        problems.extend(file_problems)
        if model is None:
            continue
        key = (model.id, model.version)
        if key in models:
            message = f"{noun} '{model.id}' version {model.version} is also in {first_file[key]}"
            problems.append(ScriptProblem(str(file), 1, None, message))
            continue
        models[key] = model
        first_file[key] = str(file)
    return models, problems


def has_errors(problems: Iterable[ScriptProblem]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def sorted_problems(problems: Iterable[ScriptProblem]) -> list[ScriptProblem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.severity != "error"))


class LocatedChecker:
    """Collects every problem of one file; subclasses add the checks of their format."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[ScriptProblem] = []
        self.located = LocatedYaml(data=None)

    def load(self, text: str) -> Any:
        """The parsed document (None after a syntax error, which is reported)."""
        try:
            self.located = load_located_yaml(text)
        except YamlSyntaxError as error:
            self.problems.append(ScriptProblem(self.filename, error.line, None, error.message))
            return None
        return self.located.data

    def report(
        self, path: Path, message: str, item: Item = None, severity: Severity = "error"
    ) -> None:
        line = self.located.line_of(path)
        kind, item_id = item if item is not None else ("step", None)
        problem = ScriptProblem(self.filename, line, item_id, message, severity, kind)
        self.problems.append(problem)

    def warn(self, path: Path, message: str, item: Item = None) -> None:
        self.report(path, message, item, "warning")

    # Fields a format renamed or moved: an old file gets told where they went.
    moved: ClassVar[Mapping[str, str]] = {}

    def validate(self, model: type[ModelT], raw: Any, path: Path, item: Item) -> ModelT | None:
        """`model` from `raw`, or None with each pydantic error reported at its own line.

        Unknown fields are reported and then left out, so the rest is still checked (the
        file keeps its errors, so it still fails). Outside an item, a field is named by
        its whole path (`expect.path`); inside one, from the item down."""
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            details = error.errors()
            for detail in details:
                loc: Path = tuple(detail["loc"])
                named = loc if item is not None else (*path, *loc)
                message = describe_validation_error(detail, named)
                if detail.get("type") == "extra_forbidden":
                    message += self.hint_for(loc, model)
                self.report((*path, *loc), message, item)
            extras = {d["loc"][0] for d in details if d["type"] == "extra_forbidden"}
            only_extras = all(len(d["loc"]) == 1 for d in details) and extras == {
                d["loc"][0] for d in details
            }
            if not (isinstance(raw, dict) and extras and only_extras):
                return None
            kept = {key: value for key, value in raw.items() if key not in extras}
            try:
                return model.model_validate(kept)
            except ValidationError:
                return None

    def hint_for(self, loc: Path, model: type[BaseModel]) -> str:
        """Where a moved field went, or a field of `model` close to an unknown one."""
        field = str(loc[-1])
        if field in self.moved:
            return f" ({self.moved[field]})"
        if len(loc) > 1:
            return ""  # a nested model's field: its names are not `model`'s
        names = [info.alias or name for name, info in model.model_fields.items()]
        return did_you_mean(field, names)

    def report_duplicates(self, item_of: dict[Path, str]) -> None:
        """Every repeated key; `item_of` names the kind of item a mapping at a path holds."""
        for duplicate in self.located.duplicates:
            self.report_duplicate(duplicate, item_of.get(duplicate.path))

    def report_duplicate(self, duplicate: DuplicateKey, kind: str | None) -> None:
        again = f"(first at line {duplicate.first_line})"
        if kind is not None:
            message = f"{kind} '{duplicate.key}' is defined twice {again}"
            item: Item = (kind, str(duplicate.key))
        else:
            message, item = f"key '{duplicate.key}' appears twice {again}", None
        kind_name, item_id = item if item is not None else ("step", None)
        problem = ScriptProblem(self.filename, duplicate.line, item_id, message, "error", kind_name)
        self.problems.append(problem)
