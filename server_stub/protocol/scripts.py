"""Flow-type scripts (SC1–SC3): the one import for the server and the desk.

A script is YAML (`server_stub/centres/*/scripts/*.yaml`): numbered versions, steps with
stable ids, what to say with `{customer.name}` placeholders, the rule to follow, options
(a single-character key, a label, the next step, `max_visits` on loops), actions, and end
steps with an outcome that is a wrap-up code. The pieces live in `script_*` modules:

- `script_model`: the pydantic models (sent as JSON; rebuild with `FlowScript.model_validate`),
  `RESERVED_KEYS`, `BUILTIN_VARIABLES`, `KNOWN_ACTIONS`, `ScriptProblem`, `ScriptError`;
- `script_check`: parsing and validation, every problem with file, line and step;
- `script_placeholders`: filling `{name}` in, with fallbacks and visible markers, and
  `{key:<binding id>}` with the key the desk's keymap binds to that action;
- `script_mermaid`: the `stateDiagram-v2` export;
- `script_walker`: an agent's walk through a script (choose, back, path).

Nothing here does I/O at import time, and nothing imports from outside `server_stub.protocol`
(the desk imports this package and only this package from the server).
"""

from __future__ import annotations

from server_stub.protocol.script_check import (
    check_script_file,
    check_script_text,
    load_script,
    load_scripts_dir,
    parse_script,
)
from server_stub.protocol.script_mermaid import to_mermaid
from server_stub.protocol.script_model import (
    BUILTIN_VARIABLES,
    KNOWN_ACTIONS,
    RESERVED_KEYS,
    EndSpec,
    FlowScript,
    Option,
    ScriptError,
    ScriptProblem,
    Step,
    VariableSpec,
)
from server_stub.protocol.script_placeholders import (
    fill_placeholders,
    key_actions,
    placeholder_names,
)
from server_stub.protocol.script_walker import ScriptWalker, ScriptWalkError

__all__ = [
    "BUILTIN_VARIABLES",
    "KNOWN_ACTIONS",
    "RESERVED_KEYS",
    "EndSpec",
    "FlowScript",
    "Option",
    "ScriptError",
    "ScriptProblem",
    "ScriptWalkError",
    "ScriptWalker",
    "Step",
    "VariableSpec",
    "check_script_file",
    "check_script_text",
    "fill_placeholders",
    "key_actions",
    "load_script",
    "load_scripts_dir",
    "parse_script",
    "placeholder_names",
    "to_mermaid",
]
