"""The back office (departments, later; admins now): a stub until its own issue.

Department users and their work queues of tickets (TK1, TK3, TK4) come with a later issue;
no login has a department role yet. Admins can open it today, and it does the one thing
the server already offers a department: read any ticket by its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_tui.workspaces.base import WorkspaceSpec

if TYPE_CHECKING:
    from textual.screen import Screen


def _back_office_screen() -> Screen[Any]:
    from agent_tui.workspaces.backoffice.screen import BackOfficeScreen

    return BackOfficeScreen()


WORKSPACE = WorkspaceSpec(
    id="backoffice",
    title="Back office 后台",
    summary="Departments' ticket queues come later; find a ticket by id now",
    roles=("admin",),
    scope="backoffice",
    screen=_back_office_screen,
)
