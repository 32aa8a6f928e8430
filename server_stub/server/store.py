"""SQLite storage: the ONE module that touches sqlite3 (DESIGN "Storage").

Tables: the event log (source of truth), the command journal (what humans did, at which
sim time, so a restart can replay the engine), customers, contacts (one row per call: the
CDR, derived from the log), tickets, callbacks, quality evaluations and calibration rounds,
login tokens (hashes only), the audit trail of reads of other people's data, and a small
`meta` table (seed, config hash, last sim time, the current run). WAL mode; one
connection for writes, guarded by a lock because FastAPI may call from its threadpool,
and one read-only connection per worker thread for what is read off the event loop (feed
backlogs, customer search).

The file and its -wal/-shm companions are the owner's alone (mode 0600): they hold
10,000 customers' personal data. Opening checks the file (`PRAGMA quick_check`) and says
in one line what is wrong with a bad one (`StoreError`).

Swapping in PostgreSQL means re-implementing this class; nothing else imports sqlite3.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from server_stub.protocol.api import (
    OPEN_TICKET_STATUSES,
    Callback,
    ContactRecord,
    CustomerRecord,
    Ticket,
)
from server_stub.protocol.events import Event
from server_stub.protocol.quality_api import CalibrationRound, CoachingTask
from server_stub.protocol.quality_form_model import Evaluation
from server_stub.protocol.training_api import TrainingResult
from server_stub.server.db_lock import DatabaseLock

SCHEMA_VERSION = "3"
FILE_MODE = 0o600  # the database holds customers' personal data and login token hashes
JOURNAL_BATCH = 1_000
SEARCH_LIMIT = 10

_EVENT_COLUMNS = "seq, sim_time, wall_time, type, call_id, agent_id, queue_id, ticket_id, team_id"

_TICKETS_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    call_id TEXT, category TEXT NOT NULL, subject TEXT NOT NULL, description TEXT NOT NULL,
    priority TEXT NOT NULL, status TEXT NOT NULL, department TEXT,
    created_by TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    UNIQUE (created_by, request_id)
);
"""
_CALLBACKS_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    customer_id TEXT NOT NULL, number TEXT NOT NULL, due_at REAL NOT NULL, note TEXT NOT NULL,
    agent_id TEXT NOT NULL, created_at REAL NOT NULL, status TEXT NOT NULL,
    UNIQUE (agent_id, request_id)
);
"""
_EVALUATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS evaluations (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    call_id TEXT NOT NULL, agent_id TEXT NOT NULL, evaluator_id TEXT NOT NULL,
    form TEXT NOT NULL, form_version INTEGER NOT NULL, status TEXT NOT NULL,
    call_date TEXT NOT NULL, calibration TEXT,
    body TEXT NOT NULL, updated_at REAL NOT NULL,
    UNIQUE (evaluator_id, request_id)
);
CREATE INDEX IF NOT EXISTS evaluations_call ON evaluations(call_id);
CREATE TABLE IF NOT EXISTS training_results (
    session_id TEXT NOT NULL, trainee TEXT NOT NULL, scenario TEXT NOT NULL,
    wall_time REAL NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS training_results_trainee ON training_results(trainee, wall_time);
CREATE TABLE IF NOT EXISTS coaching_tasks (
    id TEXT PRIMARY KEY, request_id TEXT NOT NULL, created_by TEXT NOT NULL,
    team TEXT, body TEXT NOT NULL,
    UNIQUE (created_by, request_id)
);
CREATE TABLE IF NOT EXISTS calibrations (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    call_id TEXT NOT NULL, form TEXT NOT NULL, form_version INTEGER NOT NULL,
    created_by TEXT NOT NULL, created_at REAL NOT NULL,
    UNIQUE (created_by, request_id)
);
"""
_TOKENS_TABLE = """
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL, role TEXT NOT NULL, expires_at REAL NOT NULL
);
"""

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    sim_time REAL NOT NULL,
    wall_time REAL NOT NULL,
    type TEXT NOT NULL,
    call_id TEXT, agent_id TEXT, queue_id TEXT, ticket_id TEXT, team_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_call ON events(call_id);
