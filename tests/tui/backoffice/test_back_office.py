"""The back office against the real server: a department user's work queue, pulling the
next item, a transition by keys with its required field, the ticket's full history and
its deadlines in business time; an admin finds any ticket by its id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from live_helpers import (
    LoginPicture,
    client_as,
    frozen_app,
    log_in_as,
    screen_text,
    signed_in,
    until,
)
from textual.pilot import Pilot
from textual.widgets import DataTable

from agent_tui.client.api import new_request_id
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.ui.tables import highlighted_key
from agent_tui.ui.tickets import TicketLookup
from agent_tui.workspaces.backoffice.screen import BackOfficeScreen
from agent_tui.workspaces.backoffice.transition_dialog import TransitionDialog
from server_stub.protocol.api import TicketCreateRequest, TrainerCallRequest
from server_stub.protocol.workflow_api import TransitionRequest
from server_stub.server.testing import LiveServer

SIZES = [(80, 24), (120, 40)]


async def _tickets_on_a_call(
    live: LiveServer, *categories: tuple[str, str], agent_id: str = "1001"
) -> list[str]:
    """An agent (1001 unless named) takes a call and records a ticket per (category,
    priority) on it."""
    agent = await client_as(live.base_url, agent_id)
    trainer = await client_as(live.base_url, "t100")
    try:
        await agent.set_state("ready")
        await trainer.send_caller(TrainerCallRequest(queue_id="enquiry", customer_id="C000004"))
        call_id = (await agent.me()).call_id
        assert call_id is not None
        await agent.answer(call_id)
        made = []
        for category, priority in categories:
            ticket = await agent.create_ticket(
                TicketCreateRequest(
                    request_id=new_request_id(),
                    customer_id="C000004",
                    call_id=call_id,
                    category=category,
                    subject=f"光纤中断 Fibre cut ({priority})",
                    description="小区整栋楼断网 / The whole building is offline",
                    priority=priority,  # type: ignore[arg-type]
                )
            )
            made.append(ticket.id)
    finally:
        await agent.close()
        await trainer.close()
    return made


async def test_a_team_leader_pre_processes_its_own_teams_complaint_in_the_back_office(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    [ours] = await _tickets_on_a_call(centre, ("complaint", "high"))  # 1001, team A
    await _tickets_on_a_call(centre, ("complaint", "high"), agent_id="1002")  # team B
    app = frozen_app(centre, tmp_path, config_dir, "s100")  # team A's leader
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "supervisor")  # lands on the monitor, as before
        assert [spec.id for spec in app.open_workspaces] == ["supervisor", "backoffice"]
        await pilot.press("f12")
        await until(lambda: isinstance(app.screen, BackOfficeScreen), pilot)
        await until(lambda: _queue(app).row_count == 1, pilot)
        assert [row.key.value for row in _queue(app).ordered_rows] == [ours]  # not team B's
        await pilot.press("f3")  # pull next
        await until(lambda: f"Ticket 工单 {ours}" in screen_text(app), pilot)
        await pilot.press("f6")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press(*"forward", "enter")
        await until(lambda: isinstance(app.screen, TransitionDialog), pilot)
        await pilot.press(*"checked, over to the group", "enter")
        await until(lambda: isinstance(app.screen, BackOfficeScreen), pilot)
        await until(lambda: _queue(app).row_count == 0, pilot)
        group = await client_as(centre.base_url, "d102")  # the complaint group
        try:
            assert (await group.pull_next("complaint_group")).id == ours
            note = {"resolution_note": "已致歉并减免 Apologised, fee waived"}
            await group.take_transition(ours, TransitionRequest(transition="resolve", fields=note))
        finally:
            await group.close()
        # TK5: the result comes back to the team leader too
        await until(lambda: "结果 Result: 已致歉并减免" in screen_text(app), pilot)
    admin = await client_as(centre.base_url, "admin")
    try:
        stored = await admin.ticket_detail(ours)
    finally:
        await admin.close()
    assert stored.workflow is not None and stored.workflow.queue == "complaint_group"
    forwarded = [h for h in stored.history if h.transition == "forward"]
    assert [h.actor for h in forwarded] == ["s100"]
    assert "checked, over to the group" in forwarded[0].fields.values()


def _queue(app: Any) -> DataTable[Any]:
    table: DataTable[Any] = app.screen.query_one("#work-queue", DataTable)
    return table


async def test_a_department_user_pulls_the_next_item_and_resolves_it_by_keys(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    normal, urgent = await _tickets_on_a_call(centre, ("fault", "normal"), ("fault", "urgent"))
    app = frozen_app(centre, tmp_path, config_dir, "d100")  # network repair
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, "backoffice")
        assert isinstance(app.screen, BackOfficeScreen)
        await until(lambda: _queue(app).row_count == 2, pilot)
        rows = [row.key.value for row in _queue(app).ordered_rows]
        assert rows == [urgent, normal]  # the urgent one first
        text = screen_text(app)
        assert "在办 Mine 0 · 网络维修 Network repair 2" in text
        assert "15:00" in text  # an urgent fault's first response: 15 business minutes
        await pilot.press("f3")  # pull next
        await until(lambda: "在办 Mine 1 · 网络维修 Network repair 1" in screen_text(app), pilot)
        await until(lambda: "处理中 In progress" in screen_text(app), pilot)
        assert f"Ticket 工单 {urgent}" in screen_text(app)
        rows = [row.key.value for row in _queue(app).ordered_rows]
        assert rows == [urgent, normal]  # mine first, then the queue
        await pilot.press("f6")
        await until(lambda: isinstance(app.screen, ChoicePicker), pilot)
        await pilot.press(*"resolve", "enter")
        await until(lambda: isinstance(app.screen, TransitionDialog), pilot)
        await pilot.press("enter")  # nothing typed: the form says what is missing
        await until(lambda: "is required" in screen_text(app), pilot)
        await pilot.press(*"fibre spliced", "enter")
        await until(lambda: isinstance(app.screen, BackOfficeScreen), pilot)
        await until(lambda: "待回访 Callback pending" in screen_text(app), pilot)
        text = screen_text(app)
        for step in ("派单 Dispatch", "受理 Accept", "办结 Resolve", "fibre spliced", "d100"):
            assert step in text, step
    admin = await client_as(centre.base_url, "admin")
    try:
        stored = await admin.ticket_detail(urgent)
    finally:
        await admin.close()
    assert stored.workflow is not None and stored.workflow.state == "callback_pending"
    assert [h.transition for h in stored.history if h.transition][-2:] == [
        "resolve",
        "schedule_callback",
    ]


async def test_the_cursor_follows_the_ticket_pulled(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    (normal,) = await _tickets_on_a_call(centre, ("fault", "normal"))
    async with signed_in(centre, tmp_path, config_dir, "d100", "backoffice") as pilot:
        app = pilot.app
        await until(lambda: _queue(app).row_count == 1, pilot)
        assert highlighted_key(_queue(app)) == normal
        (urgent,) = await _tickets_on_a_call(centre, ("fault", "urgent"), agent_id="1002")
        await pilot.press("f5")  # the urgent one sorts on top; the cursor stays on its row
        await until(lambda: _queue(app).row_count == 2, pilot)
        assert [row.key.value for row in _queue(app).ordered_rows] == [urgent, normal]
        assert highlighted_key(_queue(app)) == normal
        await pilot.press("f3")  # pulls the urgent one: the panel and the cursor on it
        await until(lambda: "Holder     d100" in screen_text(app), pilot)
        assert f"Ticket 工单 {urgent}" in screen_text(app)
        assert highlighted_key(_queue(app)) == urgent


async def test_an_admin_finds_any_ticket_by_its_id(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    (billing,) = await _tickets_on_a_call(centre, ("billing", "high"))
    app = frozen_app(centre, tmp_path, config_dir, "admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_as(pilot, None)
        await pilot.press(*"back office", "enter")
        await until(lambda: isinstance(app.screen, BackOfficeScreen), pilot)
        await pilot.press("f2")
        await until(lambda: isinstance(app.screen, TicketLookup), pilot)
        await pilot.press(*billing, "enter")
        await until(lambda: f"Ticket 工单 {billing}" in screen_text(app), pilot)
        text = screen_text(app)
        for expected in (
            "已派单 Dispatched",
            "Queue      billing",
            "高 High",
            "The whole building",
        ):
            assert expected in text, expected


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_back_office_with_a_ticket_in_progress(
    login_picture: LoginPicture, centre: LiveServer, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await _tickets_on_a_call(centre, ("fault", "normal"), ("fault", "urgent"))
        await pilot.press("f5")
        await until(lambda: _queue(pilot.app).row_count == 2, pilot)
        await pilot.press("f3")
        mine = "在办 Mine 1" if size[0] > 80 else "在办 1"  # the Chinese names alone at 80
        await until(lambda: mine in screen_text(pilot.app), pilot)
        await until(lambda: "Holder     d100" in screen_text(pilot.app), pilot)

    assert login_picture("d100", "backoffice", size, steps)
