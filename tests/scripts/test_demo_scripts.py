"""The demo centre's flow scripts validate with no errors and no warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from server_stub.protocol.scripts import check_script_file, load_scripts_dir

SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "server_stub" / "centres" / "demo" / "scripts"
WRAPUP_CODES = {
    "resolved",
    "ticket_created",
    "transferred",
    "callback",
    "not_verified",
    "info_given",
    "complaint_logged",
    "no_action",
}
DEMO_FILES = sorted(SCRIPTS_DIR.glob("*.yaml"))
OPENING = "很高兴为您服务!"
CLOSING = "感谢您的支持,欢迎您再次致电。"


def test_the_four_demo_scripts_are_there() -> None:
    scripts = load_scripts_dir(SCRIPTS_DIR, WRAPUP_CODES)
    assert set(scripts) == {"fault_report", "enquiry", "complaint", "vip_service"}
    assert all(6 <= len(script.steps) <= 14 for script in scripts.values())


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.name)
def test_demo_script_validates_without_errors_or_warnings(path: Path) -> None:
    assert [str(problem) for problem in check_script_file(path, WRAPUP_CODES)] == []


def test_demo_scripts_use_the_standard_phrases() -> None:
    for script in load_scripts_dir(SCRIPTS_DIR, WRAPUP_CODES).values():
        says = [step.say or "" for step in script.steps.values()]
        assert OPENING in (script.steps[script.start].say or ""), script.id
        assert any(CLOSING in say for say in says), script.id


def test_demo_scripts_verify_identity_before_account_matters() -> None:
    for script in load_scripts_dir(SCRIPTS_DIR, WRAPUP_CODES).values():
        assert "verify" in script.steps, script.id
        assert {end.outcome for step in script.steps.values() if (end := step.end)} >= {
            "not_verified"
        }


def test_complaint_script_escalates_to_a_team_leader() -> None:
    complaint = load_scripts_dir(SCRIPTS_DIR)["complaint"]
    escalations = [step.action for step in complaint.steps.values() if step.action]
    assert any(action.get("escalate", {}).get("to") == "team_leader" for action in escalations)
