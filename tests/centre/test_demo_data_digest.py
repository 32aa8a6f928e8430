"""The demo centre's people are the same on every machine: a digest pins the first 200.

The digest covers every field a screen shows (names, phones, addresses, history), so a
snapshot test can rely on them. It changes when Faker is not the version in
requirements.lock, or when `server_stub/centre/customers.py` or the demo config changed.
"""

from __future__ import annotations

import hashlib
import itertools
import json

from server_stub.centre.customers import generate_customers
from server_stub.centre.loader import load_default_centre

FIRST = 200
EXPECTED_DIGEST = "d4c51031834db1ca7b5a275ddf8ca085d03984531ac09c008c0e8e2013d1d812"


def demo_customers_digest() -> str:
    customers = itertools.islice(generate_customers(load_default_centre()), FIRST)
    rows = [customer.to_dict() for customer in customers]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def test_demo_customers_are_the_same_on_every_machine() -> None:
    digest = demo_customers_digest()
    assert digest == EXPECTED_DIGEST, (
        f"The demo data generator changed: the first {FIRST} demo customers now hash to "
        f"{digest}, not {EXPECTED_DIGEST}. If Faker differs from requirements.lock, install "
        "from the lock (make test builds .venv from it). If you changed the generator or "
        "the demo centre on purpose, set EXPECTED_DIGEST to the new value and refresh the "
        "snapshots that show demo customers (pytest --snapshot-update, then look at each SVG)."
    )
