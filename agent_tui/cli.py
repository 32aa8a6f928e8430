"""`agent-tui`: the shell every role logs into, its demo, and checks of the files people edit.

    agent-tui [--server URL] [--agent ID] [--keymap NAME]
    agent-tui --demo                    a private demo server, the demo agent filled in
    agent-tui keys [--keymap NAME]      check the keymap files and print the keys in force
    agent-tui scripts check FILE...     validate flow scripts (exit 1 on any error)
    agent-tui scripts mermaid FILE      print a script as a Mermaid stateDiagram-v2

Heavy modules (Textual, httpx) are imported only by the command that needs them, so
the checks are quick and the desk starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_SERVER = "http://127.0.0.1:8765"
SERVER_ENV = "AGENT_TUI_SERVER"
BELL_ENV = "AGENT_TUI_BELL"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-tui",
        description="Keyboard-first desk for call centres: agents, supervisors, trainers, QA.",
        epilog="Subcommands: `agent-tui keys`, `agent-tui scripts check|mermaid FILE`.",
    )
    parser.add_argument(
        "--server",
        default=os.environ.get(SERVER_ENV, DEFAULT_SERVER),
        help=f"server URL (default: ${SERVER_ENV} or {DEFAULT_SERVER})",
    )
    parser.add_argument("--agent", default=None, help="user id to fill in on the login")
    parser.add_argument(
        "--keymap", default="default", help="keymap name in keymaps/ (default, tmux) or a path"
    )
    parser.add_argument(
        "--no-bell",
        action="store_true",
        default=os.environ.get(BELL_ENV, "1") == "0",
        help=f"no terminal bell when a call rings (or ${BELL_ENV}=0)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a demo server on a free loopback port (stopped on exit) and use it",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="with --demo: simulated seconds per second"
    )
    return parser


def build_tools_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agent-tui")
    commands = parser.add_subparsers(dest="command", required=True)
    keys = commands.add_parser("keys", help="check the keymap files and print the keys")
    keys.add_argument("--keymap", default="default")
    scripts = commands.add_parser("scripts", help="flow-type scripts")
    script_commands = scripts.add_subparsers(dest="script_command", required=True)
    check = script_commands.add_parser("check", help="validate scripts; exit 1 on any error")
    check.add_argument("files", nargs="+", type=Path, help="script files or folders of them")
    check.add_argument(
        "--wrapup-codes", default=None, help="comma-separated wrap-up codes outcomes must use"
    )
    check.add_argument(
        "--centre",
        type=Path,
        default=None,
        help="the centre file whose wrap-up codes outcomes must use (default: the centre.yaml "
        "beside the scripts' folder)",
    )
    mermaid = script_commands.add_parser("mermaid", help="print a Mermaid stateDiagram-v2")
    mermaid.add_argument("file", type=Path)
    return parser


def script_files(paths: list[Path]) -> list[Path]:
    """The files to check: each file given, and every `*.yaml` in each folder given."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return found


def centre_wrapup_codes(script: Path, centre: Path | None) -> set[str] | None:
    """The wrap-up codes of the centre a script belongs to: `centre` if given, else the
    centre.yaml beside the script's folder (a centre's scripts live in `scripts/`)."""
    import yaml

    candidates = (
        [centre]
        if centre is not None
        else [
            script.parent / "centre.yaml",
            script.parent.parent / "centre.yaml",
        ]
    )
    for candidate in candidates:
        try:
            loaded = yaml.safe_load(candidate.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        codes = loaded.get("wrapup_codes") if isinstance(loaded, dict) else None
        if isinstance(codes, list):
            return {str(c["code"]) for c in codes if isinstance(c, dict) and "code" in c}
    return None


def scripts_check(
    files: list[Path], wrapup_codes: set[str] | None = None, centre: Path | None = None
) -> int:
    from agent_tui.actions import ACTIONS
    from server_stub.protocol.scripts import check_script_file

    # `{key:<binding id>}` in a script must name an action of this desk.
    action_ids = {action.id for action in ACTIONS}
    errors = 0
    paths = script_files(files)
    if not paths:
        print("no scripts found (*.yaml) in " + ", ".join(map(str, files)), file=sys.stderr)
        return 1
    for path in paths:
        codes = wrapup_codes if wrapup_codes is not None else centre_wrapup_codes(path, centre)
        problems = check_script_file(path, wrapup_codes=codes, action_ids=action_ids)
        for problem in problems:
            print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
        file_errors = sum(1 for problem in problems if problem.severity == "error")
        errors += file_errors
        if not problems:
            print(f"{path}: ok")
    return 1 if errors else 0


def scripts_mermaid(path: Path) -> int:
    from server_stub.protocol.scripts import ScriptError, load_script, to_mermaid

    try:
        print(to_mermaid(load_script(path)))
    except ScriptError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{path}:1: cannot read the file: {error.strerror}", file=sys.stderr)
        return 1
    return 0


def print_keys(keymap_name: str) -> int:
    from agent_tui.actions import ACTIONS
    from agent_tui.keymap import KeymapError, load_keymap

    try:
        keymap = load_keymap(keymap_name)
    except KeymapError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    print(f"keymap {keymap.name}: " + ", ".join(str(path) for path in keymap.files))
    for action in ACTIONS:
        keys = keymap.display(action.id) or "(palette only)"
        print(f"  {action.scope:10} {keys:16} {action.description:16} {action.id}")
    return 0


def run_tools(argv: list[str]) -> int:
    args = build_tools_parser().parse_args(argv)
    if args.command == "keys":
        return print_keys(args.keymap)
    if args.script_command == "check":
        codes = set(args.wrapup_codes.split(",")) if args.wrapup_codes else None
        return scripts_check(args.files, codes, args.centre)
    return scripts_mermaid(args.file)


def run_desk(args: argparse.Namespace) -> int:
    from agent_tui.keymap import KeymapError, load_keymap

    try:
        keymap = load_keymap(args.keymap)
    except KeymapError as error:
        # Reported before the screen opens, each problem with file and line, never ignored.
        print("agent-tui: the keymap has problems:", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in error.problems), file=sys.stderr)
        return 2

    from agent_tui.shell.app import ShellApp

    if not args.demo:
        ShellApp(args.server, agent_id=args.agent, keymap=keymap, ring_bell=not args.no_bell).run()
        return 0

    from agent_tui.demo import DEMO_AGENT_ID, DEMO_PASSWORD, DemoServer

    server = DemoServer(speed=args.speed)
    url = server.launch()
    try:
        ShellApp(
            url,
            agent_id=args.agent or DEMO_AGENT_ID,
            keymap=keymap,
            password=DEMO_PASSWORD,
            server_ready=server.ready,
            ring_bell=not args.no_bell,
        ).run()
    finally:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("keys", "scripts"):
        return run_tools(argv)
    return run_desk(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
