"""The trainee's side of a training session: the scenario's call on the desk, and its score.

`TrainingWatch` sits (unseen) on the desk and asks every few seconds whether the agent is
in a training session (`GET /v1/training/me`); when one starts, it opens
`TrainingCallScreen` over the desk. That screen is the desk for the session's call, with
the desk's own keys (the same binding ids, so the agent's keymap holds) and the desk's own
pieces: the caller's card from the session's screen pop, the script pane, the ticket form
(its draft kept apart from the live desk's), consult and transfer to the session centre's
team leaders. Every action goes to the session's engine
(`POST /v1/training/sessions/{id}/desk`), never to the live floor. The caller's lines
appear as the caller says them, with the trainer's whispers; after the wrap-up, the score
with every point's reason. Closing it (the wrap-up key again) returns to the desk.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from agent_tui.actions import actions_of
from agent_tui.client.errors import ApiError
from agent_tui.drafts import DraftStore
from agent_tui.keymap import default_bindings
from agent_tui.ui.desk_view import call_from_pop, identity_verified
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import Choice, ChoicePicker, code_choices
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.dialogs import directory_choices
from agent_tui.workspaces.desk.script_pane import ScriptPane
from agent_tui.workspaces.desk.ticket_form import TicketForm
from agent_tui.workspaces.desk.training_second_caller import waiting_line
from agent_tui.workspaces.desk.wrapup_panel import WrapupPanel
from server_stub.protocol.api import Code
from server_stub.protocol.events import EventType
from server_stub.protocol.phrases import carries_phrase
from server_stub.protocol.scenario_model import TrainingScore
from server_stub.protocol.training_api import DeskAction, DeskActionKind, SessionView

WATCH_EVERY_S = 2.0  # how soon a trainee's desk notices a session the trainer started
FOLLOW_EVERY_S = 0.5  # how often the session's call is read while it is on screen
CALLER_STYLE = "bold #e0b860"
TRAINING_DRAFTS = "training"  # a subfolder: the live desk never offers these drafts back
PANE_SCRIPT, PANE_TICKET, PANE_WRAPUP = "training-script", "training-ticket", "training-wrapup"
PANE_SCORE = "training-score"
DESK_ACTIONS = (
    "answer",
    "toggle_hold",
    "transfer",
    "consult",
    "hangup",
    "focus_script",
    "focus_ticket",
    "submit_ticket",
    "wrapup",
)
# The desk's other actions (ready, dial, callbacks…) are the live desk's: not offered here.
_DESK_ACTION_NAMES = frozenset(action.action for action in actions_of("desk"))
SYSTEM_WRAPUP_CODES = frozenset({"auto"})  # the centre's, never picked by a person
CONSULT_STEPS = [
    Choice("complete", "Complete the transfer 完成转接"),
    Choice("conference", "Conference all three 三方会议"),
    Choice("cancel", "Cancel: back to the caller 取消咨询"),
]

TRAINING_CSS = """
TrainingCallScreen #training-title {
    padding: 0 1;
    height: 1;
    background: $warning 30%;
}
TrainingCallScreen #training-waiting {
    padding: 0 1;
    height: auto;
    display: none;
    background: $primary 20%;
}
TrainingCallScreen #training-waiting.-shown {
    display: block;
}
TrainingCallScreen #training-body {
    height: 1fr;
}
TrainingCallScreen #training-left {
    width: 34;
}
TrainingCallScreen.-wide #training-left {
    width: 52;
}
TrainingCallScreen #training-card {
    height: 1fr;
}
TrainingCallScreen #training-caller {
    height: 2fr;
}
TrainingCallScreen #training-work {
    width: 1fr;
}
"""


class TrainingWatch(Widget):
    """Opens the training call over the desk when a trainer (or the trainee) starts a session."""

    DEFAULT_CSS = "TrainingWatch { display: none; }"

    def __init__(self) -> None:
        super().__init__()
        self.shown: set[str] = set()

    def on_mount(self) -> None:
        self.set_interval(WATCH_EVERY_S, self.look)

    @work(exclusive=True, group="training-watch", exit_on_error=False)
    async def look(self) -> None:
        try:
            session = await shell_of(self.screen).api.my_session()
        except ApiError:
            return  # no session (404), or not now: look again later
        except Exception:
            return
        self.open(session)

    def open(self, session: SessionView) -> None:
        """The session's call over the desk, once (a practice the trainee started, at once)."""
        if session.id not in self.shown and not isinstance(self.app.screen, TrainingCallScreen):
            self.shown.add(session.id)
            self.app.push_screen(TrainingCallScreen(session))


