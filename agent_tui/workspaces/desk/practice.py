"""Self-practice on the desk (TR2): the agent picks a training scenario and replays it alone.

`start_practice` lists the centre's scenarios in a picker (title, difficulty, queue),
starts the chosen one as a session for the agent itself (`POST /v1/training/practice`,
scored as a trainer's session) and opens the training call over the desk at once,
through the desk's `TrainingWatch`, as a session a trainer starts would open. The
server refuses it while the agent's live phone has a call; the desk says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_tui.client.api import new_request_id
from agent_tui.ui.pickers import ChoicePicker, scenario_choices
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from agent_tui.workspaces.desk.training_call import TrainingWatch
from server_stub.protocol.training_api import PracticeCreate

if TYPE_CHECKING:
    from agent_tui.workspaces.base import WorkspaceScreen

PICKER_TITLE = "练习场景 Practise a scenario"


async def start_practice(screen: WorkspaceScreen) -> None:
    """Pick a scenario, start it for this agent, open its call. Run it in a worker."""
    api = shell_of(screen).api
    ok, scenarios = await attempt(screen.notify, "list the scenarios", api.training_scenarios())
    if not ok or scenarios is None:
        return
    if not scenarios:
        screen.notify("The centre has no training scenarios.", title="练习 Practice", timeout=4)
        return
    chosen = await screen.app.push_screen_wait(
        ChoicePicker(PICKER_TITLE, scenario_choices(scenarios))
    )
    if chosen is None:
        return
    request = PracticeCreate(request_id=new_request_id(), scenario=chosen)
    ok, session = await attempt(screen.notify, "start the practice", api.practise(request))
    if ok and session is not None:
        screen.query_one(TrainingWatch).open(session)
