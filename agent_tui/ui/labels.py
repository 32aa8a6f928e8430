"""Words and clock faces the desk's widgets share: state names, tiers, durations.

One place, so the state bar, the card and the pickers call a state by the same name. The
centre's own codes (reasons, wrap-up codes, ticket categories) are shown by the labels its
`/v1/codes` gives (`use_centre_codes`, when they arrive), never by their ids; until then,
and for codes the centre does not list, the built-in labels below, else the code itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from server_stub.protocol.api import Codes

# What the agent sees for each state the server sends (wire names as keys).
STATE_LABELS: dict[str, str] = {
    "logged_out": "LOGGED OUT 已登出",
    "not_ready": "NOT READY 示忙",
    "ready": "READY 就绪",
    "reserved": "RINGING 振铃",
    "busy": "ON CALL 通话",
    "wrap_up": "WRAP-UP 话后",
}

# Colours by state: hue differs, not only brightness (readable for colour-blind agents).
STATE_STYLES: dict[str, str] = {
    "logged_out": "bold #d8dee9 on #4c566a",
    "not_ready": "bold #1f2430 on #e0b860",
    "ready": "bold #1f2430 on #8fbf7f",
    "reserved": "bold #1f2430 on #5fa8d3",
    "busy": "bold #1f2430 on #b48ead",
    "wrap_up": "bold #1f2430 on #d08770",
}

LEG_LABELS: dict[str, str] = {
    "talking": "TALKING 通话中",
    "held": "ON HOLD 保持",
    "conference": "CONFERENCE 会议",
}

TIER_LABELS: dict[str, str] = {
    "vip": "VIP 贵宾",
    "gold": "Gold 金卡",
    "silver": "Silver 银卡",
    "normal": "Normal 普通",
}

TIER_STYLES: dict[str, str] = {
    "vip": "bold #1f2430 on #e0b860",
    "gold": "bold #e0b860",
    "silver": "bold #c0c8d8",
    "normal": "#a0a8b8",
}

PRIORITY_LABELS: dict[str, str] = {
    "low": "低 Low",
    "normal": "中 Normal",
    "high": "高 High",
    "urgent": "紧急 Urgent",
}


# Codes the system sets by itself, named before the centre's list arrives.
BUILT_IN_CODE_LABELS: dict[str, str] = {
    "login": "登录 Login",  # the engine's: not ready since logging in, no reason chosen yet
    "ring_no_answer": "未接听 Missed call",
    "rejected": "拒接 Rejected",
    "logout": "登出 Logout",
    "end_of_shift": "下班 End of shift",
    "break": "小休 Break",
    "lunch": "午餐 Lunch",
    "training": "培训 Training",
    "meeting": "会议 Meeting",
    "auto": "自动 Automatic",
    "resolved": "已解决 Resolved",
    "enquiry": "咨询 Enquiry",
    "complaint": "投诉 Complaint",
    "suggestion": "建议 Suggestion",
    "fault": "故障 Fault",
}
_centre_labels: dict[str, str] = {}


def use_centre_codes(codes: Iterable[tuple[str, str | None]]) -> None:
    """The centre's (code, label) pairs: from now on every code shows by its label (a
    login on another centre replaces the last one's)."""
    labels = {code: label for code, label in codes if label}
    _centre_labels.clear()
    _centre_labels.update(labels)


def use_codes(codes: Codes) -> None:
    """Every code of `/v1/codes` (reasons, wrap-up codes, ticket categories) by its label."""
    use_centre_codes(
        (c.code, c.label)
        for c in (*codes.reason_codes, *codes.wrapup_codes, *codes.ticket_categories)
    )


def code_label(code: str | None) -> str:
    """A reason, wrap-up code or category as the agent reads it (the centre's label)."""
    if not code:
        return ""
    return _centre_labels.get(code) or BUILT_IN_CODE_LABELS.get(code) or code


def clock_face(seconds: float | None) -> str:
    """`m:ss` under an hour, `h:mm:ss` above; negative seconds (overrun) get a minus."""
    if seconds is None:
        return "--:--"
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


DIALLING = "DIALLING 外呼中"  # reserved by the agent's own dial: the far end rings


def state_label(
    state: str, reason: str | None = None, leg: str | None = None, direction: str | None = None
) -> str:
    label = STATE_LABELS.get(state, state.upper())
    if state == "reserved" and direction == "outbound":
        label = DIALLING
    if state == "busy" and leg:
        label = LEG_LABELS.get(leg, label)
    if reason and state in ("not_ready", "logged_out"):
        label = f"{label} ({code_label(reason)})"
    return label


def tier_badge(tier: str | None) -> Text:
    """The tier as a badge; VIP stands out in colour and by its label."""
    if not tier:
        return Text("")
    label = TIER_LABELS.get(tier, tier)
    return Text(f" {label} ", style=TIER_STYLES.get(tier, "bold"))


def ivr_path_text(ivr_path: list[object]) -> str:
    """IVR nodes and keys as a trail: `main 2 › fault`; entries may be strings or pairs."""
    return " › ".join(ivr_steps(ivr_path)) or "—"


def ivr_steps(ivr_path: list[object]) -> list[str]:
    """The IVR path's steps in words, one per node (`main 2`: the node and its key)."""
    parts: list[str] = []
    for entry in ivr_path:
        if isinstance(entry, list | tuple):
            parts.append(" ".join(str(piece) for piece in entry if piece is not None))
        elif isinstance(entry, dict):
            node = entry.get("node", "")
            key = entry.get("key")
            parts.append(f"{node} {key}" if key is not None else str(node))
        else:
            parts.append(str(entry))
    return [part for part in parts if part]


def short_name(name: str) -> str:
    """The first word of a bilingual name (`咨询 Enquiries` → `咨询`), where room is short."""
    return name.split(" ", 1)[0] if name else name
