"""The quality routes on the real app: a call's log prefills an evaluation, the evaluator
confirms it, the statistics count it; two evaluators calibrate one call blind; who may
do what, role by role."""

from __future__ import annotations

import httpx
import pytest

from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import login
from tests.server.api_steps import ready, step

FAULT_PATH = [["greet", "1"], ["verify", "y"], ["describe_fault", "3"], ["log_fault", "1"]]


async def a_slow_call_held_without_the_phrase(api: httpx.AsyncClient) -> str:
    """1001 lets a fault call ring 14 s (over the form's 10 s), holds the caller once at
    no step that carries the hold phrase, and closes with the ticket closing."""
    agent = await login(api, "1001")
    await ready(api, agent)
    trainer = await login(api, "t100")
    sent = await api.post(
        "/v1/trainer/calls", json={"queue_id": "fault", "customer_id": "C000002"}, headers=trainer
    )
    call_id = str(sent.json()["call_id"])
    await step(api, 14)
    assert (await api.post(f"/v1/calls/{call_id}/answer", headers=agent)).status_code == 200
    await step(api, 20)
    assert (await api.post(f"/v1/calls/{call_id}/hold", headers=agent)).status_code == 200
    await step(api, 8)
    assert (await api.post(f"/v1/calls/{call_id}/retrieve", headers=agent)).status_code == 200
    await step(api, 30)
    assert (await api.post(f"/v1/calls/{call_id}/hangup", headers=agent)).status_code == 200
    wrapup = {"code": "ticket_created", "notes": "光猫损坏 modem dead", "script_path": FAULT_PATH}
    done = await api.post(f"/v1/calls/{call_id}/wrapup", json=wrapup, headers=agent)
    assert done.status_code == 200, done.text
    return call_id


async def test_an_evaluation_prefilled_from_the_log_is_confirmed_and_counted(
    api: httpx.AsyncClient, api_runtime: CentreRuntime
) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    evaluator = await login(api, "e100")

    sampled = await api.post(
        "/v1/quality/sample", json={"by": "agent", "value": "1001"}, headers=evaluator
    )
    assert sampled.status_code == 200, sampled.text
    result = sampled.json()
    assert result["month"] == "2026-11"
    assert [c["call_id"] for c in result["calls"]] == [call_id]
    assert result["calls"][0]["wrapup_code"] == "ticket_created"
    assert result["quota"] == [{"agent_id": "1001", "month": "2026-11", "quota": 4, "done": 0}]

    made = await api.post(
        "/v1/quality/evaluations",
        json={"request_id": "r1", "call_id": call_id},
        headers=evaluator,
    )
    assert made.status_code == 201, made.text
    draft = made.json()
    evaluation = draft["evaluation"]
    assert (evaluation["form"], evaluation["form_version"]) == ("call_quality", 1)
    assert evaluation["status"] == "draft" and evaluation["agent_id"] == "1001"
    suggested = {
        (item, d["id"]): [e["text"] for e in d["evidence"]]
        for item, mark in evaluation["marks"].items()
        for d in mark["deductions"]
    }
    assert suggested == {
        ("slow_to_answer", "rang_long"): [
            "the agent's phone rang",
            "answered after 14 s (over 10 s)",
        ],
        ("standard_wording", "hold_without_phrase"): [
            "hold 1 of the call; the walk passed 0 step(s) carrying the hold phrase"
        ],
    }
    # A retry with the same request id is the same draft, never a second one.
    again = await api.post(
        "/v1/quality/evaluations", json={"request_id": "r1", "call_id": call_id}, headers=evaluator
    )
    assert again.json()["evaluation"]["id"] == evaluation["id"]

    # Before confirming, nothing is counted.
    before = (await api.get("/v1/quality/statistics", headers=evaluator)).json()
    assert before["centre"]["evaluations"] == 0 and before["centre"]["mean_total"] is None
    assert before["workload"] == [
        {"evaluator_id": "e100", "period": "2026-11", "confirmed": 0, "drafts": 1, "agents": 1}
    ]

    confirmed = await api.post(
        f"/v1/quality/evaluations/{evaluation['id']}/confirm", json={}, headers=evaluator
    )
    assert confirmed.status_code == 200, confirmed.text
    # Attitude loses 10 of 100 (rang long), skill 5 of 100 (hold without the phrase):
    # (40 × 90 + 40 × 95 + 20 × 100) ÷ 100.
    assert confirmed.json()["score"]["total"] == 94.0
    assert confirmed.json()["evaluation"]["status"] == "confirmed"
    edit = await api.put(
        f"/v1/quality/evaluations/{evaluation['id']}", json={"marks": {}}, headers=evaluator
    )
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "already_confirmed"

    after = (await api.get("/v1/quality/statistics?period=day", headers=evaluator)).json()
    assert after["centre"] == {
        "evaluations": 1,
        "mean_total": 94.0,
        "mean_raw_total": 94.0,
        "fatal": 0,
        "fatal_rate": 0.0,
    }
    assert [(a["agent_id"], a["period"], a["mean_total"]) for a in after["by_agent"]] == [
        ("1001", "2026-11-23", 94.0)
    ]
    assert [(i["item"], i["points_lost"]) for i in after["items_most_lost"]] == [
        ("slow_to_answer", 10.0),
        ("standard_wording", 5.0),
    ]
    quota = (await api.post("/v1/quality/sample", json={"by": "quota"}, headers=evaluator)).json()
    assert quota["quota"][0]["done"] == 1
    assert quota["calls"] == []  # e100 has evaluated the only call
    # The reads of the call are in the audit trail.
    actions = [row.action for row in api_runtime.store.audit_rows("e100")]
    assert "quality.evaluate" in actions