def caller_block(session: SessionView) -> RenderableType:
    """What the caller said, the trainer's whispers and the trainee's tickets, in order."""
    lines = Table.grid(padding=(0, 1))
    lines.add_column(no_wrap=True)
    lines.add_column(overflow="fold")
    for event in session.events:
        if event.type == "call.caller_said":
            lines.add_row(Text("客户", style=CALLER_STYLE), Text(str(event.data.get("text", ""))))
        elif event.type == "training.whisper":
            whisper = Text(str(event.data.get("text", "")), style="italic")
            lines.add_row(Text("耳语", style="bold #c678dd"), whisper)
        elif event.type == EventType.TICKET_CREATED:
            made = f"{event.data.get('ticket_id', '')} ({event.data.get('category', '')})"
            lines.add_row(Text("工单", style="bold #5fa8d3"), Text(f"Ticket saved {made}"))
        elif event.type == EventType.CALL_ENDED and event.data.get("by") == "caller":
            lines.add_row(Text("挂机", style="bold #e06c75"), Text("The caller hung up."))
    return lines


def score_block(score: TrainingScore, close_key: str | None) -> RenderableType:
    """The score, then every point lost with its reason (a fatal step first); how to close
    the training call when nothing else is left (`close_key`)."""
    title = Text(f"Score 得分 {score.total:g} / {score.max_total:g}", style="bold #8fbf7f")
    parts: list[RenderableType] = [title]
    for fatal in score.fatal:
        parts.append(Text(f"✖ 0 points 零分: {fatal}", style="bold #e06c75"))
    for dimension in score.dimensions:
        for line in dimension.lines:
            if line.earned < line.possible:
                lost = f"−{line.possible - line.earned:g} {dimension.name}: {line.reason}"
                parts.append(Text(lost, style="#e06c75"))
    if not score.fatal and score.total == score.max_total:
        parts.append(Text("Every point earned. 满分", style="#8fbf7f"))
    if close_key is not None:
        parts.append(Text(f"\n{close_key} closes the training call. 返回工作台", style="dim"))
    return Group(*parts)


ENDED_TEXTS = {
    "stopped": "The trainer stopped this session. 培训师已结束本次培训",
    "abandoned": "This session was abandoned. 本次培训已中止",
}


def ended_block(session: SessionView, close_key: str) -> RenderableType:
    """A session over before its score: who ended it, and the way back to the desk."""
    said = ENDED_TEXTS.get(session.ended or "", "This session is over. 培训结束")
    return Group(
        Text(said, style="bold #e0b860"),
        Text("Your seat is back as it was. 座席状态已恢复", style="dim"),
        Text(f"\n{close_key} closes the training call. 返回工作台", style="dim"),
    )


def wrapup_deadline(session: SessionView) -> float | None:
    """When the trainee's wrap-up times out, on the session's clock (None: no limit)."""
    deadline: float | None = None
    for event in session.events:
        if event.type == EventType.AGENT_STATE_CHANGED and event.agent_id == session.trainee:
            value = event.data.get("wrapup_deadline")
            deadline = float(value) if isinstance(value, (int, float)) else None
    return deadline


def leg_of(session: SessionView) -> str:
    """The trainee's leg of the session's call, from its events: talking, held, consulting."""
    leg = "talking"
    for event in session.events:
        if event.call_id != session.call_id:
            continue
        if event.type == EventType.CALL_HELD and event.agent_id == session.trainee:
            leg = "held"
        elif event.type == EventType.CALL_RETRIEVED and event.agent_id == session.trainee:
            leg = "talking"
        elif event.type == EventType.CALL_OFFERED and event.data.get("consult_from"):
            leg = "consulting"
        elif event.type == EventType.CALL_TRANSFERRED:
            leg = "talking"
    return leg


