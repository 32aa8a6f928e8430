"""Sessions: streams end with their token, failed logins slow their source and not the
account, and what is stored of a login cannot be used to log in."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from pathlib import Path

import httpx

from server_stub.server.store import Store
from server_stub.server.testing import (
    DEMO_PASSWORD,
    LiveServer,
    asgi_client,
    login,
    paused_runtime,
    quiet_centre,
    start_live_server,
)


def _token(client: httpx.Client, user_id: str) -> str:
    response = client.post("/v1/auth/login", json={"user_id": user_id, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


class _Listener:
    """Reads a login's event stream in a thread until the server ends it."""

    def __init__(self, base_url: str, token: str) -> None:
        self.connected = threading.Event()
        self.ended = threading.Event()
        self.failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(base_url, token), daemon=True)
        self._thread.start()

    def _run(self, base_url: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            with (
                httpx.Client(base_url=base_url, timeout=30) as client,
                client.stream("GET", "/v1/events", headers=headers) as response,
            ):
                assert response.status_code == 200
                self.connected.set()
                for _chunk in response.iter_bytes():
                    pass
        except BaseException as error:  # a read timeout would mean the stream never ended
            self.failed = error
        self.ended.set()


def test_a_stream_ends_when_its_user_logs_out(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        token = _token(client, "1001")
        listener = _Listener(live_server.base_url, token)
        assert listener.connected.wait(10)
        time.sleep(0.2)
        assert not listener.ended.is_set()
        logout = client.post("/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert logout.status_code == 200
        assert listener.ended.wait(5), "the stream outlived its logout"
        assert listener.failed is None


def test_a_stream_ends_when_its_token_expires(live_server: LiveServer) -> None:
    live_server.runtime.auth.token_ttl_s = 3.0
    with httpx.Client(base_url=live_server.base_url, timeout=10) as client:
        listener = _Listener(live_server.base_url, _token(client, "1001"))
        assert listener.connected.wait(3), "the token expired before the stream opened"
        assert not listener.ended.is_set()
        assert listener.ended.wait(8), "the stream outlived its token"
        assert listener.failed is None


def test_failed_logins_from_one_address_never_refuse_the_right_password_from_another(
    live_server: LiveServer,
) -> None:
    attacker_side = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=live_server.base_url, transport=attacker_side) as attacker:
        guesses = [
            attacker.post("/v1/auth/login", json={"user_id": "e100", "password": f"guess{n}"})
            for n in range(5)
        ]
        assert [g.status_code for g in guesses][-1] == 429
        # Spraying other ids from there is slowed as well.
        sprayed = [
            attacker.post("/v1/auth/login", json={"user_id": f"x{n}", "password": "guess"})
            for n in range(12)
        ]
        assert sprayed[-1].status_code == 429
        assert (
            attacker.post(
                "/v1/auth/login", json={"user_id": "e100", "password": DEMO_PASSWORD}
            ).status_code
            == 429
        )
    with httpx.Client(base_url=live_server.base_url) as owner:  # 127.0.0.1: e100's own desk
        assert _token(owner, "e100")


async def test_only_a_hash_of_each_token_is_stored_in_owner_only_files(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    runtime = paused_runtime(db)
    async with asgi_client(runtime) as api:
        headers = await login(api, "1001")
        token = headers["Authorization"].removeprefix("Bearer ")
    files = [db, db.with_name("centre.sqlite-wal"), db.with_name("centre.sqlite-shm")]
    assert all(f.exists() for f in files)
    for path in [*files, db.with_name("centre.sqlite.lock")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert token.encode() not in path.read_bytes(), path
    hashed = hashlib.sha256(token.encode()).hexdigest()
    assert [t.token_hash for t in runtime.store.tokens(time.time())] == [hashed]
    runtime.store.close()
    again = paused_runtime(db)  # a restart keeps the login
    try:
        async with asgi_client(again) as api:
            assert (await api.get("/v1/me", headers=headers)).status_code == 200
    finally:
        again.store.close()


def test_an_older_database_readable_by_others_is_made_the_owners(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    Store(db).close()
    os.chmod(db, 0o644)
    Store(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_live_server_on_a_file_database_holds_its_lock(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite"
    with start_live_server(quiet_centre(), db) as live:
        lock = db.with_name("centre.sqlite.lock").read_text(encoding="utf-8")
        assert f'"serving": "{live.base_url}"' in lock and f'"pid": {os.getpid()}' in lock
