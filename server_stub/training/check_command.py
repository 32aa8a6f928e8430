"""`agent-tui-server scenarios check` and `forms check`: one line per problem, exit 1 on error.

Each scenario is checked against its centre: the `--centre` file given, else the
`centre.yaml` beside the scenarios folder (`centres/demo/scenarios/` → `centres/demo/`),
with that centre's `scripts/` folder (or `--scripts`). Where there is no centre, the
scenario is checked on its own and a line says so. A quality form stands on its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# The parser is built for every command (serve too): the checkers load only when used.
if TYPE_CHECKING:
    from server_stub.protocol.scenario_check import CentreFacts
    from server_stub.protocol.script_model import ScriptProblem
    from server_stub.protocol.scripts import FlowScript


def add_check_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`scenarios check FILE|DIR… [--centre] [--scripts]` and `forms check FILE|DIR…`."""
    forms = commands.add_parser("forms", help="quality forms")
    form_commands = forms.add_subparsers(dest="form_command", required=True)
    form_check = form_commands.add_parser("check", help="validate forms; exit 1 on any error")
    form_check.add_argument("paths", nargs="+", type=Path, help="form files or folders of them")

    scenarios = commands.add_parser("scenarios", help="training scenarios")
    scenario_commands = scenarios.add_subparsers(dest="scenario_command", required=True)
    check = scenario_commands.add_parser("check", help="validate scenarios; exit 1 on any error")
    check.add_argument("paths", nargs="+", type=Path, help="scenario files or folders of them")
    check.add_argument(
        "--centre", type=Path, default=None, help="centre YAML (default: beside the folder)"
    )
    check.add_argument(
        "--scripts", type=Path, default=None, help="flow scripts folder (default: the centre's)"
    )


def run_check(args: argparse.Namespace) -> int:
    from server_stub.protocol.quality_form_check import check_forms

    if args.command == "forms":
        return _report("forms", [p for path in args.paths for p in check_forms(path)])
    return run_scenarios_check(args)


def _report(noun: str, problems: list[ScriptProblem]) -> int:
    errors = sum(1 for problem in problems if problem.severity == "error")
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    print(f"{noun}: {errors} error(s), {len(problems) - errors} warning(s)")
    return 1 if errors else 0


def run_scenarios_check(args: argparse.Namespace) -> int:
    from server_stub.protocol.scenario_check import check_scenarios

    problems: list[ScriptProblem] = []
    for path in args.paths:
        centre_file = args.centre or _centre_beside(path)
        against = _load_centre(centre_file, args.scripts) if centre_file is not None else None
        if against is None and centre_file is not None:
            return 1  # the centre's own problems were printed
        if against is None:
            print(f"{path}: no centre.yaml beside it: checked without a centre (give --centre)")
            facts, scripts = None, None
        else:
            facts, scripts = against
        problems.extend(check_scenarios(path, facts, scripts))
    return _report("scenarios", problems)


def _centre_beside(path: Path) -> Path | None:
    folder = path if path.is_dir() else path.parent
    candidate = folder.resolve().parent / "centre.yaml"
    return candidate if candidate.is_file() else None


def _load_centre(
    centre_file: Path, scripts_dir: Path | None
) -> tuple[CentreFacts, dict[str, FlowScript] | None] | None:
    from server_stub.centre.loader import CentreConfigError, load_centre
    from server_stub.protocol.scripts import ScriptError
    from server_stub.training.centre_facts import centre_facts, centre_scripts

    try:
        config = load_centre(centre_file)
    except CentreConfigError as error:
        print(error, file=sys.stderr)
        return None
    folder = scripts_dir or centre_file.parent / "scripts"
    try:
        scripts = centre_scripts(config, folder) if folder.is_dir() else None
    except ScriptError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None
    return centre_facts(config), scripts
