"""Training sessions on the real app: each on an engine and clock of its own, the caller's
lines as said, the trainer's controls, and the score at the end, the same on every run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from server_stub.protocol.call_facts import SCRIPT_STEP_EVENT
from server_stub.protocol.events import Event, EventType
from server_stub.server.runtime import CentreRuntime
from server_stub.server.store import Store
from server_stub.server.testing import (
    asgi_client,
    demo_centre,
    demo_scripts_dir,
    login,
    quiet_centre,
)
from tests.server.api_steps import ready, ring
from tests.training import demo_runs
from tests.training.test_scoring import score

TEAM_LEADER = "1100"


class FakeMonotonic:
    """The wall clock both the live floor and the sessions run on, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def runtime(clock: FakeMonotonic) -> Iterator[CentreRuntime]:
    """A live floor running at 1× on the fake clock, with the team leader at a seat."""
    quiet = quiet_centre()
    leader = next(a for a in demo_centre().agents if a.id == TEAM_LEADER)
    config = quiet.model_copy(update={"agents": [*quiet.agents, leader]})
    runtime = CentreRuntime(
        config, Store(":memory:"), speed=1.0, scripts_dir=demo_scripts_dir(), monotonic=clock
    )
    runtime.keep_customer_cache = True
    runtime.open()
    yield runtime
    runtime.store.close()


