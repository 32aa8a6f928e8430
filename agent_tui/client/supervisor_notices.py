"""What supervisors did that the agent's desk shows: pinned broadcasts and notices.

`SupervisorNoticesSection` folds, for a store with a seat, the pinned broadcasts to the
agent's team or floor (`supervisor.message` with `pinned`, until
`supervisor.message_withdrawn`) and the notices about the agent itself: a whisper, a
forced state, a wrap-up ended, a supervisor joining the call. Silent monitoring is never
on the feed of the agent, so it is never here. Seeded by `GET /v1/supervision/broadcasts`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from agent_tui.client.parts import NOTHING, NOTICES
from agent_tui.client.sections import StoreSection
from server_stub.protocol.supervision_actions import (
    AGENT_NOTICE_TYPES,
    BARGED,
    FORCED_STATE,
    MESSAGE_WITHDRAWN,
    WHISPER,
    WRAPUP_ENDED,
    Broadcast,
    Broadcasts,
)

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from server_stub.protocol.events import Event

NOTICES_KEPT = 5
STATE_WORDS = {
    "ready": "ready 就绪",
    "not_ready": "not ready 示忙",
    "logged_out": "logged out 登出",
}


@dataclass(frozen=True)
class Notice:
    """One thing a supervisor did about this agent, in words for the desk."""

    at: float
    kind: str  # the event type
    text: str
    by: str


def notice_text(kind: str, data: dict[str, object]) -> str:
    if kind == WHISPER:
        return str(data.get("text", ""))
    if kind == FORCED_STATE:
        state = STATE_WORDS.get(str(data.get("state")), str(data.get("state")))
        reason = f" ({data['reason']})" if data.get("reason") else ""
        when = "after this call 本通话后" if data.get("after_call") else "now 立即"
        return f"Your supervisor set you {state}{reason}, {when}"
    if kind == WRAPUP_ENDED:
        return "Your supervisor ended your wrap-up 班长已结束话后处理"
    if kind == BARGED:
        return "Your supervisor joined the call 班长已加入通话"
    return kind


class SupervisorNoticesSection(StoreSection):
    name: ClassVar[str] = "supervisor_notices"
    handles: ClassVar[frozenset[str]] = frozenset(
        {"supervisor.message", MESSAGE_WITHDRAWN, *AGENT_NOTICE_TYPES}
    )

    def __init__(self) -> None:
        self.pinned: dict[str, Broadcast] = {}
        self.notices: deque[Notice] = deque(maxlen=NOTICES_KEPT)

    def load_broadcasts(self, broadcasts: Broadcasts) -> frozenset[str]:
        self.pinned = {b.broadcast_id: b for b in broadcasts.active}
        return frozenset({NOTICES})

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        if not store.agent_id:
            return NOTHING  # a login without a seat has no desk
        data = event.data
        if event.type == "supervisor.message":
            if not data.get("pinned") or event.agent_id is not None:
                return NOTHING
            broadcast_id = str(data.get("broadcast_id"))
            self.pinned[broadcast_id] = Broadcast(
                broadcast_id=broadcast_id,
                text=str(data.get("text", "")),
                team_id=data.get("team_id"),
                sender=str(data.get("sender", "")),
                sender_name=str(data.get("sender_name", "")),
                sent_at=event.sim_time,
            )
        elif event.type == MESSAGE_WITHDRAWN:
            if self.pinned.pop(str(data.get("broadcast_id")), None) is None:
                return NOTHING
        elif event.agent_id == store.agent_id:
            text = notice_text(event.type, data)
            self.notices.append(Notice(event.sim_time, event.type, text, str(data.get("by", ""))))
        else:
            return NOTHING
        return frozenset({NOTICES})
