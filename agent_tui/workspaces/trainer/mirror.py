"""The trainee's desk as the trainer sees it during a session, mirrored from its state.

A session's call runs on the session's own centre, so its desk's frame is not on the
floor's feed (`agent.screen` there is for supervisors): the session's own view (read every
second while it runs) carries what the desk did. `session_screen` folds it into the same
`DeskScreenState` a desk publishes, and `ui.desk_view.desk_screen_renderable` draws it as
the supervisor's mirror does. The trainer has no pop (no personal data), so the caller's
card is left out: the caller's lines below it say who is calling.
"""

from __future__ import annotations

from rich.console import RenderableType

from agent_tui.ui.desk_view import KeyNames, call_from_pop, desk_screen_renderable
from server_stub.protocol.desk_screen import DeskPane, DeskScreenState, walked_path
from server_stub.protocol.events import EventType
from server_stub.protocol.scripts import FlowScript
from server_stub.protocol.training_api import SessionView

# The trainee's state on the session's centre → the pane its desk has open.
PANES: dict[str, DeskPane] = {"busy": "script", "wrap_up": "wrapup"}


def session_screen(view: SessionView) -> DeskScreenState | None:
    """The trainee's desk now (None before the session's call reaches it)."""
    if view.call_id is None:
        return None
    steps = [
        event.data
        for event in view.events
        if event.type == EventType.CALL_SCRIPT_STEP and event.agent_id == view.trainee
    ]
    path = walked_path(steps)
    last = next((data for data in reversed(steps) if not data.get("back")), None)
    return DeskScreenState(
        call_id=view.call_id,
        script_id=view.script,
        step=str(last["next"]) if last and last.get("next") else None,
        path=path,
        pane=PANES.get(view.trainee_state, "idle"),
    )


def mirrored_desk(
    view: SessionView, script: FlowScript | None, keys: KeyNames
) -> RenderableType | None:
    """The trainee's desk drawn as the desk draws it (None before the call reaches it)."""
    screen = session_screen(view)
    if screen is None or view.call_id is None:
        return None
    call = call_from_pop(view.call_id, None)
    return desk_screen_renderable(screen, call=call, script=script, keys=keys, card=False)