async def test_the_timeline_and_transcript_show_the_call_without_personal_data(
    api: httpx.AsyncClient,
) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    evaluator = await login(api, "e100")
    read = await api.get(f"/v1/quality/calls/{call_id}", headers=evaluator)
    assert read.status_code == 200, read.text
    body = read.json()
    texts = [entry["text"] for entry in body["entries"]]
    assert "1001 answered after 14 s waiting" in texts
    assert "1001 put the caller on hold" in texts
    assert "1001 wrapped up: ticket_created — 光猫损坏 modem dead" in texts
    arrived = next(e for e in body["entries"] if e["type"] == "call.arrived")
    assert arrived["text"].startswith("call arrived from ****")  # the calling number, masked
    transcript = [(line["speaker"], line["step"]) for line in body["transcript"]]
    assert transcript[0] == ("system", None)  # the answer
    assert [step for speaker, step in transcript if speaker == "agent"] == [
        "greet",
        "verify",
        "describe_fault",
        "log_fault",
        "closing_ticket",
    ]
    greeting = next(line for line in body["transcript"] if line["step"] == "greet")
    assert "我是1001号座席" in greeting["text"]
    assert body["path"] == ["greet", "verify", "describe_fault", "log_fault"]
    assert body["script"] == "fault_report@5"


