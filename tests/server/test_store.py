"""The SQLite store: WAL, the log round trip, the CDR derived from events, idempotent rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server_stub.protocol.api import Ticket
from server_stub.protocol.events import Event
from server_stub.server.store import Store


def _event(seq: int, type_: str, sim_time: float, **fields: object) -> Event:
    return Event(seq=seq, sim_time=sim_time, wall_time=1.0, type=type_, **fields)  # type: ignore[arg-type]


def test_file_database_uses_wal_and_keeps_the_log_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "centre.sqlite"
    store = Store(path)
    assert store.journal_mode() == "wal"
    events = [
        _event(1, "call.arrived", 10.0, call_id="C1", queue_id="q", data={"ani": "138 0000"}),
        _event(2, "supervisor.message", 11.0, team_id="A", data={"text": "你好"}),
    ]
    store.append_events(events, last_sim_time=11.0)
    store.close()
    reopened = Store(path)
    assert list(reopened.iter_events()) == events
    assert reopened.get_meta("last_sim_time") == "11.0"
    reopened.close()


def test_cdr_row_follows_the_call_from_arrival_to_wrap_up() -> None:
    store = Store(":memory:")
    store.append_events(
        [
            _event(1, "call.arrived", 0.0, call_id="C1", queue_id="q", data={"customer_id": "C9"}),
            _event(2, "call.answered", 12.0, call_id="C1", agent_id="1001", data={"waited_s": 12}),
            _event(3, "call.ended", 72.0, call_id="C1", agent_id="1001", data={"by": "caller"}),
            _event(
                4,
                "call.wrapup_completed",
                90.0,
                call_id="C1",
                agent_id="1001",
                data={"code": "resolved", "notes": "ok", "script_path": [["greet", "1"]]},
            ),
        ],
        last_sim_time=90.0,
    )
    contact = store.contact("C1")
    assert contact is not None
    assert (contact.agent_id, contact.waited_s, contact.talk_s) == ("1001", 12, 60.0)
    assert (contact.wrapup_code, contact.script_path) == ("resolved", [("greet", "1")])
    assert [c.call_id for c in store.contacts_for_customer("C9")] == ["C1"]


def test_a_ticket_stored_twice_is_one_ticket() -> None:
    store = Store(":memory:")
    ticket = Ticket(
        id="T000001",
        request_id="req-00000001",
        customer_id="C1",
        call_id=None,
        category="fault",
        subject="s",
        description="",
        priority="normal",
        status="open",
        department=None,
        created_by="1001",
        created_at=1.0,
        updated_at=1.0,
    )
    store.put_ticket(ticket)
    store.put_ticket(ticket)
    assert store.ticket_count() == 1
    assert store.ticket_by_request("req-00000001") == ticket


def test_a_schema_2_database_gets_the_survey_score_column_filled_from_its_log(
    tmp_path: Path,
) -> None:
    path = tmp_path / "centre.sqlite"
    store = Store(path)
    store.append_events(
        [
            _event(1, "call.arrived", 0.0, call_id="C1", queue_id="q", data={"customer_id": "C9"}),
            _event(2, "call.survey_scored", 30.0, call_id="C1", data={"score": 2}),
        ],
        last_sim_time=30.0,
    )
    store.close()
    old = sqlite3.connect(path)  # as schema 2 left it: no column, version 2
    old.execute("ALTER TABLE contacts DROP COLUMN survey_score")
    old.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    old.commit()
    old.close()
    reopened = Store(path)
    contact = reopened.contact("C1")
    assert contact is not None and contact.survey_score == 2
    assert reopened.get_meta("schema_version") == "3"
    reopened.close()
