"""Restart by deterministic replay: is the stored run this centre's, and replaying it.

The store keeps the seed, a hash of the config and a journal of every human command with
its sim time. A new engine with the same seed and config replays the journal at the same
sim times, which regenerates the same events; those already stored are checked by type
and not stored again (`EventPipeline`). Anything that stops the replay from reproducing
the stored run raises `ReplayDivergedError`; the runtime then starts a new simulated day
on the same data instead (`RunFrame.next_run`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pydantic import BaseModel

from server_stub.centre.schema import CentreConfig
from server_stub.engine import Engine, EngineError
from server_stub.server.dispatch import CommandDispatcher
from server_stub.server.pipeline import ReplayDivergedError
from server_stub.server.run_frame import RunFrame
from server_stub.server.store import Store


class ForeignCustomersError(RuntimeError):
    """The database's customers were generated for another centre configuration."""


def config_hash(config: CentreConfig, *parts: BaseModel | None) -> str:
    """What a stored day was run with: the centre file and the other files whose rules put
    events in the log (the supervision file's surges and alerts, the ticket workflow). A
    change to any of them cannot replay the journal: the runtime starts a new day."""
    digest = hashlib.sha256(config.model_dump_json().encode())
    for part in parts:
        digest.update(b"\0" + (part.model_dump_json().encode() if part is not None else b""))
    return digest.hexdigest()


def customers_hash(config: CentreConfig) -> str:
    return hashlib.sha256(config.customers.model_dump_json().encode()).hexdigest()


def check_customers(store: Store, config: CentreConfig) -> None:
    """The stored customers must be the ones this config generates: the engine's callers
    are drawn from the config, and their records from the store."""
    stored = store.get_meta("customers_hash")
    if stored is not None and stored != customers_hash(config):
        raise ForeignCustomersError(
            f"{store.path} holds the customers of another centre configuration (its "
            "`customers:` section differs): start with the centre file it was made with, "
            "or give a new --db"
        )


def replay_journal(
    *,
    engine: Engine,
    frame: RunFrame,
    store: Store,
    dispatcher: CommandDispatcher,
    flush: Callable[[], None],
    last_seen_seq: Callable[[], int],
) -> None:
    """Replay this run's journal, then run the engine on to the last stored sim time.
    Raises `ReplayDivergedError` when the stored run cannot be reproduced."""
    for entry in store.journal_entries(after=frame.first_command):
        engine.advance_to(max(frame.engine_time(entry.sim_time), engine.now))
        flush()
        try:
            dispatcher.apply(engine, entry.kind, entry.args)
        except EngineError as error:
            raise ReplayDivergedError(
                f"the stored command {entry.kind} (journal entry {entry.id}) was refused on "
                f"replay: {error.message}"
            ) from error
        flush()
    last_sim = float(store.get_meta("last_sim_time") or 0.0)
    engine.advance_to(max(frame.engine_time(last_sim), engine.now))
    flush()
    stored, replayed = store.last_seq(), last_seen_seq()
    if replayed < stored:
        raise ReplayDivergedError(
            f"replay reproduced the log up to seq {replayed}, but {stored} events are stored"
        )
