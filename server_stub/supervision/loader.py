"""Load `supervision.yaml` into `SupervisionConfig`; errors are `file:line: field: what`.

The YAML reading and the mapping of pydantic errors to lines are the centre loader's
(`server_stub.centre.loader`): times stay strings, duplicate keys are caught, every key
keeps its line. Then every id is checked against the centre file it belongs to.
"""

from __future__ import annotations

from pathlib import Path

from server_stub.centre.loader import (
    CentreConfigError,
    CentreProblem,
    _Problems,
    parse_validated,
)
from server_stub.centre.schema import CentreConfig
from server_stub.supervision.clock import parse_hhmm
from server_stub.supervision.config import SupervisionConfig


class SupervisionConfigError(CentreConfigError):
    """A supervision file that cannot be used; `problems` lists every problem by line."""


def _known(values: list[str] | set[str]) -> str:
    return ", ".join(sorted(values)) or "none defined"


def _check(config: SupervisionConfig, centre: CentreConfig, data: object, found: _Problems) -> None:
    _check_thresholds(config, centre, data, found)
    absent, expected = _check_roster(config, centre, found)
    _check_day(config, centre, absent, expected, found)


def _check_thresholds(
    config: SupervisionConfig, centre: CentreConfig, data: object, found: _Problems
) -> None:
    add = found.add
    queues = {q.id for q in centre.queues}
    teams = {t.id for t in centre.teams}
    reasons = {c.code for c in centre.reason_codes}
    thresholds = config.thresholds
    raw_thresholds = data.get("thresholds") if isinstance(data, dict) else None
    if isinstance(raw_thresholds, dict) and "wrapup_limits_s" in raw_thresholds:
        add(
            ("thresholds", "wrapup_limits_s"),
            "wrap-up limits come from the centre file (queues[].wrapup_limit_s)",
        )
    for queue_id in thresholds.queues:
        if queue_id not in queues:
            add(
                ("thresholds", "queues", queue_id),
                f"unknown queue {queue_id!r} (queues: {_known(queues)})",
            )
    for team_id in thresholds.teams:
        if team_id not in teams:
            add(
                ("thresholds", "teams", team_id),
                f"unknown team {team_id!r} (teams: {_known(teams)})",
            )
    if reasons:
        reason_places: list[tuple[tuple[str | int, ...], list[str]]] = [
            (
                ("thresholds", "agent", "not_ready_by_reason"),
                list(thresholds.agent.not_ready_by_reason),
            )
        ]
        if thresholds.team.not_ready_share is not None:
            reason_places.append(
                (
                    ("thresholds", "team", "not_ready_share", "ignore_reasons"),
                    thresholds.team.not_ready_share.ignore_reasons,
                )
            )
        for team_id, team in thresholds.teams.items():
            base = ("thresholds", "teams", team_id)
            reason_places.append(
                ((*base, "agent", "not_ready_by_reason"), list(team.agent.not_ready_by_reason))
            )
            if team.team.not_ready_share is not None:
                reason_places.append(
                    (
                        (*base, "team", "not_ready_share", "ignore_reasons"),
                        team.team.not_ready_share.ignore_reasons,
                    )
                )
        for loc, codes in reason_places:
            for index, code in enumerate(codes):
                if code not in reasons:
                    at = (*loc, code) if loc[-1] == "not_ready_by_reason" else (*loc, index)
                    add(at, f"unknown reason code {code!r} (reason_codes: {_known(reasons)})")


def _check_roster(
    config: SupervisionConfig, centre: CentreConfig, found: _Problems
) -> tuple[set[str], set[str]]:
    """Checks the roster and the violation categories; returns (absent, expected) ids."""
    add = found.add
    agents = {a.id: a for a in centre.agents}
    roster = config.roster
    absence_codes = [c.code for c in roster.absence_reasons]
    seen: set[str] = set()
    for index, code in enumerate(absence_codes):
        if code in seen:
            add(("roster", "absence_reasons", index, "code"), f"duplicate absence reason {code!r}")
        seen.add(code)
    on_shift = {a.id for a in centre.agents if a.simulated}  # the engine logs these in
    extra = {e.agent for e in roster.extra}
    expected = on_shift | extra
    absent: set[str] = set()
    for index, absence in enumerate(roster.absences):
        loc = ("roster", "absences", index)
        if absence.agent not in agents:
            add((*loc, "agent"), f"unknown agent {absence.agent!r}")
        elif absence.agent in absent:
            add((*loc, "agent"), f"agent {absence.agent!r} is already absent")
        if absence_codes and absence.reason not in absence_codes:
            add(
                (*loc, "reason"),
                f"unknown absence reason {absence.reason!r} "
                f"(absence_reasons: {_known(set(absence_codes))})",
            )
        absent.add(absence.agent)
    for index, shift in enumerate(roster.extra):
        loc = ("roster", "extra", index)
        agent = agents.get(shift.agent)
        if agent is None:
            add((*loc, "agent"), f"unknown agent {shift.agent!r}")
        elif agent.simulated:  # the engine keeps it to its centre shift
            on = f"works shift {agent.shift!r}" if agent.shift else "is on all day"
            add((*loc, "agent"), f"agent {shift.agent!r} {on} in the centre file")
        for field in ("start", "end"):
            try:
                parse_hhmm(getattr(shift, field))
            except ValueError as exc:
                add((*loc, field), str(exc))
    for index, agent_id in enumerate(roster.off):
        if agent_id not in agents:
            add(("roster", "off", index), f"unknown agent {agent_id!r}")

    categories = [c.code for c in config.violations.categories]
    seen = set()
    for index, code in enumerate(categories):
        if code in seen:
            add(("violations", "categories", index, "code"), f"duplicate category {code!r}")
        seen.add(code)
    return absent, expected


