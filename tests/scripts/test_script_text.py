"""Placeholders filled for the desk, and the Mermaid export of a script."""

from __future__ import annotations

from pathlib import Path

from server_stub.protocol.scripts import VariableSpec, fill_placeholders, load_script, to_mermaid

FAULT_REPORT = (
    Path(__file__).resolve().parents[2]
    / "server_stub"
    / "centres"
    / "demo"
    / "scripts"
    / "fault_report.yaml"
)
VARIABLES = {"account.id": VariableSpec(fallback="your account")}


def test_placeholder_is_filled_with_its_value() -> None:
    text = fill_placeholders("Hello {customer.name}!", {"customer.name": "王芳"}, VARIABLES)
    assert text == "Hello 王芳!"


def test_missing_value_uses_the_fallback() -> None:
    assert fill_placeholders("On {account.id}.", {}, VARIABLES) == "On your account."
    assert (
        fill_placeholders("On {account.id}.", {"account.id": ""}, VARIABLES) == "On your account."
    )


def test_missing_value_without_fallback_is_marked_not_raw() -> None:
    text = fill_placeholders("Hello {customer.name}", {}, VARIABLES)
    assert text == "Hello ‹customer.name›"
    assert "{" not in text


def test_double_braces_are_literal_braces() -> None:
    assert fill_placeholders("{{x}} {centre}", {"centre": "C"}, {}) == "{x} C"


def test_malformed_braces_never_crash() -> None:
    assert fill_placeholders("a { b } c {", {}, {}) == "a { b } c {"


def test_mermaid_export_has_states_transitions_and_ends() -> None:
    script = load_script(FAULT_REPORT)
    lines = [line.strip() for line in to_mermaid(script).splitlines()]
    assert lines[0] == "stateDiagram-v2"
    assert "[*] --> greet" in lines
    assert any(line.startswith("greet : 您好!‹centre›") for line in lines)
    assert "greet --> verify : [1] 线路故障 / Fault on the line" in lines
    assert "verify --> verify : [r] 再问一次 / Ask again (max 3)" in lines
    assert "closing_ticket --> [*] : ticket_created" in lines
    transitions = [line for line in lines if "-->" in line and not line.startswith("[*]")]
    option_count = sum(len(step.options) for step in script.steps.values())
    end_count = sum(step.end is not None for step in script.steps.values())
    assert len(transitions) == option_count + end_count == 16 + 5


def test_mermaid_escapes_colons_and_quotes_in_labels() -> None:
    diagram = to_mermaid(load_script(FAULT_REPORT))
    describe = next(
        line for line in diagram.splitlines() if line.strip().startswith("describe_fault :")
    )
    label = describe.split(" : ", 1)[1]
    assert ":" not in label and "#58;" in label
    assert '"' not in diagram
