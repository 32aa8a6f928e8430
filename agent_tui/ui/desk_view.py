"""The agent's desk as pure renderables: the caller's card, the script step, the ticket draft.

The desk draws its widgets with these; the supervisor's "see the agent's screen", the
trainer's mirrored trainee desk and the quality and replay views draw the same desk from
an `agent.screen` state (`DeskScreenState`) and the call's screen pop with
`desk_screen_renderable`. Nothing here talks to the network or holds state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import get_args

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from agent_tui.client.state import CallInfo, CallStatus
from agent_tui.ui.cjk_wrap import Paragraph, Trail
from agent_tui.ui.labels import (
    PRIORITY_LABELS,
    clock_face,
    code_label,
    ivr_steps,
    tier_badge,
)
from agent_tui.ui.tickets import ticket_line
from server_stub.protocol.api import ContactRecord, ScreenPop
from server_stub.protocol.desk_screen import DeskScreenState, TicketDraftView
from server_stub.protocol.scripts import (
    FlowScript,
    ScriptWalker,
    ScriptWalkError,
    VariableSpec,
    fill_placeholders,
)

DIALLING_LABEL = "☎ DIALLING 外呼中"
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ringing": ("☎ RINGING 来电", "bold #1f2430 on #5fa8d3"),
    "talking": ("● TALKING 通话中", "bold #8fbf7f"),
    "held": ("❚❚ ON HOLD 保持", "bold #e0b860"),
    "conference": ("◎ CONFERENCE 会议", "bold #b48ead"),
    "ended": ("■ ENDED 已挂断", "bold #a0a8b8"),
}


def _field_grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


SCORE_STYLES = {1: "#e06c75", 2: "#e06c75", 3: "#e0b860", 4: "#8fbf7f", 5: "#8fbf7f"}


def contact_line(contact: ContactRecord) -> Text:
    when = (contact.at or "")[:10] or "today"
    line = Text(f"{when} ", style="dim")
    line.append(contact.channel or "phone")
    if contact.reason:
        line.append(f" · {code_label(contact.reason)}")
    code = contact.wrapup_code or contact.outcome
    if code:
        line.append(f" → {code_label(code)}", style="#8fbcbb")
    if contact.survey_score is not None:  # what the caller scored the call (IN8)
        line.append(f" · 满意度 {contact.survey_score}/5", style=SCORE_STYLES[contact.survey_score])
    return line


def card_renderable(
    call: CallInfo | None, *, verified: bool, waited_s: float | None = None
) -> RenderableType:
    if call is None:
        return Text(
            "No call. 空闲\n\nThe caller's record shows here the moment a call rings.", style="dim"
        )
    pop = call.pop
    customer = call.customer
    tier = call.tier or (customer.tier if customer else None) or (pop.tier if pop else None)
    status_label, status_style = STATUS_LABELS.get(call.status, (call.status, "bold"))
    if call.status == "ringing" and call.direction == "outbound":
        status_label = DIALLING_LABEL  # the far end rings: not a call coming in

    head = Text()
    head.append(f" {status_label} ", style=status_style)
    if call.direction == "outbound":
        head.append(" outbound 呼出", style="#5fa8d3")

    # The tier sits by the name: a VIP is seen in the same glance as who is calling.
    name = Text()
    if customer is not None:
        name.append(customer.name, style="bold underline")
    else:
        name.append("Unknown caller 未知来电", style="bold italic")
    if tier:
        name.append("  ")
        name.append_text(tier_badge(tier))

    fields = _field_grid()
    if verified:
        fields.add_row("Identity", Text("✔ verified 已核实", style="bold #8fbf7f"))
    else:
        fields.add_row("Identity", Text("✖ not verified 未核实", style="#e06c75"))
    if customer is not None:
        fields.add_row("Account", customer.account or "—")
        fields.add_row("Phones", ", ".join(customer.phones) or "—")
        fields.add_row("Address", customer.address or "—")
    fields.add_row("Caller", call.ani or (pop.ani if pop else None) or "—")
    fields.add_row("Queue", call.queue_id or (pop.queue_id if pop else None) or "—")
    # A trail wraps between its steps: `enquiry_menu 0` is never cut from its key.
    fields.add_row("IVR", Trail(ivr_steps(list(call.ivr_path or (pop.ivr_path if pop else [])))))
    if call.direction != "outbound":  # a dialled call never waited in a queue
        waited = waited_s if waited_s is not None else call.waited_s
        fields.add_row("Waited", clock_face(waited))

    parts: list[RenderableType] = [head, name, fields]
    contacts = pop.contacts if pop is not None else []
    parts.append(Text(f"Prior contacts 历史来电 ({len(contacts)})", style="bold #5fa8d3"))
    if contacts:
        parts.extend(contact_line(contact) for contact in contacts[:8])
    else:
        parts.append(Text("none", style="dim"))
    tickets = call.open_tickets
    parts.append(Text(f"Open tickets 未结工单 ({len(tickets)})", style="bold #5fa8d3"))
    if tickets:
        parts.extend(ticket_line(ticket) for ticket in tickets[:8])
    else:
        parts.append(Text("none", style="dim"))
    return Group(*parts)


# A binding id → the key to name on screen for it (`ResolvedKeymap.key`).
KeyNames = Callable[[str], str]

# What a step's `action` asks for, in the agent's words, with the desk keys that do it:
# `{key:<binding id>}` as in script text.
ACTION_HINTS: dict[str, str] = {
    "open_ticket": "open the ticket form (prefilled)  {key:desk.ticket}",
    "escalate": (
        "escalate: transfer to a team leader or expert group"
        "  {key:call.transfer} blind · {key:call.consult} consult"
    ),
    "transfer": "transfer the caller  {key:call.transfer} blind · {key:call.consult} consult",
    "schedule_callback": "schedule a callback  {key:call.callback}",
    "hold": "put the caller on hold  {key:call.hold}",
    "knowledge": "look it up in the knowledge base  {key:desk.knowledge}",
}
END_HINT = "■ End: {outcome}. {key:desk.wrapup} wraps up with this code."


def action_hint(action_name: str, keys: KeyNames) -> str:
    return fill_placeholders(ACTION_HINTS.get(action_name, action_name), {}, {}, keys)


def end_hint(outcome: str, keys: KeyNames) -> str:
    return fill_placeholders(END_HINT, {"outcome": code_label(outcome)}, {}, keys)


def identity_verified(walker: ScriptWalker) -> bool | None:
    """What the walk says about identity (IN5): True after leaving a `verify…` step forward,
    False on reaching a `not_verified…` step, None when the script has not asked yet."""
    verified: bool | None = None
    for step_id, key in walker.path:
        if not step_id.startswith("verify"):
            continue
        option = walker.script.steps[step_id].option(key)
        if option is None:
            continue
        if option.next.startswith("not_verified"):
            verified = False
        elif not option.next.startswith("verify"):
            verified = True
    return verified


BILINGUAL = " / "  # the demo's texts: "中文 / English"


def fill_bilingual(
    text: str, values: Mapping[str, str], variables: Mapping[str, VariableSpec], keys: KeyNames
) -> str:
    """Placeholders filled, where a bilingual text ("中文 / English") gets each half its own
    language's part of a bilingual fallback ("先生/女士 / sir or madam"), not both."""
    if BILINGUAL not in text:
        return fill_placeholders(text, values, variables, keys)
    chinese, english = text.split(BILINGUAL, 1)
    halves = []
    for index, half in enumerate((chinese, english)):
        own = {
            name: spec.model_copy(update={"fallback": spec.fallback.split(BILINGUAL, 1)[index]})
            if spec.fallback is not None and BILINGUAL in spec.fallback
            else spec
            for name, spec in variables.items()
        }
        halves.append(fill_placeholders(half, values, own, keys))
    return BILINGUAL.join(halves)


