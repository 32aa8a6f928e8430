"""The desk's widgets on their own, fed by hand-built state (rendering and keys, no server)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desk_fixtures import render_text, ringing_call, vip_pop
from textual.app import App, ComposeResult

from agent_tui.client.state import ClientStore
from agent_tui.drafts import DraftStore
from agent_tui.keymap import default_keymap
from agent_tui.ui.desk_view import card_renderable, step_renderable
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.workspaces.desk.customer_card import CustomerCard
from agent_tui.workspaces.desk.script_pane import ScriptPane
from agent_tui.workspaces.desk.state_bar import agent_line, world_line
from agent_tui.workspaces.desk.ticket_form import DRAFT_KIND, TicketForm
from server_stub.protocol.api import PendingState, Ticket
from server_stub.protocol.scripts import ScriptWalker, load_script

SCRIPTS = Path(__file__).resolve().parents[3] / "server_stub/centres/demo/scripts"
VALUES = {"centre": "示例客服中心", "agent.id": "1001", "customer.name": "张伟 Zhang Wei"}
KEYS = default_keymap().key


# -- state bar ----------------------------------------------------------------------------


def test_state_bar_shows_state_reason_time_in_state_and_the_pending_state(
    store: ClientStore,
) -> None:
    store.pending = PendingState(state="not_ready", reason="lunch")
    text = render_text(agent_line(store), width=120)
    assert "NOT READY 示忙 (小休 Break)" in text  # the label, never the code
    assert "2:05" in text  # sim 1000 - since 875
    assert "next ▸ NOT READY 示忙 (午餐 Lunch)" in text


def test_state_bar_shows_waiting_calls_and_the_longest_wait_of_the_agents_queues(
    store: ClientStore,
) -> None:
    text = render_text(world_line(store, show_queue_detail=False), width=120)
    assert "waiting 4" in text
    assert "longest 1:15 (fault)" in text


def test_state_bar_counts_down_to_the_wrap_up_deadline(store: ClientStore) -> None:
    store.state = "wrap_up"
    store.wrapup_deadline = 1042.0
    text = render_text(world_line(store, show_queue_detail=False), width=120)
    assert "wrap-up 0:42 left" in text


# -- customer card ------------------------------------------------------------------------


def test_card_shows_the_whole_screen_pop_from_the_offered_event() -> None:
    text = render_text(card_renderable(ringing_call(), verified=False), width=70)
    for expected in (
        "RINGING",
        "VIP 贵宾",
        "张伟 Zhang Wei",
        "ACC-778812",
        "13800138000, 010-62345678",
        "北京市海淀区中关村大街27号",
        "main 2",
        "0:42",
        "Prior contacts 历史来电 (1)",
        "宽带掉线 Broadband drops",
        "Open tickets 未结工单 (1)",
        "T000003",
        "not verified",
    ):
        assert expected in text, expected


def test_card_says_an_unknown_caller_is_unknown_and_still_shows_the_number() -> None:
    pop = vip_pop().model_copy(
        update={"customer": None, "tier": None, "contacts": [], "open_tickets": []}
    )
    call = replace(ringing_call(pop), tier=None)
    text = render_text(card_renderable(call, verified=False), width=70)
    assert "Unknown caller 未知来电" in text
    assert "13800138000" in text
    assert "VIP" not in text


class CardHost(App[None]):
    def compose(self) -> ComposeResult:
        yield CustomerCard(id="card")


async def test_a_vip_caller_makes_the_card_stand_out_and_notes_when_it_was_drawn() -> None:
    app = CardHost()
    async with app.run_test(size=(80, 24)) as pilot:
        card = app.query_one(CustomerCard)
        card.show_call(ringing_call())
        await pilot.pause()
        assert card.has_class("-vip")
        assert "C000042" in card.rendered_at
        pop = vip_pop()
        assert pop.customer is not None
        customer = pop.customer.model_copy(update={"tier": "normal"})
        normal = ringing_call(
            pop.model_copy(update={"call_id": "C2", "tier": "normal", "customer": customer})
        )
        card.show_call(normal)
        await pilot.pause()
        assert not card.has_class("-vip")


# -- script pane --------------------------------------------------------------------------


class ScriptHost(App[None]):
    def compose(self) -> ComposeResult:
        yield ScriptPane(KEYS, id="script")


async def test_option_keys_walk_the_script_and_backspace_goes_back() -> None:
    app = ScriptHost()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ScriptPane)
        pane.set_script(load_script(SCRIPTS / "fault_report.yaml"), VALUES)
        pane.focus()
        await pilot.press("1", "y", "1")
        assert pane.walker is not None
        assert pane.path == [("greet", "1"), ("verify", "y"), ("describe_fault", "1")]
        assert pane.walker.current == "basic_check"
        await pilot.press("backspace")
        assert pane.walker.current == "describe_fault"
        await pilot.press("9")  # not an option here: nothing moves
        assert pane.walker.current == "describe_fault"


def test_step_text_has_the_callers_data_the_rule_options_and_breadcrumb() -> None:
    walker = ScriptWalker(load_script(SCRIPTS / "fault_report.yaml"))
    walker.choose("1")
    text = render_text(step_renderable(walker, VALUES, KEYS, wide=True), width=120)
    assert "greet › verify" in text
    assert "张伟 Zhang Wei" in text
    assert "{customer.name}" not in text
    assert "Rule 规则: Do not discuss the account" in text
    assert " y  已核实 / Verified" in text


def test_passing_the_verify_step_marks_identity_verified_and_failing_it_does_not() -> None:
    from agent_tui.ui.desk_view import identity_verified

    script = load_script(SCRIPTS / "fault_report.yaml")
    walker = ScriptWalker(script)
    walker.choose("1")
    assert identity_verified(walker) is None
    walker.choose("y")
    assert identity_verified(walker) is True
    walker.back()
    walker.choose("n")
    assert identity_verified(walker) is False


# -- ticket form --------------------------------------------------------------------------


class TicketHost(App[None]):
    def __init__(self, drafts: DraftStore) -> None:
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        yield TicketForm(id="ticket")


async def test_a_ticket_draft_is_saved_as_typed_and_comes_back_with_its_request_id(
    tmp_path: Path,
) -> None:
    drafts = DraftStore(tmp_path)
    app = TicketHost(drafts)
    async with app.run_test(size=(100, 30)) as pilot:
        form = app.query_one(TicketForm)
        form.start(drafts, call_id="C9", customer_id="K1", customer_name="张伟", tickets=[])
        form.prefill({"category": "fault", "department": "network"})
        app.query_one("#ticket-subject").focus()
        await pilot.press(*"宽带掉线")
        await pilot.pause()
        first_request_id = form.request_id
    saved = drafts.load(DRAFT_KIND, "C9")
    assert saved is not None and saved["subject"] == "宽带掉线"
    assert saved["request_id"] == first_request_id

    app = TicketHost(drafts)  # the desk again, after a crash
    async with app.run_test(size=(100, 30)) as pilot:
        form = app.query_one(TicketForm)
        assert form.start(drafts, call_id="C9", customer_id="K1", customer_name=None, tickets=[])
        await pilot.pause()
        request = form.request()
        assert request.subject == "宽带掉线"
        assert request.category == "fault"
        assert request.department == "network"
        assert request.request_id == first_request_id
        assert request.call_id == "C9" and request.customer_id == "K1"
        form.submitted(
            Ticket(
                id="T1",
                request_id=request.request_id,
                customer_id="K1",
                call_id="C9",
                category="fault",
                subject="宽带掉线",
                description="",
                priority="normal",
                status="open",
                department="network",
                created_by="1001",
                created_at=1.0,
                updated_at=1.0,
            )
        )
        await pilot.pause()
        assert drafts.load(DRAFT_KIND, "C9") is None
        assert form.request_id != first_request_id
        assert form.tickets[0].id == "T1"


async def test_a_ticket_without_subject_or_category_is_not_sent(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path)
    app = TicketHost(drafts)
    async with app.run_test(size=(100, 30)):
        form = app.query_one(TicketForm)
        form.start(drafts, call_id="C9", customer_id="K1", customer_name=None, tickets=[])
        assert form.problem() == "Choose a category 请选择类别."
        form.prefill({"category": "complaint"})
        assert form.problem() == "Write a subject 请填写主题."


# -- pickers ------------------------------------------------------------------------------


class PickerHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.picked: list[str | None] = []

    def on_mount(self) -> None:
        choices = [
            Choice("queue:enquiry", "咨询 Enquiries"),
            Choice("queue:fault", "故障报修 Fault reports"),
            Choice("agent:a001", "李娜 Li Na (a001)", "team A · ready"),
        ]
        self.push_screen(ChoicePicker("Transfer to", choices), self.picked.append)


async def test_typing_in_a_picker_filters_and_enter_takes_the_first_match() -> None:
    app = PickerHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"li na", "enter")
        await pilot.pause()
    assert app.picked == ["agent:a001"]


async def test_arrow_keys_move_in_a_picker_and_escape_cancels() -> None:
    app = PickerHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.picked == ["queue:fault"]
    app = PickerHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.picked == [None]


# -- the desk as others see it (agent.screen) --------------------------------------------


def test_another_user_sees_the_agents_desk_from_its_screen_state_and_the_pop() -> None:
    from agent_tui.ui.desk_view import call_from_pop, desk_screen_renderable
    from server_stub.protocol.desk_screen import DeskScreenState, TicketDraftView

    script = load_script(SCRIPTS / "fault_report.yaml")
    walker = ScriptWalker(script)
    first = walker.step.options[0]
    screen = DeskScreenState(
        call_id="c7",
        customer_id="C000001",
        script_id=script.id,
        script_version=script.version,
        step=first.next,
        path=[(script.start, first.key)],
        ticket=TicketDraftView(category="fault", subject="断网 No internet", priority="high"),
        pane="ticket",
    )
    call = call_from_pop("c7", vip_pop())
    text = render_text(desk_screen_renderable(screen, call=call, script=script, keys=KEYS), 110)
    assert "Showing 正在显示: Ticket 工单" in text
    assert vip_pop().customer.name in text  # type: ignore[union-attr]
    assert script.steps[first.next].say.split("{")[0][:8] in text
    assert "断网 No internet" in text and "High" in text


def test_the_mirrored_desk_says_who_else_is_on_the_line_to_those_who_see_the_card() -> None:
    from agent_tui.ui.desk_view import call_from_pop, desk_screen_renderable
    from server_stub.protocol.desk_screen import DeskScreenState

    said = "⇄ Consulting 咨询 赵组长 (1100) · 班组长 team leader ● answered 已接通"
    screen = DeskScreenState(call_id="c7", pane="script", call_line=said)
    call = call_from_pop("c7", vip_pop())
    seen = render_text(desk_screen_renderable(screen, call=call, script=None, keys=KEYS), 110)
    assert said in seen
    masked = desk_screen_renderable(screen, call=call, script=None, keys=KEYS, card=False)
    assert "Consulting" not in render_text(masked, 110)  # a trainer: no caller's data


def test_a_screen_whose_path_does_not_fit_the_script_names_the_step_instead() -> None:
    from agent_tui.ui.desk_view import desk_screen_renderable
    from server_stub.protocol.desk_screen import DeskScreenState

    script = load_script(SCRIPTS / "fault_report.yaml")
    screen = DeskScreenState(script_id="fault_report", step="gone", path=[("nowhere", "9")])
    text = render_text(desk_screen_renderable(screen, call=None, script=script, keys=KEYS), 100)
    assert "Script fault_report at step gone" in text
    assert "No ticket draft" in text


async def test_a_restored_draft_keeps_a_category_the_built_in_list_does_not_have(
    tmp_path: Path,
) -> None:
    drafts = DraftStore(tmp_path)
    drafts.save(DRAFT_KIND, "C9", {"category": "billing", "subject": "账单 Bill"})
    app = TicketHost(drafts)
    async with app.run_test(size=(100, 30)) as pilot:
        form = app.query_one(TicketForm)
        form.start(drafts, call_id="C9", customer_id="K1", customer_name=None, tickets=[])
        await pilot.pause()
        assert form.fields()["category"] == "billing"
        # The server's categories arrive later: the agent's choice stays chosen.
        form.set_categories([("billing", "账务 Billing"), ("fault", "故障 Fault")])
        await pilot.pause()
        assert form.fields()["category"] == "billing"
        form.set_categories([("fault", "故障 Fault")])  # not offered any more: still kept
        await pilot.pause()
        assert form.request().category == "billing"
    saved = drafts.load(DRAFT_KIND, "C9")
    assert saved is not None and saved["category"] == "billing"


def test_codes_show_by_the_centres_labels_in_chinese_and_english() -> None:
    from agent_tui.ui.labels import code_label, state_label, use_centre_codes

    use_centre_codes([("info_given", "已告知 Information given"), ("coaching", "辅导 Coaching")])
    assert code_label("info_given") == "已告知 Information given"
    assert state_label("not_ready", "coaching") == "NOT READY 示忙 (辅导 Coaching)"
    assert state_label("not_ready", "ring_no_answer").startswith("NOT READY 示忙 (未接听 ")
    assert code_label("some_new_code") == "some_new_code"  # unknown: the code, not nothing
