"""Where the engine's current run sits in the stored log: its seqs, times and call ids.

A database outlives an engine run. When the stored day cannot be replayed (the engine or
the centre changed since it was written), the server keeps the tickets, contacts,
customers and log, and starts a new simulated day on them (architecture.md "Restart").
The new engine counts seqs from 1, time from 0 and calls from `c1` again; its frame maps
those onto the stored log, so that seqs stay one sequence, time never goes back and call
ids stay unique. Run 1 is the identity: a database that never needed a new day looks
exactly as it always did.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

DAY_S = 86_400.0
# Events the server writes itself (Engine.record): their ids are already the wire's.
SERVER_RECORDED_PREFIXES = ("ticket.", "supervisor.", "callback.")


@dataclass(frozen=True)
class RunFrame:
    """Engine run `number`: engine seq s is stored seq `seq_base + s`, engine time t is sim
    time `time_base + t`, and journal entries with id > `first_command` are its commands."""

    number: int = 1
    seq_base: int = 0
    time_base: float = 0.0
    first_command: int = 0

    @property
    def identity(self) -> bool:
        return self.number == 1 and self.seq_base == 0 and self.time_base == 0.0

    # ------------------------------------------------------------------ engine → wire

    def call_id(self, engine_call_id: str | None) -> str | None:
        if engine_call_id is None or self.number == 1:
            return engine_call_id
        return f"r{self.number}-{engine_call_id}"

    def time(self, engine_time: float) -> float:
        return self.time_base + engine_time

    # ------------------------------------------------------------------ wire → engine

    def engine_time(self, sim_time: float) -> float:
        return sim_time - self.time_base

    def engine_call_id(self, call_id: str) -> str:
        """The engine's id of a call of this run (the routes look calls up first, so only
        calls of the current run get here)."""
        prefix = f"r{self.number}-"
        if self.number > 1 and call_id.startswith(prefix):
            return call_id[len(prefix) :]
        return call_id

    def engine_args(self, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        """A command's arguments in the engine's terms (what the journal keeps)."""
        if self.number == 1 or kind == "record" or "call_id" not in args:
            return args
        return {**args, "call_id": self.engine_call_id(str(args["call_id"]))}

    # ------------------------------------------------------------------ runs

    def engine_seed(self, seed: int) -> int:
        """Run 1 uses the centre's seed; each new day its own, so days do not repeat."""
        return seed if self.number == 1 else seed * 1_000_003 + self.number

    def next_run(self, last_seq: int, last_sim_time: float, last_command: int) -> RunFrame:
        """The frame of a new simulated day after everything stored so far: it starts at
        the next day boundary (the same time of day as the epoch), never earlier."""
        day = math.floor(max(0.0, last_sim_time) / DAY_S) + 1
        return replace(
            self,
            number=self.number + 1,
            seq_base=last_seq,
            time_base=day * DAY_S,
            first_command=last_command,
        )

    def to_meta(self) -> dict[str, str]:
        return {
            "run": str(self.number),
            "run_seq_base": str(self.seq_base),
            "run_time_base": repr(self.time_base),
            "run_first_command": str(self.first_command),
        }

    @classmethod
    def from_meta(cls, get: Callable[[str], str | None]) -> RunFrame:
        number = get("run")
        if number is None:
            return cls()
        return cls(
            number=int(number),
            seq_base=int(get("run_seq_base") or 0),
            time_base=float(get("run_time_base") or 0.0),
            first_command=int(get("run_first_command") or 0),
        )


def is_server_recorded(event_type: str) -> bool:
    return event_type.startswith(SERVER_RECORDED_PREFIXES)
