"""`agent-tui-server`: run the simulated centre (serve), a what-if run (simulate), or check
training scenarios, quality forms and the knowledge base (scenarios, forms, knowledge)."""

from __future__ import annotations

import argparse
import sys

from server_stub.knowledge.cli import add_knowledge_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agent-tui-server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the centre in real time behind the HTTP API")
    serve.add_argument("--config", default=None, help="centre YAML (default: the demo centre)")
    serve.add_argument("--db", default=None, help="SQLite file (default: user data dir)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--speed", type=float, default=1.0, help="simulated seconds per second")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when standard input closes (the program that started the server is gone)",
    )

    sim = commands.add_parser("simulate", help="run days as fast as possible and print metrics")
    sim.add_argument("--config", default=None, help="centre YAML")
    sim.add_argument("--hours", type=float, default=24.0, help="simulated hours per day")
    sim.add_argument("--days", type=int, default=1)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--json", action="store_true", help="print one JSON object")
    sim.add_argument("--erlang", action="store_true", help="one M/M/N(+M) queue, no config")
    sim.add_argument("--arrivals-per-hour", type=float)
    sim.add_argument("--aht", type=float, help="mean handle time, seconds")
    sim.add_argument("--agents", type=int)
    sim.add_argument("--patience", type=float, default=None, help="mean patience, seconds")
    sim.add_argument("--target", type=float, default=20.0, help="service level target, s")
    sim.add_argument("--warmup-hours", type=float, default=1.0)

    from server_stub.training.check_command import add_check_parsers

    add_check_parsers(commands)
    add_knowledge_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "simulate":
        from server_stub.simulate import run_simulate_command

        return run_simulate_command(args)
    if args.command in ("scenarios", "forms"):
        from server_stub.training.check_command import run_check

        return run_check(args)
    if args.command == "knowledge":
        from server_stub.knowledge.cli import run_knowledge_command

        return run_knowledge_command(args)
    from server_stub.server.main import run_serve_command

    return run_serve_command(args)


if __name__ == "__main__":
    sys.exit(main())
