"""`agent-tui-server serve`: build the runtime, then serve the API with uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import uvicorn
from platformdirs import user_data_dir

from server_stub.centre.loader import CentreConfigError, default_centre_path, load_centre
from server_stub.centre.schema import CentreConfig
from server_stub.engine import BUILD as ENGINE_BUILD
from server_stub.protocol.script_model import ScriptError
from server_stub.server.app import create_app
from server_stub.server.runtime import CentreRuntime, ReplayDivergedError
from server_stub.server.store import Store

log = logging.getLogger("server")

LOG_FORMAT = "%(asctime)s %(name)s: %(message)s"


def default_db_path() -> Path:
    return Path(user_data_dir("agent-tui", appauthor=False)) / "centre.sqlite"


def scripts_dir_for(config_path: Path) -> Path:
    """Flow scripts live beside the centre file, in `scripts/`."""
    return config_path.parent / "scripts"


def build_runtime(
    config: CentreConfig,
    db: str | Path,
    *,
    seed: int = 1,
    speed: float = 1.0,
    scripts_dir: str | Path | None = None,
    keep_customer_cache: bool = False,
) -> CentreRuntime:
    """Open the store and bring the centre to where it was (replay); not yet running."""
    store = Store(db)
    try:
        runtime = CentreRuntime(config, store, seed=seed, speed=speed, scripts_dir=scripts_dir)
        runtime.keep_customer_cache = keep_customer_cache
        runtime.open()
    except BaseException:
        store.close()
        raise
    return runtime


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, datefmt="%H:%M:%S", stream=sys.stderr)
    # One line per HTTP request drowns what the centre is doing; keep uvicorn's warnings.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def run_serve_command(args: argparse.Namespace) -> int:
    configure_logging()
    config_path = Path(args.config) if args.config else default_centre_path()
    db_path = Path(args.db) if args.db else default_db_path()
    if args.speed < 0:
        print("agent-tui-server: --speed must be 0 (paused) or more", file=sys.stderr)
        return 2
    try:
        config = load_centre(config_path)
    except CentreConfigError as error:
        print(f"agent-tui-server: the centre file has errors:\n{error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"agent-tui-server: cannot read {config_path}: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        runtime = build_runtime(
            config,
            db_path,
            seed=args.seed,
            speed=args.speed,
            scripts_dir=scripts_dir_for(config_path),
        )
    except ScriptError as error:
        print(f"agent-tui-server: a flow script has errors:\n{error}", file=sys.stderr)
        return 2
    except ReplayDivergedError as error:
        print(f"agent-tui-server: {error}", file=sys.stderr)
        return 2
    log.info(
        "centre %s from %s, database %s (%d customers, engine %s; ready in %.2f s: %s)",
        config.centre.name,
        config_path,
        db_path,
        runtime.store.customer_count(),
        ENGINE_BUILD,
        time.perf_counter() - started,
        ", ".join(f"{k} {v:.2f} s" for k, v in runtime.startup_s.items()),
    )
    log.info(
        "serving on http://%s:%d (API under /v1, OpenAPI at /openapi.json)", args.host, args.port
    )
    app = create_app(runtime)
    # Open SSE streams never end by themselves: on Ctrl+C give them a moment, then close.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    runtime.store.close()
    return 0