async def test_two_evaluators_calibrate_a_call_blind(api: httpx.AsyncClient) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    first, second = await login(api, "e100"), await login(api, "e101")
    made = await api.post(
        "/v1/quality/calibrations", json={"request_id": "k1", "call_id": call_id}, headers=first
    )
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    rounds = await api.get("/v1/quality/calibrations", params={"call_id": call_id}, headers=second)
    assert [r["id"] for r in rounds.json()] == [round_id]

    async def score(headers: dict[str, str], rejected: list[list[str]], extra: dict) -> str:
        draft = await api.post(
            "/v1/quality/evaluations",
            json={"request_id": "c1", "call_id": call_id, "calibration": round_id},
            headers=headers,
        )
        assert draft.status_code == 201, draft.text
        evaluation = draft.json()["evaluation"]
        marks = {**evaluation["marks"], **extra}
        put = await api.put(
            f"/v1/quality/evaluations/{evaluation['id']}", json={"marks": marks}, headers=headers
        )
        assert put.status_code == 200, put.text
        done = await api.post(
            f"/v1/quality/evaluations/{evaluation['id']}/confirm",
            json={"rejected": rejected},
            headers=headers,
        )
        assert done.status_code == 200, done.text
        return str(evaluation["id"])

    first_id = await score(first, [], {})
    # Blind: e101 sees neither the round's figures nor e100's scorecard before scoring.
    blind = await api.get(f"/v1/quality/calibrations/{round_id}", headers=second)
    assert blind.status_code == 403 and blind.json()["error"]["code"] == "blind_round"
    peek = await api.get(f"/v1/quality/evaluations/{first_id}", headers=second)
    assert peek.status_code == 403
    # e101 drops the hold suggestion and marks two verbal tics.
    tics = {"verbal_tics": {"deductions": [{"id": "tic", "count": 2}]}}
    await score(second, [["standard_wording", "hold_without_phrase"]], tics)

    view = (await api.get(f"/v1/quality/calibrations/{round_id}", headers=second)).json()
    assert view["round"]["evaluators"] == ["e100", "e101"]
    agreement = {item["item"]: item["agreement"] for item in view["items"]}
    assert agreement["slow_to_answer"] == 1.0
    assert agreement["standard_wording"] == 0.0
    assert agreement["verbal_tics"] == 0.0
    consensus = {item["item"]: item["consensus"] for item in view["items"]}
    assert consensus["standard_wording"] == 12.5  # the median of 10 and 15 (of 15 points)
    # Consensus: attitude loses 10 + 3 (the median of 0 and 6 for tics), skill 2.5:
    # (40 × 87 + 40 × 97.5 + 20 × 100) ÷ 100 = 93.8; e100 has 94, e101 (40 × 84 + 40 × 100
    # + 20 × 100) ÷ 100 = 93.6.
    assert view["consensus_total"] == 93.8
    deviations = {
        e["evaluator"]: (e["total"], e["deviation"], e["items_off"]) for e in view["evaluators"]
    }
    assert deviations == {
        "e100": (94.0, 0.2, ["verbal_tics", "standard_wording"]),
        "e101": (93.6, -0.2, ["verbal_tics", "standard_wording"]),
    }
    # Calibration rounds stay out of the statistics.
    stats = (await api.get("/v1/quality/statistics", headers=first)).json()
    assert stats["centre"]["evaluations"] == 0


async def test_only_the_author_edits_an_evaluation_and_bad_marks_are_refused(
    api: httpx.AsyncClient,
) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    first, second = await login(api, "e100"), await login(api, "e101")
    draft = await api.post(
        "/v1/quality/evaluations", json={"request_id": "r", "call_id": call_id}, headers=first
    )
    evaluation_id = draft.json()["evaluation"]["id"]
    other = await api.post(
        f"/v1/quality/evaluations/{evaluation_id}/confirm", json={}, headers=second
    )
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_evaluation"
    # Outside a calibration round, colleagues read each other's scorecards.
    assert (
        await api.get(f"/v1/quality/evaluations/{evaluation_id}", headers=second)
    ).status_code == 200
    bad = await api.put(
        f"/v1/quality/evaluations/{evaluation_id}",
        json={"marks": {"volume": {"deductions": [{"id": "shouting"}]}}},
        headers=first,
    )
    assert bad.status_code == 422 and "shouting" in bad.json()["error"]["message"]
    missing = await api.get("/v1/quality/calls/C-nope", headers=first)
    assert missing.status_code == 404


@pytest.mark.parametrize("user_id", ["1001", "s100", "t100"])
async def test_agents_supervisors_and_trainers_may_not_evaluate(
    api: httpx.AsyncClient, user_id: str
) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    headers = await login(api, user_id)
    for method, path, body in (
        ("POST", "/v1/quality/sample", {}),
        ("GET", f"/v1/quality/calls/{call_id}", None),
        ("POST", "/v1/quality/evaluations", {"request_id": "x", "call_id": call_id}),
        ("GET", "/v1/quality/statistics", None),
    ):
        response = await api.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "forbidden_role"


