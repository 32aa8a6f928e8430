"""Helpers for the desk's tests: a screen pop, a desk store by hand, text of a render."""

from __future__ import annotations

import io
from typing import Any

from live_helpers import FROZEN_WALL
from rich.console import Console, RenderableType

from agent_tui.client.state import CallInfo, ClientStore
from server_stub.protocol.api import MeResponse, QueueStats, ScreenPop


def render_text(renderable: RenderableType, width: int = 60) -> str:
    """What a renderable shows, as plain text (Rich measures CJK cells as on a terminal)."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def vip_pop() -> ScreenPop:
    """A screen pop as the server sends it on `call.offered`."""
    return ScreenPop.model_validate(VIP_POP)


VIP_POP: dict[str, Any] = {
    "call_id": "C000042",
    "queue_id": "fault",
    "ani": "13800138000",
    "tier": "vip",
    "waited_s": 42.0,
    "ivr_path": [["main", "2"]],
    "customer": {
        "id": "K00017",
        "name": "张伟 Zhang Wei",
        "tier": "vip",
        "account": "ACC-778812",
        "phones": ["13800138000", "010-62345678"],
        "address": "北京市海淀区中关村大街27号",
    },
    "contacts": [
        {
            "call_id": "H1",
            "customer_id": "K00017",
            "queue_id": "fault",
            "agent_id": "a003",
            "direction": "inbound",
            "channel": "phone",
            "reason": "宽带掉线 Broadband drops",
            "at": "2026-11-02",
            "arrived_at": -1000.0,
            "wrapup_code": "resolved",
        }
    ],
    "open_tickets": [
        {
            "id": "T000003",
            "request_id": "seed-T000003",
            "customer_id": "K00017",
            "call_id": None,
            "category": "fault",
            "subject": "光猫损坏 Modem broken",
            "description": "",
            "status": "dispatched",
            "priority": "high",
            "department": "network",
            "created_by": "a003",
            "created_at": -1000.0,
            "updated_at": -900.0,
        }
    ],
}


def ringing_call(pop: ScreenPop | None = None) -> CallInfo:
    pop = pop if pop is not None else vip_pop()
    return CallInfo(
        call_id=pop.call_id,
        ani=pop.ani,
        customer_id=pop.customer.id if pop.customer else None,
        tier=pop.tier,
        queue_id=pop.queue_id,
        waited_s=pop.waited_s or 0.0,
        ivr_path=tuple(pop.ivr_path),
        status="ringing",
        pop=pop,
    )


def make_store() -> ClientStore:
    """Agent 1001, not ready (break) for 125 s, two queues, on a frozen clock."""
    state = ClientStore(clock=lambda: FROZEN_WALL)
    state.load_me(
        MeResponse(
            agent_id="1001",
            name="王小明 Wang Xiaoming",
            team="A",
            role="agent",
            state="not_ready",
            reason="break",
            since=875.0,
            sim_time=1000.0,
            speed=1.0,
            last_seq=0,
            queues=[
                QueueStats(queue_id="fault", name="故障报修", waiting=3, longest_wait_s=75.0),
                QueueStats(queue_id="enquiry", name="咨询", waiting=1, longest_wait_s=12.0),
            ],
        )
    )
    state.set_connection("online")
    return state