@pytest.fixture
async def api(runtime: CentreRuntime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(runtime) as client:
        yield client


async def start(api: httpx.AsyncClient, scenario: str, trainee: str = "1001") -> dict[str, Any]:
    trainer = await login(api, "t100")
    made = await api.post(
        "/v1/training/sessions",
        json={"request_id": f"r-{scenario}", "scenario": scenario, "trainee": trainee},
        headers=trainer,
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def said(view: dict[str, Any]) -> list[str]:
    return [e["data"]["text"] for e in view["events"] if e["type"] == "call.caller_said"]


async def test_pausing_a_session_leaves_the_live_floors_clock_running(
    api: httpx.AsyncClient, runtime: CentreRuntime, clock: FakeMonotonic
) -> None:
    trainer = await login(api, "t100")
    session = await start(api, "enquiry_tariffs")
    assert session["trainee_state"] == "reserved"  # the trainee's phone rings at once
    live_before = runtime.sim_now()
    url = f"/v1/training/sessions/{session['id']}"
    paused = await api.post(f"{url}/control", json={"action": "pause"}, headers=trainer)
    assert paused.json()["paused"] is True
    clock.now += 30
    view = (await api.get(url, headers=trainer)).json()
    assert view["sim_time"] == session["sim_time"]  # the session stands still
    assert runtime.sim_now() == live_before + 30  # the floor does not
    stepped = await api.post(
        f"{url}/control", json={"action": "step", "seconds": 5}, headers=trainer
    )
    assert stepped.json()["sim_time"] == session["sim_time"] + 5
    await api.post(f"{url}/control", json={"action": "resume"}, headers=trainer)
    clock.now += 10
    view = (await api.get(url, headers=trainer)).json()
    assert view["sim_time"] == session["sim_time"] + 15
    assert runtime.sim_now() == live_before + 40
    # Nothing of the session reaches the floor's log.
    assert not [e for e in runtime.store.iter_events() if e.type == "call.caller_said"]


async def test_the_caller_says_its_lines_as_the_trainee_walks_and_the_trainer_steers(
    api: httpx.AsyncClient, clock: FakeMonotonic
) -> None:
    session = await start(api, "enquiry_tariffs")
    trainee, trainer = await login(api, "1001"), await login(api, "t100")
    url = f"/v1/training/sessions/{session['id']}"
    mine = (await api.get("/v1/training/me", headers=trainee)).json()
    assert mine["id"] == session["id"] and said(mine) == []
    clock.now += 4
    answered = await api.post(f"{url}/desk", json={"action": "answer"}, headers=trainee)
    assert said(answered.json()) == [
        "喂,你好。 / Hello?",
        "你好,我想问一下现在有没有流量多一点的套餐? / Hi, do you have any plans with more "
        "mobile data?",
    ]
    step = {"step": "greet", "key": "1", "next": "tariffs"}
    walked = await api.post(
        f"{url}/desk", json={"action": "script_step", "args": step}, headers=trainee
    )
    assert (
        said(walked.json())[-1]
        == "每月59元的那个包含多少流量? / How much data does the 59-yuan plan include?"
    )
    angrier = await api.post(f"{url}/control", json={"action": "angrier"}, headers=trainer)
    assert (session["mood"], angrier.json()["mood"]) == ("calm", "neutral")
    await api.post(
        f"{url}/whisper", json={"text": "先确认需求 / ask what they need"}, headers=trainer
    )
    view = (await api.get(url, headers=trainee)).json()
    whispers = [e["data"]["text"] for e in view["events"] if e["type"] == "training.whisper"]
    assert whispers == ["先确认需求 / ask what they need"]


async def test_only_the_trainee_works_its_session_and_only_trainers_steer_it(
    api: httpx.AsyncClient,
) -> None:
    session = await start(api, "enquiry_tariffs")
    url = f"/v1/training/sessions/{session['id']}"
    other = await login(api, "1002")
    refused = await api.post(f"{url}/desk", json={"action": "answer"}, headers=other)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_session"
    assert (await api.get(url, headers=other)).status_code == 403
    for user in ("1001", "s100", "e100"):
        headers = await login(api, user)
        steer = await api.post(f"{url}/control", json={"action": "pause"}, headers=headers)
        assert steer.status_code == 403, user
    busy = await api.post(
        "/v1/training/sessions",
        json={"request_id": "again", "scenario": "vip_quick_change", "trainee": "1001"},
        headers=await login(api, "t100"),
    )
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "trainee_busy"


def desk_actions(events: list[Event]) -> list[tuple[float, dict[str, Any]]]:
    """What the trainee did in a demo run, as desk actions at their instants."""
    actions: list[tuple[float, dict[str, Any]]] = []
    for event in events:
        data = event.data
        if event.type == EventType.CALL_ANSWERED:
            actions.append((event.sim_time, {"action": "answer"}))
        elif event.type == SCRIPT_STEP_EVENT:
            actions.append((event.sim_time, {"action": "script_step", "args": data}))
        elif event.type == EventType.CALL_HELD:
            actions.append((event.sim_time, {"action": "hold"}))
        elif event.type == EventType.CALL_RETRIEVED:
            actions.append((event.sim_time, {"action": "retrieve"}))
        elif event.type == EventType.TICKET_CREATED:
            actions.append((event.sim_time, {"action": "ticket", "args": data}))
        elif event.type == EventType.CALL_ENDED and data.get("by") == "agent":
            actions.append((event.sim_time, {"action": "hangup"}))
        elif event.type == EventType.CALL_WRAPUP_COMPLETED:
            args = {k: data[k] for k in ("code", "notes", "script_path")}
            actions.append((event.sim_time, {"action": "wrapup", "args": args}))
    return actions


PLAYABLE = [
    "enquiry_tariffs",
    "fault_damaged_modem",
    "vip_quick_change",
    "fails_verification",
    "hold_hangup",
]


@pytest.mark.parametrize("scenario_id", PLAYABLE)
async def test_a_scenario_done_right_at_the_trainees_desk_scores_top_marks_every_run(
    api: httpx.AsyncClient, runtime: CentreRuntime, clock: FakeMonotonic, scenario_id: str
) -> None:
    trainee = await login(api, "1001")
    totals = []
    for attempt in range(2):
        session = await start(api, scenario_id) if attempt == 0 else await restart(api, scenario_id)
        view = await play_right_run(api, clock, session, trainee)
        assert view["score"] is not None
        lost = [
            (line["item"], line["reason"])
            for d in view["score"]["dimensions"]
            for line in d["lines"]
            if line["earned"] < line["possible"]
        ]
        assert lost == []
        assert view["score"]["total"] == view["score"]["max_total"] == 100
        totals.append(view["score"])
    assert totals[0] == totals[1]  # the same actions, the same score, line for line
    results = (
        await api.get("/v1/training/results?trainee=1001", headers=await login(api, "t100"))
    ).json()
    assert [(r["scenario"], r["total"]) for r in results] == [(scenario_id, 100.0)] * 2


async def play_right_run(
    api: httpx.AsyncClient,
    clock: FakeMonotonic,
    session: dict[str, Any],
    trainee: dict[str, str],
    run: list[Event] | None = None,
) -> dict[str, Any]:
    """The trainee does the demo's right run of the session's scenario (or `run`), each
    action at its instant on the session's clock; returns the session as the last action
    left it."""
    run = run if run is not None else demo_runs.RIGHT_RUNS[session["scenario"]]()
    url = f"/v1/training/sessions/{session['id']}"
    begun = session["sim_time"]
    view: dict[str, Any] = session
    for at, action in desk_actions(run):
        clock.now += begun + at - view["sim_time"]
        answer = await api.post(f"{url}/desk", json=action, headers=trainee)
        assert answer.status_code == 200, (action, answer.text)
        view = answer.json()
    return view


async def restart(api: httpx.AsyncClient, scenario_id: str) -> dict[str, Any]:
    trainer = await login(api, "t100")
    made = await api.post(
        "/v1/training/sessions",
        json={"request_id": f"again-{scenario_id}", "scenario": scenario_id, "trainee": "1001"},
        headers=trainer,
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


async def test_a_complaint_offered_a_remedy_hangs_up_furious_and_scores_as_the_pure_model(
    api: httpx.AsyncClient, clock: FakeMonotonic
) -> None:
    """The angry caller offered a remedy instead of his manager goes furious and hangs up
    (the scenario's `hangs_up_at_mood`); the session's score equals the pure scoring of
    the same call written by hand."""
    trainee = await login(api, "1001")
    session = await start(api, "angry_complaint")
    url = f"/v1/training/sessions/{session['id']}"
    clock.now += 5
    await api.post(f"{url}/desk", json={"action": "answer"}, headers=trainee)
    for at, step, key, following in (
        (15, "greet", "1", "verify"),
        (35, "verify", "y", "assess"),
        (60, "assess", "1", "resolve_now"),
    ):
        clock.now = 1000.0 + at
        walked = {"step": step, "key": key, "next": following}
        view = (
            await api.post(
                f"{url}/desk", json={"action": "script_step", "args": walked}, headers=trainee
            )
        ).json()
    assert view["mood"] == "furious" and ended(view) == [(60.0, "caller")]
    clock.now = 1000.0 + 90
    path = [["greet", "1"], ["verify", "y"], ["assess", "1"]]
    wrapup = {"code": "complaint_logged", "notes": "hung up", "script_path": path}
    done = await api.post(f"{url}/desk", json={"action": "wrapup", "args": wrapup}, headers=trainee)
    expected = score("angry_complaint", demo_runs.angry_complaint_remedy_offered())
    assert done.json()["score"]["total"] == expected.total < 100
    assert done.json()["score"]["dimensions"] == [
        d.model_dump(mode="json") for d in expected.dimensions
    ]


@pytest.mark.parametrize("run_name", sorted(demo_runs.WRONG_RUNS))
async def test_each_demo_wrong_run_is_what_a_real_session_does_and_scores_as_written(
    api: httpx.AsyncClient, clock: FakeMonotonic, run_name: str
) -> None:
    """The pure scoring tests' wrong runs, played on a real session: the caller hangs up
    (or not) where the run says, and the session's score is the run's, line for line."""
    scenario_id, make = demo_runs.WRONG_RUNS[run_name]
    run = make()
    session = await start(api, scenario_id)
    view = await play_right_run(api, clock, session, await login(api, "1001"), run)
    written = [(e.sim_time, e.data["by"]) for e in run if e.type == EventType.CALL_ENDED]
    assert ended(view) == written
    assert view["score"] == score(scenario_id, run).model_dump(mode="json")


async def test_a_scored_session_prefills_the_quality_form_from_the_same_facts(
    api: httpx.AsyncClient, clock: FakeMonotonic
) -> None:
    """The tariff enquiry answered after 14 s of ringing and ended at its first step: the
    score loses the answer limit and the closing, and the quality form is prefilled with
    the same two facts (slow to answer; no closing phrase), as a draft."""
    session = await start(api, "enquiry_tariffs")
    trainee, trainer = await login(api, "1001"), await login(api, "t100")
    url = f"/v1/training/sessions/{session['id']}"
    early = await api.get(f"{url}/quality", headers=trainer)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_scored"
    clock.now += 14
    await api.post(f"{url}/desk", json={"action": "answer"}, headers=trainee)
    walked = {"step": "greet", "key": "1", "next": "tariffs"}
    await api.post(f"{url}/desk", json={"action": "script_step", "args": walked}, headers=trainee)
    await api.post(f"{url}/desk", json={"action": "hangup"}, headers=trainee)
    wrapup = {"code": "info_given", "notes": "59元套餐", "script_path": [["greet", "1"]]}
    done = await api.post(f"{url}/desk", json={"action": "wrapup", "args": wrapup}, headers=trainee)
    losing = {
        d["name"]
        for d in done.json()["score"]["dimensions"]
        for line in d["lines"]
        if line["earned"] < line["possible"]
    }
    assert {"time", "phrases"} <= losing
    form = await api.get(f"{url}/quality", headers=trainer)
    assert form.status_code == 200, form.text
    evaluation = form.json()["evaluation"]
    assert (evaluation["agent_id"], evaluation["evaluator_id"], evaluation["status"]) == (
        "1001",
        "t100",
        "draft",
    )
    suggested = {
        (item, mark["id"], mark["suggested"])
        for item, marks in evaluation["marks"].items()
        for mark in marks["deductions"]
    }
    assert suggested == {
        ("slow_to_answer", "rang_long", True),
        ("standard_wording", "no_closing", True),
    }
    assert form.json()["score"]["total"] < 100
    # The trainee reads its own; nothing is stored among the evaluator's evaluations.
    assert (await api.get(f"{url}/quality", headers=trainee)).status_code == 200
    other = await api.get(f"{url}/quality", headers=await login(api, "1002"))
    assert other.status_code == 403


async def a_recorded_fault_call(api: httpx.AsyncClient, clock: FakeMonotonic) -> str:
    """1001 takes a fault call on the live floor: verified, a damaged modem, ticketed."""
    agent, trainer = await login(api, "1001"), await login(api, "t100")
    await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent)
    sent = await api.post(
        "/v1/trainer/calls", json={"queue_id": "fault", "customer_id": "C000002"}, headers=trainer
    )
    call_id = str(sent.json()["call_id"])
    clock.now += 3
    await api.post(f"/v1/calls/{call_id}/answer", headers=agent)
    for step, key, following in (
        ("greet", "1", "verify"),
        ("verify", "y", "describe_fault"),
        ("describe_fault", "3", "log_fault"),
    ):
        clock.now += 10
        walked = await api.post(
            f"/v1/calls/{call_id}/script",
            json={"step": step, "key": key, "next": following},
            headers=agent,
        )
        assert walked.status_code in (200, 201), walked.text
    ticket = {
        "request_id": "ticket-1",
        "customer_id": "C000002",
        "call_id": call_id,
        "category": "fault",
        "subject": "光猫损坏 Modem dead",
    }
    assert (await api.post("/v1/tickets", json=ticket, headers=agent)).status_code == 201
    clock.now += 20
    await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)
    clock.now += 15
    path = [["greet", "1"], ["verify", "y"], ["describe_fault", "3"], ["log_fault", "1"]]
    wrapup = {"code": "ticket_created", "notes": "modem", "script_path": path}
    done = await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
    assert done.status_code == 200, done.text
    return call_id


async def test_a_trainer_finds_a_recorded_call_by_agent_queue_customer_and_date(
    api: httpx.AsyncClient, clock: FakeMonotonic
) -> None:
    fault = await a_recorded_fault_call(api, clock)
    agent_b, admin = await login(api, "1002"), await login(api, "admin")
    away = {"state": "not_ready", "reason": "break"}  # 1001 off the phones: 1002 takes it
    await api.post("/v1/agent/state", json=away, headers=await login(api, "1001"))
    await api.post("/v1/agent/state", json={"state": "ready"}, headers=agent_b)
    caller = {"queue_id": "enquiry", "customer_id": "C000001"}
    enquiry = (await api.post("/v1/trainer/calls", json=caller, headers=admin)).json()["call_id"]
    clock.now += 5
    await api.post(f"/v1/calls/{enquiry}/answer", headers=agent_b)
    clock.now += 30
    await api.post(f"/v1/calls/{enquiry}/hangup", headers=agent_b)
    wrapup = {"code": "info_given", "notes": "", "script_path": []}
    await api.post(f"/v1/calls/{enquiry}/wrapup", json=wrapup, headers=agent_b)
    trainer = await login(api, "t100")

    async def listed(query: str) -> list[str]:
        answer = await api.get(f"/v1/training/calls{query}", headers=trainer)
        assert answer.status_code == 200, answer.text
        return [c["call_id"] for c in answer.json()]

    assert await listed("") == [enquiry, fault]  # newest first
    assert await listed("?agent=1001") == [fault]
    assert await listed("?queue=enquiry") == [enquiry]
    assert await listed("?customer=C000002") == [fault]
    everything = (await api.get("/v1/training/calls", headers=trainer)).json()
    today = everything[0]["date"]
    assert await listed(f"?date={today}") == [enquiry, fault]
    assert await listed("?date=2001-01-01") == []
    assert everything[1] == {
        "call_id": fault,
        "agent_id": "1001",
        "queue_id": "fault",
        "customer_id": "C000002",
        "date": today,
        "clock": everything[1]["clock"],
        "talk_s": 50.0,  # answered at 3 s, hung up at 53 s
        "wrapup_code": "ticket_created",
    }
    bad = await api.get("/v1/training/calls?date=23/11", headers=trainer)
    assert bad.status_code == 422 and "error" in bad.json()
    refused = await api.get("/v1/training/calls", headers=await login(api, "1001"))
    assert refused.status_code == 403


async def test_a_recorded_call_replays_masked_and_becomes_a_scenario_draft_that_checks(
    api: httpx.AsyncClient, clock: FakeMonotonic
) -> None:
    call_id = await a_recorded_fault_call(api, clock)
    trainer = await login(api, "t100")
    replay = (await api.get(f"/v1/training/calls/{call_id}", headers=trainer)).json()
    types = [e["type"] for e in replay["events"]]
    assert types[0] == "call.arrived" and "call.script_step" in types
    assert replay["events"][0]["data"]["ani"].startswith("****")
    assert [e["seq"] for e in replay["events"]] == sorted(e["seq"] for e in replay["events"])

    draft = (await api.get(f"/v1/training/calls/{call_id}/draft", headers=trainer)).json()
    assert draft["problems"] == []
    text = draft["text"]
    for expected in (
        f"scenario: from_{call_id}",
        "queue: fault",
        "script: fault_report",
        "id: C000002",
        "- greet",
        "- closing_ticket",
        "category: fault",
        "- ticket_created",
    ):
        assert expected in text, expected
    # The same call gives the same draft, word for word.
    assert (await api.get(f"/v1/training/calls/{call_id}/draft", headers=trainer)).json() == draft


async def held_at_line_test(
    api: httpx.AsyncClient, trainer: dict[str, str], trainee: dict[str, str]
) -> str:
    """A paused hold_hangup session, answered and walked to the line test, the caller on
    hold with the hold phrase said; returns the session's URL."""
    made = await api.post(
        "/v1/training/sessions",
        json={"request_id": "hh", "scenario": "hold_hangup", "trainee": "1001", "paused": True},
        headers=trainer,
    )
    url = f"/v1/training/sessions/{made.json()['id']}"
    await api.post(f"{url}/desk", json={"action": "answer"}, headers=trainee)
    for step, key, following in (
        ("greet", "1", "verify"),
        ("verify", "y", "describe_fault"),
        ("describe_fault", "2", "basic_check"),
        ("basic_check", "2", "line_test"),
    ):
        walked = {"step": step, "key": key, "next": following}
        await api.post(
            f"{url}/desk", json={"action": "script_step", "args": walked}, headers=trainee
        )
    hold = {"action": "hold", "args": {"phrase": True, "script_step": "line_test"}}
    assert (await api.post(f"{url}/desk", json=hold, headers=trainee)).status_code == 200
    return url


def ended(view: dict[str, Any]) -> list[tuple[float, str]]:
    return [(e["sim_time"], e["data"]["by"]) for e in view["events"] if e["type"] == "call.ended"]


@pytest.mark.parametrize("steps", [[45.0], [10.0, 10.0, 10.0, 10.0, 5.0], [39.0, 0.5, 5.5]])
async def test_a_caller_kept_on_hold_past_her_patience_hangs_up_at_that_instant_however_time_is_cut(
    api: httpx.AsyncClient, steps: list[float]
) -> None:
    trainer, trainee = await login(api, "t100"), await login(api, "1001")
    url = await held_at_line_test(api, trainer, trainee)
    held_at = (await api.get(url, headers=trainee)).json()["sim_time"]
    for seconds in steps:
        step = {"action": "step", "seconds": seconds}
        view = (await api.post(f"{url}/control", json=step, headers=trainer)).json()
    assert ended(view) == [(held_at + 40, "caller")]  # the scenario's hangs_up_after_s: 40
    assert view["trainee_state"] == "wrap_up"
    gone = await api.post(f"{url}/desk", json={"action": "retrieve"}, headers=trainee)
    assert gone.status_code == 409  # nobody left on the line
    path = [["greet", "1"], ["verify", "y"], ["describe_fault", "2"], ["basic_check", "2"]]
    wrapup = {"code": "no_action", "notes": "hung up on hold", "script_path": path}
    done = await api.post(f"{url}/desk", json={"action": "wrapup", "args": wrapup}, headers=trainee)
    lines = {line["item"]: line for d in done.json()["score"]["dimensions"] for line in d["lines"]}
    assert lines["step log_fault"]["reason"] == (
        "'log_fault' not reached: the caller hung up at 'line_test' (40 s)"
    )


async def test_a_caller_back_from_hold_in_time_stays_on_the_line(
    api: httpx.AsyncClient,
) -> None:
    trainer, trainee = await login(api, "t100"), await login(api, "1001")
    url = await held_at_line_test(api, trainer, trainee)
    await api.post(f"{url}/control", json={"action": "step", "seconds": 30}, headers=trainer)
    await api.post(f"{url}/desk", json={"action": "retrieve"}, headers=trainee)
    step = {"action": "step", "seconds": 120}
    view = (await api.post(f"{url}/control", json=step, headers=trainer)).json()
    assert ended(view) == [] and view["trainee_state"] == "busy"


async def test_a_caller_the_trainer_makes_furious_hangs_up(api: httpx.AsyncClient) -> None:
    session = await start(api, "angry_complaint")  # angry; hangs up at furious
    trainer, trainee = await login(api, "t100"), await login(api, "1001")
    url = f"/v1/training/sessions/{session['id']}"
    await api.post(f"{url}/desk", json={"action": "answer"}, headers=trainee)
    view = (await api.post(f"{url}/control", json={"action": "angrier"}, headers=trainer)).json()
    assert view["mood"] == "furious"
    assert [by for _, by in ended(view)] == ["caller"]
    assert view["trainee_state"] == "wrap_up"


async def test_a_second_caller_the_trainer_injects_waits_in_the_sessions_queue(
    api: httpx.AsyncClient,
) -> None:
    session = await start(api, "enquiry_tariffs")
    trainer, trainee = await login(api, "t100"), await login(api, "1001")
    url = f"/v1/training/sessions/{session['id']}"
    await api.post(f"{url}/desk", json={"action": "answer"}, headers=trainee)
    second = await api.post(f"{url}/control", json={"action": "second_caller"}, headers=trainer)
    assert second.status_code == 200, second.text
    view = (await api.get(url, headers=trainee)).json()
    arrived = [e for e in view["events"] if e["type"] == "call.arrived"]
    assert [e["call_id"] == session["call_id"] for e in arrived] == [True, False]
    other = arrived[1]["call_id"]
    assert arrived[1]["queue_id"] == session["queue"]
    # The trainee is still on the scenario's call; the second caller waits for her.
    assert view["call_id"] == session["call_id"] and view["trainee_state"] == "busy"
    assert "call.queued" in {e["type"] for e in view["events"] if e["call_id"] == other}
    assert not [e for e in view["events"] if e["call_id"] == other and e["agent_id"]]
    refused = await api.post(f"{url}/control", json={"action": "second_caller"}, headers=trainee)
    assert refused.status_code == 403


async def test_the_second_caller_rings_once_the_scenarios_call_is_wrapped_up(
    api: httpx.AsyncClient,
) -> None:
    session = await start(api, "enquiry_tariffs")
    trainer, trainee = await login(api, "t100"), await login(api, "1001")
    url = f"/v1/training/sessions/{session['id']}"

    async def desk(action: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = await api.post(
            f"{url}/desk", json={"action": action, "args": args or {}}, headers=trainee
        )
        assert answer.status_code == 200, (action, answer.text)
        view: dict[str, Any] = answer.json()
        return view

    await desk("answer")
    second = await api.post(f"{url}/control", json={"action": "second_caller"}, headers=trainer)
    other = second.json()["events"][-1]["call_id"]
    assert other != session["call_id"]
    await desk("hangup")
    scored = await desk("wrapup", {"code": "info_given", "notes": "", "script_path": []})
    # Scored on the scenario's call, but not over: the second caller rings at once.
    assert scored["score"] is not None and scored["ended"] is None
    assert (scored["trainee_state"], scored["phone_call_id"]) == ("reserved", other)
    assert (await api.get("/v1/training/me", headers=trainee)).json()["id"] == session["id"]
    await desk("answer")
    assert (await desk("hangup"))["trainee_state"] == "wrap_up"
    done = await desk("wrapup", {"code": "info_given"})
    assert (done["ended"], done["score"]) == ("finished", scored["score"])
    wrapped = [e["call_id"] for e in done["events"] if e["type"] == "call.wrapup_completed"]
    assert wrapped == [session["call_id"], other]
    results = (await api.get("/v1/training/results", headers=trainee)).json()
    assert [r["session_id"] for r in results] == [session["id"]]  # stored once


async def practise(api: httpx.AsyncClient, agent: dict[str, str], scenario: str) -> httpx.Response:
    body = {"request_id": f"practise-{scenario}", "scenario": scenario}
    return await api.post("/v1/training/practice", json=body, headers=agent)


async def test_a_trainee_replays_a_scenario_alone_and_is_scored_as_a_trainers_session(
    api: httpx.AsyncClient, clock: FakeMonotonic
) -> None:
    trainee = await login(api, "1001")
    offered = await api.get("/v1/training/scenarios", headers=trainee)
    assert "vip_quick_change" in [s["id"] for s in offered.json()]
    made = await practise(api, trainee, "vip_quick_change")
    assert made.status_code == 201, made.text
    session = made.json()
    assert (session["trainee"], session["trainer"], session["trainee_state"]) == (
        "1001",
        "1001",
        "reserved",
    )
    assert (await api.get("/v1/training/me", headers=trainee)).json()["id"] == session["id"]
    busy = await practise(api, trainee, "enquiry_tariffs")  # one session at a time
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "trainee_busy"
    view = await play_right_run(api, clock, session, trainee)
    assert view["score"]["total"] == view["score"]["max_total"] == 100
    results = (await api.get("/v1/training/results", headers=trainee)).json()
    assert [(r["scenario"], r["trainer"], r["total"]) for r in results] == [
        ("vip_quick_change", "1001", 100.0)
    ]
    # Once scored, the trainee may go again.
    assert (await practise(api, trainee, "enquiry_tariffs")).status_code == 201


async def test_a_trainee_on_a_live_call_cannot_start_practice(api: httpx.AsyncClient) -> None:
    trainee = await login(api, "1001")
    await ring(api, trainee)
    refused = await practise(api, trainee, "enquiry_tariffs")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "on_a_call"
    assert (await api.get("/v1/training/me", headers=trainee)).status_code == 404
    unknown = await practise(api, await login(api, "1002"), "no_such_scenario")
    assert unknown.status_code == 404


async def push(api: httpx.AsyncClient, by: str, agents: list[str] | None = None) -> httpx.Response:
    body = {"request_id": f"push-{by}", "scenario": "enquiry_tariffs", "agents": agents or []}
    return await api.post("/v1/training/push", json=body, headers=await login(api, by))


async def test_a_pushed_scenario_starts_a_session_for_each_idle_agent_only(
    api: httpx.AsyncClient,
) -> None:
    agent_a, agent_b = await login(api, "1001"), await login(api, "1002")
    await ready(api, agent_a)
    on_break = {"state": "not_ready", "reason": "break"}
    assert (await api.post("/v1/agent/state", json=on_break, headers=agent_b)).status_code == 200
    pushed = await push(api, "t100")
    assert pushed.status_code == 200, pushed.text
    body = pushed.json()
    assert [p["agent_id"] for p in body["started"]] == ["1001"]
    assert {s["agent_id"]: s["reason"] for s in body["skipped"]} == {
        "1002": "not_ready:break",
        TEAM_LEADER: "logged_out",
    }
    mine = (await api.get("/v1/training/me", headers=agent_a)).json()
    assert (mine["id"], mine["trainer"]) == (body["started"][0]["session_id"], "t100")
    assert (await api.get("/v1/training/me", headers=agent_b)).status_code == 404
    # The same push again (a retry) starts nothing new.
    again = (await push(api, "t100")).json()
    assert again["started"] == body["started"]


async def test_a_supervisor_pushes_only_to_its_own_team(api: httpx.AsyncClient) -> None:
    await ready(api, await login(api, "1001"))
    await ready(api, await login(api, "1002"))  # team B: not s100's
    outside = await push(api, "s100", ["1002"])
    assert outside.status_code == 403 and outside.json()["error"]["code"] == "out_of_scope"
    pushed = (await push(api, "s100")).json()
    assert [p["agent_id"] for p in pushed["started"]] == ["1001"]
    assert "1002" not in [s["agent_id"] for s in pushed["skipped"]]


async def test_no_scenario_is_pushed_while_callers_wait_in_the_agents_queues(
    api: httpx.AsyncClient,
) -> None:
    # Both agents off the phones, 1001 set aside for training: a caller then waits.
    set_aside = {"state": "not_ready", "reason": "training"}
    agent_a = await login(api, "1001")
    assert (await api.post("/v1/agent/state", json=set_aside, headers=agent_a)).status_code == 200
    injected = await api.post(
        "/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=await login(api, "t100")
    )
    assert injected.status_code == 201
    refused = await push(api, "t100", ["1001"])
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "traffic_not_low" and "enquiry (1 waiting)" in error["message"]
    assert (await api.get("/v1/training/me", headers=agent_a)).status_code == 404
    nobody = await push(api, "t100", ["1002"])  # logged out: not idle
    assert nobody.status_code == 409 and nobody.json()["error"]["code"] == "no_idle_agents"
