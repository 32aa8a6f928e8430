"""Who is on the line, above the caller's card: the number being dialled, a consult's
second party, a conference's members (issue 9 defects 9 and 10), and what a booked
callback was booked for.

`call_line_renderable` is pure: the desk's call (`CallInfo`), its consult as the store's
`CallPartiesSection` folded it, the sim time now and the keymap's key names. It says,
from this agent's side, who it consults or who consults it (name, id, team leader 班组长
or the expert group it was reached through), whether that party rings (with a count-up)
or answered, when it declined, rang out or hung up; in a conference, each party and when
it joined. `CallLine` is the strip that shows it, and hides when there is nothing to say.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from agent_tui.client.booked_callbacks import BookedCallCard
from agent_tui.client.call_parties import Consult, Party
from agent_tui.client.state import CallInfo
from agent_tui.ui.cjk_wrap import Paragraph
from agent_tui.ui.labels import clock_face

KeyNames = Callable[[str], str]  # a binding id → the key the keymap in force binds
CentreTime = Callable[[float], str]  # a sim time → the centre's clock (`10:05:31`)

ENDED_WORDS = {
    "declined": "declined the consult 已拒接",
    "no_answer": "did not answer 未接听",
    "hung_up": "hung up 已挂断",
}
NO_BREAK = "\u00a0"  # a space no line break takes (between a key and its word)
INDENT = 2  # continuation lines of a party's line sit under its text, not its mark
MEMBER_TIME = "#a0a8b8"  # when a party joined: quieter than its name


def key_says(keys: KeyNames, binding_id: str, words: str) -> str:
    """`F9 cancels`: a key and its first word, never parted by a line break."""
    first, _, rest = words.partition(" ")
    said = f"{keys(binding_id)}{NO_BREAK}{first}"
    return f"{said} {rest}" if rest else said


def role_label(party: Party, consult: Consult) -> str:
    """What the consulted party is to the agent: a team leader, an expert group's agent…"""
    if party.team_leader:
        return "班组长 team leader"
    if consult.via_queue is not None:
        group = consult.via_queue_name or consult.via_queue
        return f"专家组 expert group · {group}" if consult.expert_group else f"queue · {group}"
    return "坐席 agent"


def call_line_renderable(
    call: CallInfo | None,
    consult: Consult | None,
    *,
    me: str,
    now: float,
    ringing_s: float,
    centre_time: CentreTime,
    keys: KeyNames,
    booked: BookedCallCard | None = None,
) -> RenderableType | None:
    """The strip's content, or None when the line holds just the agent and the caller.
    `ringing_s`: how long the agent's phone has been in its ringing state (the dial);
    `booked`: the callback an agent booked, when this call is one."""
    if call is None:
        return None
    parties: RenderableType | None = None
    on_this_call = consult is not None and consult.call_id == call.call_id
    if call.direction == "outbound" and call.status == "ringing":
        parties = dialling(call, ringing_s, keys)
    elif consult is not None and on_this_call:
        if consult.phase == "conference":
            parties = conference(call, consult, me=me, now=now, centre_time=centre_time)
        elif consult.phase == "ended":
            parties = ended(consult, me=me, centre_time=centre_time)
        elif consult.consulting.agent_id == me:
            parties = consulting(consult, now=now, centre_time=centre_time, keys=keys)
        else:
            parties = consulted(consult, now=now, keys=keys)
    if booked is None or booked.call_id != call.call_id:
        return parties
    said = booked_callback(booked, me=me, centre_time=centre_time)
    return said if parties is None else Group(said, parties)


def dialling(call: CallInfo, ringing_s: float, keys: KeyNames) -> RenderableType:
    """An outbound call ringing at the far end: the number, the customer, how long, and the
    key that cancels it."""
    line = Text("☎ Dialling 外呼中 ", style="bold #5fa8d3")
    line.append(call.ani or "—", style="bold")
    customer = call.customer
    if customer is not None:
        line.append(f" · {customer.name}")
    elif call.customer_id:
        line.append(f" · {call.customer_id}")
    ringing = Text(f"ringing 振铃 {clock_face(ringing_s)} · ", style="dim")
    ringing.append(key_says(keys, "call.hangup", "cancels 取消"), style="bold #e06c75")
    return Group(Paragraph(line, indent=INDENT), Paragraph(ringing, indent=INDENT))


def booked_callback(card: BookedCallCard, *, me: str, centre_time: CentreTime) -> RenderableType:
    """A callback an agent booked for this caller: when it was due, who booked it (when
    not this agent), and the note it was booked with (what the call is about)."""
    head = Text("↻ Booked callback 预约回呼", style="bold #d7af5f")
    if card.due_at is not None:
        head.append(f" · due {centre_time(card.due_at)[:5]}")  # booked to the minute
    if card.booked_by and card.booked_by != me:  # a queue brought another agent's
        head.append(f" · booked by {card.booked_by} 预约人", style="dim")
    note = Text("Note 备注: ", style="dim")
    note.append(card.note or "—")
    return Group(Paragraph(head, indent=INDENT), Paragraph(note, indent=INDENT))


