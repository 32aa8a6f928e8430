"""The post-call survey (IN8) on the server: the agent sends its caller there and wraps up,
the caller scores from the queue's weights (or hangs up), the log replays the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from server_stub.centre.schema import CentreConfig, Survey
from server_stub.protocol.call_facts import session_facts
from server_stub.protocol.events import Event, EventType
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import asgi_client, login, paused_runtime, quiet_centre, stored_log
from tests.server.api_steps import ring, step, talking

SURVEY_TYPES = {
    EventType.CALL_SURVEY_OFFERED,
    EventType.CALL_SURVEY_SCORED,
    EventType.CALL_SURVEY_ABANDONED,
}


def centre_with(survey: Survey) -> CentreConfig:
    return quiet_centre().model_copy(update={"survey": survey})


def survey_events(runtime: CentreRuntime) -> list[tuple[float, str, str | None, Any]]:
    return [(e[0], e[1], e[3], e[5]) for e in stored_log(runtime) if e[1] in SURVEY_TYPES]


async def test_the_caller_sent_to_the_survey_scores_later_while_the_agent_wraps_up() -> None:
    runtime = paused_runtime(config=centre_with(Survey(scores={4: 1.0}, hang_up_share=0.0)))
    try:
        async with asgi_client(runtime) as api:
            agent = await login(api, "1001")
            call_id = await talking(api, agent)
            sent = await api.post(f"/v1/calls/{call_id}/survey", headers=agent)
            assert sent.status_code == 200, sent.text
            sent_at = runtime.now
            me = (await api.get("/v1/me", headers=agent)).json()
            assert me["state"] == "wrap_up" and me["calls_handled"] == 1
            ended = [e for e in stored_log(runtime) if e[1] == EventType.CALL_ENDED]
            assert [(e[2], e[5]["by"], e[5]["reason"]) for e in ended] == [
                (call_id, "agent", "survey")
            ]
            assert survey_events(runtime) == [
                (sent_at, EventType.CALL_SURVEY_OFFERED, "1001", {"by": "agent"})
            ]
            await step(api, 20)
            assert survey_events(runtime)[1:] == [
                (sent_at + 15, EventType.CALL_SURVEY_SCORED, "1001", {"score": 4})
            ]
            # The score is stored with the call: the facts evaluators and reports read.
            events = [e for e in runtime.store.iter_events() if e.call_id == call_id]
            facts = session_facts(events, call_id)
            assert facts.survey_score == 4 and len(facts.surveys) == 1
            contact = runtime.store.contact(call_id)  # and on its CDR row, for history
            assert contact is not None and contact.survey_score == 4
    finally:
        runtime.store.close()


async def test_a_caller_may_hang_up_in_the_survey_without_scoring() -> None:
    runtime = paused_runtime(config=centre_with(Survey(hang_up_share=1.0)))
    try:
        async with asgi_client(runtime) as api:
            agent = await login(api, "1001")
            call_id = await talking(api, agent)
            assert (await api.post(f"/v1/calls/{call_id}/survey", headers=agent)).is_success
            await step(api, 20)
            types = [e[1] for e in survey_events(runtime)]
            assert types == [EventType.CALL_SURVEY_OFFERED, EventType.CALL_SURVEY_ABANDONED]
            events = [e for e in runtime.store.iter_events() if e.call_id == call_id]
            facts = session_facts(events, call_id)
            assert facts.survey_hung_up and facts.survey_score is None
    finally:
        runtime.store.close()


async def test_a_queues_own_survey_block_overrides_only_what_it_sets() -> None:
    centre = centre_with(Survey(scores={5: 1.0}, hang_up_share=0.0, answer_s=4))
    queues = [
        q.model_copy(update={"survey": Survey(scores={2: 1.0})}) if q.id == "enquiry" else q
        for q in centre.queues
    ]
    runtime = paused_runtime(config=centre.model_copy(update={"queues": queues}))
    try:
        async with asgi_client(runtime) as api:
            agent = await login(api, "1001")
            call_id = await talking(api, agent)
            assert (await api.post(f"/v1/calls/{call_id}/survey", headers=agent)).is_success
            await step(api, 5)  # the centre's answer_s, the queue's scores
            assert survey_events(runtime)[-1][1:] == (
                EventType.CALL_SURVEY_SCORED,
                "1001",
                {"score": 2},
            )
    finally:
        runtime.store.close()


async def test_only_the_agent_talking_on_the_call_may_send_it_to_the_survey(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id = await ring(api, agent)
    ringing = await api.post(f"/v1/calls/{call_id}/survey", headers=agent)
    assert ringing.status_code == 409 and ringing.json()["error"]["code"] == "invalid_state"
    assert (await api.post(f"/v1/calls/{call_id}/answer", headers=agent)).is_success
    stranger = await api.post(f"/v1/calls/{call_id}/survey", headers=other)
    assert stranger.status_code == 403
    supervisor = await api.post(f"/v1/calls/{call_id}/survey", headers=await login(api, "s100"))
    assert supervisor.status_code == 403
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).is_success
    in_wrapup = await api.post(f"/v1/calls/{call_id}/survey", headers=agent)
    assert in_wrapup.status_code == 409
    assert survey_events(api_runtime) == []


async def _survey_then_wait(runtime: CentreRuntime, restart_db: Path | None) -> list[Event]:
    """Send three callers to the survey, optionally restart mid-survey, and let them score."""
    async with asgi_client(runtime) as api:
        agent = await login(api, "1001")
        for _ in range(3):
            call_id = await talking(api, agent)
            assert (await api.post(f"/v1/calls/{call_id}/survey", headers=agent)).is_success
            done = {"code": "resolved", "notes": "", "script_path": []}
            wrapped = await api.post(f"/v1/calls/{call_id}/wrapup", json=done, headers=agent)
            assert wrapped.is_success
    if restart_db is not None:
        await runtime.stop()
        runtime.store.close()
        runtime = paused_runtime(restart_db)
    try:
        async with asgi_client(runtime) as api:
            await step(api, 30)
        return [e for e in runtime.store.iter_events() if e.type in SURVEY_TYPES]
    finally:
        runtime.store.close()


async def test_scores_are_the_same_after_a_restart_in_the_middle_of_the_surveys(
    tmp_path: Path,
) -> None:
    straight = await _survey_then_wait(paused_runtime(tmp_path / "a.sqlite"), None)
    db = tmp_path / "b.sqlite"
    restarted = await _survey_then_wait(paused_runtime(db), db)
    assert len(straight) == 6
    shape = [(e.seq, e.sim_time, e.type, e.call_id, e.data) for e in straight]
    assert [(e.seq, e.sim_time, e.type, e.call_id, e.data) for e in restarted] == shape