class TrainingCallScreen(Screen[None]):
    DEFAULT_CSS = TRAINING_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("desk")  # type: ignore[assignment]

    def __init__(self, session: SessionView) -> None:
        super().__init__()
        self.session = session
        self.codes: list[Code] = []
        self._in_order = asyncio.Lock()  # the desk's actions reach the session as pressed
        self._wrapping = False

    def compose(self) -> ComposeResult:
        yield Static("", id="training-title")
        yield Static("", id="training-waiting")
        with Horizontal(id="training-body"):
            with Vertical(id="training-left"):
                yield CustomerCard(id="training-card")
                yield DetailPanel("Caller says 客户说", "", id="training-caller")
            with ContentSwitcher(initial=PANE_SCRIPT, id="training-work"):
                yield ScriptPane(self._key, id=PANE_SCRIPT)
                yield TicketForm(id=PANE_TICKET)
                yield WrapupPanel(id=PANE_WRAPUP)
                yield DetailPanel("Score 得分", "", id=PANE_SCORE)
        yield KeyHints(id="key-hints")

    def _key(self, binding_id: str) -> str:
        return shell_of(self).keymap.key(binding_id)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width >= 110, "-wide")
        self._start_ticket_form()
        self.load_script()
        self._draw()
        self.set_interval(FOLLOW_EVERY_S, self.follow)

    def _start_ticket_form(self) -> None:
        session, shell = self.session, shell_of(self)
        pop = session.pop
        customer = pop.customer if pop is not None else None
        drafts = DraftStore(shell.drafts.directory / TRAINING_DRAFTS)
        self.query_one(TicketForm).start(
            drafts,
            call_id=session.id,
            customer_id=customer.id if customer is not None else None,
            customer_name=customer.name if customer is not None else None,
            tickets=list(pop.open_tickets) if pop is not None else [],
        )

    @work(exclusive=True, group="training-script", exit_on_error=False)
    async def load_script(self) -> None:
        api, session = shell_of(self).api, self.session
        ok, scripts = await attempt(self.notify, "read the script", api.scripts_for(session.queue))
        script = next((s for s in scripts or [] if s.id == session.script), None)
        if ok and script is not None:
            pane = self.query_one(ScriptPane)
            pane.set_script(script, self._values())
            pane.focus()
        ok, codes = await attempt(self.notify, "read the codes", api.codes())
        if ok and codes is not None:
            self.codes = codes.wrapup_codes
            categories = [(c.code, c.label or c.code) for c in codes.ticket_categories]
            self.query_one(TicketForm).set_categories(categories)

    def _values(self) -> dict[str, str]:
        """What the script's text fills in: the trainee, and the caller's record."""
        values = {"agent.id": self.session.trainee}
        pop = self.session.pop
        if pop is not None and pop.customer is not None:
            values["customer.name"] = pop.customer.name
            values["customer.account"] = pop.customer.account or ""
        return values

    @work(exclusive=True, group="training-follow", exit_on_error=False)
    async def follow(self) -> None:
        if self.session.ended is not None:
            return
        try:
            self.session = await shell_of(self).api.training_session(self.session.id)
        except Exception:
            return
        self._draw()

    def _draw(self) -> None:
        session = self.session
        title = f"Training 培训 {session.id} · {session.trainee_state}"
        if session.paused and session.ended is None:
            title += " · paused 已暂停"
        self.query_one("#training-title", Static).update(f"{title} · {session.title}")
        walker = self.query_one(ScriptPane).walker
        verified = bool(walker is not None and identity_verified(walker))
        phone = session.phone_call_id
        if phone is not None and phone != session.call_id:  # a second caller: no record
            call = call_from_pop(phone, None, status=self._call_status())
            self.query_one(CustomerCard).show_call(call, verified=False)
        elif session.call_id is not None:
            call = call_from_pop(session.call_id, session.pop, status=self._call_status())
            self.query_one(CustomerCard).show_call(call, verified=verified)
        caller = self.query_one("#training-caller", DetailPanel)
        caller.show("Caller says 客户说", caller_block(session))
        caller.scroll_end(animate=False)
        waiting = waiting_line(session, self._key)
        strip = self.query_one("#training-waiting", Static)
        strip.update(waiting or "")
        strip.set_class(waiting is not None, "-shown")
        if session.score is not None:
            board = self.query_one(f"#{PANE_SCORE}", DetailPanel)
            close = self._key("desk.wrapup") if session.ended is not None else None
            board.show("Score 得分", score_block(session.score, close))
            self.query_one(ContentSwitcher).current = PANE_SCORE
        elif session.ended is not None:
            board = self.query_one(f"#{PANE_SCORE}", DetailPanel)
            board.show("Training over 培训结束", ended_block(session, self._key("desk.wrapup")))
            self.query_one(ContentSwitcher).current = PANE_SCORE
        elif session.trainee_state == "wrap_up":
            self._show_wrapup()
        self.refresh_bindings()
        offered = [a for a in DESK_ACTIONS if self.check_action(a, ())]
        self.query_one(KeyHints).show(shell_of(self).keymap, "desk", offered)

    def _show_wrapup(self) -> None:
        """The call has ended: the wrap-up pane, its countdown on the session's clock."""
        panel = self.query_one(WrapupPanel)
        if not self._wrapping:
            self._wrapping = True
            drafts = DraftStore(shell_of(self).drafts.directory / TRAINING_DRAFTS)
            panel.start(drafts, self.session.id)
            panel.suggest(self.query_one(ScriptPane).outcome, self._key("desk.wrapup"))
            if self.query_one(ContentSwitcher).current != PANE_TICKET:
                self.query_one(ContentSwitcher).current = PANE_WRAPUP
                panel.query_one("#wrapup-notes").focus()
        deadline = wrapup_deadline(self.session)
        panel.show_countdown(None if deadline is None else deadline - self.session.sim_time)

    def _call_status(self) -> str:
        state = self.session.trainee_state
        if state == "reserved":
            return "ringing"
        if state != "busy":
            return "ended"
        return "held" if leg_of(self.session) != "talking" else "talking"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in _DESK_ACTION_NAMES:
            return True
        state = self.session.trainee_state
        pane = self.query_one(ContentSwitcher).current
        if self.session.ended is not None:
            return action == "wrapup"
        if self.session.score is not None:  # the scenario's call is done: a second caller's
            second = {"answer": "reserved", "hangup": "busy", "wrapup": "wrap_up"}
            return second.get(action) == state
        leg = leg_of(self.session)
        call_on = state in ("busy", "wrap_up")
        offered = {
            "answer": state == "reserved",
            "toggle_hold": state == "busy" and leg != "consulting",
            "hangup": state == "busy" and leg != "consulting",
            "transfer": state == "busy" and leg != "consulting",
            "consult": state == "busy",
            "focus_script": call_on and pane != PANE_SCRIPT and state != "wrap_up",
            "focus_ticket": call_on and pane != PANE_TICKET,
            "submit_ticket": pane == PANE_TICKET,
            "wrapup": state == "wrap_up",
        }
        return offered.get(action, False)

    # ------------------------------------------------------------------ the desk's keys

    def action_answer(self) -> None:
        self.act("answer")

    def action_toggle_hold(self) -> None:
        if leg_of(self.session) == "held":
            self.act("retrieve")
            return
        # As on the live desk: the step on screen says the hold phrase, so it was said.
        walker = self.query_one(ScriptPane).walker
        said = {
            "phrase": walker is not None and carries_phrase(walker.step, "hold"),
            "script_step": walker.current if walker is not None else None,
        }
        self.act("hold", said)

    def action_hangup(self) -> None:
        self.act("hangup")

    def action_transfer(self) -> None:
        self._pick_colleague("blind")

    def action_consult(self) -> None:
        if leg_of(self.session) == "consulting":
            self.app.push_screen(ChoicePicker("Consult 咨询转接", CONSULT_STEPS), self._consult)
        else:
            self._pick_colleague("consult")

    def _pick_colleague(self, mode: str) -> None:
        choices = directory_choices(self.session.directory, me=self.session.trainee)
        title = "Blind transfer 转接 to…" if mode == "blind" else "Consult 咨询 with…"

        def chosen(target: str | None) -> None:
            if target is None:
                return
            kind, _, target_id = target.partition(":")
            where = {"to_agent": target_id} if kind == "agent" else {"to_queue": target_id}
            self.act("transfer", {**where, "mode": mode})

        self.app.push_screen(ChoicePicker(title, choices), chosen)

    def _consult(self, step: str | None) -> None:
        if step is not None:
            self.act("consult", {"action": step})

    def action_focus_script(self) -> None:
        if self.session.trainee_state == "wrap_up":
            self.query_one(ContentSwitcher).current = PANE_WRAPUP
            self.query_one("#wrapup-notes").focus()
        else:
            self.query_one(ContentSwitcher).current = PANE_SCRIPT
            self.query_one(ScriptPane).focus()
        self._draw()

    def action_focus_ticket(self) -> None:
        self.query_one(ContentSwitcher).current = PANE_TICKET
        form = self.query_one(TicketForm)
        first_empty = "#ticket-category" if not form.fields()["category"] else "#ticket-subject"
        self.query_one(first_empty).focus()
        self._draw()

    def on_ticket_form_close_requested(self, _: TicketForm.CloseRequested) -> None:
        self.action_focus_script()

    def action_submit_ticket(self) -> None:
        form = self.query_one(TicketForm)
        problem = form.problem()
        if problem is not None:
            self.notify(problem, title="Ticket not sent", severity="warning")
            return
        fields = {k: v.strip() or None for k, v in form.fields().items() if isinstance(v, str)}
        self.submit_ticket({k: v for k, v in fields.items() if v is not None})

    @work(exclusive=True, group="training-ticket", exit_on_error=False)
    async def submit_ticket(self, fields: dict[str, Any]) -> None:
        if await self.act("ticket", fields).wait() is not None:
            self.query_one(TicketForm).discard_draft()
            self.notify("Ticket saved 工单已创建", timeout=4)
            self.action_focus_script()

    def action_wrapup(self) -> None:
        if self.session.ended is not None:
            self.dismiss()
            return
        choices = code_choices(self.codes, skip=SYSTEM_WRAPUP_CODES)
        if self.session.score is not None:  # a second caller's call: its code is enough
            picker = ChoicePicker("Wrap-up code 结果代码", choices)
            self.app.push_screen(picker, self._wrap_up_second)
            return
        suggested = self.query_one(ScriptPane).outcome
        picker = ChoicePicker("Wrap-up code 结果代码", choices, selected=suggested)
        self.app.push_screen(picker, self._wrap_up)

    def _wrap_up_second(self, code: str | None) -> None:
        if code is not None:
            self.act("wrapup", {"code": code})

    def _wrap_up(self, code: str | None) -> None:
        if code is None:
            return
        path = [list(choice) for choice in self.query_one(ScriptPane).path]
        notes = self.query_one(WrapupPanel).notes.strip()
        self.act("wrapup", {"code": code, "notes": notes, "script_path": path})

    @on(ScriptPane.Walked)
    def _walked(self, message: ScriptPane.Walked) -> None:
        if message.key is None:
            self.act("script_step", {"step": message.step_id, "back": True})
        else:
            step = {"step": message.from_step, "key": message.key, "next": message.step_id}
            self.act("script_step", step)
        ticket = message.action.get("open_ticket")
        if isinstance(ticket, dict):
            self.query_one(TicketForm).prefill({k: str(v) for k, v in ticket.items()})
            self.action_focus_ticket()

    @work(group="training-desk", exit_on_error=False)
    async def act(
        self, action: DeskActionKind, args: dict[str, Any] | None = None
    ) -> SessionView | None:
        request = DeskAction(action=action, args=args or {})
        async with self._in_order:
            sent = shell_of(self).api.session_desk(self.session.id, request)
            ok, view = await attempt(self.notify, action.replace("_", " "), sent)
        if ok and view is not None:
            self.session = view
            if view.score is not None:
                self.query_one(WrapupPanel).submitted()
            self._draw()
        return view
