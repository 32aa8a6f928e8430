"""The knowledge base beside the call (issue 9, IN6), against the real server: searched in
Chinese and English as the agent types, read beside the caller's card, opened by the
script's step with its words, and published in the desk's `agent.screen`."""

from __future__ import annotations

from desk_live import World, answer_a_call, log_in_ready
from live_helpers import screen_text, until

from agent_tui.shell.app import ShellApp
from agent_tui.workspaces.desk.knowledge_pane import KnowledgePane
from agent_tui.workspaces.desk.screen import DeskScreen
from server_stub.server.testing import LiveServer, stored_log


def _pane(app: ShellApp) -> KnowledgePane:
    desk = app.screen
    assert isinstance(desk, DeskScreen)
    return desk.query_one(KnowledgePane)


def _work_area(app: ShellApp) -> str | None:
    desk = app.screen
    assert isinstance(desk, DeskScreen)
    return desk._current_pane()


async def test_a_chinese_search_as_typed_ranks_the_articles_and_one_opens_beside_the_call(
    app: ShellApp, world: World, live: LiveServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "fault", "C000001")
        await pilot.press("alt+k")
        await until(lambda: _work_area(app) == "knowledge-pane", pilot)
        pane = _pane(app)
        await pilot.press(*"宽带断线")  # no Enter: the search runs when typing pauses
        await until(lambda: bool(pane.hits), pilot)
        assert pane.hits[0].id == "fault_broadband_dropping"
        scores = [hit.score for hit in pane.hits]
        assert scores == sorted(scores, reverse=True)
        await pilot.press("enter")
        await until(lambda: pane.article_id == "fault_broadband_dropping", pilot)
        text = screen_text(app)
        assert "宽带" in text and "Caller 来电客户" in text  # the article beside the card
        # The supervisors' view of this desk names the article being read.
        await until(
            lambda: any(
                e[5].get("knowledge_article") == "fault_broadband_dropping"
                and e[5].get("pane") == "knowledge"
                for e in stored_log(live.runtime)
                if e[1] == "agent.screen" and e[3] == "1001"
            ),
            pilot,
        )
        await pilot.press("escape")
        await until(lambda: _work_area(app) == "script-pane", pilot)


async def test_an_english_search_finds_the_english_words_of_an_article(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "enquiry", "C000001")
        await pilot.press("alt+k")
        await until(lambda: _work_area(app) == "knowledge-pane", pilot)
        pane = _pane(app)
        await pilot.press(*"roaming abroad")
        await until(lambda: bool(pane.hits), pilot)
        assert pane.hits[0].id == "data_roaming"
        await pilot.press("alt+k")  # the key that opened it closes it
        await until(lambda: _work_area(app) == "script-pane", pilot)


async def test_the_scripts_look_it_up_step_opens_the_knowledge_base_with_its_words(
    app: ShellApp, world: World
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in_ready(pilot)
        await answer_a_call(pilot, world, "fault", "C000001")
        await pilot.press("3")  # the caller asks about an outage: the step says look it up
        await until(lambda: "knowledge base  Alt+K" in screen_text(app), pilot)
        await pilot.press("alt+k")
        pane = _pane(app)
        await until(lambda: pane.article_id == "outage_notices", pilot)
        await until(lambda: bool(pane.hits), pilot)
        assert "outage_notices" in [hit.id for hit in pane.hits]
        assert pane.query_one("#kb-query").value == "区域 停机 公告"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(lambda: _work_area(app) == "script-pane", pilot)
        await pilot.press("1")  # the script's keys are the script's again
        await until(lambda: "known_outage" in screen_text(app), pilot)
