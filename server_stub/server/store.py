"""SQLite storage: the ONE module that touches sqlite3 (DESIGN "Storage").

Tables: the event log (source of truth), the command journal (what humans did, at which
sim time, so a restart can replay the engine), customers, contacts (one row per call: the
CDR, derived from the log), tickets, callbacks, login tokens and a small `meta` table
(seed, config hash, last sim time). WAL mode, one connection, guarded by a lock because
FastAPI may call from its threadpool.

Swapping in PostgreSQL means re-implementing this class; nothing else imports sqlite3.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server_stub.protocol.api import (
    OPEN_TICKET_STATUSES,
    Callback,
    ContactRecord,
    CustomerRecord,
    Ticket,
)
from server_stub.protocol.events import Event

SCHEMA_VERSION = "1"

_SCHEMA = """
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
    history TEXT NOT NULL
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
    wrapup_code TEXT, notes TEXT, script_path TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS contacts_customer ON contacts(customer_id, arrived_at);
CREATE TABLE IF NOT EXISTS tickets (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    call_id TEXT, category TEXT NOT NULL, subject TEXT NOT NULL, description TEXT NOT NULL,
    priority TEXT NOT NULL, status TEXT NOT NULL, department TEXT,
    created_by TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_customer ON tickets(customer_id);
CREATE TABLE IF NOT EXISTS callbacks (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL, number TEXT NOT NULL, due_at REAL NOT NULL, note TEXT NOT NULL,
    agent_id TEXT NOT NULL, created_at REAL NOT NULL, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL, role TEXT NOT NULL, expires_at REAL NOT NULL
);
"""


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
    token: str
    user_id: str
    role: str
    expires_at: float


class Store:
    """The server's persistent state in one SQLite file (or `:memory:`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across a process crash in WAL mode; only a power cut may lose
        # the last transaction, which replay from the journal tolerates.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        if self.get_meta("schema_version") is None:
            self.set_meta("schema_version", SCHEMA_VERSION)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def journal_mode(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    # ------------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ------------------------------------------------------------------ events

    def append_events(self, events: Sequence[Event], last_sim_time: float) -> None:
        """Store a batch of new events and derive the CDR rows from them, in one transaction."""
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT INTO events(seq, sim_time, wall_time, type, call_id, agent_id, "
                "queue_id, ticket_id, team_id, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
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
                        json.dumps(e.data, ensure_ascii=False),
                    )
                    for e in events
                ],
            )
            for event in events:
                self._derive_contact(event)
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES ('last_sim_time', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (repr(last_sim_time),),
            )

    def set_last_sim_time(self, sim_time: float) -> None:
        self.set_meta("last_sim_time", repr(sim_time))

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
                "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
            ).fetchall()
        return [_event_from_row(r) for r in rows]

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
                (sim_time, kind, json.dumps(args, ensure_ascii=False), actor),
            )

    def journal_entries(self) -> list[JournalEntry]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM commands ORDER BY id").fetchall()
        return [
            JournalEntry(
                id=int(r["id"]),
                sim_time=float(r["sim_time"]),
                kind=str(r["kind"]),
                args=json.loads(r["args"]),
                actor=r["actor"],
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ customers

    def customer_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM customers").fetchone()[0])

    def put_customers(self, rows: Iterable[tuple[CustomerRecord, list[ContactRecord]]]) -> int:
        """Insert customers with their generated contact history; returns how many."""
        count = 0
        with self._lock, self._transaction():
            for record, history in rows:
                self._db.execute(
                    "INSERT OR REPLACE INTO customers(id, record, history) VALUES (?,?,?)",
                    (
                        record.id,
                        record.model_dump_json(),
                        json.dumps([h.model_dump(mode="json") for h in history]),
                    ),
                )
                self._db.executemany(
                    "INSERT OR IGNORE INTO customer_phones(phone, customer_id) VALUES (?,?)",
                    [(_digits(p), record.id) for p in record.phones],
                )
                count += 1
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
        elif kind == "call.wrapup_completed":
            self._db.execute(
                "UPDATE contacts SET wrapup_code = ?, notes = ?, script_path = ? WHERE call_id = ?",
                (
                    data.get("code"),
                    data.get("notes"),
                    json.dumps(data.get("script_path") or [], ensure_ascii=False),
                    event.call_id,
                ),
            )

    # ------------------------------------------------------------------ tickets

    def ticket_by_request(self, request_id: str) -> Ticket | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM tickets WHERE request_id = ?", (request_id,)
            ).fetchone()
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

    def ticket_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])

    # ------------------------------------------------------------------ callbacks

    def callback_by_request(self, request_id: str) -> Callback | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM callbacks WHERE request_id = ?", (request_id,)
            ).fetchone()
        return None if row is None else Callback.model_validate(dict(row))

    def put_callback(self, callback: Callback) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO callbacks(id, request_id, customer_id, number, due_at, "
                "note, agent_id, created_at, status) VALUES (:id, :request_id, :customer_id, "
                ":number, :due_at, :note, :agent_id, :created_at, :status)",
                callback.model_dump(),
            )

    # ------------------------------------------------------------------ tokens

    def put_token(self, token: StoredToken) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tokens(token, user_id, role, expires_at) VALUES (?,?,?,?)",
                (token.token, token.user_id, token.role, token.expires_at),
            )

    def delete_token(self, token: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM tokens WHERE token = ?", (token,))

    def tokens(self, now_wall: float) -> list[StoredToken]:
        """Tokens still valid; expired ones are deleted on the way."""
        with self._lock:
            self._db.execute("DELETE FROM tokens WHERE expires_at <= ?", (now_wall,))
            rows = self._db.execute("SELECT * FROM tokens").fetchall()
        return [
            StoredToken(
                token=str(r["token"]),
                user_id=str(r["user_id"]),
                role=str(r["role"]),
                expires_at=float(r["expires_at"]),
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


def _digits(phone: str) -> str:
    """Phone numbers are matched on their digits only (`+86 138-0000` = `860138 0000`)."""
    return "".join(ch for ch in phone if ch.isdigit())


def _event_from_row(row: sqlite3.Row) -> Event:
    return Event(
        seq=int(row["seq"]),
        sim_time=float(row["sim_time"]),
        wall_time=float(row["wall_time"]),
        type=str(row["type"]),
        call_id=row["call_id"],
        agent_id=row["agent_id"],
        queue_id=row["queue_id"],
        ticket_id=row["ticket_id"],
        team_id=row["team_id"],
        data=json.loads(row["data"]),
    )


def _contact_from_row(row: sqlite3.Row) -> ContactRecord:
    values = dict(row)
    values["script_path"] = [tuple(p) for p in json.loads(values["script_path"] or "[]")]
    return ContactRecord.model_validate(values)