CREATE INDEX IF NOT EXISTS events_ticket ON events(ticket_id, seq) WHERE ticket_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_tickets ON events(seq) WHERE ticket_id IS NOT NULL;
-- Supervisors' messages are rare among events: a partial index finds a desk's recent ones.
CREATE INDEX IF NOT EXISTS events_messages ON events(seq) WHERE type = 'supervisor.message';
-- And each desk's latest screen (`agent.screen`), which a restart brings back.
CREATE INDEX IF NOT EXISTS events_screens ON events(agent_id, seq) WHERE type = 'agent.screen';
CREATE TABLE IF NOT EXISTS commands (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sim_time REAL NOT NULL,
    kind TEXT NOT NULL,
    args TEXT NOT NULL,
    actor TEXT
);
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    history TEXT NOT NULL,
    name_key TEXT NOT NULL DEFAULT '',
    account TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS customer_phones (
    phone TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (phone, customer_id)
);
CREATE TABLE IF NOT EXISTS contacts (
    call_id TEXT PRIMARY KEY,
    customer_id TEXT, queue_id TEXT, agent_id TEXT,
    direction TEXT NOT NULL, ani TEXT,
    arrived_at REAL NOT NULL, answered_at REAL, ended_at REAL,
    waited_s REAL, talk_s REAL, outcome TEXT,
    wrapup_code TEXT, notes TEXT, script_path TEXT NOT NULL DEFAULT '[]',
    survey_score INTEGER
);
CREATE INDEX IF NOT EXISTS contacts_customer ON contacts(customer_id, arrived_at);
"""
    + _TICKETS_TABLE.format(name="tickets")
    + "CREATE INDEX IF NOT EXISTS tickets_customer ON tickets(customer_id);\n"
    + _CALLBACKS_TABLE.format(name="callbacks")
    + _TOKENS_TABLE
    + _EVALUATIONS_TABLE
    + """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    wall_time REAL NOT NULL, sim_time REAL NOT NULL,
    user_id TEXT NOT NULL, roles TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT, call_id TEXT, detail TEXT NOT NULL DEFAULT '{}'
);
"""
)


class StoreError(RuntimeError):
    """The database file cannot be used; the message says which file and why, in one line."""


@dataclass(frozen=True)
class JournalEntry:
    """One human command, replayed at `sim_time` on restart."""

    id: int
    sim_time: float
    kind: str
    args: dict[str, Any]
    actor: str | None


@dataclass(frozen=True)
class StoredToken:
    """A login as stored: the token itself is never kept, only its hash."""

    token_hash: str
    user_id: str
    role: str
    expires_at: float


@dataclass(frozen=True)
class AuditRow:
    wall_time: float
    sim_time: float
    user_id: str
    roles: str
    action: str
    target: str | None
    call_id: str | None
    detail: dict[str, Any]


EventRow = tuple[
    int, float, float, str, str | None, str | None, str | None, str | None, str | None, str
]


class Store:
    """The server's persistent state in one SQLite file (or `:memory:`)."""

    def __init__(self, path: str | Path, *, owner: str | None = None) -> None:
        """Open (or create) the database. `owner` says where this server serves, for the
        message a second server gets. Raises `StoreError` or `DatabaseInUseError`."""
        self.path = str(path)
        self.in_memory = self.path == ":memory:"
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._owner_lock: DatabaseLock | None = None
        if not self.in_memory:
            _prepare_file(Path(self.path))
            self._owner_lock = DatabaseLock(self.path)
            self._owner_lock.acquire(owner)
        try:
            self._db = self._open()
        except BaseException:
            if self._owner_lock is not None:
                self._owner_lock.release()
            raise

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot open the database: {error}") from None
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across a process crash in WAL mode; only a power cut may
            # lose the last transaction, which replay from the journal tolerates.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            if not self.in_memory:
                _check_integrity(db, self.path)
            version = _schema_version(db)
            if version == "1":
                _migrate_from_1(db)
                version = "2"
            if version == "2":
                _migrate_from_2(db)
            elif version not in (None, SCHEMA_VERSION):
                raise StoreError(
                    f"{self.path} was written by a newer agent-tui-server (schema {version}): "
                    "run that version, or give a new --db"
                )
            db.executescript(_SCHEMA)
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (SCHEMA_VERSION,),
            )
        except sqlite3.DatabaseError as error:
            db.close()
            raise StoreError(_explain(self.path, error)) from None
        except BaseException:
            db.close()
            raise
        if not self.in_memory:
            _tighten(Path(self.path))  # the -wal and -shm files exist now
        return db

    def close(self) -> None:
        with self._lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
            self._db.close()
            if self._owner_lock is not None:
                self._owner_lock.release()
                self._owner_lock = None

    def journal_mode(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading from this thread: its own read-only one for a file (so
        the event loop's writes never wait for it), the main one for `:memory:`."""
        if self.in_memory:
            with self._lock:
                yield self._db
            return
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if reader is None:
            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
            reader.row_factory = sqlite3.Row
            self._local.reader = reader
            with self._lock:
                self._readers.append(reader)
        yield reader

    # ------------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self.set_meta_many({key: value})

    def set_meta_many(self, values: dict[str, str]) -> None:
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    # ------------------------------------------------------------------ events

    def append_events(self, events: Sequence[Event], last_sim_time: float) -> None:
        """Store a batch of new events and derive the CDR rows from them, in one transaction."""
        with self._lock, self._transaction():
            self._db.executemany(
                f"INSERT INTO events({_EVENT_COLUMNS}, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        e.seq,
                        e.sim_time,
                        e.wall_time,
                        e.type,
                        e.call_id,
                        e.agent_id,
                        e.queue_id,
                        e.ticket_id,
                        e.team_id,
                        _json(e.data),
                    )
                    for e in events
                ],
            )
            for event in events:
                self._derive_contact(event)
                self._derive_ticket_status(event)
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES ('last_sim_time', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (repr(last_sim_time),),
            )

    def set_last_sim_time(self, sim_time: float) -> None:
        self.set_meta("last_sim_time", repr(sim_time))

    def last_sim_time(self) -> float:
        """The latest sim time the store knows of (the clock's or the newest event's)."""
        with self._lock:
            row = self._db.execute("SELECT MAX(sim_time) FROM events").fetchone()
        newest = float(row[0]) if row[0] is not None else 0.0
        return max(newest, float(self.get_meta("last_sim_time") or 0.0))

    def last_seq(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT MAX(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def event_types(self, first_seq: int, last_seq: int) -> list[str]:
        """Types of stored events in [first_seq, last_seq], for the replay sanity check."""
        with self._lock:
            rows = self._db.execute(
                "SELECT type FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq",
                (first_seq, last_seq),
            ).fetchall()
        return [str(r["type"]) for r in rows]

    def events_after(self, seq: int, limit: int = 10_000) -> list[Event]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS}, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [_event_from_row(tuple(r)) for r in rows]

    def event_rows_after(self, seq: int, upto: int, limit: int) -> list[EventRow]:
        """Raw rows (`EventRow`, data as JSON text) with seq in (seq, upto], for the feed's
        backlog; safe to call from a worker thread."""
        with self._reading() as db:
            rows = db.execute(
                f"SELECT {_EVENT_COLUMNS}, data FROM events WHERE seq > ? AND seq <= ? "
                "ORDER BY seq LIMIT ?",
                (seq, upto, limit),
            ).fetchall()
        return [tuple(r) for r in rows]

    def recent_messages(self, limit: int) -> list[Event]:
        """The newest `limit` supervisor messages (all of them: the caller filters), oldest
        first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS}, data FROM events "
                "WHERE type = 'supervisor.message' ORDER BY seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [_event_from_row(tuple(r)) for r in reversed(rows)]

    def latest_screens(self, after_seq: int = 0) -> list[Event]:
        """Each agent's newest `agent.screen` event after `after_seq` (what its desk shows)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS}, data FROM events WHERE seq IN ("
                "SELECT MAX(seq) FROM events WHERE type = 'agent.screen' AND seq > ? "
                "GROUP BY agent_id) ORDER BY seq",
                (after_seq,),
            ).fetchall()
        return [_event_from_row(tuple(r)) for r in rows]

    def events_for_ticket(self, ticket_id: str, limit: int = 1_000) -> list[Event]:
        """A ticket's events, oldest first: its history (TK7)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS}, data FROM events WHERE ticket_id = ? "
                "ORDER BY seq LIMIT ?",
                (ticket_id, limit),
            ).fetchall()
        return [_event_from_row(tuple(r)) for r in rows]

    def iter_ticket_events(self, batch: int = 5000) -> Iterator[Event]:
        """Every event that names a ticket, in log order (figures, the outbox)."""
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {_EVENT_COLUMNS}, data FROM events "
                    "WHERE ticket_id IS NOT NULL AND seq > ? ORDER BY seq LIMIT ?",
                    (after, batch),
                ).fetchall()
            if not rows:
                return
            chunk = [_event_from_row(tuple(r)) for r in rows]
            yield from chunk
            after = chunk[-1].seq

    def iter_events(self, batch: int = 5000) -> Iterator[Event]:
        after = 0
        while True:
            chunk = self.events_after(after, batch)
            if not chunk:
                return
            yield from chunk
            after = chunk[-1].seq

    # ------------------------------------------------------------------ journal

    def journal(self, sim_time: float, kind: str, args: dict[str, Any], actor: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO commands(sim_time, kind, args, actor) VALUES (?,?,?,?)",
                (sim_time, kind, _json(args), actor),
            )

    def journal_entries(self, after: int = 0) -> Iterator[JournalEntry]:
        """Commands with id > `after`, oldest first, read a batch at a time."""
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT * FROM commands WHERE id > ? ORDER BY id LIMIT ?",
                    (after, JOURNAL_BATCH),
                ).fetchall()
            if not rows:
                return
            for r in rows:
                yield JournalEntry(
                    id=int(r["id"]),
                    sim_time=float(r["sim_time"]),
                    kind=str(r["kind"]),
                    args=json.loads(r["args"]),
                    actor=r["actor"],
                )
            after = int(rows[-1]["id"])

    def last_command_id(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT MAX(id) FROM commands").fetchone()
        return int(row[0] or 0)

    # ------------------------------------------------------------------ customers

    def customer_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM customers").fetchone()[0])

    def customers_ready(self) -> bool:
        """Whether the first start's customers were all stored (`fill_customers` finished)."""
        return self.get_meta("customers_ready") is not None

    def fill_customers(
        self, rows: Iterable[tuple[CustomerRecord, list[ContactRecord]]], customers_hash: str
    ) -> int:
        """Store the centre's customers, all or nothing: one transaction that also replaces
        whatever an interrupted earlier fill left. Returns how many."""
        count = 0
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM customer_phones")
            self._db.execute("DELETE FROM customers")
            for record, history in rows:
                self._db.execute(
                    "INSERT INTO customers(id, record, history, name_key, account) "
                    "VALUES (?,?,?,?,?)",
                    (
                        record.id,
                        record.model_dump_json(),
                        _json([h.model_dump(mode="json") for h in history]),
                        _search_key(record.name),
                        _search_key(record.account),
                    ),
                )
                self._db.executemany(
                    "INSERT OR IGNORE INTO customer_phones(phone, customer_id) VALUES (?,?)",
                    [(_digits(p), record.id) for p in record.phones],
                )
                count += 1
            self._db.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("customers_ready", str(count)), ("customers_hash", customers_hash)],
            )
        return count

    def customer(self, customer_id: str) -> CustomerRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT record FROM customers WHERE id = ?", (customer_id,)
            ).fetchone()
        return None if row is None else CustomerRecord.model_validate_json(row["record"])

    def customers_by_phone(self, phone: str) -> list[CustomerRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT c.record FROM customer_phones p JOIN customers c ON c.id = p.customer_id "
                "WHERE p.phone = ? ORDER BY c.id",
                (_digits(phone),),
            ).fetchall()
        return [CustomerRecord.model_validate_json(r["record"]) for r in rows]

    def search_customers(self, query: str, limit: int = SEARCH_LIMIT) -> list[CustomerRecord]:
        """Customers whose name or account contains `query` (case-folded; CJK as written),
        whose phone contains its digits (4 or more), or whose id it is. Off-loop safe."""
        key = _search_key(query)
        digits = _digits(query)
        with self._reading() as db:
            rows = db.execute(
                "SELECT record FROM customers WHERE instr(name_key, :key) > 0 "
                "OR instr(account, :key) > 0 OR id = :id "
                "OR (length(:digits) >= 4 AND id IN "
                "    (SELECT customer_id FROM customer_phones WHERE instr(phone, :digits) > 0)) "
                "ORDER BY id LIMIT :limit",
                {"key": key, "id": query.strip().upper(), "digits": digits, "limit": limit},
            ).fetchall()
        return [CustomerRecord.model_validate_json(r["record"]) for r in rows]

    def add_customer(self, record: CustomerRecord) -> None:
        """A record an agent made during a call (IN5): searchable at once, like the seeded."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO customers(id, record, history, name_key, account) VALUES (?,?,?,?,?)",
                (record.id, record.model_dump_json(), "[]", _search_key(record.name), ""),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO customer_phones(phone, customer_id) VALUES (?,?)",
                [(_digits(p), record.id) for p in record.phones],
            )

    def added_customer_count(self) -> int:
        """How many records agents have made (their ids are N000001, N000002…)."""
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM customers WHERE id LIKE 'N%'").fetchone()
        return int(row[0])

    def customer_history(self, customer_id: str) -> list[ContactRecord]:
        with self._lock:
            row = self._db.execute(
                "SELECT history FROM customers WHERE id = ?", (customer_id,)
            ).fetchone()
        if row is None:
            return []
        return [ContactRecord.model_validate(h) for h in json.loads(row["history"])]

    # ------------------------------------------------------------------ contacts (CDR)

    def contacts_for_customer(self, customer_id: str, limit: int = 20) -> list[ContactRecord]:
        """Calls in this run, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM contacts WHERE customer_id = ? ORDER BY arrived_at DESC LIMIT ?",
                (customer_id, limit),
            ).fetchall()
        return [_contact_from_row(r) for r in rows]

    def contact(self, call_id: str) -> ContactRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM contacts WHERE call_id = ?", (call_id,)
            ).fetchone()
        return None if row is None else _contact_from_row(row)

    def contact_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM contacts").fetchone()[0])

    def answered_by(self, call_id: str, agent_ids: Collection[str]) -> bool:
        """Whether one of `agent_ids` answered the call (in any run)."""
        if not agent_ids:
            return False
        marks = ",".join("?" * len(agent_ids))
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM events WHERE call_id = ? AND type = 'call.answered' "
                f"AND agent_id IN ({marks}) LIMIT 1",
                (call_id, *agent_ids),
            ).fetchone()
        return row is not None

    def customer_served_by(self, customer_id: str, agent_ids: Collection[str]) -> bool:
        """Whether one of `agent_ids` answered a call of this customer."""
        if not agent_ids:
            return False
        marks = ",".join("?" * len(agent_ids))
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM contacts c JOIN events e ON e.call_id = c.call_id "
                "WHERE c.customer_id = ? AND e.type = 'call.answered' "
                f"AND e.agent_id IN ({marks}) LIMIT 1",
                (customer_id, *agent_ids),
            ).fetchone()
        return row is not None

    def _open_contact(self, event: Event) -> None:
        """The call's CDR row, made once: at arrival, or at the answer of an outbound call."""
        data = event.data
        self._db.execute(
            "INSERT OR IGNORE INTO contacts(call_id, customer_id, queue_id, direction, ani, "
            "arrived_at) VALUES (?,?,?,?,?,?)",
            (
                event.call_id,
                data.get("customer_id"),
                event.queue_id,
                str(data.get("direction", "inbound")),
                data.get("ani"),
                event.sim_time,
            ),
        )

    def _derive_contact(self, event: Event) -> None:
        """Keep the CDR row of `event.call_id` up to date (called inside a transaction)."""
        if event.call_id is None:
            return
        data = event.data
        kind = event.type
        if kind == "call.arrived":
            self._open_contact(event)
        elif kind == "call.queued":
            self._db.execute(
                "UPDATE contacts SET queue_id = ? WHERE call_id = ?",
                (event.queue_id, event.call_id),
            )
        elif kind == "call.offered":
            if data.get("customer_id") is not None:  # a caller recognised by the pop
                self._db.execute(
                    "UPDATE contacts SET customer_id = COALESCE(customer_id, ?) WHERE call_id = ?",
                    (data["customer_id"], event.call_id),
                )
        elif kind == "call.customer_linked":  # the agent said who the caller is (IN5)
            self._db.execute(
                "UPDATE contacts SET customer_id = ? WHERE call_id = ?",
                (data.get("customer_id"), event.call_id),
            )
        elif kind == "call.answered":
            # An outbound call has no call.arrived: the answer creates its row.
            self._open_contact(event)
            self._db.execute(
                "UPDATE contacts SET answered_at = COALESCE(answered_at, ?), agent_id = ?, "
                "waited_s = COALESCE(?, waited_s), queue_id = COALESCE(?, queue_id) "
                "WHERE call_id = ?",
                (
                    event.sim_time,
                    event.agent_id,
                    data.get("waited_s"),
                    event.queue_id,
                    event.call_id,
                ),
            )
        elif kind in ("call.abandoned", "call.overflowed"):
            outcome = "abandoned" if kind == "call.abandoned" else "overflowed"
            self._db.execute(
                "UPDATE contacts SET outcome = ?, ended_at = ?, waited_s = COALESCE(?, waited_s) "
                "WHERE call_id = ?",
                (outcome, event.sim_time, data.get("waited_s"), event.call_id),
            )
        elif kind == "call.ended":
            self._db.execute(
                "UPDATE contacts SET ended_at = ?, "
                "outcome = COALESCE(outcome, ?), "
                "talk_s = CASE WHEN answered_at IS NULL THEN NULL ELSE ? - answered_at END "
                "WHERE call_id = ?",
                (event.sim_time, data.get("outcome"), event.sim_time, event.call_id),
            )
        elif kind == "call.survey_scored":  # the caller's 1..5, stored with the call (IN8)
            self._db.execute(
                "UPDATE contacts SET survey_score = ? WHERE call_id = ?",
                (data.get("score"), event.call_id),
            )
        elif kind == "call.wrapup_completed":
            self._db.execute(
                "UPDATE contacts SET wrapup_code = ?, notes = ?, script_path = ? WHERE call_id = ?",
                (
                    data.get("code"),
                    data.get("notes"),
                    _json(data.get("script_path") or []),
                    event.call_id,
                ),
            )

    # ------------------------------------------------------------------ tickets

    def ticket_by_request(self, request_id: str, created_by: str | None = None) -> Ticket | None:
        """The ticket `created_by` made with this request id (anyone's when None)."""
        query = "SELECT * FROM tickets WHERE request_id = ?"
        params: tuple[str, ...] = (request_id,)
        if created_by is not None:
            query, params = query + " AND created_by = ?", (request_id, created_by)
        with self._lock:
            row = self._db.execute(query + " LIMIT 1", params).fetchone()
        return None if row is None else Ticket.model_validate(dict(row))

    def ticket(self, ticket_id: str) -> Ticket | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return None if row is None else Ticket.model_validate(dict(row))

    def put_ticket(self, ticket: Ticket) -> None:
        """Insert a ticket; a second insert with the same id is ignored (journal replay)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO tickets(id, request_id, customer_id, call_id, category, "
                "subject, description, priority, status, department, created_by, created_at, "
                "updated_at) VALUES (:id, :request_id, :customer_id, :call_id, :category, "
                ":subject, :description, :priority, :status, :department, :created_by, "
                ":created_at, :updated_at)",
                ticket.model_dump(),
            )

    def tickets_for_customer(self, customer_id: str, open_only: bool = False) -> list[Ticket]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM tickets WHERE customer_id = ? ORDER BY created_at DESC, id DESC",
                (customer_id,),
            ).fetchall()
        tickets = [Ticket.model_validate(dict(r)) for r in rows]
        if open_only:
            tickets = [t for t in tickets if t.status in OPEN_TICKET_STATUSES]
        return tickets

    def tickets_created_by(self, user_id: str, limit: int = 200) -> list[Ticket]:
        """The tickets `user_id` recorded, newest first (the desk's ticket tracking)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM tickets WHERE created_by = ? ORDER BY created_at DESC, id DESC "
                "LIMIT ?",
                (user_id, limit),
            ).fetchall()
        return [Ticket.model_validate(dict(r)) for r in rows]

    def _derive_ticket_status(self, event: Event) -> None:
        """The ticket loop's events carry the ticket's status: the record follows them."""
        status = event.data.get("status") if event.type.startswith("ticket.") else None
        if event.ticket_id is None or status is None or event.type == "ticket.created":
            return
        self._db.execute(
            "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
            (status, event.sim_time, event.ticket_id),
        )

    def ticket_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])

    # ------------------------------------------------------------------ callbacks

    def callback_by_request(self, request_id: str, agent_id: str | None = None) -> Callback | None:
        """The callback `agent_id` scheduled with this request id (anyone's when None)."""
        query = "SELECT * FROM callbacks WHERE request_id = ?"
        params: tuple[str, ...] = (request_id,)
        if agent_id is not None:
            query, params = query + " AND agent_id = ?", (request_id, agent_id)
        with self._lock:
            row = self._db.execute(query + " LIMIT 1", params).fetchone()
        return None if row is None else Callback.model_validate(dict(row))

    def put_callback(self, callback: Callback) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO callbacks(id, request_id, customer_id, number, due_at, "
                "note, agent_id, created_at, status) VALUES (:id, :request_id, :customer_id, "
                ":number, :due_at, :note, :agent_id, :created_at, :status)",
                callback.model_dump(),
            )

    def callback_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM callbacks").fetchone()[0])

    def callbacks_of(self, agent_id: str, status: str = "scheduled") -> list[Callback]:
        """The callbacks `agent_id` booked that are in `status`, soonest first."""
        query = "SELECT * FROM callbacks WHERE agent_id = ? AND status = ? ORDER BY due_at, id"
        with self._lock:
            rows = self._db.execute(query, (agent_id, status)).fetchall()
        return [Callback.model_validate(dict(row)) for row in rows]

    def callbacks_due(self, now: float) -> list[Callback]:
        """Booked callbacks still waiting whose time has come, oldest due first."""
        query = "SELECT * FROM callbacks WHERE status = 'scheduled' AND due_at <= ? "
        with self._lock:
            rows = self._db.execute(query + "ORDER BY due_at, id", (now,)).fetchall()
        return [Callback.model_validate(dict(row)) for row in rows]

    def next_callback_due(self) -> float | None:
        """When the soonest booked callback still waiting is due (None: none waits)."""
        query = "SELECT MIN(due_at) FROM callbacks WHERE status = 'scheduled'"
        with self._lock:
            due = self._db.execute(query).fetchone()[0]
        return None if due is None else float(due)

    def callback(self, callback_id: str) -> Callback | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM callbacks WHERE id = ?", (callback_id,)
            ).fetchone()
        return None if row is None else Callback.model_validate(dict(row))

    def set_callback_status(self, callback_id: str, status: str) -> None:
        with self._lock:
            self._db.execute("UPDATE callbacks SET status = ? WHERE id = ?", (status, callback_id))

    # ------------------------------------------------------------------ evaluations

    def answered_contacts(
        self,
        *,
        agent_id: str | None = None,
        queue_id: str | None = None,
        customer: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[ContactRecord]:
        """Calls an agent answered in this server's log (not the generated history),
        oldest first; `customer` is a customer id or an account number."""
        query = "SELECT c.* FROM contacts c WHERE c.answered_at IS NOT NULL"
        params: list[Any] = []
        for column, value in (("c.agent_id", agent_id), ("c.queue_id", queue_id)):
            if value is not None:
                query += f" AND {column} = ?"
                params.append(value)
        if customer is not None:
            query += (
                " AND (c.customer_id = ? OR c.customer_id IN "
                "(SELECT id FROM customers WHERE account = ?))"
            )
            params += [customer, customer]
        if since is not None:
            query += " AND c.arrived_at >= ?"
            params.append(since)
        if until is not None:
            query += " AND c.arrived_at < ?"
            params.append(until)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY c.arrived_at, c.call_id", params).fetchall()
        return [_contact_from_row(r) for r in rows]

    def call_events(self, call_id: str) -> list[Event]:
        """Every stored event of one call, in seq order."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS}, data FROM events WHERE call_id = ? ORDER BY seq",
                (call_id,),
            ).fetchall()
        return [_event_from_row(tuple(r)) for r in rows]

    def put_evaluation(self, request_id: str, evaluation: Evaluation, updated_at: float) -> None:
        """Insert or replace an evaluation (its marks, comments and status change)."""
        with self._lock:
            self._db.execute(
                "INSERT INTO evaluations(id, request_id, call_id, agent_id, evaluator_id, form, "
                "form_version, status, call_date, calibration, body, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "status = excluded.status, body = excluded.body, updated_at = excluded.updated_at",
                (
                    evaluation.id,
                    request_id,
                    evaluation.call_id,
                    evaluation.agent_id,
                    evaluation.evaluator_id,
                    evaluation.form,
                    evaluation.form_version,
                    evaluation.status,
                    evaluation.call_date,
                    evaluation.calibration,
                    evaluation.model_dump_json(),
                    updated_at,
                ),
            )

    def evaluation(self, evaluation_id: str) -> Evaluation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM evaluations WHERE id = ?", (evaluation_id,)
            ).fetchone()
        return None if row is None else Evaluation.model_validate_json(row["body"])

    def evaluation_by_request(self, request_id: str, evaluator_id: str) -> Evaluation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM evaluations WHERE request_id = ? AND evaluator_id = ?",
                (request_id, evaluator_id),
            ).fetchone()
        return None if row is None else Evaluation.model_validate_json(row["body"])

    def evaluations(
        self,
        *,
        call_id: str | None = None,
        evaluator_id: str | None = None,
        calibration: str | None = None,
    ) -> list[Evaluation]:
        """Evaluations in the order they were made, filtered by what is given."""
        query, params = "SELECT body FROM evaluations WHERE 1 = 1", []
        for column, value in (
            ("call_id", call_id),
            ("evaluator_id", evaluator_id),
            ("calibration", calibration),
        ):
            if value is not None:
                query += f" AND {column} = ?"
                params.append(value)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY rowid", params).fetchall()
        return [Evaluation.model_validate_json(r["body"]) for r in rows]

    def put_calibration(self, round_: CalibrationRound, request_id: str, at: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO calibrations(id, request_id, call_id, form, form_version, "
                "created_by, created_at) VALUES (?,?,?,?,?,?,?)",
                (
                    round_.id,
                    request_id,
                    round_.call_id,
                    round_.form,
                    round_.form_version,
                    round_.created_by,
                    at,
                ),
            )

    def calibration(
        self, round_id: str | None = None, *, request_id: str | None = None, by: str = ""
    ) -> CalibrationRound | None:
        """A calibration round by its id, or by the request that made it (with `by`);
        `evaluators` are those who have confirmed their evaluation in it."""
        query = "SELECT * FROM calibrations WHERE id = ?"
        params: tuple[str, ...] = (str(round_id),)
        if round_id is None:
            query = "SELECT * FROM calibrations WHERE request_id = ? AND created_by = ?"
            params = (str(request_id), by)
        with self._lock:
            row = self._db.execute(query, params).fetchone()
            if row is None:
                return None
            done = self._db.execute(
                "SELECT evaluator_id FROM evaluations WHERE calibration = ? AND "
                "status = 'confirmed' ORDER BY rowid",
                (row["id"],),
            ).fetchall()
        return CalibrationRound(
            id=str(row["id"]),
            call_id=str(row["call_id"]),
            form=str(row["form"]),
            form_version=int(row["form_version"]),
            created_by=str(row["created_by"]),
            evaluators=[str(r["evaluator_id"]) for r in done],
        )

    def put_training_result(self, result: TrainingResult) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO training_results(session_id, trainee, scenario, wall_time, body) "
                "VALUES (?,?,?,?,?)",
                (
                    result.session_id,
                    result.trainee,
                    result.scenario,
                    result.wall_time,
                    result.model_dump_json(),
                ),
            )

    def training_results(self, trainee: str | None = None) -> list[TrainingResult]:
        """Scored sessions, oldest first (one trainee's when given)."""
        query, params = "SELECT body FROM training_results", cast(tuple[str, ...], ())
        if trainee is not None:
            query, params = query + " WHERE trainee = ?", (trainee,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY wall_time, rowid", params).fetchall()
        return [TrainingResult.model_validate_json(r["body"]) for r in rows]

    def put_coaching_task(self, task: CoachingTask, request_id: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO coaching_tasks(id, request_id, created_by, team, body) "
                "VALUES (?,?,?,?,?)",
                (task.id, request_id, task.created_by, task.team, task.model_dump_json()),
            )

    def replace_coaching_task(self, task: CoachingTask) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE coaching_tasks SET body = ? WHERE id = ?", (task.model_dump_json(), task.id)
            )

    def coaching_tasks(self, *, request_id: str | None = None, by: str = "") -> list[CoachingTask]:
        """Coaching tasks in the order made (the one a request made, when given)."""
        query, params = "SELECT body FROM coaching_tasks", cast(tuple[str, ...], ())
        if request_id is not None:
            query, params = query + " WHERE request_id = ? AND created_by = ?", (request_id, by)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY rowid", params).fetchall()
        return [CoachingTask.model_validate_json(r["body"]) for r in rows]

    def calibration_ids(self, call_id: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM calibrations WHERE call_id = ? ORDER BY id", (call_id,)
            ).fetchall()
        return [str(r["id"]) for r in rows]

    def calibration_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM calibrations").fetchone()[0])

    def evaluation_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0])

    # ------------------------------------------------------------------ tokens

    def put_token(self, token: StoredToken) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tokens(token_hash, user_id, role, expires_at) "
                "VALUES (?,?,?,?)",
                (token.token_hash, token.user_id, token.role, token.expires_at),
            )

    def delete_token(self, token_hash: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM tokens WHERE token_hash = ?", (token_hash,))

    def tokens(self, now_wall: float) -> list[StoredToken]:
        """Tokens still valid; expired ones are deleted on the way."""
        with self._lock:
            self._db.execute("DELETE FROM tokens WHERE expires_at <= ?", (now_wall,))
            rows = self._db.execute("SELECT * FROM tokens").fetchall()
        return [
            StoredToken(
                token_hash=str(r["token_hash"]),
                user_id=str(r["user_id"]),
                role=str(r["role"]),
                expires_at=float(r["expires_at"]),
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ audit

    def audit(self, row: AuditRow) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO audit(wall_time, sim_time, user_id, roles, action, target, "
                "call_id, detail) VALUES (?,?,?,?,?,?,?,?)",
                (
                    row.wall_time,
                    row.sim_time,
                    row.user_id,
                    row.roles,
                    row.action,
                    row.target,
                    row.call_id,
                    _json(row.detail),
                ),
            )

    def audit_rows(self, user_id: str | None = None) -> list[AuditRow]:
        query, params = "SELECT * FROM audit ORDER BY id", cast(tuple[str, ...], ())
        if user_id is not None:
            query, params = "SELECT * FROM audit WHERE user_id = ? ORDER BY id", (user_id,)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [
            AuditRow(
                wall_time=float(r["wall_time"]),
                sim_time=float(r["sim_time"]),
                user_id=str(r["user_id"]),
                roles=str(r["roles"]),
                action=str(r["action"]),
                target=r["target"],
                call_id=r["call_id"],
                detail=json.loads(r["detail"]),
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ helpers

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN … COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


# ---------------------------------------------------------------------- the file


def _prepare_file(path: Path) -> None:
    """Make sure the file can be a database, and is the owner's alone; say why not."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory: --db needs a file (e.g. {path}/centre.sqlite)")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise StoreError(f"{path}: cannot create its folder {folder}: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"{path}: the folder {folder} is not writable (SQLite keeps its -wal and -shm "
            "files beside the database): give a --db in a folder you may write"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"{path} is read-only (or not yours): give a --db you may write")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise StoreError(
            f"{path}: cannot open or create it ({error.strerror}): give a --db in a folder "
            "you may write"
        ) from None
    os.close(fd)
    _tighten(path)


def _tighten(path: Path) -> None:
    """Owner-only permissions on the database and its -wal/-shm files (an older file may
    have been made 0644)."""
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            if stat.S_IMODE(companion.stat().st_mode) != FILE_MODE:
                companion.chmod(FILE_MODE)


def _check_integrity(db: sqlite3.Connection, path: str) -> None:
    rows = db.execute("PRAGMA quick_check(3)").fetchall()
    problems = [
        line.strip()
        for r in rows
        for line in str(r[0]).splitlines()
        if line.strip() not in ("ok", "") and not line.startswith("***")
    ]
    if problems:
        raise StoreError(
            f"{path} is damaged (integrity check: {problems[0]}): restore it from a backup, "
            f"or recover what is readable with `sqlite3 {path} .recover`, or give a new --db"
        )


def _explain(path: str, error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "file is not a database" in text:
        return f"{path} is not a SQLite database (or its header is damaged): give a new --db"
    if "malformed" in text or "corrupt" in text:
        return (
            f"{path} is damaged ({text}): restore it from a backup, or recover what is "
            f"readable with `sqlite3 {path} .recover`, or give a new --db"
        )
    if "readonly" in text or "read-only" in text:
        return f"{path} cannot be written ({text}): give a --db you may write"
    return f"{path}: {text}"


def _schema_version(db: sqlite3.Connection) -> str | None:
    has_meta = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if has_meta is None:
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else str(row[0])


def _migrate_from_1(db: sqlite3.Connection) -> None:
    """Schema 1 → 2: request ids per user, token hashes only, customer search columns."""
    db.execute("BEGIN")
    try:
        db.execute("ALTER TABLE customers ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
        db.execute("ALTER TABLE customers ADD COLUMN account TEXT NOT NULL DEFAULT ''")
        for customer_id, record in db.execute("SELECT id, record FROM customers").fetchall():
            parsed = json.loads(record)
            db.execute(
                "UPDATE customers SET name_key = ?, account = ? WHERE id = ?",
                (
                    _search_key(parsed.get("name", "")),
                    _search_key(parsed.get("account", "")),
                    customer_id,
                ),
            )
        for table, create in (("tickets", _TICKETS_TABLE), ("callbacks", _CALLBACKS_TABLE)):
            db.execute(create.format(name=f"{table}_v2"))
            db.execute(f"INSERT INTO {table}_v2 SELECT * FROM {table}")
            db.execute(f"DROP TABLE {table}")
            db.execute(f"ALTER TABLE {table}_v2 RENAME TO {table}")
        db.execute("DROP TABLE IF EXISTS tokens")  # plain tokens: those users log in again
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _migrate_from_2(db: sqlite3.Connection) -> None:
    """Schema 2 → 3: the caller's survey score on its CDR row (IN8)."""
    db.execute("BEGIN")
    try:
        db.execute("ALTER TABLE contacts ADD COLUMN survey_score INTEGER")
        db.execute(
            "UPDATE contacts SET survey_score = (SELECT CAST(json_extract(e.data, '$.score') "
            "AS INTEGER) FROM events e WHERE e.call_id = contacts.call_id "
            "AND e.type = 'call.survey_scored' ORDER BY e.seq DESC LIMIT 1)"
        )
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _search_key(text: str) -> str:
    """What search compares: case-folded, without spaces (`Li Na` = `lina`, CJK as is)."""
    return "".join(text.split()).casefold()


def _digits(phone: str) -> str:
    """Phone numbers are matched on their digits only (`+86 138-0000` = `860138 0000`)."""
    return "".join(ch for ch in phone if ch.isdigit())


def _event_from_row(row: tuple[Any, ...]) -> Event:
    seq, sim_time, wall_time, type_, call_id, agent_id, queue_id, ticket_id, team_id, data = row
    return Event(
        seq=int(seq),
        sim_time=float(sim_time),
        wall_time=float(wall_time),
        type=str(type_),
        call_id=call_id,
        agent_id=agent_id,
        queue_id=queue_id,
        ticket_id=ticket_id,
        team_id=team_id,
        data=json.loads(data),
    )


def _contact_from_row(row: sqlite3.Row) -> ContactRecord:
    values = dict(row)
    values["script_path"] = [tuple(p) for p in json.loads(values["script_path"] or "[]")]
    return ContactRecord.model_validate(values)
