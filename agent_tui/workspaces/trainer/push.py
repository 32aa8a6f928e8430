"""Push a scenario to idle agents from the training console (TR2), when traffic is low.

`push_to_idle` asks for a scenario (the console's picker), then `POST /v1/training/push`
for every idle agent the trainer reaches; the server refuses while callers wait in their
queues (409 `traffic_not_low`, said as the server words it). `push_summary` is what the
trainer reads back: who got a session, who was left out and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_tui.client.api import new_request_id
from agent_tui.ui.pickers import ChoicePicker, scenario_choices
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from server_stub.protocol.training_api import PushRequest, PushResult

if TYPE_CHECKING:
    from agent_tui.workspaces.base import WorkspaceScreen

PICKER_TITLE = "推送给空闲座席 Push to idle agents"


def push_summary(result: PushResult) -> str:
    started = ", ".join(p.agent_id for p in result.started) or "nobody 无"
    text = f"{result.scenario} → {started}"
    if result.skipped:
        skipped = ", ".join(f"{s.agent_id} ({s.reason})" for s in result.skipped)
        text += f"\nnot idle 未推送: {skipped}"
    return text


async def push_to_idle(screen: WorkspaceScreen) -> PushResult | None:
    """Pick a scenario and push it; the result, or None (cancelled or refused, said)."""
    api = shell_of(screen).api
    ok, scenarios = await attempt(screen.notify, "read the scenarios", api.training_scenarios())
    if not ok or not scenarios:
        return None
    choices = scenario_choices(scenarios)
    chosen = await screen.app.push_screen_wait(ChoicePicker(PICKER_TITLE, choices))
    if chosen is None:
        return None
    request = PushRequest(request_id=new_request_id(), scenario=chosen)
    ok, result = await attempt(screen.notify, "push the scenario", api.push_scenario(request))
    if ok and result is not None:
        screen.notify(push_summary(result), title="已推送 Pushed", timeout=6)
        return result
    return None
