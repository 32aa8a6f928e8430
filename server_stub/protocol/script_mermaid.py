"""Mermaid `stateDiagram-v2` export of a flow script: the diagram is derived, the YAML rules.

Step ids are plain identifiers (the validator insists), so they serve as state ids, except
for the few words Mermaid reads as keywords. Label text is escaped with Mermaid's entity
codes (`#58;` for a colon, `#quot;` for a quote); CJK text goes through untouched.
"""

from __future__ import annotations

from typing import Final

from server_stub.protocol.script_model import FlowScript, Step
from server_stub.protocol.script_placeholders import missing_marker, split_placeholders

LABEL_LIMIT: Final = 60
_KEYWORDS: Final = frozenset({"end", "state", "note", "direction", "class", "classDef", "style"})
# Characters Mermaid reads as syntax in labels: entity codes, comments, statement ends, HTML.
_ESCAPES: Final = {
    "#": "#35;",
    ":": "#58;",
    ";": "#59;",
    '"': "#quot;",
    "%": "#37;",
    "<": "#lt;",
    ">": "#gt;",
    "{": "#123;",
    "}": "#125;",
}


def to_mermaid(script: FlowScript) -> str:
    lines = [
        "stateDiagram-v2",
        f"    %% {_comment(script.id)} v{script.version}: {_comment(script.title)}",
        f"    [*] --> {state_id(script.start)}",
    ]
    for step_id, step in script.steps.items():
        lines.append(f"    {state_id(step_id)} : {escape_label(_summary(step_id, step))}")
    for step_id, step in script.steps.items():
        for option in step.options:
            text = f"[{option.key}] {option.label}"
            if option.max_visits is not None:
                text += f" (max {option.max_visits})"
            lines.append(
                f"    {state_id(step_id)} --> {state_id(option.next)} : {escape_label(text)}"
            )
        if step.end is not None:
            lines.append(f"    {state_id(step_id)} --> [*] : {escape_label(step.end.outcome)}")
    return "\n".join(lines) + "\n"


def state_id(step_id: str) -> str:
    return f"step_{step_id}" if step_id in _KEYWORDS else step_id


def escape_label(text: str) -> str:
    flat = " ".join(text.split())  # one line: a newline would end the statement
    if len(flat) > LABEL_LIMIT:
        flat = flat[: LABEL_LIMIT - 1] + "…"
    return "".join(_ESCAPES.get(char, char) for char in flat)


def _summary(step_id: str, step: Step) -> str:
    if step.end is not None and not step.say:
        return f"end: {step.end.outcome}"
    say = "".join(
        missing_marker(piece.name) if piece.name is not None else piece.text
        for piece in split_placeholders(step.say or "")
    )
    return say or step.rule or step_id


def _comment(text: str) -> str:
    return " ".join(text.split())