def step_renderable(
    walker: ScriptWalker, values: Mapping[str, str], keys: KeyNames, *, wide: bool = False
) -> RenderableType:
    script = walker.script
    step = walker.step
    crumbs = walker.breadcrumb()
    if not wide and len(crumbs) > 4:
        crumbs = ["…", *crumbs[-3:]]
    trail = Text(" › ".join(crumbs), style="dim")
    parts: list[RenderableType] = [trail]
    if step.say:
        say = fill_bilingual(step.say, values, script.variables, keys)
        parts.append(Paragraph(Text(say, style="bold")))
    if step.rule:
        rule = Text("Rule 规则: ", style="bold #e0b860")
        rule.append(fill_bilingual(step.rule, values, script.variables, keys), style="italic")
        parts.append(Paragraph(rule))
    for action_name in step.action or {}:
        parts.append(Text(f"▸ {action_hint(action_name, keys)}", style="#8fbcbb"))
    if step.end is not None:
        parts.append(Text(end_hint(step.end.outcome, keys), style="bold #8fbf7f"))
    else:
        for option in step.options:
            label = fill_bilingual(option.label, values, script.variables, keys)
            line = Text()
            if walker.is_exhausted(option):
                line.append(f" {option.key} ", style="dim strike")
                line.append(f" {label} (used up)", style="dim")
            else:
                line.append(f" {option.key} ", style="bold #1f2430 on #5fa8d3")
                line.append(f" {label}")
            # A label that wraps lines up under itself, not under the key.
            parts.append(Paragraph(line, indent=cell_len(option.key) + 3))
    if walker.path:
        parts.append(Text("⌫ back one step", style="dim"))
    return Group(*parts)


