"""The workflow's rules can run inside the engine: no I/O, no clock reads, no web; and the
ticket vocabulary can travel to the desk: it imports nothing of the server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.scripts.test_script_imports import imported_modules

ROOT = Path(__file__).resolve().parents[2] / "server_stub"
PURE = [
    "business_calendar", "sla", "escalation", "lifecycle", "work_queues", "callbacks",
    "ticket_workflow",
]  # fmt: skip
ALLOWED = {
    "__future__", "bisect", "calendar", "collections.abc", "dataclasses", "datetime", "enum",
    "heapq", "math", "zoneinfo", "chinese_calendar", "server_stub.protocol.tickets",
    *(f"server_stub.workflow.{name}" for name in (*PURE, "schema")),
}  # fmt: skip
CLOCK_READS = {"now", "today", "time", "monotonic", "perf_counter", "utcnow"}


def imports_and_calls(path: Path) -> tuple[set[str], set[str]]:
    calls: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                calls.add(func.id)
            elif isinstance(func, ast.Attribute):
                calls.add(func.attr)
    return imported_modules(path), calls


@pytest.mark.parametrize("name", PURE)
def test_a_rules_module_imports_no_io_and_reads_no_clock(name: str) -> None:
    modules, calls = imports_and_calls(ROOT / "workflow" / f"{name}.py")
    assert modules <= ALLOWED, modules - ALLOWED
    assert "open" not in calls
    assert not calls & CLOCK_READS, calls & CLOCK_READS


def test_the_ticket_vocabulary_imports_only_the_standard_library() -> None:
    modules, _ = imports_and_calls(ROOT / "protocol" / "tickets.py")
    assert modules <= {"__future__", "dataclasses", "enum"}, modules
