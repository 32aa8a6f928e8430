"""The call-centre simulation engine: discrete-event core, ACD, simulated callers and agents.

`Engine(config, seed, customers=None, *, emit_queue_stats=True, keep_log=False,
flat_hot_path=True)`; see docs/architecture.md "Engine".
`BUILD` says whether the mypyc-compiled modules run ("compiled") or these sources do
("interpreted"); see server_stub/compiled_engine.py.
"""

from __future__ import annotations

from server_stub.compiled_engine import activate

BUILD = activate(__path__)  # before the submodules below are imported

from server_stub.engine.errors import EngineError  # noqa: E402
from server_stub.engine.views import Engine  # noqa: E402

__all__ = ["BUILD", "Engine", "EngineError"]
