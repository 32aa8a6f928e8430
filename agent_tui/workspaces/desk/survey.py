"""The post-call survey on the desk (IN8): the agent's key sends the caller on the line there.

`send_to_survey` asks the server (`POST /v1/calls/{id}/survey`); the agent leaves the call
and wraps up as after a hang-up (the feed brings the new state), and the desk says that
the caller went to the survey. The caller's score comes later: My shift shows the day's.
"""

from __future__ import annotations

from agent_tui.client.api import CentreApi
from agent_tui.ui.requests import Notify, attempt

SENT_TITLE = "Survey 满意度调查"
SENT_TEXT = "The caller is in the survey; wrap up now. 客户已转满意度调查，请完成话后。"


async def send_to_survey(api: CentreApi, notify: Notify, call_id: str) -> bool:
    """True when the caller went to the survey; a refusal is shown in the server's words."""
    request = api.transfer_to_survey(call_id)
    ok, _ = await attempt(notify, "send the caller to the survey", request)
    if ok:
        notify(SENT_TEXT, title=SENT_TITLE, timeout=6)
    return ok
