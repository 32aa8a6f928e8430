"""What the desk tells the centre (protocol/desk_screen.py): script steps, the hold phrase, the
desk's screen; each logged as an event, for the agent's own call only, seen by whom it may be.

1001 is team A's agent and 1002 team B's; s100 supervises A and s101 B; f100 is the floor
manager; t100 and e100 are the trainer and the evaluator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server_stub.protocol.events import Event, EventType
from server_stub.server.feed import EventHub
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import FULL, HIDDEN, Audience, Reach, audience_for
from server_stub.server.testing import LiveServer, login, stored_log
from tests.server.api_steps import talking
from tests.server.test_feed import _principal
from tests.server.test_feed_scope import _end_stream_marker, _everything_up_to_now, _login


def _events(runtime: CentreRuntime, type_: str) -> list[tuple[Any, ...]]:
    return [e for e in stored_log(runtime) if e[1] == type_]


async def test_each_script_step_walked_is_logged_with_the_call(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent)
    forward = {"step": "greet", "key": "1", "next": "verify"}
    sent = await api.post(f"/v1/calls/{call_id}/script", json=forward, headers=agent)
    assert sent.status_code == 201, sent.text
    back = await api.post(
        f"/v1/calls/{call_id}/script", json={"step": "verify", "back": True}, headers=agent
    )
    assert back.status_code == 201, back.text
    logged = _events(api_runtime, EventType.CALL_SCRIPT_STEP)
    assert [(e[2], e[3], e[4], e[5]) for e in logged] == [
        (call_id, "1001", "enquiry", forward),
        (call_id, "1001", "enquiry", {"step": "verify", "back": True}),
    ]


async def test_a_script_step_is_refused_on_another_agents_call_and_when_malformed(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id = await talking(api, agent)
    step = {"step": "greet", "key": "1", "next": "verify"}
    theirs = await api.post(f"/v1/calls/{call_id}/script", json=step, headers=other)
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == "not_your_call"
    no_key = await api.post(f"/v1/calls/{call_id}/script", json={"step": "greet"}, headers=agent)
    assert no_key.status_code == 422
    assert not _events(api_runtime, EventType.CALL_SCRIPT_STEP)


async def test_hold_carries_the_hold_phrase_and_step_only_when_the_desk_says_so(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent)
    said = {"phrase": True, "script_step": "listen"}
    assert (await api.post(f"/v1/calls/{call_id}/hold", json=said, headers=agent)).is_success
    assert (await api.post(f"/v1/calls/{call_id}/retrieve", headers=agent)).is_success
    assert (await api.post(f"/v1/calls/{call_id}/hold", headers=agent)).is_success  # no body
    held = _events(api_runtime, EventType.CALL_HELD)
    assert [e[5] for e in held] == [said, {}]


def _screen(call_id: str | None, step: str = "greet") -> dict[str, Any]:
    return {
        "call_id": call_id,
        "customer_id": "C000001",
        "script_id": "enquiry",
        "script_version": 1,
        "step": step,
        "path": [],
        "ticket": {"category": "fault", "subject": "断网", "description": "", "priority": "high"},
        "pane": "ticket",
    }


async def test_the_desk_screen_is_logged_on_change_only(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent = await login(api, "1001")
    call_id = await talking(api, agent)
    first = await api.put("/v1/agent/screen", json=_screen(call_id), headers=agent)
    again = await api.put("/v1/agent/screen", json=_screen(call_id), headers=agent)
    moved = await api.put("/v1/agent/screen", json=_screen(call_id, "verify"), headers=agent)
    assert first.status_code == again.status_code == moved.status_code == 200
    assert again.json()["seq"] == first.json()["seq"]  # unchanged: not logged again
    logged = _events(api_runtime, EventType.AGENT_SCREEN)
    assert [(e[2], e[3], e[5]["step"]) for e in logged] == [
        (call_id, "1001", "greet"),
        (call_id, "1001", "verify"),
    ]
    assert logged[0][5]["ticket"]["subject"] == "断网"


async def test_the_desk_screen_names_only_the_agents_own_call_and_is_rate_limited(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id = await talking(api, agent)
    forged = await api.put("/v1/agent/screen", json=_screen(call_id), headers=other)
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "not_your_call"
    answers = [
        await api.put("/v1/agent/screen", json=_screen(call_id, f"s{n}"), headers=agent)
        for n in range(12)
    ]
    assert answers[0].status_code == 200
    assert answers[-1].status_code == 429
    assert answers[-1].json()["error"]["code"] == "too_many_screens"


SCREEN_AUDIENCE = {
    "1001": FULL,  # its own
    "1002": HIDDEN,  # another agent
    "s100": FULL,  # its team's supervisor
    "s101": HIDDEN,  # another team's
    "f100": FULL,  # the floor manager
    "admin": FULL,
    "t100": HIDDEN,  # trainers see a trainee's desk in the session's own centre
    "e100": HIDDEN,
}


@pytest.mark.parametrize(("user_id", "level"), SCREEN_AUDIENCE.items())
async def test_who_sees_an_agents_screen_on_the_feed(
    api: httpx.AsyncClient, api_runtime: CentreRuntime, user_id: str, level: int
) -> None:
    headers = await login(api, user_id)
    principal = api_runtime.auth.authenticate(headers["Authorization"].removeprefix("Bearer "))
    assert principal is not None
    audience = audience_for(principal, api_runtime.floor)
    event = Event(
        seq=1,
        sim_time=0.0,
        wall_time=0.0,
        type=EventType.AGENT_SCREEN,
        agent_id="1001",
        data=_screen(None),
    )
    assert audience.admits(event) == level


async def test_the_trainers_live_stream_drops_the_agents_screen_and_keeps_the_rest() -> None:
    hub = EventHub(lambda after, upto, limit: [])
    trainer = Audience(Reach.of(_principal("t100", "trainer")))
    stream = hub.stream(trainer, last_event_id=None)
    first = asyncio.create_task(stream.__anext__())
    await asyncio.sleep(0)  # registered, waiting
    screen = Event(seq=1, sim_time=0, wall_time=0, type=EventType.AGENT_SCREEN, agent_id="1001")
    step = Event(seq=2, sim_time=0, wall_time=0, type=EventType.CALL_SCRIPT_STEP, agent_id="1001")
    hub.publish([screen])
    hub.publish([screen, step])
    chunk = await asyncio.wait_for(first, 2)
    assert b"event: call.script_step" in chunk and b"agent.screen" not in chunk


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        yield http


def test_the_trainers_live_stream_carries_script_steps_but_not_the_agents_screen(
    client: httpx.Client,
) -> None:
    agent, trainer = _login(client, "1001"), _login(client, "t100")
    client.post("/v1/agent/state", json={"state": "ready"}, headers=agent).raise_for_status()
    injected = client.post(
        "/v1/trainer/calls", json={"queue_id": "enquiry", "customer_id": "C000001"}, headers=trainer
    )
    call_id = injected.json()["call_id"]
    client.post(f"/v1/calls/{call_id}/answer", headers=agent).raise_for_status()
    step = {"step": "greet", "key": "1", "next": "verify"}
    client.post(f"/v1/calls/{call_id}/script", json=step, headers=agent).raise_for_status()
    client.put("/v1/agent/screen", json=_screen(call_id), headers=agent).raise_for_status()
    _end_stream_marker(client, "1001")
    types_for_trainer = {e["type"] for e in _everything_up_to_now(client, trainer)}
    types_for_agent = {e["type"] for e in _everything_up_to_now(client, agent)}
    assert EventType.CALL_SCRIPT_STEP in types_for_trainer
    assert EventType.AGENT_SCREEN not in types_for_trainer
    assert {EventType.CALL_SCRIPT_STEP, EventType.AGENT_SCREEN} <= types_for_agent


async def test_the_script_progress_folds_the_agents_steps_and_backs(
    api: httpx.AsyncClient,
) -> None:
    agent, other = await login(api, "1001"), await login(api, "1002")
    call_id = await talking(api, agent)
    for body in (
        {"step": "greet", "key": "6", "next": "knowledge_lookup"},
        {"step": "knowledge_lookup", "back": True},
        {"step": "greet", "key": "1", "next": "tariffs"},
    ):
        await api.post(f"/v1/calls/{call_id}/script", json=body, headers=agent)
    progress = await api.get(f"/v1/calls/{call_id}/script", headers=agent)
    assert progress.json() == {"call_id": call_id, "path": [["greet", "1"]]}
    theirs = await api.get(f"/v1/calls/{call_id}/script", headers=other)
    assert theirs.status_code == 403


async def test_an_agent_gets_back_only_the_messages_its_feed_would_carry(
    api: httpx.AsyncClient,
) -> None:
    agent = await login(api, "1001")
    admin = await login(api, "admin")
    for body in (
        {"text": "to you", "agent_id": "1001"},
        {"text": "to 1002", "agent_id": "1002"},
        {"text": "team A", "team_id": "A"},
        {"text": "team B", "team_id": "B"},
    ):
        sent = await api.post("/v1/supervisor/messages", json=body, headers=admin)
        assert sent.status_code == 201, sent.text
    mine = (await api.get("/v1/agent/messages", headers=agent)).json()
    assert [m["data"]["text"] for m in mine] == ["to you", "team A"]
