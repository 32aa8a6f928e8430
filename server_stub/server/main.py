"""`agent-tui-server serve`: build the runtime, then serve the API with uvicorn.

Whatever stops the start (a bad centre file or flow script, a database that cannot be used
or is another server's) is said in one line naming the file, and the exit status is 2.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir

from server_stub.centre.loader import CentreConfigError, default_centre_path, load_centre
from server_stub.centre.schema import CentreConfig
from server_stub.supervision.config import SupervisionConfig
from server_stub.supervision.loader import SupervisionConfigError, load_supervision

# The runtime, the app and uvicorn are imported once the files have been read: a broken
# file is said in about a second, not after FastAPI and the engine have loaded.
if TYPE_CHECKING:
    from server_stub.server.runtime import CentreRuntime

log = logging.getLogger("server")

SUPERVISION_FILE = "supervision.yaml"  # beside the centre file: alerts' thresholds, roster

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
    serving: str | None = None,
    supervision: SupervisionConfig | None = None,
) -> CentreRuntime:
    """Open the store and bring the centre to where it was (replay); not yet running.
    `serving` (the URL) goes into the database's lock, for a second server's message."""
    from server_stub.server.runtime import CentreRuntime
    from server_stub.server.store import Store

    store = Store(db, owner=serving)
    try:
        runtime = CentreRuntime(
            config,
            store,
            seed=seed,
            speed=speed,
            scripts_dir=scripts_dir,
            supervision=supervision,
        )
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


def _fail(message: str) -> int:
    print(f"agent-tui-server: {message}", file=sys.stderr)
    return 2


def run_serve_command(args: argparse.Namespace) -> int:
    configure_logging()
    config_path = Path(args.config) if args.config else default_centre_path()
    db_path = Path(args.db) if args.db else default_db_path()
    if args.speed < 0:
        return _fail("--speed must be 0 (paused) or more")
    try:
        config = load_centre(config_path)
    except CentreConfigError as error:
        return _fail(f"the centre file has errors:\n{error}")
    except OSError as error:
        return _fail(f"cannot read {config_path}: {error.strerror or error}")
    supervision_path = config_path.parent / SUPERVISION_FILE
    try:
        supervision = (
            load_supervision(supervision_path, config) if supervision_path.exists() else None
        )
    except SupervisionConfigError as error:
        return _fail(f"the supervision file has errors:\n{error}")
    from server_stub.engine import BUILD as ENGINE_BUILD
    from server_stub.protocol.script_model import ScriptError
    from server_stub.server.app import create_app
    from server_stub.server.db_lock import DatabaseInUseError
    from server_stub.server.replay import ForeignCustomersError
    from server_stub.server.serving import CentreServer, server_config, stop_when_stream_closes
    from server_stub.server.store import StoreError

    started = time.perf_counter()
    url = f"http://{args.host}:{args.port}"
    try:
        runtime = build_runtime(
            config,
            db_path,
            seed=args.seed,
            speed=args.speed,
            scripts_dir=scripts_dir_for(config_path),
            serving=url,
            supervision=supervision,
        )
    except ScriptError as error:
        return _fail(f"a flow script has errors:\n{error}")
    except (StoreError, DatabaseInUseError, ForeignCustomersError) as error:
        return _fail(str(error))
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
    log.info("serving on %s (API under /v1, OpenAPI at /openapi.json)", url)
    server = CentreServer(server_config(create_app(runtime), args.host, args.port), runtime.hub)
    if args.exit_with_stdin:
        stop_when_stream_closes(server)
    try:
        # uvicorn re-raises the Ctrl+C it caught once it has shut down: that is the end.
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        runtime.store.close()
    return 0
