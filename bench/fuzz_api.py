"""Fuzz the server's OpenAPI document with schemathesis (`make fuzz`).

Starts a real server (demo centre, fresh database, clock running at 10×) on a free
loopback port, logs in once for every role (agent, team leader, supervisor, floor manager,
trainer, evaluator, admin), and runs `schemathesis run` once per login against
`/openapi.json` with the checks that matter here: no 5xx, every response matches its
declared schema, status code and content type. The SSE stream (never ends) and logout
(would drop the fuzzer's own token) are left out. Prints one line per login and as the
last line `fuzz_failures=N`; exit status 0 = clean.

    .venv/bin/python bench/fuzz_api.py [--max-examples N] [--max-time S]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from server_stub.server.testing import demo_centre, start_live_server

CHECKS = ",".join(
    (
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    )
)
LOGINS = (  # every role the centre has, and a login with two
    ("1001", "agent"),
    ("1100", "agent + team leader"),
    ("s100", "supervisor"),
    ("f100", "floor manager"),
    ("t100", "trainer"),
    ("e100", "evaluator"),
    ("admin", "admin"),
)
PASSWORD = "demo"


def login(base_url: str, user_id: str, password: str) -> str:
    response = httpx.post(
        f"{base_url}/v1/auth/login", json={"user_id": user_id, "password": password}
    )
    response.raise_for_status()
    return str(response.json()["token"])


def run_schemathesis(base_url: str, token: str, max_examples: int, max_time: int) -> int:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = [
        str(schemathesis),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        CHECKS,
        "--header",
        f"Authorization: Bearer {token}",
        "--exclude-path",
        "/v1/events",
        "--exclude-path",
        "/v1/auth/logout",
        "--max-examples",
        str(max_examples),
        "--max-time",
        str(max_time),
        "--workers",
        "1",
        "--no-color",
    ]
    print(
        "$", " ".join(c if "Bearer" not in c else "Authorization: Bearer <token>" for c in command)
    )
    return subprocess.call(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=60)
    parser.add_argument("--max-time", type=int, default=30, help="seconds per login")
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "fuzz.sqlite"
        with start_live_server(demo_centre(), db, speed=10.0) as live:
            started = time.perf_counter()
            # Every login first: the fuzzer's own wrong passwords slow this address down.
            tokens = {user_id: login(live.base_url, user_id, PASSWORD) for user_id, _ in LOGINS}
            outcomes = []
            for user_id, role in LOGINS:
                print(f"== fuzzing as {user_id} ({role})", flush=True)
                token = tokens[user_id]
                status = run_schemathesis(live.base_url, token, args.max_examples, args.max_time)
                print(f"== {user_id}: schemathesis exit status {status}", flush=True)
                outcomes.append((user_id, role, status))
                failures += status != 0
            print(f"fuzz: {len(LOGINS)} logins, {time.perf_counter() - started:.0f} s")
            for user_id, role, status in outcomes:
                print(f"  {user_id:6} {role:20} {'clean' if status == 0 else 'FAILED'}")
    print(f"fuzz_failures={failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
