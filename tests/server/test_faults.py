"""Faults an operator meets, with real server processes: a second server on one database,
a first start killed halfway, a bad `--db`, stopping with a desk connected."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server_stub.protocol.api import ContactRecord, CustomerRecord
from server_stub.server.store import Store
from server_stub.server.testing import DEMO_PASSWORD, free_port
from tests.server.processes import (
    run_to_the_end,
    serve_command,
    small_centre_file,
    start_server,
    wait_for_health,
)

TRACEBACK_MARKS = ("Traceback", "CancelledError", "graceful shutdown exceeded")


def _login(base_url: str, user_id: str) -> dict[str, str]:
    response = httpx.post(
        f"{base_url}/v1/auth/login", json={"user_id": user_id, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output


def test_a_second_server_on_the_same_database_refuses_naming_the_file_and_the_first(
    tmp_path: Path,
) -> None:
    config, db = small_centre_file(tmp_path), tmp_path / "centre.sqlite"
    first_port, second_port = free_port(), free_port()
    first = start_server(serve_command(config, db, first_port))
    try:
        base_url = f"http://127.0.0.1:{first_port}"
        wait_for_health(base_url, first)
        second = run_to_the_end(serve_command(config, db, second_port))
        assert second.returncode == 2
        [line] = second.stderr.strip().splitlines()
        assert str(db) in line and "in use by another server" in line
        assert f"pid {first.pid}" in line and f"serving {base_url}" in line
        # The first goes on as if nothing happened.
        admin = _login(base_url, "admin")
        injected = httpx.post(
            f"{base_url}/v1/trainer/calls", json={"queue_id": "fault"}, headers=admin
        )
        assert injected.status_code == 201
    finally:
        output = _stop(first)
    assert first.returncode == 0, output
    # Once the first has stopped, the file is free again.
    again = start_server(serve_command(config, db, second_port))
    try:
        assert wait_for_health(f"http://127.0.0.1:{second_port}", again).status_code == 200
    finally:
        _stop(again)


def _rows(count: int) -> Iterator[tuple[CustomerRecord, list[ContactRecord]]]:
    for n in range(1, count + 1):
        record = CustomerRecord(
            id=f"C{n:06d}", name=f"客户 {n}", tier="normal", account=f"AC{n:08d}",
            phones=[f"138{n:08d}"], address="北京", email=None,
        )  # fmt: skip
        yield record, []


def test_customers_are_stored_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    store = Store(db)

    def dies_halfway() -> Iterator[tuple[CustomerRecord, list[ContactRecord]]]:
        for index, row in enumerate(_rows(4_000)):
            if index == 2_000:
                raise KeyboardInterrupt  # the operator gave up on a slow first start
            yield row

    with pytest.raises(KeyboardInterrupt):
        store.fill_customers(dies_halfway(), "hash")
    assert store.customer_count() == 0 and not store.customers_ready()
    assert store.fill_customers(_rows(4_000), "hash") == 4_000
    assert store.customers_ready()
    store.close()


def test_a_first_start_killed_while_it_stores_the_customers_starts_whole_the_next_time(
    tmp_path: Path,
) -> None:
    config, db = small_centre_file(tmp_path, customers=3_000), tmp_path / "centre.sqlite"
    port = free_port()
    wal = db.with_name("centre.sqlite-wal")
    first = start_server(serve_command(config, db, port))
    deadline = time.monotonic() + 60
    while not (wal.exists() and wal.stat().st_size > 400_000) and first.poll() is None:
        assert time.monotonic() < deadline, "the first start never wrote its customers"
        time.sleep(0.005)
    first.kill()  # SIGKILL while the customers go in (one transaction of about 2.5 MB)
    first.wait(timeout=10)
    with sqlite3.connect(db) as raw:
        stored = raw.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    assert stored in (0, 3_000)  # never a part of them
    again = start_server(serve_command(config, db, port))
    try:
        wait_for_health(f"http://127.0.0.1:{port}", again)
    finally:
        output = _stop(again)
    assert "3000 customers" in output, output


def _a_real_database(path: Path) -> None:
    store = Store(path)
    store.fill_customers(_rows(3_000), "hash")
    store.close()


def _truncated(folder: Path) -> Path:
    path = folder / "truncated.sqlite"
    _a_real_database(path)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    return path


def _not_sqlite(folder: Path) -> Path:
    path = folder / "notes.sqlite"
    path.write_text("这不是数据库 / this is not a database\n" * 100, encoding="utf-8")
    return path


def _a_directory(folder: Path) -> Path:
    path = folder / "centre.sqlite"
    path.mkdir()
    return path


def _in_a_read_only_folder(folder: Path) -> Path:
    if os.geteuid() == 0:  # root may write any folder: sysfs refuses new files even to root
        return Path("/sys/centre.sqlite")
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    return locked / "centre.sqlite"


def _garbage_mid_file(folder: Path) -> Path:
    path = folder / "garbled.sqlite"
    _a_real_database(path)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek((size // 2) // 4096 * 4096)
        handle.write(os.urandom(8 * 4096))
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_truncated, "is damaged"),
        (_not_sqlite, "is not a SQLite database"),
        (_a_directory, "is a directory"),
        (_in_a_read_only_folder, "give a --db"),
        (_garbage_mid_file, "is damaged"),
    ],
)
def test_a_bad_database_file_is_one_clear_line(tmp_path: Path, make: object, says: str) -> None:
    db = make(tmp_path)  # type: ignore[operator]
    result = run_to_the_end(serve_command(small_centre_file(tmp_path), db, free_port()))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"agent-tui-server: {db}") and says in lines[0], lines[0]
    assert not any(mark in result.stderr for mark in TRACEBACK_MARKS)


def test_stopping_with_a_desk_connected_ends_its_stream_first_and_quietly(
    tmp_path: Path,
) -> None:
    config, db, port = small_centre_file(tmp_path), tmp_path / "centre.sqlite", free_port()
    server = start_server(serve_command(config, db, port, speed=10))
    base_url = f"http://127.0.0.1:{port}"
    ended = threading.Event()
    failures: list[BaseException] = []
    try:
        wait_for_health(base_url, server)
        headers = _login(base_url, "1001")

        def desk() -> None:
            try:
                with httpx.stream("GET", f"{base_url}/v1/events", headers=headers, timeout=60) as r:
                    for _chunk in r.iter_bytes():
                        pass
            except BaseException as error:
                failures.append(error)
            ended.set()

        threading.Thread(target=desk, daemon=True).start()
        time.sleep(0.5)
        assert not ended.is_set()
        started = time.monotonic()
    finally:
        output = _stop(server)
    assert ended.wait(5)
    assert not failures  # the stream ended as a stream does, not by a reset
    assert server.returncode == 0, output
    assert time.monotonic() - started < 5  # no waiting out a graceful-shutdown timeout
    assert not any(mark in output for mark in TRACEBACK_MARKS), output


def test_every_acknowledged_ticket_and_event_survives_four_sigkills_under_load(
    tmp_path: Path,
) -> None:
    config, db, port = small_centre_file(tmp_path), tmp_path / "centre.sqlite", free_port()
    base_url = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    seen_seq = 0
    for round_ in range(4):
        server = start_server(serve_command(config, db, port, speed=100))
        try:
            wait_for_health(base_url, server)
            admin = _login(base_url, "admin")
            with httpx.Client(base_url=base_url, headers=admin, timeout=10) as client:
                for ticket_id in acknowledged:  # everything acknowledged before is there
                    assert client.get(f"/v1/tickets/{ticket_id}").status_code == 200, ticket_id
                assert client.get("/v1/health").json()["last_seq"] >= seen_seq
                for n in range(15):
                    made = client.post(
                        "/v1/tickets",
                        json={
                            "request_id": f"crash-{round_}-{n:04d}",
                            "customer_id": f"C{n + 1:06d}",
                            "category": "fault",
                            "subject": f"第 {round_} 轮 / round {round_}",
                        },
                    )
                    assert made.status_code == 201, made.text
                    acknowledged.append(made.json()["id"])
                seen_seq = client.get("/v1/health").json()["last_seq"]
        finally:
            server.kill()  # SIGKILL with the clock running: no shutdown at all
            output, _ = server.communicate(timeout=10)
        assert "cannot be continued" not in output, output  # replay, not a new day
    assert len(set(acknowledged)) == 60