async def test_the_admin_reads_the_timeline_with_the_calling_number(api: httpx.AsyncClient) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    admin = await login(api, "admin")
    body = (await api.get(f"/v1/quality/calls/{call_id}", headers=admin)).json()
    arrived = next(e for e in body["entries"] if e["type"] == "call.arrived")
    assert "*" not in arrived["text"]


async def test_an_individual_problem_opens_a_coaching_task_for_the_agents_team_leader(
    api: httpx.AsyncClient,
) -> None:
    call_id = await a_slow_call_held_without_the_phrase(api)
    evaluator = await login(api, "e100")
    made = await api.post(
        "/v1/quality/evaluations", json={"request_id": "r", "call_id": call_id}, headers=evaluator
    )
    evaluation_id = made.json()["evaluation"]["id"]
    url = f"/v1/quality/evaluations/{evaluation_id}/coaching"
    early = await api.post(url, json={"request_id": "c"}, headers=evaluator)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_confirmed"
    await api.post(f"/v1/quality/evaluations/{evaluation_id}/confirm", json={}, headers=evaluator)
    note = {"request_id": "c", "note": "接听要快 / answer sooner"}
    task = await api.post(url, json=note, headers=evaluator)
    assert task.status_code == 201, task.text
    body = task.json()
    assert (body["agent_id"], body["team"], body["team_leaders"]) == ("1001", "A", ["s100"])
    assert body["items"] == ["未及时应答 / Slow to answer", "口径规范 / Standard wording"]
    again = await api.post(url, json=note, headers=evaluator)
    assert again.json()["id"] == body["id"]  # a retry, not a second task
    # Team A's supervisor sees it; team B's does not; an agent may not look.
    ours = (await api.get("/v1/quality/coaching", headers=await login(api, "s100"))).json()
    theirs = (await api.get("/v1/quality/coaching", headers=await login(api, "s101"))).json()
    assert [t["id"] for t in ours] == [body["id"]] and theirs == []
    agent = await api.get("/v1/quality/coaching", headers=await login(api, "1001"))
    assert agent.status_code == 403


async def a_coaching_task(api: httpx.AsyncClient) -> str:
    """A coaching task on team A's agent 1001, from a confirmed evaluation."""
    call_id = await a_slow_call_held_without_the_phrase(api)
    evaluator = await login(api, "e100")
    made = await api.post(
        "/v1/quality/evaluations", json={"request_id": "r", "call_id": call_id}, headers=evaluator
    )
    evaluation_id = made.json()["evaluation"]["id"]
    await api.post(f"/v1/quality/evaluations/{evaluation_id}/confirm", json={}, headers=evaluator)
    task = await api.post(
        f"/v1/quality/evaluations/{evaluation_id}/coaching",
        json={"request_id": "c", "note": "接听要快 / answer sooner"},
        headers=evaluator,
    )
    return str(task.json()["id"])


async def test_the_team_leader_closes_a_coaching_task_with_a_note_and_no_other_team_can(
    api: httpx.AsyncClient,
) -> None:
    task_id = await a_coaching_task(api)
    url = f"/v1/quality/coaching/{task_id}/close"
    theirs = await api.post(url, json={"note": "x"}, headers=await login(api, "s101"))
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == "out_of_scope"
    ours = await login(api, "s100")
    empty = await api.post(url, json={"note": ""}, headers=ours)
    assert empty.status_code == 422
    missing = await api.post("/v1/quality/coaching/CT99999/close", json={"note": "x"}, headers=ours)
    assert missing.status_code == 404
    closed = await api.post(url, json={"note": "一对一辅导完成 / coached"}, headers=ours)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closed_by"]) == ("closed", "s100")
    listed = (await api.get("/v1/quality/coaching", headers=ours)).json()
    assert [(t["status"], t["closing_note"]) for t in listed] == [
        ("closed", "一对一辅导完成 / coached")
    ]
    again = await api.post(url, json={"note": "again"}, headers=ours)
    assert again.json()["closing_note"] == "一对一辅导完成 / coached"  # closed once
