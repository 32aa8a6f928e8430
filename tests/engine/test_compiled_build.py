"""The mypyc-compiled engine logs exactly what its sources log, and a stale build never runs."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server_stub import compiled_engine
from server_stub.centre.customers import customer_refs
from server_stub.centre.loader import load_default_centre
from server_stub.engine import BUILD, Engine
from server_stub.simulate import erlang_centre
from tests.engine.centres import work_calls_as_a_human

ROOT = Path(__file__).resolve().parents[2]
HUMAN = "1001"


def demo_morning_digest() -> str:
    """Three busy hours of the demo centre, a human agent working calls with every control."""
    config = load_default_centre()
    engine = Engine(config, seed=20261123, keep_log=True, customers=customer_refs(config))
    handled = work_calls_as_a_human(engine, HUMAN, until=3 * 3600)
    digest = hashlib.sha256()
    assert engine.log is not None
    for entry in engine.log:
        digest.update(json.dumps(entry, ensure_ascii=False, default=str).encode())
    return f"{len(engine.log)} {handled} {digest.hexdigest()}"


def erlang_digest() -> str:
    """Two hours of an M/M/N+M centre built in code, its settings left at the schema's
    defaults (some of them ints: the log must hold the same numbers either way)."""
    engine = Engine(erlang_centre(600, 240, 50, 180, 20), seed=3, keep_log=True)
    engine.advance_to(2 * 3600)
    assert engine.log is not None
    digest = hashlib.sha256()
    for entry in engine.log:
        digest.update(json.dumps(entry, ensure_ascii=False, default=str).encode())
    return f"{len(engine.log)} {digest.hexdigest()}"


@pytest.mark.skipif(BUILD != "compiled", reason="no fresh mypyc build here (no C compiler?)")
def test_the_compiled_engine_logs_what_the_sources_log() -> None:
    compiled = f"{demo_morning_digest()} {erlang_digest()}"
    code = (
        "from tests.engine.test_compiled_build import demo_morning_digest, erlang_digest;"
        "print(demo_morning_digest(), erlang_digest())"
    )
    env = {**os.environ, compiled_engine.ENV_SWITCH: "interpreted"}
    interpreted = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    events, handled, _, erlang_events, _ = compiled.split()
    assert int(events) > 10_000 and int(handled) >= 5  # a real morning, the human took calls
    assert int(erlang_events) > 10_000
    assert compiled == interpreted


def test_a_build_of_other_sources_is_not_used(tmp_path: Path) -> None:
    """Edit a source after the build: the sources run, not the stale build."""
    library = tmp_path / "server_stub_engine__mypyc.so"
    library.write_bytes(b"")
    stale = {"digest": "0" * 64, "library": library.name}
    (tmp_path / "manifest.json").write_text(json.dumps(stale), encoding="utf-8")
    package_path: list[str] = []
    assert compiled_engine.activate(package_path, tmp_path) == "interpreted"
    assert package_path == []


def test_a_build_without_its_library_is_not_used(tmp_path: Path) -> None:
    fresh = {"digest": compiled_engine.sources_digest(), "library": "gone.so"}
    (tmp_path / "manifest.json").write_text(json.dumps(fresh), encoding="utf-8")
    package_path: list[str] = []
    assert compiled_engine.activate(package_path, tmp_path) == "interpreted"
    assert package_path == []


def test_the_switch_runs_the_sources_even_with_a_fresh_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not compiled_engine.MANIFEST.exists():
        pytest.skip("no mypyc build here")
    monkeypatch.setenv(compiled_engine.ENV_SWITCH, "interpreted")
    package_path: list[str] = []
    assert compiled_engine.activate(package_path) == "interpreted"
    assert package_path == []


def test_a_library_that_does_not_load_is_not_used(tmp_path: Path) -> None:
    library = tmp_path / "server_stub_engine__mypyc.cpython-311-x86_64-linux-gnu.so"
    library.write_bytes(b"not a shared library")
    fresh = {"digest": compiled_engine.sources_digest(), "library": library.name}
    (tmp_path / "manifest.json").write_text(json.dumps(fresh), encoding="utf-8")
    package_path: list[str] = []
    assert compiled_engine.activate(package_path, tmp_path) == "interpreted"
    assert package_path == []
