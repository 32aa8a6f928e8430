"""Load a centre file (YAML) into `CentreConfig`, with errors that name file, line and field.

The YAML is composed into a node tree first so that every value keeps its line;
pydantic's error `loc` paths and our own cross-reference checks are then mapped
back to those lines. A bad file never gives a traceback: only `CentreConfigError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from server_stub.centre.passwords import is_password_hash
from server_stub.centre.schema import CentreConfig
from server_stub.protocol.script_yaml import FastSafeLoader

Loc = tuple[str | int, ...]

HALF_HOURS_PER_DAY = 48
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class CentreProblem:
    """One thing wrong with a centre file."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class CentreConfigError(Exception):
    """A centre file that cannot be used. `path`, `line`, `field`, `message` describe the
    first problem (by line); `problems` holds all of them; `str()` lists them one a line."""

    def __init__(self, problems: list[CentreProblem]) -> None:
        ordered = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
        self.problems = ordered
        first = ordered[0]
        self.path = first.path
        self.line = first.line
        self.field = first.field
        self.message = first.message
        super().__init__("\n".join(str(p) for p in ordered))


# ---------------------------------------------------------------------------
# YAML with line numbers


class _CentreYamlLoader(FastSafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader without YAML 1.1's surprises: `13:30` stays a string (not 810 in base 60),
    only true/false are booleans (a `no` option key stays the string "no"), and dates stay
    strings (every time in the schema is text)."""


def _drop_yaml11_surprises() -> None:
    resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [
            (tag, rx)
            for tag, rx in entries
            if tag
            not in (
                "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float",
                "tag:yaml.org,2002:timestamp",
            )
        ]
        resolvers[first] = kept
    _CentreYamlLoader.yaml_implicit_resolvers = resolvers
    _CentreYamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    _CentreYamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(
            r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"
        ),
        list("-+0123456789"),
    )
    _CentreYamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
            r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+0123456789."),
    )


_drop_yaml11_surprises()


class _Problems:
    """Collects problems against the line table of one file."""

    def __init__(self, path: str, lines: dict[Loc, int]) -> None:
        self.path = path
        self.lines = lines
        self.found: list[CentreProblem] = []

    def add(self, loc: Loc, message: str) -> None:
        self.found.append(
            CentreProblem(self.path, _line_for(loc, self.lines), _field(loc), message)
        )


def _construct(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    problems: _Problems,
    scalars: yaml.constructor.SafeConstructor,
) -> Any:
    """Plain Python data from a node, recording the line of every key and list item."""
    if isinstance(node, yaml.MappingNode):
        own_pairs = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        scalars.flatten_mapping(node)  # resolve `<<: *anchor` merge keys like PyYAML does
        merged_pairs = len(node.value) - own_pairs  # they come first; own keys override them
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        from_merge: set[Any] = set()
        for pair_index, (key_node, value_node) in enumerate(node.value):
            key = _construct(key_node, loc, lines, problems, scalars)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) and key is not None:
                problems.found.append(
                    CentreProblem(
                        problems.path, key_line, _field(loc) or None, "a key must be a plain value"
                    )
                )
                continue
            if key in first_seen and key not in from_merge:
                problems.found.append(
                    CentreProblem(
                        problems.path,
                        key_line,
                        _field((*loc, str(key))),
                        f"duplicate key (first at line {first_seen[key]})",
                    )
                )
                continue
            first_seen[key] = key_line
            if pair_index < merged_pairs:
                from_merge.add(key)
            else:
                from_merge.discard(key)
            lines[(*loc, str(key))] = key_line
            if isinstance(key, int) and not isinstance(key, bool):
                lines[(*loc, key)] = key_line  # pydantic reports a non-string dict key as itself
            result[key] = _construct(value_node, (*loc, str(key)), lines, problems, scalars)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            lines[(*loc, index)] = item_node.start_mark.line + 1
            items.append(_construct(item_node, (*loc, index), lines, problems, scalars))
        return items
    # Scalars (and merge-free aliases): let PyYAML's safe constructor pick the type.
    return scalars.construct_object(node, deep=True)


def _parse_yaml(text: str, path: str) -> tuple[Any, dict[Loc, int], list[CentreProblem]]:
    lines: dict[Loc, int] = {(): 1}
    problems = _Problems(path, lines)
    try:
        root = yaml.compose(text, Loader=_CentreYamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise CentreConfigError(
            [CentreProblem(path, line, None, f"YAML syntax: {message}")]
        ) from None
    except yaml.YAMLError as exc:
        raise CentreConfigError([CentreProblem(path, None, None, f"YAML: {exc}")]) from None
    if root is None:
        raise CentreConfigError([CentreProblem(path, 1, None, "the file is empty")])
    try:
        # A fresh constructor per file: it caches every object it builds.
        data = _construct(root, (), lines, problems, yaml.constructor.SafeConstructor())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CentreConfigError([CentreProblem(path, line, None, f"YAML: {exc}")]) from None
    if not isinstance(data, dict):
        problems.found.append(
            CentreProblem(path, 1, None, "a centre file must be a mapping of sections")
        )
    return data, lines, problems.found


def _field(loc: Loc) -> str:
    """`('queues', 1, 'max_length')` → `queues[1].max_length`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    """The line of the longest prefix of `loc` that is in the file (a missing field points
    at the mapping that should hold it)."""
    for end in range(len(loc), -1, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return line
    return None


def _pydantic_loc(raw: tuple[str | int, ...], lines: dict[Loc, int]) -> Loc:
    """The path the user wrote: drop pydantic's inner markers (`[key]`, union member names)
    that are not in the file, but keep a last part that is missing (a required field)."""
    kept: list[str | int] = []
    for index, part in enumerate(raw):
        if part == "[key]":
            continue
        if (*kept, part) in lines or index == len(raw) - 1:
            kept.append(part)
    return tuple(kept)


def _pydantic_message(error: dict[str, Any]) -> str:
    # Our model validators raise ValueError; pydantic prefixes "Value error, " to their text.
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if error.get("type") == "string_type" and isinstance(value, int | float | bool):
        # YAML read an unquoted id like 1001 as a number.
        text = str(value).lower() if isinstance(value, bool) else str(value)
        message += f' (YAML read {text} as a number or boolean: quote it, "{text}")'
    return message


# ---------------------------------------------------------------------------
# Cross-reference checks (after the schema accepted the file)


def _minutes(hhmm: str) -> int | None:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _duplicates(values: list[str]) -> Iterator[int]:
    """Indexes of values already seen earlier in the list."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index
        seen.add(value)


def _check_simulated_tickets(
    config: CentreConfig, problems: _Problems, wrapup_codes: set[str], queue_list: str
) -> None:
    queues = {q.id for q in config.queues}
    categories = [c.code for c in config.categories()]
    for index, spec in enumerate(config.simulated_tickets):
        at = ("simulated_tickets", index)
        if spec.code not in wrapup_codes:
            problems.add((*at, "code"), f"unknown wrap-up code {spec.code!r}")
        if spec.queue not in queues:
            problems.add((*at, "queue"), f"unknown queue {spec.queue!r} (queues: {queue_list})")
        if spec.category not in categories:
            known = ", ".join(categories)
            problems.add((*at, "category"), f"unknown ticket category {spec.category!r} ({known})")


def _check_references(config: CentreConfig, problems: _Problems) -> None:
    add = problems.add
    skills = set(config.skills)
    for index in _duplicates(config.skills):
        add(("skills", index), f"duplicate skill {config.skills[index]!r}")

    queue_ids = [q.id for q in config.queues]
    for index in _duplicates(queue_ids):
        add(("queues", index, "id"), f"duplicate queue id {queue_ids[index]!r}")
    known_queues = set(queue_ids)
    queue_list = ", ".join(queue_ids)
    for index, queue in enumerate(config.queues):
        if queue.skill not in skills:
            add(
                ("queues", index, "skill"),
                f"unknown skill {queue.skill!r} (skills: {', '.join(config.skills)})",
            )
        target = queue.overflow.target
        if queue.overflow.action == "queue" and target is not None:
            if target not in known_queues:
                add(
                    ("queues", index, "overflow", "target"),
                    f"unknown queue {target!r} (queues: {queue_list})",
                )
            elif target == queue.id:
                add(("queues", index, "overflow", "target"), "a queue cannot overflow to itself")
        if queue.arrivals is not None and queue.arrivals.profile not in config.arrival_profiles:
            known = ", ".join(config.arrival_profiles) or "none defined"
            add(
                ("queues", index, "arrivals", "profile"),
                f"unknown arrival profile {queue.arrivals.profile!r} (arrival_profiles: {known})",
            )
    _check_overflow_cycles(config, problems)

    for name, weights in config.arrival_profiles.items():
        if len(weights) != HALF_HOURS_PER_DAY:
            add(
                ("arrival_profiles", name),
                f"needs exactly 48 half-hourly weights, has {len(weights)}",
            )
        for k, weight in enumerate(weights):
            if weight < 0:
                add(("arrival_profiles", name, k), f"a weight cannot be negative ({weight})")
        if sum(w for w in weights if w > 0) <= 0:
            add(("arrival_profiles", name), "the weights must have a positive sum")

    for name, tier in config.tiers.items():
        if tier.route_to is not None and tier.route_to not in known_queues:
            add(
                ("tiers", name, "route_to"),
                f"unknown queue {tier.route_to!r} (queues: {queue_list})",
            )
    tier_share_sum = sum(t.share for t in config.tiers.values())
    if config.tiers and abs(tier_share_sum - 1.0) > 1e-6:
        add(("tiers",), f"tier shares must add up to 1 (they add up to {tier_share_sum:g})")

    _check_ivr(config, problems, known_queues)

    team_ids = [t.id for t in config.teams]
    for index in _duplicates(team_ids):
        add(("teams", index, "id"), f"duplicate team id {team_ids[index]!r}")
    known_teams = set(team_ids)

    login_ids = [a.id for a in config.agents] + [u.id for u in config.users]
    user_offset = len(config.agents)
    for index in _duplicates(login_ids):
        loc: Loc = (
            ("agents", index, "id") if index < user_offset else ("users", index - user_offset, "id")
        )
        add(
            loc, f"duplicate login id {login_ids[index]!r} (agent and user ids share one namespace)"
        )
    known_logins = set(login_ids)
    for index, team in enumerate(config.teams):
        if team.supervisor is not None and team.supervisor not in known_logins:
            add(("teams", index, "supervisor"), f"unknown user {team.supervisor!r}")

    reason_codes = [c.code for c in config.reason_codes]
    for index in _duplicates(reason_codes):
        add(("reason_codes", index, "code"), f"duplicate reason code {reason_codes[index]!r}")
    wrapup_codes = [c.code for c in config.wrapup_codes]
    for index in _duplicates(wrapup_codes):
        add(("wrapup_codes", index, "code"), f"duplicate wrap-up code {wrapup_codes[index]!r}")

    _check_shifts(config, problems, set(reason_codes))
    _check_simulated_tickets(config, problems, set(wrapup_codes), queue_list)

    for index, agent in enumerate(config.agents):
        if agent.team not in known_teams:
            add(
                ("agents", index, "team"),
                f"unknown team {agent.team!r} (teams: {', '.join(team_ids)})",
            )
        if agent.shift is not None and agent.shift not in config.shifts:
            add(
                ("agents", index, "shift"),
                f"unknown shift {agent.shift!r} (shifts: {', '.join(config.shifts)})",
            )
        if not agent.skills:
            add(("agents", index, "skills"), "an agent needs at least one skill")
        for skill, level in agent.skills.items():
            if skill not in skills:
                add(("agents", index, "skills", skill), f"unknown skill {skill!r}")
            elif not 1 <= level <= 10:
                add(("agents", index, "skills", skill), f"a skill level is 1..10, not {level}")
        if not agent.simulated and agent.password_hash is None:
            add(("agents", index), "a human agent (simulated: false) needs a password_hash")
        if agent.password_hash is not None and not is_password_hash(agent.password_hash):
            add(("agents", index, "password_hash"), "not a scrypt$n$r$p$salt$hash password hash")
        if agent.also and agent.simulated:
            add(("agents", index, "also"), "only a human agent (simulated: false) holds more roles")
        for k, team_id in enumerate(agent.supervises):
            if team_id not in known_teams:
                add(("agents", index, "supervises", k), f"unknown team {team_id!r}")
        if agent.supervises and "supervisor" not in agent.also:
            add(("agents", index, "supervises"), "supervises teams needs also: [supervisor]")
    for index, user in enumerate(config.users):
        if not is_password_hash(user.password_hash):
            add(("users", index, "password_hash"), "not a scrypt$n$r$p$salt$hash password hash")
        for k, team_id in enumerate(user.teams):
            if team_id not in known_teams:
                add(("users", index, "teams", k), f"unknown team {team_id!r}")
        if user.floor and user.role != "supervisor":
            add(("users", index, "floor"), "only a supervisor runs the floor (floor: true)")

    customers = config.customers
    if not customers.locales:
        add(("customers", "locales"), "needs at least one locale")
    locale_weights = customers.locale_weights
    if locale_weights is not None:
        if len(locale_weights) != len(customers.locales):
            add(
                ("customers", "locale_weights"),
                f"{len(locale_weights)} weights for {len(customers.locales)} locales",
            )
        if any(weight < 0 for weight in locale_weights) or sum(locale_weights) <= 0:
            add(("customers", "locale_weights"), "weights must be non-negative with a positive sum")


def _check_overflow_cycles(config: CentreConfig, problems: _Problems) -> None:
    overflow_to = {
        q.id: q.overflow.target
        for q in config.queues
        if q.overflow.action == "queue" and q.overflow.target not in (None, q.id)
    }
    reported: set[str] = set()
    for index, queue in enumerate(config.queues):
        chain = [queue.id]
        current = overflow_to.get(queue.id)
        while current is not None and current not in chain:
            chain.append(current)
            current = overflow_to.get(current)
        if current == queue.id and queue.id not in reported:
            reported.update(chain)
            problems.add(
                ("queues", index, "overflow", "target"),
                "overflow cycle: " + " → ".join([*chain, queue.id]),
            )


def _check_ivr(config: CentreConfig, problems: _Problems, known_queues: set[str]) -> None:
    ivr = config.ivr
    if ivr is None:
        return
    add = problems.add
    if ivr.root not in ivr.nodes:
        add(("ivr", "root"), f"unknown IVR node {ivr.root!r} (nodes: {', '.join(ivr.nodes)})")
    for name, node in ivr.nodes.items():
        keys = [option.key for option in node.options]
        for k in _duplicates(keys):
            add(("ivr", "nodes", name, "options", k, "key"), f"duplicate option key {keys[k]!r}")
        for k, option in enumerate(node.options):
            if option.next is not None and option.next not in ivr.nodes:
                add(
                    ("ivr", "nodes", name, "options", k, "next"),
                    f"unknown IVR node {option.next!r}",
                )
            if option.queue is not None and option.queue not in known_queues:
                add(
                    ("ivr", "nodes", name, "options", k, "queue"), f"unknown queue {option.queue!r}"
                )
    if ivr.root not in ivr.nodes:
        return
    reachable = {ivr.root}
    frontier = [ivr.root]
    while frontier:
        for option in ivr.nodes[frontier.pop()].options:
            if option.next in ivr.nodes and option.next not in reachable:
                reachable.add(option.next)
                frontier.append(option.next)
    for name in ivr.nodes:
        if name not in reachable:
            add(
                ("ivr", "nodes", name),
                f"IVR node {name!r} cannot be reached from the root {ivr.root!r}",
            )


def _check_shifts(config: CentreConfig, problems: _Problems, reason_codes: set[str]) -> None:
    add = problems.add
    for name, shift in config.shifts.items():
        start = _minutes(shift.start)
        end = _minutes(shift.end)
        if start is None:
            add(("shifts", name, "start"), f"not a time of day: {shift.start!r}")
        if end is None:
            add(("shifts", name, "end"), f"not a time of day: {shift.end!r}")
        if start is None or end is None:
            continue
        if end <= start:  # an overnight shift ends the next day
            end += MINUTES_PER_DAY
        for k, brk in enumerate(shift.breaks):
            at = _minutes(brk.at)
            if at is None:
                add(("shifts", name, "breaks", k, "at"), f"not a time of day: {brk.at!r}")
                continue
            if at < start:
                at += MINUTES_PER_DAY
            if not (start <= at and at + brk.minutes <= end):
                add(
                    ("shifts", name, "breaks", k),
                    f"the break {brk.at}+{brk.minutes:g} min is outside the shift "
                    f"{shift.start}–{shift.end}",
                )
            if reason_codes and brk.reason not in reason_codes:
                add(("shifts", name, "breaks", k, "reason"), f"unknown reason code {brk.reason!r}")


# ---------------------------------------------------------------------------
# Public API


M = TypeVar("M", bound=BaseModel)


def parse_validated(text: str, path: str, model: type[M]) -> tuple[M, Any, _Problems]:
    """YAML text read with its line numbers and validated into `model`: the config, the
    raw data and an empty problem list by line for the caller's own checks. Raises
    `CentreConfigError` naming every problem of the YAML or of the model, by line."""
    data, lines, found = _parse_yaml(text, path)
    if found:
        raise CentreConfigError(found)
    try:
        config = model.model_validate(data)
    except ValidationError as exc:
        problems = _Problems(path, lines)
        for error in exc.errors():
            problems.add(_pydantic_loc(tuple(error["loc"]), lines), _pydantic_message(dict(error)))
        raise CentreConfigError(problems.found) from None
    return config, data, _Problems(path, lines)


def parse_centre(text: str, path: str = "centre.yaml") -> CentreConfig:
    """Validate centre YAML given as text; `path` is only used in error messages."""
    config, _, problems = parse_validated(text, path, CentreConfig)
    _check_references(config, problems)
    if problems.found:
        raise CentreConfigError(problems.found)
    return config


def load_centre(path: str | Path) -> CentreConfig:
    """Load and check a centre file; raises `CentreConfigError` (never anything else for a
    bad or missing file)."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CentreConfigError([CentreProblem(shown, None, None, "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise CentreConfigError(
            [CentreProblem(shown, None, None, f"not UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise CentreConfigError(
            [CentreProblem(shown, None, None, exc.strerror or str(exc))]
        ) from None
    return parse_centre(text, shown)


def default_centre_path() -> Path:
    """The demo centre shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "centres" / "demo" / "centre.yaml"


def load_default_centre() -> CentreConfig:
    return load_centre(default_centre_path())
