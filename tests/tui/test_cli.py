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


ENDS_OFF_THE_CODES = """\
script: odd
version: 1
title: Odd
start: greet
steps:
  greet:
    say: "hello"
    options:
      - {key: "1", label: "On", next: done}
  done:
    end: {outcome: made_up}
"""


def test_scripts_check_of_a_folder_checks_every_script_in_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scripts", "check", str(DEMO_SCRIPTS)]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok") == len(list(DEMO_SCRIPTS.glob("*.yaml"))) >= 4
    assert "Is a directory" not in out


def test_an_outcome_that_is_not_a_wrap_up_code_of_the_centre_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "centre.yaml").write_text(
        "wrapup_codes:\n  - {code: resolved, label: Resolved}\n", encoding="utf-8"
    )
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "odd.yaml"
    script.write_text(ENDS_OFF_THE_CODES, encoding="utf-8")
    assert main(["scripts", "check", str(tmp_path / "scripts")]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"{script}:11: warning: step 'done': outcome 'made_up' is not a wrap-up code" in out


def test_a_missing_script_file_is_named_without_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scripts", "check", str(tmp_path / "gone.yaml")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"{tmp_path}/gone.yaml: cannot read the file: No such file or directory"
    )


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


def test_scripts_check_refuses_a_key_placeholder_that_names_no_desk_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "keys.yaml"
    script.write_text(
        BROKEN_SCRIPT.replace('say: "hello"', 'say: "{key:call.tranfser} transfers"').replace(
            "next: nowhere", "next: greet, max_visits: 2"
        ),
        encoding="utf-8",
    )
    assert main(["scripts", "check", str(script)]) == 1
    err = capsys.readouterr().err
    assert f"{script}:7: step 'greet': '{{key:call.tranfser}}' in say names no desk action" in err
    assert "did you mean 'call.transfer'?" in err


def test_keys_lists_every_workspaces_keys_of_the_chosen_keymap(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["keys", "--keymap", "tmux"]) == 0
    out = capsys.readouterr().out
    for scope, key, binding_id in (
        ("app", "Alt+O", "app.switch"),
        ("desk", "Alt+J", "call.conference"),
        ("desk", "Alt+A", "call.callback"),
        ("supervisor", "Alt+M", "supervisor.message"),
        ("trainer", "Alt+N", "trainer.send_caller"),
    ):
        line = next(line for line in out.splitlines() if line.endswith(binding_id))
        assert line.split()[:2] == [scope, key], line


def test_keys_refuses_a_keymap_with_a_key_the_terminal_cannot_deliver(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_tmux = tmp_path / "old-tmux.toml"
    old_tmux.write_text('[keys]\n"call.conference" = "alt+f"\n', encoding="utf-8")
    assert main(["keys", "--keymap", str(old_tmux)]) == 2
    err = capsys.readouterr().err
    assert f"{old_tmux}:2: call.conference: 'alt+f' sends ESC f, which Textual reads as" in err
