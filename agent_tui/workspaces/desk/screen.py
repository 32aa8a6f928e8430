"""The agent desk: the screen an agent works a whole shift in.

State bar on top, the caller's card on the left, and on the right the work area that
switches between the call's script, the ticket form and the wrap-up panel; supervisor
messages as a banner (and a log on wide terminals); the footer shows the keys that make
sense now. Every key is a binding with an id (`agent_tui.actions`), so keymaps and the
command palette reach everything, and every key the desk names on screen is the one the
keymap in force binds.

The shell folds events into the store and publishes the parts that changed; this screen
redraws only those. Every request runs in a worker and failures become a notification,
so nothing waits on the network. The customer card is drawn from the offered event alone,
before anything else happens for a new call.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

from pydantic import ValidationError
from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Select, TextArea

from agent_tui.client.api import new_request_id
from agent_tui.client.booked_callbacks import BookedCallbackSection, BookedCallCard
from agent_tui.client.call_parties import CallPartiesSection, Consult
from agent_tui.client.errors import ApiError, ServerUnreachable
from agent_tui.client.parts import (
    AGENT,
    BOOKED_CALLBACK,
    CALL,
    CALL_PARTIES,
    CONNECTION,
    MESSAGES,
    QUEUES,
)
from agent_tui.client.state import CallInfo, ClientStore
from agent_tui.keymap import default_bindings
from agent_tui.ui.desk_view import identity_verified
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.labels import code_label, use_codes
from agent_tui.ui.pickers import Choice, ChoicePicker, code_choices
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.desk.booked_callbacks import book_callback, show_booked_callbacks
from agent_tui.workspaces.desk.call_line import CallLine, call_line_renderable
from agent_tui.workspaces.desk.caller_lookup import CallerChoice, CallerLookup
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.dialogs import (
    DialDialog,
    MessageLogScreen,
    directory_choices,
)
from agent_tui.workspaces.desk.knowledge_pane import KnowledgePane
from agent_tui.workspaces.desk.message_banner import MessageBanner, MessageLogPanel
from agent_tui.workspaces.desk.my_shift import MyShift
from agent_tui.workspaces.desk.practice import start_practice
from agent_tui.workspaces.desk.reporting import ScreenPublisher, ScriptStepReporter
from agent_tui.workspaces.desk.satisfaction_callback import (
    SatisfactionCallbackStrip,
    enter_callback_outcome,
)
from agent_tui.workspaces.desk.script_pane import ScriptPane
from agent_tui.workspaces.desk.state_bar import StateBar
from agent_tui.workspaces.desk.supervisor_notices import SupervisorNotices
from agent_tui.workspaces.desk.survey import send_to_survey
from agent_tui.workspaces.desk.ticket_form import DRAFT_KIND as TICKET_DRAFT
from agent_tui.workspaces.desk.ticket_form import TicketForm
from agent_tui.workspaces.desk.ticket_tracker import TicketResultWatch, TicketTracker
from agent_tui.workspaces.desk.training_call import TrainingWatch
from agent_tui.workspaces.desk.violation_notice import ViolationNotice
from agent_tui.workspaces.desk.wrapup_panel import WARN_S, WrapupPanel
from server_stub.protocol.api import (
    LONG_TEXT,
    SHORT_TEXT,
    Callback,
    Code,
    Codes,
    ConsultRequest,
    DialRequest,
    RequestableState,
    TicketCreateRequest,
    TransferRequest,
    WrapupRequest,
)
from server_stub.protocol.caller_link import CallerLinkRequest
from server_stub.protocol.desk_screen import (
    SCREENS_PER_S,
    DeskPane,
    DeskScreenState,
    HoldRequest,
    TicketDraftView,
    WrapupNotesRequest,
)
from server_stub.protocol.knowledge import KnowledgeAction
from server_stub.protocol.phrases import carries_phrase
from server_stub.protocol.scripts import FlowScript

T = TypeVar("T")

# Reason codes the system sets by itself; an agent does not pick them.
SYSTEM_REASONS = frozenset({"ring_no_answer", "rejected", "logout", "end_of_shift"})
LOGOUT_REASONS = ("end_of_shift", "logout", "training", "meeting")
SYSTEM_WRAPUP_CODES = frozenset({"auto"})
# Until /v1/codes answers (or if it cannot), the desk still offers the usual ones.
FALLBACK_CODES = Codes(
    reason_codes=[
        Code(code="break", label="小休 Break"),
        Code(code="lunch", label="午餐 Lunch"),
        Code(code="training", label="培训 Training"),
        Code(code="meeting", label="会议 Meeting"),
    ],
    wrapup_codes=[Code(code="resolved", label="已解决 Resolved")],
    ticket_categories=[],
)
WIDE_WIDTH, WIDE_HEIGHT = 110, 32
NOTES_SAVE_AFTER_S = 1.0  # wrap-up notes go to the centre when typing pauses this long
DEFAULT_CENTRE_NAME = "客服中心 Contact Centre"

PANE_SCRIPT, PANE_TICKET, PANE_WRAPUP = "script-pane", "ticket-form", "wrapup-panel"
PANE_KNOWLEDGE = "knowledge-pane"
SCREEN_PANES: dict[str, DeskPane] = {
    PANE_SCRIPT: "script",
    PANE_TICKET: "ticket",
    PANE_WRAPUP: "wrapup",
    PANE_KNOWLEDGE: "knowledge",
}
ACTIVE_CALL = ("talking", "held", "conference")


class DeskScreen(WorkspaceScreen):
    CSS_PATH = str(Path(__file__).resolve().parent / "desk.tcss")
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("desk")  # type: ignore[assignment]
    AUTO_FOCUS = None
    SCOPE = "desk"
    PARTS: ClassVar[frozenset[str]] = frozenset(
        {AGENT, CALL, QUEUES, MESSAGES, CONNECTION, CALL_PARTIES, BOOKED_CALLBACK}
    )

    def __init__(self, *, centre_name: str | None = None) -> None:
        super().__init__()
        self.centre_name = centre_name
        self.call_id: str | None = None  # the call the widgets are showing
        self.wrapup_call_id: str | None = None  # the call whose wrap-up panel is open
        self.verified = False
        self._consult_end_told: tuple[str, float] | None = None  # (call, rang at) said once
        self._booked_told: str | None = None  # the booked callback's call, said once
        self.codes: Codes = FALLBACK_CODES
        self.scripts_by_queue: dict[str, FlowScript | None] = {}
        self.orphan_ticket_draft = False  # a ticket draft came back for a call that is gone
        self._pane_before_ticket = PANE_SCRIPT
        self._pane_before_knowledge = PANE_SCRIPT
        self.callbacks_scheduled: list[Callback] = []  # this shift's, newest last
        # The wrap-up in progress: warned of its end, extended, the notes the centre has.
        self.wrapup_warned = False
        self.wrapup_extended = False
        self.wrapup_notes_sent = ""
        self._notes_timer: Timer | None = None
        self._resumed_call: str | None = None  # a call already under way at login
        self._missed_since: float | None = None  # the missed call already told of
        self.screen_publisher: ScreenPublisher | None = None  # made on mount (needs the shell)
        self.step_reporter: ScriptStepReporter | None = None

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StateBar(id="state-bar")
        yield MessageBanner(id="message-banner")
        yield SupervisorNotices(id="supervisor-notices")  # the supervisor stream's strip
        yield SatisfactionCallbackStrip(self.key)  # the ticket of a satisfaction callback
        yield ViolationNotice(id="violation-notice")  # the supervisor stream's (SV5)
        with Horizontal(id="desk-body"):
            with Vertical(id="desk-left"):
                yield CallLine(id="call-line")  # the dial, a consult's party, a conference
                yield CustomerCard(id="customer-card")
                yield MessageLogPanel(id="message-log")
            with ContentSwitcher(initial=PANE_SCRIPT, id="desk-work"):
                yield ScriptPane(self.key, id=PANE_SCRIPT)
                yield TicketForm(id=PANE_TICKET)
                yield WrapupPanel(id=PANE_WRAPUP)
                yield KnowledgePane(id=PANE_KNOWLEDGE)
        yield KeyHints(id="key-hints")
        yield TrainingWatch()  # the training stream's: a session's call opens over the desk
        yield TicketResultWatch(self.key)  # ticket tracking: results that come back (TK2)

    def key(self, binding_id: str) -> str:
        """The key to name on screen for an action, from the keymap in force."""
        return self.shell.keymap.key(binding_id)

    def on_mount(self) -> None:
        self._fit_to_size(self.size.width, self.size.height)
        self.set_interval(1.0, self._tick)
        self.screen_publisher = ScreenPublisher(self.shell.api.publish_screen)
        self.step_reporter = ScriptStepReporter(self.shell.api.script_step)
        self.query_one(TicketForm).find_caller_help = self._find_caller_help()
        api = self.shell.api
        self.query_one(KnowledgePane).bind(
            lambda query: api.knowledge_search(query, self._knowledge_queue()),
            api.knowledge_article,
        )
        self.set_interval(1.0 / SCREENS_PER_S, self._offer_screen)
        self.show_parts(self.PARTS)
        self._bring_back_orphan_draft()
        self.load_codes()
        self.call_after_refresh(_freeze_long_lived_objects)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to_size(event.size.width, event.size.height)

    def _fit_to_size(self, width: int, height: int) -> None:
        # A wide terminal shows more: the message log beside the card, wider card.
        self.set_class(width >= WIDE_WIDTH and height >= WIDE_HEIGHT, "-wide")

    # -- redrawing what changed ---------------------------------------------------------

    def show_parts(self, parts: frozenset[str]) -> None:
        state = self.store
        if CALL in parts or AGENT in parts:
            # The card first: it is what the agent needs the moment the phone rings.
            self._sync_call(state)
        if parts & {CALL, AGENT, CALL_PARTIES, BOOKED_CALLBACK}:
            self._show_call_line()
        if parts & {AGENT, QUEUES, MESSAGES, CONNECTION}:
            self.query_one(StateBar).show(state, self._ring_left_s())
        if AGENT in parts:
            self._say_if_missed()
        if MESSAGES in parts:
            self.query_one(MessageBanner).show_messages(state.messages, self.key("desk.messages"))
            self.query_one(MessageLogPanel).show_messages(state.messages, state.sim_now())
        if self.wrapup_call_id is not None:
            self._show_countdown()
        self.refresh_key_hints()

    def _tick(self) -> None:
        state = self.store
        self.query_one(StateBar).show(state, self._ring_left_s())
        if self.query_one(CallLine).has_class("-shown"):
            self._show_call_line()  # its count-ups
        if self.wrapup_call_id is not None:
            self._show_countdown()
        if self.has_class("-wide") and state.messages:
            self.query_one(MessageLogPanel).show_messages(state.messages, state.sim_now())

    def screen_state(self) -> DeskScreenState:
        """What this desk shows now, as its supervisors may see it (`agent.screen`)."""
        call = self.store.call
        pane = self._current_pane()
        if call is None and pane == PANE_SCRIPT and not self.orphan_ticket_draft:
            return DeskScreenState(pane="idle")
        script = self.query_one(ScriptPane)
        walker = script.walker
        form = self.query_one(TicketForm)
        fields = form.fields()
        draft = TicketDraftView(
            category=fields["category"],
            subject=fields["subject"][:SHORT_TEXT],
            description=fields["description"][:LONG_TEXT],
            priority=fields["priority"],
        )
        return DeskScreenState(
            call_id=call.call_id if call is not None else None,
            customer_id=form.customer_id,
            script_id=walker.script.id if walker is not None else None,
            script_version=walker.script.version if walker is not None else None,
            step=walker.current if walker is not None else None,
            path=script.path,
            ticket=draft
            if any(fields[k] for k in ("category", "subject", "description"))
            else None,
            knowledge_article=self.query_one(KnowledgePane).article_id
            if pane == PANE_KNOWLEDGE
            else None,
            pane=SCREEN_PANES.get(pane or "", "idle"),
            call_line=self.query_one(CallLine).words[:600] or None,
        )

    def _offer_screen(self) -> None:
        if self.store.state == "logged_out" or not self.store.agent_id:
            return
        publisher = self.screen_publisher
        screen = self.screen_state()
        if publisher is not None and publisher.wants(screen):
            self.run_worker(publisher.offer(screen), group="screen")

    def _sync_call(self, state: ClientStore) -> None:
        call = state.call
        card = self.query_one(CustomerCard)
        if call is not None and call.call_id != self.call_id:
            # The card alone in the first frame (IN4); the rest of the desk follows it
            # when the card says it is drawn (`on_customer_card_shown`). Not
            # call_after_refresh here: the screen may run that before the card's own
            # refresh has reached it, and the script pane would join the first frame.
            self.call_id = call.call_id
            self.verified = False
            if call.status != "ringing":
                self._resumed_call = call.call_id  # on the desk before it was drawn
                self.restore_parties(call.call_id)
            card.show_call(call, verified=False)
            self._ring(call)
            self._say_if_ringing_elsewhere(call)
        elif call is not None:
            card.show_call(call, verified=self.verified)
        elif self.call_id is not None and state.state != "wrap_up":
            self._end_call()
        in_wrapup = state.state == "wrap_up" or (call is not None and call.status == "ended")
        wrapup_call = (call.call_id if call is not None else None) or state.last_call_id
        if in_wrapup and wrapup_call is not None and self.wrapup_call_id != wrapup_call:
            self._start_wrapup(wrapup_call)
        elif not in_wrapup and self.wrapup_call_id is not None:
            self._wrapup_over()
            self.wrapup_call_id = None
            self.call_after_refresh(self._show_idle_work_area)
        if call is not None and call.status in ACTIVE_CALL and self.focused is None:
            self.query_one(ScriptPane).focus()

    # -- who is on the line: the dial, a consult, a conference (issue 9 defects 9, 10) -----

    def consult(self) -> Consult | None:
        """The consult of the call on the desk, as the call's events tell it."""
        call = self.store.call
        section = self.store.section(CallPartiesSection)
        return section.consult_on(call.call_id if call is not None else None)

    @property
    def consulting(self) -> bool:
        """This agent has the caller on hold and consults someone (ringing or answered)."""
        consult = self.consult()
        return (
            consult is not None
            and consult.phase in ("ringing", "answered")
            and consult.consulting.agent_id == self.store.agent_id
        )

    def _consulted(self) -> bool:
        """This agent is the consulted party of the call on its desk (still on the line)."""
        consult = self.consult()
        return (
            consult is not None
            and consult.live
            and consult.consulted.agent_id == self.store.agent_id
            and consult.consulting.agent_id != self.store.agent_id
        )

    def _dialling(self) -> bool:
        call = self.store.call
        return (
            self.store.state == "reserved"
            and call is not None
            and call.direction == "outbound"
            and call.status == "ringing"
        )

    def _consult_answered(self) -> bool:
        consult = self.consult()
        return consult is not None and consult.phase == "answered"

    def _show_call_line(self) -> None:
        state = self.store
        consult = self.consult()
        call = state.call
        booked = state.section(BookedCallbackSection).callback_on(call.call_id if call else None)
        self.query_one(CallLine).show(
            call_line_renderable(
                state.call,
                consult,
                me=state.agent_id,
                now=state.sim_now(),
                ringing_s=state.seconds_in_state(),
                centre_time=state.centre_time,
                keys=self.key,
                booked=booked,
            )
        )
        self._say_if_consult_ended(consult)
        self._say_booked_callback(booked)

    def _say_booked_callback(self, booked: BookedCallCard | None) -> None:
        """A booked callback fell due and is on this desk's line: said once, with its note."""
        if booked is None or self._booked_told == booked.call_id:
            return
        self._booked_told = booked.call_id
        mine = booked.booked_by == self.store.agent_id
        whose = "you booked" if mine else f"booked by {booked.booked_by or 'another agent'}"
        note = f": {booked.note}" if booked.note else ""
        self.notify(
            f"A callback {whose} is due, to {booked.number}{note}",
            title="预约回呼 Booked callback",
            timeout=8,
        )

    def _say_if_consult_ended(self, consult: Consult | None) -> None:
        """The other party left the consult by itself: said once, with what happens now."""
        if consult is None or consult.phase != "ended" or consult.ended_at is None:
            return
        if consult.ended_reason not in ("declined", "no_answer", "hung_up"):
            return
        told = (consult.call_id, consult.rang_at)
        if self._consult_end_told == told:
            return
        self._consult_end_told = told
        if consult.consulting.agent_id != self.store.agent_id:
            return  # the consulted agent left itself: its own desk needs no telling
        party = consult.consulted.label
        what = {
            "declined": f"{party} declined the consult 拒接",
            "no_answer": f"{party} did not answer 未接听",
            "hung_up": f"{party} left the call 已挂断",
        }[consult.ended_reason or ""]
        back = (
            "you are back with the caller"
            if consult.ended_reason == "hung_up"
            else (f"the caller is on hold: {self.key('call.hold')} takes them back")
        )
        self.notify(f"{what}; {back}.", title="Consult 咨询", severity="warning", timeout=8)

    def _ring_left_s(self) -> float | None:
        call = self.store.call
        if self.store.state != "reserved" or call is None or call.status != "ringing":
            return None
        timeout = self.codes.ring_timeout_s.get(call.queue_id or "")
        return None if timeout is None else timeout - self.store.seconds_in_state()

    def _ring(self, call: CallInfo) -> None:
        """A new call rings: the terminal's bell where it has one (and the agent wants it)."""
        if call.status == "ringing" and self.shell.ring_bell:
            self.app.bell()

    def _say_if_missed(self) -> None:
        """A call rang out: say so plainly, and what state that left the agent in."""
        state = self.store
        if state.state != "not_ready" or state.reason != "ring_no_answer":
            return
        if self._missed_since == state.state_since:
            return
        self._missed_since = state.state_since
        self.notify(
            "A call rang without an answer and went back to the queue. You are now "
            f"NOT READY (missed call); {self.key('agent.ready')} when you are ready again. "
            "未接来电: 已转回队列, 当前示忙",
            title="Missed call 未接来电",
            severity="warning",
            timeout=15,
        )

    def _say_if_ringing_elsewhere(self, call: CallInfo) -> None:
        """A team leader on the supervisor's screen must still hear the desk ring."""
        if call.status == "ringing" and self.shell.current_workspace != "desk":
            self.notify(
                f"A call is ringing at your desk: {self.key('app.switch')} goes there.",
                title="☎ Incoming call 来电",
                severity="warning",
                timeout=10,
            )

    def on_customer_card_shown(self, message: CustomerCard.Shown) -> None:
        call = self.store.call
        if call is not None and call.call_id == message.call_id:
            self._start_call(call)

    def _start_call(self, call: CallInfo) -> None:
        """A call that is new to the desk: bind the script, the ticket form, the tickets."""
        if self.call_id != call.call_id:
            return  # gone before its first frame was drawn
        self.orphan_ticket_draft = False
        self.query_one(KnowledgePane).reset()
        script_pane = self.query_one(ScriptPane)
        if call.queue_id:
            script_pane.clear("Loading the script 正在加载脚本…")
            self.load_script(call.call_id, call.queue_id)
        elif call.pop is None:
            script_pane.clear("Loading the call 正在加载通话…")  # its queue comes with the pop
        else:
            script_pane.clear("No script for this call (outbound). 本通话无脚本")
        customer = call.customer
        form = self.query_one(TicketForm)
        restored = form.start(
            self.shell.drafts,
            call_id=call.call_id,
            customer_id=call.customer_id or (customer.id if customer else None),
            customer_name=customer.name if customer else None,
            tickets=call.open_tickets,
        )
        if restored:
            self.notify(
                f"A ticket draft for this call came back. {self.key('desk.ticket')} shows it.",
                timeout=4,
            )
        if call.pop is None:
            # An outbound call (or one resumed after a restart) has no offered event: its
            # pop, the caller's tickets with it, is asked for.
            self.load_pop(call.call_id)
        elif form.customer_id:
            self.load_tickets(call.call_id, form.customer_id)
        # A key the agent pressed before this ran (the ticket key on a slow machine) wins.
        agent_chose_ticket = self.query_one(ContentSwitcher).current == PANE_TICKET
        if self.wrapup_call_id != call.call_id and not agent_chose_ticket:
            self._show_pane(PANE_SCRIPT)

    def _end_call(self) -> None:
        self.call_id = None
        self.verified = False
        self.query_one(CustomerCard).show_call(None)
        # The idle work area waits a frame: when the next call rings the moment the agent
        # is free (a queue at its peak), its card is drawn first, without redrawing the
        # whole work area in the same frame (IN4).
        self.call_after_refresh(self._show_idle_work_area)

    def _show_idle_work_area(self) -> None:
        if self.wrapup_call_id is not None:
            return  # the call went on into wrap-up: its panel stays
        if self.call_id is None:
            self.query_one(ScriptPane).clear(self._idle_text())
            self._show_pane(PANE_SCRIPT)
            self.set_focus(None)
        elif self.query_one(ContentSwitcher).current == PANE_WRAPUP:
            self._show_pane(PANE_SCRIPT)  # the next call's own start fills the script

    def _start_wrapup(self, call_id: str) -> None:
        self.wrapup_call_id = call_id
        panel = self.query_one(WrapupPanel)
        panel.start(self.shell.drafts, call_id)
        panel.suggest(self.query_one(ScriptPane).outcome, self.key("desk.wrapup"))
        self.wrapup_warned = self.wrapup_extended = False
        self.wrapup_notes_sent = ""
        self._show_countdown()
        if self.query_one(ContentSwitcher).current != PANE_TICKET:
            self._show_pane(PANE_WRAPUP)
            self.query_one("#wrapup-notes", TextArea).focus()

    def _show_pane(self, pane: str) -> None:
        self.query_one(ContentSwitcher).current = pane
        self.refresh_key_hints()

    def _idle_text(self) -> str:
        return idle_text(self.key)

    def _bring_back_orphan_draft(self) -> None:
        """A ticket draft of this centre whose call is gone (a crash, a lost connection)
        comes back in the form, once: the next session does not offer it again."""
        if self.store.call is not None:
            return
        if self.call_id is None:
            self.query_one(ScriptPane).clear(self._idle_text())
        drafts = self.shell.drafts
        pending = [d for d in drafts.pending(TICKET_DRAFT) if not d.offered]
        if not pending:
            return
        draft = pending[-1]
        self.query_one(TicketForm).start(
            drafts,
            call_id=draft.key,
            customer_id=draft.fields.get("customer_id"),
            customer_name=None,
            tickets=[],
        )
        drafts.mark_offered(draft)
        self.orphan_ticket_draft = True
        self.notify(
            f"An unsent ticket draft (call {draft.key}) came back. "
            f"{self.key('desk.ticket')} shows it; Esc there keeps or discards it.",
            timeout=8,
        )

    def on_ticket_form_close_requested(self, _: TicketForm.CloseRequested) -> None:
        """Esc in the ticket form: back to where the agent was; an orphan draft asks first."""
        if not self.orphan_ticket_draft:
            self._leave_ticket_pane()
            return
        choices = [
            Choice("keep", "Keep the draft for later 保留草稿"),
            Choice("discard", "Discard the draft 丢弃草稿"),
        ]
        self.app.push_screen(
            ChoicePicker("Unsent ticket draft 未提交的工单草稿", choices), self._orphan_decided
        )

    def _orphan_decided(self, choice: str | None) -> None:
        if choice is None:
            return
        form = self.query_one(TicketForm)
        if choice == "discard":
            form.discard_draft()
            self.orphan_ticket_draft = False
            self.notify("Ticket draft discarded 草稿已丢弃", timeout=3)
        self._leave_ticket_pane()

    def _leave_ticket_pane(self) -> None:
        back_to = self._pane_before_ticket
        if self.wrapup_call_id is not None:
            back_to = PANE_WRAPUP
        elif self.store.call is None or back_to == PANE_TICKET:
            back_to = PANE_SCRIPT
        self._show_pane(back_to)
        if back_to == PANE_WRAPUP:
            self.query_one("#wrapup-notes", TextArea).focus()
        elif self.store.call is not None:
            self.query_one(ScriptPane).focus()
        else:
            self.set_focus(None)

    # -- keys: what makes sense now ------------------------------------------------------

    def action_acknowledge_violation(self) -> None:
        self.query_one(ViolationNotice).acknowledge()  # the supervisor stream's (SV5)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A key that does not apply now still reaches its action, which says why (`_refused`);
        # the key hints show only what applies (`offers`).
        return True

    def _refused(self, action: str) -> bool:
        """True (and a short notice saying why) when `action` does not apply now."""
        if self.offers(action):
            return False
        self.notify(self.why_not(action), title="Not now 当前不可用", timeout=4)
        return True

    def why_not(self, action: str) -> str:
        """Why a key does nothing now, in the agent's words, with the key that would help."""
        state = self.store
        key = self.key
        on_call = state.state in ("busy", "reserved")
        reasons = {
            "ready": "You are ready already."
            if state.state == "ready"
            else f"Finish the call first; {key('agent.pending')} sets the state after it.",
            "not_ready": f"Finish the call first; {key('agent.pending')} sets the state after it.",
            "pending": "The state after a call is set during a call.",
            "answer": f"Your own dial rings at the far end: {key('call.hangup')} cancels it."
            if self._dialling()
            else "No call is ringing.",
            "reject": f"Your own dial rings at the far end: {key('call.hangup')} cancels it."
            if self._dialling()
            else "No call is ringing.",
            "toggle_hold": "The caller is on hold at the agent who consults you."
            if self._consulted()
            else "Hold needs a call you are talking on.",
            "hangup": "No call to hang up.",
            "survey": "The survey follows a call you are talking on (not during a consult).",
            "conference": "The consulted party has not answered yet."
            if self.consulting
            else "You are the one consulted: the agent who called you starts a conference."
            if self._consulted()
            else f"No consult in progress: {key('call.consult')} consults first.",
            "transfer": f"Finish the consult first ({key('call.consult')})."
            if self.consulting
            else "A transfer needs a call you are talking on.",
            "consult": "You are the one consulted: the agent who called you transfers."
            if self._consulted()
            else "A consult needs a call you are on.",
            "dial": "Dial between calls (ready or not ready)."
            if on_call or state.state == "wrap_up"
            else "Log in to dial.",
            "callback": f"A callback needs a caller with a record: {self._find_caller_help()}.",
            "find_caller": "No call: the caller is looked up during a call or its wrap-up.",
            "open_knowledge": "Log in first: the knowledge base is the centre's.",
            "focus_script": "No call: the script shows when a call rings.",
            "focus_ticket": "No call: a ticket is made for the caller of a call.",
            "submit_ticket": f"Open the ticket form first ({key('desk.ticket')}).",
            "extend_wrapup": "The wrap-up can be extended once, where the queue allows it."
            if state.state == "wrap_up"
            else "Nothing to extend: no wrap-up under way.",
            "wrapup": "Nothing to wrap up: wrap-up follows a call.",
        }
        return reasons.get(action, "This key does nothing here now.")

    def offers(self, action: str) -> bool:
        """The truth table of what each state allows (the key hints show these)."""
        state = self.store
        agent = state.state
        call = state.call
        status = call.status if call is not None else None
        pane = self._current_pane()
        consulted = self._consulted()
        allowed: dict[str, bool] = {
            "ready": agent in ("not_ready", "logged_out"),
            "not_ready": agent in ("ready", "not_ready"),
            "pending": agent in ("reserved", "busy", "wrap_up"),
            "answer": status == "ringing" and not self._dialling(),
            "reject": status == "ringing" and not self._dialling(),
            "toggle_hold": agent == "busy" and status in ("talking", "held") and not consulted,
            "transfer": agent == "busy"
            and status in ("talking", "held")
            and not self.consulting
            and not consulted,
            "consult": agent == "busy" and status in ACTIVE_CALL and not consulted,
            "conference": agent == "busy" and self.consulting and self._consult_answered(),
            # A dial still ringing at the far end is cancelled by hanging up.
            "hangup": (agent == "busy" and status in ACTIVE_CALL) or self._dialling(),
            "survey": agent == "busy"
            and status in ACTIVE_CALL
            and not self.consulting
            and not consulted,
            "dial": agent in ("ready", "not_ready"),
            "callback": call is not None and call.customer is not None,
            "focus_script": call is not None and pane != PANE_SCRIPT,
            "focus_ticket": call is not None or self.orphan_ticket_draft or pane == PANE_TICKET,
            # In the hints for an unknown caller; the key works on any call (`_caller_call_id`).
            "find_caller": self._caller_call_id() is not None and self._caller_unknown(),
            "open_knowledge": agent != "logged_out",
            "submit_ticket": pane == PANE_TICKET,
            "wrapup": agent == "wrap_up",
            "extend_wrapup": agent == "wrap_up"
            and not self.wrapup_extended
            and bool(self._extend_s()),
        }
        return allowed.get(action, True)

    def action_labels(self) -> dict[str, str]:
        call = self.store.call
        labels: dict[str, str] = {}
        if call is not None and call.status == "held":
            labels["call.hold"] = "Retrieve 取回"
        if self._current_pane() == PANE_TICKET:
            labels["desk.ticket"] = "Close ticket 关闭工单"
        if self._current_pane() == PANE_KNOWLEDGE:
            labels["desk.knowledge"] = "Close knowledge 关闭知识库"
        return labels

    def unfinished_work(self) -> str | None:
        state = self.store.state
        if self.store.call is not None or state in ("reserved", "busy"):
            return "A call is on your desk. 通话进行中"
        if state == "wrap_up":
            return "The wrap-up is not finished. 话后未完成"
        if self.orphan_ticket_draft or self.query_one(TicketForm).has_unsent_text():
            return "A ticket draft is not sent (it is kept). 工单未提交"
        return None

    def logout_allowed(self) -> bool:
        # Not with a call on the desk: the shift ends between calls.
        return self.store.state in ("ready", "not_ready", "logged_out")

    async def logout_reason(self) -> tuple[bool, str | None]:
        labels = {c.code: c.label or c.code for c in self.codes.reason_codes}
        choices = [Choice(code, labels.get(code, code)) for code in LOGOUT_REASONS]
        reason = await self.app.push_screen_wait(ChoicePicker("Log out 登出: why?", choices))
        return reason is not None, reason

    def _current_pane(self) -> str | None:
        try:
            return self.query_one(ContentSwitcher).current
        except NoMatches:  # the footer asks before the screen is composed
            return None

    def on_key(self, event: events.Key) -> None:
        """Option keys reach the script during a call when no text field has the focus."""
        if isinstance(self.focused, Input | TextArea | Select | ScriptPane):
            return
        call = self.store.call
        if call is None or call.status not in ACTIVE_CALL:
            return
        pane = self.query_one(ScriptPane)
        if self._current_pane() != PANE_SCRIPT:
            return
        key = event.character if event.key != "backspace" else "backspace"
        if key and pane.handles_key(key):
            event.stop()
            if key == "backspace":
                pane.back()
            else:
                pane.choose(key)

    # -- running requests without blocking ----------------------------------------------

    async def _attempt(self, what: str, request: Awaitable[T]) -> tuple[bool, T | None]:
        """Await a request; on failure say why (the server's own words) and carry on."""
        return await attempt(self.notify, what, request)

    @work(exclusive=True, group="codes", exit_on_error=False)
    async def load_codes(self) -> None:
        ok, codes = await self._attempt("load the codes", self.shell.api.codes())
        if ok and codes is not None:
            self.codes = codes
            use_codes(codes)
            categories = [(c.code, c.label or c.code) for c in codes.ticket_categories]
            self.query_one(TicketForm).set_categories(categories)

    @work(exclusive=True, group="script", exit_on_error=False)
    async def load_script(self, call_id: str, queue_id: str) -> None:
        if queue_id not in self.scripts_by_queue:
            ok, scripts = await self._attempt(
                "load the script", self.shell.api.scripts_for(queue_id)
            )
            if not ok:
                self.query_one(ScriptPane).clear("The script could not be loaded.")
                return
            self.scripts_by_queue[queue_id] = scripts[0] if scripts else None
        if self.call_id != call_id:
            return  # the call has gone while the script was on its way
        script = self.scripts_by_queue[queue_id]
        pane = self.query_one(ScriptPane)
        if script is None:
            pane.clear(f"No script for queue {queue_id}.")
            return
        pane.set_script(script, self._script_values(self.store.call))
        if self._resumed_call == call_id:
            await self._resume_walk(call_id)

    @work(exclusive=True, group="parties", exit_on_error=False)
    async def restore_parties(self, call_id: str) -> None:
        """Back on a call after logging in again: who else is on its line (a consult)."""
        ok, events = await self._attempt(
            "find who is on the line", self.shell.api.call_party_events(call_id)
        )
        if ok and events and self.call_id == call_id:
            section = self.store.section(CallPartiesSection)
            self.shell.publish(section.restore(events, self.store))

    async def _resume_walk(self, call_id: str) -> None:
        """Back on a call after logging in again: the script where the agent left it."""
        ok, progress = await self._attempt(
            "find where the script was", self.shell.api.script_progress(call_id)
        )
        pane = self.query_one(ScriptPane)
        if not ok or progress is None or self.call_id != call_id or not progress.path:
            return
        if pane.resume(list(progress.path)) and pane.walker is not None:
            self.verified = bool(identity_verified(pane.walker))
            call = self._call()
            if call is not None:
                self.query_one(CustomerCard).show_call(call, verified=self.verified)

    @work(exclusive=True, group="pop", exit_on_error=False)
    async def load_pop(self, call_id: str) -> None:
        ok, pop = await self._attempt("look the caller up", self.shell.api.pop(call_id))
        if not ok or pop is None or self.call_id != call_id:
            return
        self.shell.publish(self.store.set_pop(call_id, pop))
        call = self.store.call
        if call is None or call.call_id != call_id:
            return
        if call.queue_id:
            self.load_script(call_id, call.queue_id)
        else:
            self.query_one(ScriptPane).clear("No script for this call (outbound). 本通话无脚本")
        if call.customer is not None:
            self.query_one(TicketForm).start(
                self.shell.drafts,
                call_id=call_id,
                customer_id=call.customer_id,
                customer_name=call.customer.name,
                tickets=call.open_tickets,
            )

    @work(exclusive=True, group="tickets", exit_on_error=False)
    async def load_tickets(self, call_id: str, customer_id: str) -> None:
        ok, tickets = await self._attempt(
            "list the caller's tickets", self.shell.api.tickets_for(customer_id)
        )
        if ok and self.call_id == call_id and tickets is not None:
            newest_first = sorted(tickets, key=lambda ticket: ticket.created_at, reverse=True)
            self.query_one(TicketForm).set_tickets(newest_first)

    def _script_values(self, call: CallInfo | None) -> dict[str, str]:
        state = self.store
        values = {
            "centre": self.centre_name or state.centre_name or DEFAULT_CENTRE_NAME,
            "agent.id": state.agent_id,
            "agent.name": state.agent_name,
        }
        if call is None:
            return values
        customer = call.customer
        values.update(
            {
                "call.id": call.call_id,
                "call.ani": call.ani or "",
                "call.queue": call.queue_id or "",
                "customer.id": (customer.id if customer else None) or call.customer_id or "",
                "customer.name": customer.name if customer else "",
                "customer.tier": (customer.tier if customer else None) or call.tier or "",
                "account.id": customer.account if customer else "",
            }
        )
        return values

    @work(group="command", exit_on_error=False)
    async def run_command(self, what: str, make: Callable[[], Awaitable[Any]]) -> None:
        """A call or state command: no retry (the server's state decides), errors shown."""
        await self._attempt(what, make())

    def _call(self) -> CallInfo | None:
        return self.store.call

    # -- state toggles -------------------------------------------------------------------

    def action_ready(self) -> None:
        if self._refused("ready"):
            return
        self.run_command("go ready", lambda: self.shell.api.set_state("ready"))

    def action_not_ready(self) -> None:
        if self._refused("not_ready"):
            return
        choices = code_choices(self.codes.reason_codes, skip=SYSTEM_REASONS)
        self.app.push_screen(
            ChoicePicker("Not ready 示忙: why?", choices, selected=self.store.reason),
            self._not_ready_picked,
        )

    def _not_ready_picked(self, reason: str | None) -> None:
        if reason is not None:
            self.run_command("go not ready", lambda: self.shell.api.set_state("not_ready", reason))

    def action_pending(self) -> None:
        if self._refused("pending"):
            return
        choices = [Choice("ready", "Ready after this call 话后就绪")]
        choices += [
            Choice(f"not_ready:{c.value}", f"Not ready after this call: {c.label}")
            for c in code_choices(self.codes.reason_codes, skip=SYSTEM_REASONS)
        ]
        if self.store.pending is not None:
            choices.insert(0, Choice("clear", "No pending state 取消预约状态"))
        self.app.push_screen(
            ChoicePicker("After this call 话后状态", choices), self._pending_picked
        )

    def _pending_picked(self, choice: str | None) -> None:
        api = self.shell.api
        if choice is None:
            return
        if choice == "clear":
            self.run_command("clear the pending state", api.clear_pending)
            return
        state, _, reason = choice.partition(":")
        requested = cast(RequestableState, state)
        self.run_command(
            "set the pending state", lambda: api.set_pending(requested, reason or None)
        )

    # -- call controls -------------------------------------------------------------------

    def _call_command(self, what: str, command: Callable[[str], Awaitable[Any]]) -> None:
        call = self._call()
        if call is not None:
            call_id = call.call_id
            self.run_command(what, lambda: command(call_id))

    def action_answer(self) -> None:
        if self._refused("answer"):
            return
        self._call_command("answer", self.shell.api.answer)

    def action_reject(self) -> None:
        if self._refused("reject"):
            return
        self._call_command("reject the call", self.shell.api.reject)

    def action_toggle_hold(self) -> None:
        if self._refused("toggle_hold"):
            return
        call = self._call()
        api = self.shell.api
        if call is not None and call.status == "held":
            self._call_command("take the caller off hold", api.retrieve)
            return
        # The step on screen says the hold phrase: the agent has just read it to the caller.
        walker = self.query_one(ScriptPane).walker
        request = HoldRequest(
            phrase=walker is not None and carries_phrase(walker.step, "hold"),
            script_step=walker.current if walker is not None else None,
        )
        self._call_command("hold", lambda call_id: api.hold(call_id, request))

    def action_hangup(self) -> None:
        if self._refused("hangup"):
            return
        self._call_command("hang up", self.shell.api.hangup)

    def action_conference(self) -> None:
        if self._refused("conference"):
            return
        self._consult_step("conference")

    def action_transfer(self) -> None:
        if self._refused("transfer"):
            return
        self.pick_transfer_target("blind")

    def action_consult(self) -> None:
        if self._refused("consult"):
            return
        if not self.consulting:
            self.pick_transfer_target("consult")
            return
        choices = [Choice("cancel", "Cancel: back to the caller 取消咨询")]
        if self._consult_answered():  # a party still ringing can only be given up on
            choices[:0] = [
                Choice("complete", "Complete the transfer 完成转接"),
                Choice("conference", "Conference all three 三方会议"),
            ]
        self.app.push_screen(ChoicePicker("Consult 咨询转接", choices), self._consult_step)

    def _consult_step(self, action: str | None) -> None:
        call = self._call()
        if action is None or call is None:
            return
        request = ConsultRequest.model_validate({"action": action})
        self._call_command(
            f"{action} the consult", lambda call_id: self.shell.api.consult(call_id, request)
        )
        self.refresh_key_hints()

    @work(exclusive=True, group="directory", exit_on_error=False)
    async def pick_transfer_target(self, mode: str) -> None:
        ok, directory = await self._attempt("load the directory", self.shell.api.directory())
        if not ok or directory is None:
            return
        choices = directory_choices(directory, me=self.store.agent_id)
        title = "Blind transfer 转接 to…" if mode == "blind" else "Consult 咨询 with…"
        target = await self.app.push_screen_wait(ChoicePicker(title, choices))
        call = self._call()
        if target is None or call is None:
            return
        kind, _, target_id = target.partition(":")
        request = TransferRequest(
            mode="consult" if mode == "consult" else "blind",
            agent_id=target_id if kind == "agent" else None,
            queue_id=target_id if kind == "queue" else None,
        )
        what = "consult" if mode == "consult" else "transfer"
        ok, _ = await self._attempt(what, self.shell.api.transfer(call.call_id, request))
        if ok and mode == "consult":
            self.notify(consult_notice(self.key), timeout=4)
        self.refresh_key_hints()

    def action_dial(self) -> None:
        if self._refused("dial"):
            return
        self.app.push_screen(DialDialog(), self._dial_given)

    def _dial_given(self, request: DialRequest | None) -> None:
        if request is not None:
            self.run_command("dial", lambda: self.shell.api.dial(request))

    def action_callback(self) -> None:
        if self._refused("callback"):
            return
        call = self._call()
        customer = call.customer if call is not None else None
        if call is None or customer is None:
            return
        number = call.ani or (customer.phones[0] if customer.phones else "")
        booking = self._book_callback(customer.id, customer.name, number)
        self.run_worker(booking, group="callback", exit_on_error=False)

    async def _book_callback(self, customer_id: str, customer_name: str, number: str) -> None:
        booked = await book_callback(
            self, customer_id=customer_id, customer_name=customer_name, number=number
        )
        if booked is not None:
            self.callbacks_scheduled.append(booked)

    def action_booked_callbacks(self) -> None:
        self.run_worker(show_booked_callbacks(self), group="callbacks", exit_on_error=False)

    # -- script, ticket, wrap-up -----------------------------------------------------------

    def action_focus_script(self) -> None:
        if self._refused("focus_script"):
            return
        self._show_pane(PANE_SCRIPT)
        self.query_one(ScriptPane).focus()

    def action_focus_ticket(self) -> None:
        if self._refused("focus_ticket"):
            return
        current = self.query_one(ContentSwitcher).current
        if current == PANE_TICKET:  # the key that opened the form closes it, as Esc does
            self.on_ticket_form_close_requested(TicketForm.CloseRequested())
            return
        self._pane_before_ticket = current or PANE_SCRIPT
        self._show_pane(PANE_TICKET)
        form = self.query_one(TicketForm)
        first_empty = "#ticket-category" if not form.fields()["category"] else "#ticket-subject"
        self.query_one(first_empty).focus()

    def on_script_pane_walked(self, message: ScriptPane.Walked) -> None:
        walker = message.pane.walker
        self.verified = bool(walker is not None and identity_verified(walker))
        call = self._call()
        if call is not None and self.step_reporter is not None:
            walked = self.step_reporter.report(
                call.call_id, message.from_step, message.key, message.step_id
            )
            self.run_worker(walked, group="script-steps")
        if call is not None:
            self.query_one(CustomerCard).show_call(call, verified=self.verified)
        ticket = message.action.get("open_ticket")
        if isinstance(ticket, dict) and call is not None:
            self.query_one(TicketForm).prefill({k: str(v) for k, v in ticket.items()})
            self.action_focus_ticket()
        if self.wrapup_call_id is not None:
            self.query_one(WrapupPanel).suggest(message.pane.outcome, self.key("desk.wrapup"))

    def action_submit_ticket(self) -> None:
        if self._refused("submit_ticket"):
            return
        try:
            request = self.query_one(TicketForm).request()
        except ValueError as problem:
            self.notify(str(problem), title="Ticket not sent", severity="warning")
            return
        self.submit_ticket(request)

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def submit_ticket(self, request: TicketCreateRequest) -> None:
        # The draft's request_id makes this safe to press twice or retry after a timeout.
        ok, ticket = await self._attempt("save the ticket", self.shell.api.create_ticket(request))
        if not ok or ticket is None:
            return
        self.query_one(TicketForm).submitted(ticket)
        self.shell.publish(self.store.add_ticket(ticket))
        self.orphan_ticket_draft = False
        self.notify(f"Ticket {ticket.id} saved 工单已创建", timeout=4)
        self._leave_ticket_pane()

    # The wrap-up clock: notes reach the centre as they are typed (an automatic wrap-up
    # carries them), a warning before the end, one extension where the queue allows it.

    def _extend_s(self) -> float:
        call = self.store.call
        queue_id = call.queue_id if call is not None else None
        return self.codes.wrapup_extend_s.get(queue_id or "", 0.0)

    def _show_countdown(self) -> None:
        remaining = self.store.wrapup_remaining()
        extend_s = self._extend_s()
        hint = None
        if extend_s and not self.wrapup_extended:
            hint = f"{self.key('desk.extend_wrapup')} adds {extend_s:g} s, once 延长一次"
        self.query_one(WrapupPanel).show_countdown(remaining, hint)
        if remaining is not None and 0 < remaining < WARN_S and not self.wrapup_warned:
            self.wrapup_warned = True
            self._send_notes()
            self.app.bell()
            more = f" {hint} more." if hint else ""
            self.notify(
                f"Wrap-up ends in {remaining:.0f} s: your notes go with it.{more}",
                title="Wrap-up 话后 ending",
                severity="warning",
                timeout=8,
            )

    def on_wrapup_panel_notes_changed(self, _: WrapupPanel.NotesChanged) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_SAVE_AFTER_S, self._send_notes)

    def _send_notes(self) -> None:
        call_id = self.wrapup_call_id
        notes = self.query_one(WrapupPanel).notes
        if call_id is None or notes == self.wrapup_notes_sent:
            return
        request = WrapupNotesRequest(notes=notes, script_path=self.query_one(ScriptPane).path)
        self.send_notes(call_id, request)

    @work(exclusive=True, group="wrapup-notes", exit_on_error=False)
    async def send_notes(self, call_id: str, request: WrapupNotesRequest) -> None:
        try:
            await self.shell.api.save_wrapup_notes(call_id, request)
        except (ApiError, ServerUnreachable):
            return  # the local draft still has them; the next change or the warning retries
        if self.wrapup_call_id == call_id:
            self.wrapup_notes_sent = request.notes

    def action_extend_wrapup(self) -> None:
        if self._refused("extend_wrapup"):
            return
        call_id = self.wrapup_call_id
        if call_id is not None:
            self.extend_wrapup(call_id)

    @work(exclusive=True, group="wrapup-extend", exit_on_error=False)
    async def extend_wrapup(self, call_id: str) -> None:
        ok, extended = await self._attempt(
            "extend the wrap-up", self.shell.api.extend_wrapup(call_id)
        )
        if ok and extended is not None:
            self.wrapup_extended = True
            self.wrapup_warned = False
            self.notify(f"Wrap-up extended by {self._extend_s():g} s 已延长话后", timeout=3)
            self.refresh_key_hints()

    def _wrapup_over(self) -> None:
        """The wrap-up ended: by the agent's code, or by the clock (then say so)."""
        panel = self.query_one(WrapupPanel)
        if panel.sent:
            return
        notes = panel.notes
        if notes == self.wrapup_notes_sent:
            panel.forget_draft()
            kept = " with your notes" if notes else ""
            self.notify(
                f"Wrap-up time ran out: the call was wrapped up automatically{kept}. "
                "话后时间已到, 已自动完成",
                title="Wrap-up 话后",
                severity="warning",
                timeout=10,
            )
        else:
            self.notify(
                "Wrap-up time ran out before your last notes reached the centre: "
                "they are kept on this desk as a draft.",
                title="Wrap-up 话后",
                severity="error",
                timeout=10,
            )

    def action_wrapup(self) -> None:
        if self._refused("wrapup"):
            return
        self._show_pane(PANE_WRAPUP)
        suggested = self.query_one(ScriptPane).outcome
        choices = code_choices(self.codes.wrapup_codes, skip=SYSTEM_WRAPUP_CODES)
        picker = ChoicePicker("Wrap-up code 结果代码", choices, selected=suggested)
        self.app.push_screen(picker, self._wrapup_code_picked)

    def _wrapup_code_picked(self, code: str | None) -> None:
        call_id = self.wrapup_call_id or self.store.last_call_id
        if code is None or call_id is None:
            return
        request = WrapupRequest(
            code=code,
            notes=self.query_one(WrapupPanel).notes,
            script_path=self.query_one(ScriptPane).path,
        )
        self.send_wrapup(call_id, request)

    @work(exclusive=True, group="wrapup", exit_on_error=False)
    async def send_wrapup(self, call_id: str, request: WrapupRequest) -> None:
        ok, _ = await self._attempt("wrap up", self.shell.api.wrapup(call_id, request))
        if ok:
            self.query_one(WrapupPanel).submitted()
            self.notify(f"Wrapped up: {code_label(request.code)} 话后完成", timeout=3)

    # -- who is calling (IN5): search, link, or add the caller's record --------------------

    def _caller_call_id(self) -> str | None:
        """The call whose caller may be looked up now: the one on the desk, or wrapping up."""
        call = self.store.call
        if call is not None and call.status != "ringing":
            return call.call_id
        return self.wrapup_call_id

    def _caller_unknown(self) -> bool:
        call = self.store.call
        if call is not None:
            return call.customer is None
        try:
            return self.query_one(TicketForm).customer_id is None
        except NoMatches:  # the footer asks before the screen is composed
            return False

    def _find_caller_help(self) -> str:
        return f"{self.key('desk.caller')} finds the customer or adds their record 查找或新建客户"

    def action_find_caller(self) -> None:
        call_id = self._caller_call_id()
        if call_id is None:
            self.notify(self.why_not("find_caller"), title="Not now 当前不可用", timeout=4)
            return
        call = self.store.call
        api = self.shell.api
        lookup = CallerLookup(
            lambda query: api.search_customers(query, call_id),
            number=call.ani if call is not None else None,
        )
        self.app.push_screen(lookup, lambda choice: self._caller_chosen(call_id, choice))

    def _caller_chosen(self, call_id: str, choice: CallerChoice | None) -> None:
        if choice is None:
            return
        request = CallerLinkRequest(
            request_id=new_request_id(),
            customer_id=choice.customer_id,
            new_customer=choice.new,
            need=choice.need,
        )
        self.link_caller(call_id, request)

    @work(exclusive=True, group="caller", exit_on_error=False)
    async def link_caller(self, call_id: str, request: CallerLinkRequest) -> None:
        made = self.shell.api.link_caller(call_id, request)
        ok, pop = await self._attempt("link the caller", made)
        if not ok or pop is None or pop.customer is None:
            return
        customer = pop.customer
        self.shell.publish(self.store.set_pop(call_id, pop))
        form = self.query_one(TicketForm)
        if form.call_id == call_id:  # what the agent typed stays; the form is the caller's now
            form.start(
                self.shell.drafts,
                call_id=call_id,
                customer_id=customer.id,
                customer_name=customer.name,
                tickets=list(pop.open_tickets),
            )
            if request.need:
                form.prefill({"subject": request.need})
        self.query_one(ScriptPane).set_values(self._script_values(self.store.call))
        self.refresh_key_hints()
        what = "New record" if request.new_customer is not None else "Caller"
        self.notify(f"{what}: {customer.name} ({customer.id}) 已关联来电", timeout=4)

    # -- the knowledge base beside the call (IN6) -------------------------------------------

    def _knowledge_queue(self) -> str | None:
        call = self.store.call
        return call.queue_id if call is not None else None

    def action_open_knowledge(self) -> None:
        if self._refused("open_knowledge"):
            return
        if self._current_pane() == PANE_KNOWLEDGE:  # the key that opened it closes it
            self._close_knowledge()
            return
        self._pane_before_knowledge = self._current_pane() or PANE_SCRIPT
        self._show_pane(PANE_KNOWLEDGE)
        # On a step that says to look it up, the step's words and article (the key the
        # step names opens it: the script's option keys stay the script's until then).
        wanted = self._step_knowledge() if self._pane_before_knowledge == PANE_SCRIPT else None
        pane = self.query_one(KnowledgePane)
        if wanted is None:
            pane.open()
        else:
            pane.open(wanted.query, wanted.article_id)

    def _step_knowledge(self) -> KnowledgeAction | None:
        walker = self.query_one(ScriptPane).walker
        arguments = (walker.step.action or {}).get("knowledge") if walker is not None else None
        if not isinstance(arguments, dict):
            return None
        try:
            return KnowledgeAction.model_validate(arguments)
        except ValidationError:
            return None  # `scripts check` reports a bad action; the walk goes on

    def on_knowledge_pane_close_requested(self, _: KnowledgePane.CloseRequested) -> None:
        self._close_knowledge()

    def on_knowledge_pane_article_shown(self, _: KnowledgePane.ArticleShown) -> None:
        self._offer_screen()  # supervisors see which article the agent reads

    def _close_knowledge(self) -> None:
        back_to = self._pane_before_knowledge
        if back_to == PANE_KNOWLEDGE or (back_to == PANE_WRAPUP and self.wrapup_call_id is None):
            back_to = PANE_SCRIPT
        self._show_pane(back_to)
        if back_to == PANE_WRAPUP:
            self.query_one("#wrapup-notes", TextArea).focus()
        elif back_to == PANE_TICKET:
            self.query_one("#ticket-subject").focus()
        elif self.store.call is not None:
            self.query_one(ScriptPane).focus()
        else:
            self.set_focus(None)

    # -- messages --------------------------------------------------------------------------

    # -- ticket tracking (TK2): my tickets and the caller's -------------------------------

    def action_track_tickets(self) -> None:
        call = self.store.call
        customer = call.customer if call is not None else None
        self.app.push_screen(
            TicketTracker(
                customer_id=customer.id if customer is not None else None,
                customer_name=customer.name if customer is not None else "",
            )
        )

    def action_practice(self) -> None:
        self.run_worker(start_practice(self), group="practice", exit_on_error=False)

    def action_callback_outcome(self) -> None:
        self.run_worker(enter_callback_outcome(self), group="callback-outcome", exit_on_error=False)

    def action_survey(self) -> None:  # IN8: survey.py
        call = self._call()
        if self._refused("survey") or call is None:
            return
        sending = send_to_survey(self.shell.api, self.notify, call.call_id)
        self.run_worker(sending, group="survey", exit_on_error=False)

    def action_my_shift(self) -> None:  # ST3: my_shift.py
        self.app.push_screen(MyShift(self.shell.store.user.name if self.shell.store.user else ""))

    def action_messages(self) -> None:
        self.shell.publish(self.store.mark_messages_read())
        self.app.push_screen(MessageLogScreen(), self._message_log_closed)

    def _message_log_closed(self, _: None) -> None:
        # What arrived while the log was open has been seen too.
        self.shell.publish(self.store.mark_messages_read())


def idle_text(key: Callable[[str], str]) -> str:
    """What the work area says between calls, with the keys that start something."""
    return (
        "No call. 空闲\n\n"  # two hints a line: a key never parts from its word at 80×24
        f"{key('agent.ready')} ready 就绪 · {key('agent.not_ready')} not ready 示忙\n"
        f"{key('call.dial')} dial 外呼 · {key('app.help')} keys"
    )


def consult_notice(key: Callable[[str], str]) -> str:
    return f"Consulting: {key('call.consult')} completes, conferences or cancels."


def _freeze_long_lived_objects() -> None:
    """Everything made so far (modules, the app, the desk's widgets) lives for the shift:
    keep it out of the collector's full passes, which otherwise stop the desk for ~50 ms
    several times a minute and land on screen pops (bench/screen_pop.py)."""
    gc.collect()
    gc.freeze()
