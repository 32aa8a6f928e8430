"""Reading and validating flow scripts: every problem with its file, line and step.

All problems are collected, never only the first: a broken step is reported and left out,
and the checks that follow still run on the rest. Parts that failed to parse still count
as existing (their ids, declared names and raw `next` targets), so one typo does not
cascade into a page of "does not resolve" and "unreachable".
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from server_stub.protocol.script_model import (
    ACTION_ARGUMENTS,
    BUILTIN_VARIABLES,
    KNOWN_ACTIONS,
    RESERVED_KEYS,
    STEP_ID,
    VARIABLE_NAME,
    FlowScript,
    ScriptError,
    ScriptProblem,
    Severity,
    Step,
    VariableSpec,
)
from server_stub.protocol.script_placeholders import split_placeholders
from server_stub.protocol.script_yaml import LocatedYaml, Path, YamlSyntaxError, load_located_yaml

ModelT = TypeVar("ModelT", bound=BaseModel)


def check_script_text(
    text: str,
    filename: str,
    wrapup_codes: set[str] | None = None,
    action_ids: set[str] | None = None,
) -> tuple[FlowScript | None, list[ScriptProblem]]:
    """The script (None when any error was found) and every problem, sorted by line.

    With `action_ids` (the desk's binding ids), a `{key:<id>}` naming none is an error."""
    checker = _Checker(filename, wrapup_codes, action_ids)
    script = checker.run(text)
    problems = sorted(checker.problems, key=lambda p: (p.line or 0, p.severity != "error"))
    has_error = any(problem.severity == "error" for problem in problems)
    return (None if has_error else script), problems


def parse_script(
    text: str, filename: str = "<script>", wrapup_codes: set[str] | None = None
) -> FlowScript:
    """The script, or `ScriptError` listing every problem when there is any error."""
    script, problems = check_script_text(text, filename, wrapup_codes)
    if script is None:
        raise ScriptError(problems)
    return script


def load_script(path: str | FilePath, wrapup_codes: set[str] | None = None) -> FlowScript:
    return parse_script(_read(path), str(path), wrapup_codes)


def check_script_file(
    path: str | FilePath,
    wrapup_codes: set[str] | None = None,
    action_ids: set[str] | None = None,
) -> list[ScriptProblem]:
    """Every problem in one file, errors and warnings, without raising (the CLI's check)."""
    try:
        text = _read(path)
    except OSError as error:
        return [ScriptProblem(str(path), None, None, f"cannot read the file: {error.strerror}")]
    except UnicodeDecodeError:
        return [ScriptProblem(str(path), None, None, "the file is not UTF-8 text")]
    return check_script_text(text, str(path), wrapup_codes, action_ids)[1]


def load_scripts_dir(
    path: str | FilePath, wrapup_codes: set[str] | None = None
) -> dict[str, FlowScript]:
    """Every `*.yaml` script in a folder by script id; `ScriptError` if any file has errors."""
    scripts: dict[str, FlowScript] = {}
    first_file: dict[str, str] = {}
    problems: list[ScriptProblem] = []
    for file in sorted(FilePath(path).glob("*.yaml")):
        try:
            script, file_problems = check_script_text(_read(file), str(file), wrapup_codes)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(ScriptProblem(str(file), None, None, f"cannot read the file: {error}"))
            continue
        problems.extend(file_problems)
        if script is None:
            continue
        if script.id in scripts:
            message = f"script id '{script.id}' is also used by {first_file[script.id]}"
            problems.append(ScriptProblem(str(file), 1, None, message))
            continue
        scripts[script.id] = script
        first_file[script.id] = str(file)
    if any(problem.severity == "error" for problem in problems):
        raise ScriptError(problems)
    return scripts


def _read(path: str | FilePath) -> str:
    return FilePath(path).read_text(encoding="utf-8")


class _Checker:
    def __init__(
        self, filename: str, wrapup_codes: set[str] | None, action_ids: set[str] | None = None
    ) -> None:
        self.filename = filename
        self.wrapup_codes = wrapup_codes
        self.action_ids = action_ids
        self.problems: list[ScriptProblem] = []
        self.located = LocatedYaml(data=None)

    # -- reporting ------------------------------------------------------------------

    def report(
        self, path: Path, message: str, step: str | None = None, severity: Severity = "error"
    ) -> None:
        line = self.located.line_of(path)
        self.problems.append(ScriptProblem(self.filename, line, step, message, severity))

    def report_validation(self, error: ValidationError, base: Path, step: str | None) -> None:
        for detail in error.errors():
            loc: Path = tuple(detail["loc"])
            self.report((*base, *loc), _describe(detail, loc), step)

    # -- the run --------------------------------------------------------------------

    def run(self, text: str) -> FlowScript | None:
        try:
            self.located = load_located_yaml(text)
        except YamlSyntaxError as error:
            self.problems.append(ScriptProblem(self.filename, error.line, None, error.message))
            return None
        data = self.located.data
        if not isinstance(data, dict):
            self.report((), "a script is a mapping with script, version, title, start and steps")
            return None
        self.check_duplicates()
        variables, declared = self.parse_variables(data.get("variables"))
        steps, raw_broken = self.parse_steps(data.get("steps"))
        script = self.parse_header(data, variables, steps)
        start = data.get("start") if isinstance(data.get("start"), str) else None
        known_ids = set(steps) | set(raw_broken)
        if start is not None and known_ids and start not in known_ids:
            self.report(("start",), f"start step '{start}' does not exist")
            start = None
        used = self.check_steps(steps, known_ids, declared)
        self.check_graph(start, steps, raw_broken)
        for name in variables:
            if name not in used:
                message = f"variable '{name}' is declared but no text uses it"
                self.report(("variables", name), message, severity="warning")
        return script

    def check_duplicates(self) -> None:
        for duplicate in self.located.duplicates:
            again = f"(first at line {duplicate.first_line})"
            if duplicate.path == ("steps",):
                message = f"step id '{duplicate.key}' is defined twice {again}"
                step = str(duplicate.key)
            elif duplicate.path == ("variables",):
                message, step = f"variable '{duplicate.key}' is declared twice {again}", None
            else:
                message = f"key '{duplicate.key}' appears twice {again}"
                in_step = len(duplicate.path) >= 2 and duplicate.path[0] == "steps"
                step = str(duplicate.path[1]) if in_step else None
            problem = ScriptProblem(self.filename, duplicate.line, step, message)
            self.problems.append(problem)

    def parse_variables(self, raw: Any) -> tuple[dict[str, VariableSpec], set[str]]:
        """The valid variables, and every declared name (valid or not) for placeholders."""
        if raw is None:
            return {}, set()
        if not isinstance(raw, dict):
            self.report(
                ("variables",), "variables must be a mapping of name to {required, fallback}"
            )
            return {}, set()
        variables: dict[str, VariableSpec] = {}
        for name, spec in raw.items():
            path: Path = ("variables", name)
            if not isinstance(name, str) or not VARIABLE_NAME.fullmatch(name):
                self.report(path, f"variable name '{name}' must be dotted words like customer.name")
                continue
            parsed = self.validate(VariableSpec, {} if spec is None else spec, path, None)
            if parsed is not None:
                variables[name] = parsed
        return variables, {name for name in raw if isinstance(name, str)}

    def parse_steps(self, raw: Any) -> tuple[dict[str, Step], dict[str, Any]]:
        """The valid steps, and the raw form of the broken ones (still ids, still edges)."""
        steps: dict[str, Step] = {}
        broken: dict[str, Any] = {}
        if raw is None:
            return steps, broken  # the header check reports the missing field
        if not isinstance(raw, dict) or not raw:
            self.report(("steps",), "steps must be a non-empty mapping of step id to step")
            return steps, broken
        for step_id, raw_step in raw.items():
            path: Path = ("steps", step_id)
            sid = str(step_id)
            if not isinstance(step_id, str) or not STEP_ID.fullmatch(step_id):
                message = "a step id is a letter then letters, digits or underscores"
                self.report(path, message, sid)
            if raw_step is None:
                self.report(path, "the step is empty: give it options, or end: {outcome: …}", sid)
                broken[sid] = {}
                continue
            parsed = self.validate(Step, raw_step, path, sid)
            if parsed is None:
                broken[sid] = raw_step
            else:
                steps[sid] = parsed
        return steps, broken

    def parse_header(
        self, data: dict[Any, Any], variables: dict[str, VariableSpec], steps: dict[str, Step]
    ) -> FlowScript | None:
        header = dict(data)
        if isinstance(data.get("steps"), dict):
            header["steps"] = steps  # already checked step by step
        if isinstance(data.get("variables"), dict):
            header["variables"] = variables
        elif data.get("variables") is None:
            header.pop("variables", None)
        return self.validate(FlowScript, header, (), None)

    def validate(
        self, model: type[ModelT], raw: Any, path: Path, step: str | None
    ) -> ModelT | None:
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            self.report_validation(error, path, step)
            return None

    # -- steps ----------------------------------------------------------------------

    def check_steps(
        self, steps: dict[str, Step], known_ids: set[str], declared: set[str]
    ) -> set[str]:
        """Options, placeholders, actions and outcomes; returns the variable names used."""
        used: set[str] = set()
        for sid, step in steps.items():
            base: Path = ("steps", sid)
            if step.end is not None and step.options:
                message = f"an end step (outcome '{step.end.outcome}') has no options"
                self.report((*base, "options"), message, sid)
            if step.end is None and not step.options:
                self.report(base, "the step has no options and no end", sid)
            self.check_options(sid, step, known_ids)
            texts: list[tuple[Path, str, str]] = [
                ((*base, "say"), "say", step.say or ""),
                ((*base, "rule"), "rule", step.rule or ""),
            ]
            for index, option in enumerate(step.options):
                where = f"the label of option '{option.key}'"
                texts.append(((*base, "options", index, "label"), where, option.label))
            for path, where, text in texts:
                used |= self.check_placeholders(sid, path, where, text, declared)
            self.check_action(sid, step)
            codes = self.wrapup_codes
            if step.end is not None and codes is not None and step.end.outcome not in codes:
                listed = ", ".join(sorted(codes))
                message = f"outcome '{step.end.outcome}' is not a wrap-up code ({listed})"
                self.report((*base, "end", "outcome"), message, sid, "warning")
        return used

    def check_options(self, sid: str, step: Step, known_ids: set[str]) -> None:
        first_index: dict[str, int] = {}
        for index, option in enumerate(step.options):
            path: Path = ("steps", sid, "options", index)
            key = option.key
            if key in RESERVED_KEYS:
                message = f"option key {key!r} is reserved by the desk ({RESERVED_KEYS[key]})"
                self.report((*path, "key"), message, sid)
            elif len(key) != 1 or not key.isprintable() or key.isspace():
                message = f"option key {key!r} must be a single printable character"
                self.report((*path, "key"), message, sid)
            if key in first_index:
                message = f"option key {key!r} is used twice in this step"
                self.report((*path, "key"), message, sid)
            else:
                first_index[key] = index
            if option.next not in known_ids:
                message = f"option '{key}' -> '{option.next}' does not resolve"
                close = difflib.get_close_matches(option.next, sorted(known_ids), n=1)
                if close:
                    message += f" (did you mean '{close[0]}'?)"
                self.report((*path, "next"), message, sid)

    def check_placeholders(
        self, sid: str, path: Path, where: str, text: str, declared: set[str]
    ) -> set[str]:
        used: set[str] = set()
        for piece in split_placeholders(text):
            if piece.malformed:
                message = f"malformed placeholder '{piece.text}' in {where}: write {{name}}"
                self.report(path, message + ", or {{ and }} for a brace", sid)
            elif piece.key_action is not None:
                self.check_key_action(sid, path, where, piece.key_action)
            elif piece.name is not None:
                used.add(piece.name)
                if piece.name not in declared and piece.name not in BUILTIN_VARIABLES:
                    message = (
                        f"placeholder '{{{piece.name}}}' in {where} is not a declared variable"
                        " or a built-in"
                    )
                    self.report(path, message, sid)
        return used

    def check_key_action(self, sid: str, path: Path, where: str, action_id: str) -> None:
        known = self.action_ids
        if known is None or action_id in known:
            return
        message = f"'{{key:{action_id}}}' in {where} names no desk action"
        close = difflib.get_close_matches(action_id, sorted(known), n=1)
        if close:
            message += f" (did you mean '{close[0]}'?)"
        self.report(path, message, sid)

    def check_action(self, sid: str, step: Step) -> None:
        for name, arguments in (step.action or {}).items():
            path: Path = ("steps", sid, "action", name)
            if name not in KNOWN_ACTIONS:
                known = ", ".join(KNOWN_ACTIONS)
                message = f"action '{name}' is not one the desk knows ({known})"
                self.report(path, message, sid, "warning")
            if arguments is not None and not isinstance(arguments, dict):
                self.report(path, f"action '{name}' takes a mapping of arguments", sid)
            elif name in ACTION_ARGUMENTS and arguments is not None:
                self.validate(ACTION_ARGUMENTS[name], arguments, path, sid)

    # -- the graph ------------------------------------------------------------------

    def check_graph(
        self, start: str | None, steps: dict[str, Step], broken: dict[str, Any]
    ) -> None:
        edges: dict[str, set[str]] = {sid: set() for sid in (*steps, *broken)}
        unbounded: dict[str, set[str]] = {sid: set() for sid in edges}
        for sid, step in steps.items():
            for option in step.options:
                if option.next in edges:
                    edges[sid].add(option.next)
                    if option.max_visits is None:
                        unbounded[sid].add(option.next)
        for sid, raw_step in broken.items():
            for target, bounded in _raw_targets(raw_step):
                if target in edges:
                    edges[sid].add(target)
                    if not bounded:
                        unbounded[sid].add(target)

        # An option whose next does not resolve is already an error; where it was meant to
        # go is unknown, so it neither hides steps nor strands the step that holds it.
        dangling = {
            sid
            for sid, step in steps.items()
            if any(option.next not in edges for option in step.options)
        }
        # Reported in the same pass as every other error: where a broken option was meant
        # to go is unknown, so then the message says the step may be its target.
        if start is not None:
            reached = _reachable([start], edges)
            unless = " (unless a broken option was meant to lead here)" if dangling else ""
            for sid in edges:
                if sid not in reached:
                    message = f"not reachable from start '{start}'{unless}"
                    self.report(("steps", sid), message, sid)

        # A broken step may well reach an end: do not blame the steps that lead to it.
        ends = [sid for sid, step in steps.items() if step.end is not None]
        reaches_end = _reachable([*ends, *broken, *dangling], _reversed(edges))
        for sid in steps:
            if sid not in reaches_end:
                self.report(("steps", sid), "no path from this step reaches an end step", sid)

        for sid, step in steps.items():
            for index, option in enumerate(step.options):
                if option.max_visits is not None or option.next not in unbounded:
                    continue
                if sid in _reachable([option.next], unbounded):
                    message = (
                        f"option '{option.key}' -> '{option.next}' closes a loop without"
                        " max_visits: give an option on the loop a max_visits"
                    )
                    self.report(("steps", sid, "options", index), message, sid)


def _describe(detail: Mapping[str, Any], loc: Path) -> str:
    field = ".".join(str(part) for part in loc) if loc else "the value"
    kind = detail.get("type")
    if kind == "extra_forbidden":
        return f"unknown field '{field}'"
    if kind == "missing":
        return f"missing field '{field}'"
    if loc == ("version",):
        return f"version must be a positive integer, not {detail.get('input')!r}"
    return f"{field}: {detail.get('msg', 'invalid')}"


def _raw_targets(raw_step: Any) -> Iterable[tuple[str, bool]]:
    """(next, has max_visits) of each option of a step that failed to parse."""
    options = raw_step.get("options") if isinstance(raw_step, dict) else None
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and isinstance(option.get("next"), str):
            yield option["next"], option.get("max_visits") is not None


def _reachable(sources: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(sources)
    queue = deque(seen)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _reversed(edges: Mapping[str, set[str]]) -> dict[str, set[str]]:
    reverse: dict[str, set[str]] = {sid: set() for sid in edges}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    return reverse
