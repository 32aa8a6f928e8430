"""The simulation assembled: a centre's config checked, and each timer kind sent to the room
that handles it (scheduler → agent states → routing → callers → workforce → hot path)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.engine.config_check import check_config
from server_stub.engine.hot_path import HotPath
from server_stub.engine.vocabulary import (
    K_ABANDON,
    K_ARRIVAL,
    K_BREAK_END,
    K_COMPANION,
    K_CONNECT,
    K_CONSULT_RING,
    K_INIT,
    K_IVR,
    K_RING,
    K_SHIFT,
    K_STATS,
    K_TALK_END,
    K_WRAP_END,
)


class Simulation(HotPath):
    """Timers, callers, routing and simulated agents. Human commands live in `commands.py`.

    `keep_log=True` keeps every event in `log` (tests, small tools); otherwise events live
    until subscribers have had them. `flat_hot_path=False` runs the plain path only (same log).
    """

    def __init__(
        self,
        config: CentreConfig,
        seed: int,
        customers: Sequence[tuple[str, str, str]] | None = None,
        *,
        emit_queue_stats: bool = True,
        keep_log: bool = False,
        flat_hot_path: bool = True,
    ) -> None:
        check_config(config)
        super().__init__(
            config,
            seed,
            customers,
            keep_log=keep_log,
            emit_queue_stats=emit_queue_stats,
            flat_hot_path=flat_hot_path,
        )
        # sim time 0: log agents in and start the arrival streams (on the first advance_to)
        self._at(0.0, K_INIT, None)

    def _fire(self, kind: int, payload: Any, seq: int) -> None:
        # commonest first: each call has an arrival, a talk end, a wrap end, often a patience
        if kind == K_ARRIVAL:
            self._on_arrival(payload, seq)
        elif kind == K_TALK_END:
            self._on_talk_end(payload, seq)
        elif kind == K_WRAP_END:
            self._on_wrap_end(payload, seq)
        elif kind == K_ABANDON:
            self._on_abandon(payload, seq)
        elif kind == K_IVR:
            self._on_ivr_step(payload, seq)
        elif kind == K_RING:
            self._on_ring_timeout(payload, seq)
        elif kind == K_CONNECT:
            self._on_connect(payload, seq)
        elif kind == K_CONSULT_RING:
            self._on_consult_ring_timeout(payload, seq)
        elif kind == K_SHIFT:
            self._on_shift(payload, seq)
        elif kind == K_BREAK_END:
            self._on_break_end(payload, seq)
        elif kind == K_STATS:
            self._on_stats(payload, seq)
        elif kind == K_INIT:
            self._on_init(payload, seq)
        elif kind == K_COMPANION:
            self._on_companion(payload, seq)
        else:
            raise AssertionError(f"no handler for timer kind {kind}")
