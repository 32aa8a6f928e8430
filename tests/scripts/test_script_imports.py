"""The script modules are part of the protocol the desk imports: nothing else comes along."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROTOCOL_DIR = Path(__file__).resolve().parents[2] / "server_stub" / "protocol"
SCRIPT_MODULES = sorted(PROTOCOL_DIR.glob("script*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SCRIPT_MODULES, ids=lambda path: path.name)
def test_script_module_imports_only_the_protocol_from_the_server(path: Path) -> None:
    for module in imported_modules(path):
        root = module.split(".")[0]
        assert root != "textual", module
        if root == "server_stub":
            assert module.startswith("server_stub.protocol."), module


def test_there_are_script_modules_to_check() -> None:
    assert {path.name for path in SCRIPT_MODULES} >= {"scripts.py", "script_model.py"}
