"""Every action a user can bind: one id each, the contract between keymaps and screens.

Keys are not here: `keymaps/default.toml` is the one source of default keys, and
`keymap.py` turns this table plus the chosen keymap into Textual bindings.
The command palette lists the same table, so every bindable action is also
reachable by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["app", "desk"]


@dataclass(frozen=True, slots=True)
class DeskAction:
    id: str  # binding id, used in keymap files
    action: str  # Textual action name on the scope's screen or app
    description: str  # shown in the footer, help screen and command palette
    scope: Scope
    show: bool = True  # shown in the footer


ACTIONS: tuple[DeskAction, ...] = (
    DeskAction("app.help", "help", "Keys", "app"),
    DeskAction("app.palette", "command_palette", "Commands", "app", show=False),
    DeskAction("app.quit", "quit", "Quit", "app", show=False),
    DeskAction("agent.ready", "ready", "Ready", "desk"),
    DeskAction("agent.not_ready", "not_ready", "Not ready", "desk"),
    DeskAction("agent.pending", "pending", "After call", "desk", show=False),
    DeskAction("agent.logout", "logout", "Log out", "desk", show=False),
    DeskAction("call.answer", "answer", "Answer", "desk"),
    DeskAction("call.reject", "reject", "Reject", "desk", show=False),
    DeskAction("call.hold", "toggle_hold", "Hold", "desk"),
    DeskAction("call.transfer", "transfer", "Transfer", "desk"),
    DeskAction("call.consult", "consult", "Consult", "desk", show=False),
    DeskAction("call.conference", "conference", "Conference", "desk", show=False),
    DeskAction("call.hangup", "hangup", "Hang up", "desk"),
    DeskAction("call.dial", "dial", "Dial", "desk", show=False),
    DeskAction("call.callback", "callback", "Callback", "desk", show=False),
    DeskAction("desk.script", "focus_script", "Script", "desk", show=False),
    DeskAction("desk.ticket", "focus_ticket", "Ticket", "desk"),
    DeskAction("ticket.submit", "submit_ticket", "Save ticket", "desk", show=False),
    DeskAction("desk.wrapup", "wrapup", "Wrap up", "desk"),
    DeskAction("desk.messages", "messages", "Messages", "desk", show=False),
)

ACTIONS_BY_ID: dict[str, DeskAction] = {a.id: a for a in ACTIONS}