def _check_day(
    config: SupervisionConfig,
    centre: CentreConfig,
    absent: set[str],
    expected: set[str],
    found: _Problems,
) -> None:
    add = found.add
    queues = {q.id for q in centre.queues}
    agents = {a.id: a for a in centre.agents}
    roster = config.roster
    day = config.day
    for index, surge in enumerate(day.surges):
        loc = ("day", "surges", index)
        if surge.queue not in queues:
            add((*loc, "queue"), f"unknown queue {surge.queue!r} (queues: {_known(queues)})")
        try:
            if parse_hhmm(surge.end) <= parse_hhmm(surge.start):
                add((*loc, "end"), f"a surge ends after it starts ({surge.start}–{surge.end})")
        except ValueError as exc:
            add(loc, str(exc))
    late: set[str] = set()
    for index, login in enumerate(day.late_logins):
        loc = ("day", "late_logins", index)
        agent = agents.get(login.agent)
        if agent is None:
            add((*loc, "agent"), f"unknown agent {login.agent!r}")
        elif not agent.simulated:
            add((*loc, "agent"), f"agent {login.agent!r} is a human: humans log in themselves")
        elif login.agent not in expected or login.agent in roster.off:
            add((*loc, "agent"), f"agent {login.agent!r} is not expected today")
        elif login.agent in absent:
            add((*loc, "agent"), f"agent {login.agent!r} is absent on the roster")
        elif login.agent in late:
            add((*loc, "agent"), f"agent {login.agent!r} is already late")
        late.add(login.agent)
        try:
            parse_hhmm(login.at)
        except ValueError as exc:
            add((*loc, "at"), str(exc))
    for index, agent_id in enumerate(day.no_shows):
        loc = ("day", "no_shows", index)
        agent = agents.get(agent_id)
        if agent is None:
            add(loc, f"unknown agent {agent_id!r}")
        elif not agent.simulated:
            add(loc, f"agent {agent_id!r} is a human: humans log in themselves")
        elif agent_id in absent:
            add(loc, f"agent {agent_id!r} is already absent on the roster (with a reason)")
        elif agent_id in late:
            add(loc, f"agent {agent_id!r} logs in late: not a no-show")


def parse_supervision(
    text: str, centre: CentreConfig, path: str = "supervision.yaml"
) -> SupervisionConfig:
    """Validate supervision YAML given as text against `centre`; the wrap-up limits of
    the thresholds are the centre's queues'."""
    try:
        config, data, problems = parse_validated(text, path, SupervisionConfig)
    except CentreConfigError as exc:
        raise SupervisionConfigError(exc.problems) from None
    _check(config, centre, data, problems)
    if problems.found:
        raise SupervisionConfigError(problems.found)
    limits = {q.id: q.wrapup_limit_s for q in centre.queues}
    thresholds = config.thresholds.model_copy(update={"wrapup_limits_s": limits})
    return config.model_copy(update={"thresholds": thresholds})


def load_supervision(path: str | Path, centre: CentreConfig) -> SupervisionConfig:
    """Load and check a supervision file; raises `SupervisionConfigError` only."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SupervisionConfigError([CentreProblem(shown, None, None, "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise SupervisionConfigError(
            [CentreProblem(shown, None, None, f"not UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise SupervisionConfigError(
            [CentreProblem(shown, None, None, exc.strerror or str(exc))]
        ) from None
    return parse_supervision(text, centre, shown)


def default_supervision_path() -> Path:
    """The demo centre's supervision file, shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "centres" / "demo" / "supervision.yaml"


def load_default_supervision(centre: CentreConfig) -> SupervisionConfig:
    return load_supervision(default_supervision_path(), centre)
