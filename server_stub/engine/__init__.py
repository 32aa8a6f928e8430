"""The call-centre simulation engine: discrete-event core, ACD, simulated callers and agents.

`Engine(config, seed, customers=None, *, emit_queue_stats=True)`; see docs/architecture.md "Engine".
"""

from __future__ import annotations

from server_stub.engine.errors import EngineError
from server_stub.engine.views import Engine

__all__ = ["Engine", "EngineError"]
