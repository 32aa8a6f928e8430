"""The back office (TK1, TK3, TK4): department users work the tickets of their queues.

A department user (role `department`) lands here; an admin opens it from the lobby and
works every queue; a team leader (role `supervisor`) opens it with the workspace switch
to pre-process its teams' complaints (TK5), and lands on the monitor as before. The
screen lists the work queue, shows a ticket's state, deadlines in business time and full
history, and takes transitions by key.
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
    summary="Work queues of tickets: pull the next, work it, enter the result",
    roles=("department", "admin"),
    opens_for=("supervisor",),
    scope="backoffice",
    screen=_back_office_screen,
)