def ticket_draft_renderable(draft: TicketDraftView | None) -> RenderableType:
    """The ticket form as text: what the agent has typed and not yet sent."""
    if draft is None or not (draft.category or draft.subject or draft.description):
        return Text("No ticket draft. 无工单草稿", style="dim")
    fields = _field_grid()
    fields.add_row("Category", code_label(draft.category) or "—")
    fields.add_row("Priority", PRIORITY_LABELS.get(draft.priority, draft.priority))
    fields.add_row("Subject", draft.subject or "—")
    fields.add_row("Details", draft.description or "—")
    return Group(Text("Ticket draft 工单草稿", style="bold #5fa8d3"), fields)


def walker_at(script: FlowScript, path: list[tuple[str, str]]) -> ScriptWalker | None:
    """A walker that has taken `path` through `script` (None when the path does not fit the
    script: another version, say)."""
    walker = ScriptWalker(script)
    try:
        for step_id, key in path:
            if walker.current != step_id:
                return None
            walker.choose(key)
    except ScriptWalkError:
        return None
    return walker


PANE_TITLES = {
    "script": "Script 脚本",
    "ticket": "Ticket 工单",
    "wrapup": "Wrap-up 话后",
    "knowledge": "Knowledge 知识库",
    "customer_search": "Customer search 客户查询",
    "idle": "Idle 空闲",
}


def desk_screen_renderable(
    screen: DeskScreenState,
    *,
    call: CallInfo | None,
    script: FlowScript | None,
    keys: KeyNames,
    values: Mapping[str, str] | None = None,
    card: bool = True,
) -> RenderableType:
    """Another user's view of an agent's desk: the caller's card (from the call's pop), the
    script where the agent is (its path replayed), the ticket draft, and which pane is
    open. `call` is the call as the viewer knows it (`call_from_pop`); `card=False` leaves
    the card out for a viewer who may not see the caller's record (a trainer)."""
    verified = False
    parts: list[RenderableType] = [
        Text(f"Showing 正在显示: {PANE_TITLES.get(screen.pane, screen.pane)}", style="bold")
    ]
    walker = walker_at(script, list(screen.path)) if script is not None else None
    if walker is not None:
        verified = bool(identity_verified(walker))
    if card:
        if screen.call_line:  # the dial's number, a callback's note: the caller's own data
            parts.append(Text(screen.call_line, style="#b48ead"))
        parts.append(card_renderable(call, verified=verified))
    if walker is not None:
        parts.append(Text(f"Script 脚本 · {walker.script.title}", style="bold #5fa8d3"))
        parts.append(step_renderable(walker, values or {}, keys, wide=True))
    elif screen.script_id is not None:
        step = screen.step or "—"
        parts.append(Text(f"Script {screen.script_id} at step {step}", style="dim"))
    parts.append(ticket_draft_renderable(screen.ticket))
    if screen.knowledge_article is not None:
        parts.append(Text(f"Knowledge article open: {screen.knowledge_article}", style="#8fbcbb"))
    return Group(*parts)


def call_from_pop(call_id: str, pop: ScreenPop | None, *, status: str = "talking") -> CallInfo:
    """The call as a viewer that has its screen pop (and not the agent's feed) knows it."""
    known: CallStatus = "talking"
    for name in get_args(CallStatus):
        if name == status:
            known = name
    return CallInfo(
        call_id=call_id,
        status=known,
        queue_id=pop.queue_id if pop else None,
        ani=pop.ani if pop else None,
        customer_id=pop.customer.id if pop and pop.customer else None,
        tier=pop.tier if pop else None,
        waited_s=(pop.waited_s or 0.0) if pop else 0.0,
        ivr_path=tuple(pop.ivr_path) if pop else (),
        pop=pop,
    )
