"""The centre's flow scripts (SC1), loaded once from the folder beside the centre file."""

from __future__ import annotations

import functools
from pathlib import Path

from server_stub.centre.schema import CentreConfig
from server_stub.protocol.scripts import FlowScript, load_scripts_dir


def load_centre_scripts(folder: str | Path | None, config: CentreConfig) -> dict[str, FlowScript]:
    """Scripts by id; none when there is no folder. Raises `ScriptError` naming file and line."""
    if folder is None or not Path(folder).is_dir():
        return {}
    path = Path(folder)
    # Parsing YAML with line numbers is slow; tests build many runtimes on the same files.
    stamp = tuple((f.name, f.stat().st_mtime_ns) for f in sorted(path.glob("*.yaml")))
    codes = frozenset(c.code for c in config.wrapup_codes)
    return _load_cached(str(path.resolve()), stamp, codes)


@functools.lru_cache(maxsize=8)
def _load_cached(
    folder: str, stamp: tuple[tuple[str, int], ...], wrapup_codes: frozenset[str]
) -> dict[str, FlowScript]:
    return load_scripts_dir(folder, set(wrapup_codes))
