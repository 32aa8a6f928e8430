"""The agent desk (agents): state, screen pop, script, ticket, wrap-up, messages.

Its modules load when the desk first opens (after login), not when the app starts.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Final

from agent_tui.client.errors import ApiError, ServerUnreachable
from agent_tui.workspaces.base import WorkspaceSpec

if TYPE_CHECKING:
    from textual.screen import Screen

    from agent_tui.client.api import CentreApi
    from agent_tui.client.state import ClientStore

# Names as the wire spells them.
LOGGED_OUT: Final = "logged_out"
NOT_READY: Final = "not_ready"


def _desk_screen() -> Screen[Any]:
    from agent_tui.workspaces.desk.screen import DeskScreen

    return DeskScreen()


async def load_desk(api: CentreApi, store: ClientStore, first: bool) -> frozenset[str]:
    """The agent's state from /v1/me (which says where the log stood, for the feed)."""
    me = await api.me()
    if first and me.state == LOGGED_OUT:
        # A shift starts not ready (the agent says when to send calls). A server that
        # seats the agent at login already did this; one that refuses leaves the desk
        # showing "logged out", which is the truth, rather than failing the login.
        with contextlib.suppress(ApiError):
            await api.set_state(NOT_READY)
            me = await api.me()
    parts = store.load_me(me)
    if first:
        # The message log as it was before this login (another workstation, a restart).
        with contextlib.suppress(ApiError, ServerUnreachable):
            parts |= store.load_messages(await api.my_messages())
    call = store.call
    if call is not None and call.pop is None and call.status != "ended":
        # After a resync or a restart mid-call: fetch the screen pop the event carried.
        with contextlib.suppress(ApiError, ServerUnreachable):
            parts |= store.set_pop(call.call_id, await api.pop(call.call_id))
    return parts


WORKSPACE = WorkspaceSpec(
    id="desk",
    title="Desk 座席工作台",
    summary="Take calls: state, screen pop, script, tickets, wrap-up",
    roles=("agent",),
    scope="desk",
    screen=_desk_screen,
    load=load_desk,
)
