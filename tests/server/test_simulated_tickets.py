"""The simulated floor raises tickets as desks do (the centre file's `simulated_tickets`):
on the demo centre, stepped a minute at a time through the morning, each ticket opened
for a simulated agent answers to one of its wrap-ups with a code and queue the file
names, carries that call's customer and a subject of its spec, and goes to the type's
department like a desk's; the same day raises the same tickets, and a restart raises
none twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from server_stub.centre.loader import load_default_centre
from server_stub.server.runtime import CentreRuntime
from server_stub.server.testing import paused_runtime, stored_log

MORNING_MIN = 90


def _run(runtime: CentreRuntime, minutes: int) -> list[tuple[Any, ...]]:
    for _ in range(minutes):
        runtime.advance(60)
    return stored_log(runtime)


def _created(log: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The tickets raised on the floor's calls (not the night's, which have no call)."""
    return [e[5] for e in log if e[1] == "ticket.created" and e[5]["call_id"] is not None]


def test_a_new_centre_opens_with_the_night_s_tickets_once(tmp_path: Path) -> None:
    config = load_default_centre()
    db = tmp_path / "centre.sqlite"
    first = paused_runtime(db, config=config)
    log = stored_log(first)
    first.store.close()
    opened = [e for e in log if e[1] == "ticket.created"]
    expected = sum(spec.at_opening for spec in config.simulated_tickets)
    assert expected > 0 and len(opened) == expected
    assert all(e[0] == 0.0 and e[5]["call_id"] is None for e in opened)  # at the opening
    wanted = Counter(s.category for s in config.simulated_tickets for _ in range(s.at_opening))
    assert Counter(e[5]["category"] for e in opened) == wanted
    dispatched = {e[5]["ticket_id"] for e in log if e[1] == "ticket.dispatched"}
    assert {e[5]["ticket_id"] for e in opened} <= dispatched  # in the departments' queues
    again = paused_runtime(db, config=config)  # a restart opens none again
    try:
        assert len([e for e in stored_log(again) if e[1] == "ticket.created"]) == expected
        assert again.store.ticket_count() == expected
    finally:
        again.store.close()


def test_each_simulated_ticket_answers_to_a_named_wrap_up_with_that_call_s_customer() -> None:
    config = load_default_centre()
    runtime = paused_runtime(config=config)
    try:
        log = _run(runtime, MORNING_MIN)
    finally:
        runtime.store.close()
    specs = {(s.code, s.queue): s for s in config.simulated_tickets}
    simulated = {a.id for a in config.agents if a.simulated}
    customers = {e[2]: e[5]["customer_id"] for e in log if e[1] == "call.arrived"}
    wrapups = {
        e[2]: (e[3], e[4], e[5]["code"])
        for e in log
        if e[1] == "call.wrapup_completed" and e[3] in simulated
    }
    named = {c for c, (_, queue, code) in wrapups.items() if (code, queue) in specs}
    tickets = _created(log)
    assert len(tickets) >= 5  # the back office has work within the morning's first hours
    for ticket in tickets:
        agent, queue, code = wrapups[ticket["call_id"]]
        spec = specs[(code, queue)]
        assert ticket["created_by"] == agent
        assert ticket["customer_id"] == customers[ticket["call_id"]] is not None
        assert ticket["category"] == spec.category and ticket["subject"] in spec.subjects
        assert ticket["priority"] == spec.priority
    raised = {t["call_id"] for t in tickets}
    assert raised <= named and len(raised) == len(tickets)  # one ticket per call at most
    # every spec with share 1 raises one for each of its calls with a known customer
    whole = {c for c in named if specs[wrapups[c][2], wrapups[c][1]].share == 1.0}
    assert {c for c in whole if customers.get(c)} <= raised
    dispatched = Counter(e[5]["ticket_id"] for e in log if e[1] == "ticket.dispatched")
    assert all(dispatched[t["ticket_id"]] >= 1 for t in tickets)  # into the workflow


def test_the_same_day_raises_the_same_tickets_and_a_restart_raises_none_twice(
    tmp_path: Path,
) -> None:
    config = load_default_centre()
    db = tmp_path / "centre.sqlite"
    first = paused_runtime(db, config=config)
    before = _created(_run(first, 60))
    first.store.close()
    assert len(before) >= 3

    again = paused_runtime(config=config)
    try:
        same = _created(_run(again, 60))
    finally:
        again.store.close()
    assert [(t["ticket_id"], t["call_id"], t["subject"]) for t in same] == [
        (t["ticket_id"], t["call_id"], t["subject"]) for t in before
    ]

    restarted = paused_runtime(db, config=config)  # replays the stored hour
    try:
        after = _created(_run(restarted, 10))
        assert after[: len(before)] == before
        calls = [t["call_id"] for t in after]
        assert len(calls) == len(set(calls))  # none raised twice over the restart
        opening = sum(spec.at_opening for spec in config.simulated_tickets)
        assert restarted.store.ticket_count() == len(after) + opening
    finally:
        restarted.store.close()