def consulting(
    consult: Consult, *, now: float, centre_time: CentreTime, keys: KeyNames
) -> RenderableType:
    """This agent consults someone: whom, and whether it rings or answered."""
    party = consult.consulted
    head = Text("⇄ Consulting 咨询 ", style="bold #b48ead")
    head.append(party.label, style="bold")
    head.append(f" · {role_label(party, consult)}", style="#8fbcbb")
    status = Text()
    if consult.phase == "ringing":
        status.append("☎ ringing 振铃中 ", style="bold #5fa8d3")
        status.append(clock_face(now - consult.rang_at), style="bold")
        status.append(" · caller on hold 客户保持中", style="dim")
    else:
        answered_at = consult.answered_at if consult.answered_at is not None else now
        status.append("● answered 已接通 ", style="bold #8fbf7f")
        status.append(f"{centre_time(answered_at)} ({clock_face(now - answered_at)})")
        status.append(" · caller on hold 客户保持中", style="dim")
    options = "cancels" if consult.phase == "ringing" else "completes, conferences or cancels"
    hint = Text(key_says(keys, "call.consult", options), style="dim")
    return Group(
        Paragraph(head, indent=INDENT),
        Paragraph(status, indent=INDENT),
        Paragraph(hint, indent=INDENT),
    )


def consulted(consult: Consult, *, now: float, keys: KeyNames) -> RenderableType:
    """Someone consults this agent: who, and what its keys do on this leg."""
    head = Text("⇄ Consult from 咨询来自 ", style="bold #b48ead")
    head.append(consult.consulting.label, style="bold")
    status = Text()
    if consult.phase == "ringing":
        status.append("☎ ringing 振铃中 ", style="bold #5fa8d3")
        status.append(clock_face(now - consult.rang_at), style="bold")
        status.append(f" · {key_says(keys, 'call.answer', 'answers')}")
        status.append(f" · {key_says(keys, 'call.reject', 'declines')}")
    else:
        answered_at = consult.answered_at if consult.answered_at is not None else now
        status.append("● talking 通话中 ", style="bold #8fbf7f")
        status.append(clock_face(now - answered_at), style="bold")
        status.append(
            f" · the caller is on hold · {key_says(keys, 'call.hangup', 'leaves')}", style="dim"
        )
    return Group(Paragraph(head, indent=INDENT), Paragraph(status, indent=INDENT))


def conference(
    call: CallInfo, consult: Consult, *, me: str, now: float, centre_time: CentreTime
) -> RenderableType:
    """All three on the line: each party, and when it joined."""
    since = consult.conference_at if consult.conference_at is not None else now
    head = Text("◎ Conference 会议 ", style="bold #b48ead")
    head.append(f"since {centre_time(since)} ({clock_face(now - since)})")
    customer = call.customer
    caller = customer.name if customer is not None else (call.ani or "Unknown caller 未知来电")
    # The consulted agent's desk learns of the call at the consult: not when it began.
    since_start = call.answered_at if consult.consulting.agent_id == me else None
    rows = [_member("客户 Caller", Text(caller), since_start, "since", centre_time)]
    for party, joined, word in (
        (consult.consulting, since_start, "since"),
        (consult.consulted, consult.answered_at, "joined"),
    ):
        name = Text(party.label)
        if party.agent_id == me:
            name.append(" you 本人", style="italic")
        role = "班组长 Leader" if party.team_leader else "坐席 Agent"
        rows.append(_member(role, name, joined, word, centre_time))
    return Group(Paragraph(head, indent=INDENT), *rows)


def _member(
    role: str, name: Text, at: float | None, word: str, centre_time: CentreTime
) -> RenderableType:
    """One party of a conference: `• 坐席 Agent 王小明 (1001) · joined 10:05:40`."""
    line = Text("• ", style="#b48ead")
    line.append(f"{role} ", style="dim")
    line.append_text(name)
    if at is not None:
        line.append(f" · {word} {centre_time(at)}", style=MEMBER_TIME)
    return Paragraph(line, indent=INDENT)


def ended(consult: Consult, *, me: str, centre_time: CentreTime) -> RenderableType | None:
    """The consulted party left by itself (the agent's own cancel or transfer says
    nothing: the card is just the caller's again)."""
    words = ENDED_WORDS.get(consult.ended_reason or "")
    if words is None or consult.ended_at is None:
        return None
    other = consult.consulted if consult.consulting.agent_id == me else consult.consulting
    line = Text("⇄ ", style="dim")
    line.append(other.label, style="bold")
    line.append(f" {words} · {centre_time(consult.ended_at)}", style="dim")
    return Paragraph(line, indent=INDENT)


class CallLine(Static):
    """The strip above the caller's card; `show(renderable)` hides it when None."""

    DEFAULT_CSS = """
    CallLine {
        height: auto;
        padding: 0 1;
        border: round #b48ead 60%;
        display: none;
    }
    CallLine.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: RenderableType | None = None  # what it says now (tests read it)
        self._words: tuple[RenderableType | None, str] = (None, "")

    @property
    def words(self) -> str:
        """What the strip says, unwrapped on one line: what a mirrored desk shows of it."""
        shown = self.shown
        if shown is None:
            return ""
        if self._words[0] is not shown:
            console = Console(width=400, color_system=None, file=io.StringIO())
            with console.capture() as drawn:
                console.print(shown)
            self._words = (shown, " ".join(drawn.get().replace(NO_BREAK, " ").split()))
        return self._words[1]

    def show(self, renderable: RenderableType | None) -> None:
        if renderable is None and self.shown is None:
            return  # hidden and empty already: no layout pass for nothing (the screen pop)
        self.shown = renderable
        self.set_class(renderable is not None, "-shown")
        self.update(renderable if renderable is not None else "")
