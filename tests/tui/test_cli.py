from __future__ import annotations

from pathlib import Path

import pytest

from agent_tui.cli import main

DEMO_SCRIPTS = Path(__file__).resolve().parents[2] / "server_stub" / "centres" / "demo" / "scripts"

BROKEN_SCRIPT = """\
script: broken
version: 1
title: Broken
start: greet
steps:
  greet:
    say: "hello"
    options:
      - {key: "1", label: "On", next: nowhere}
"""


def test_scripts_check_passes_the_demo_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(path) for path in DEMO_SCRIPTS.glob("*.yaml"))
    assert files
    assert main(["scripts", "check", *files]) == 0
    assert capsys.readouterr().out.count(": ok") == len(files)


def test_scripts_check_names_file_and_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "broken.yaml"
    script.write_text(BROKEN_SCRIPT, encoding="utf-8")
    assert main(["scripts", "check", str(script)]) == 1
    err = capsys.readouterr().err
    assert f"{script}:9:" in err and "nowhere" in err


def test_scripts_mermaid_prints_a_state_diagram(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scripts", "mermaid", str(DEMO_SCRIPTS / "fault_report.yaml")]) == 0
    assert capsys.readouterr().out.startswith("stateDiagram-v2")


def test_a_bad_keymap_stops_the_desk_before_it_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[keys]\n"call.answer" = "f9"\n', encoding="utf-8")
    assert main(["--keymap", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: f9 is bound to both call.answer" in err
