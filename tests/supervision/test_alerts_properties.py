"""Properties of the alert evaluator over random event streams: one alert per kind and
subject, severities that only rise, every clear matching a raise, and the same alerts
however time is stepped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server_stub.protocol.supervision import (
    ALERT_CLEARED,
    ALERT_RAISED,
    AgentLadders,
    AlertRaised,
    Cooldowns,
    QueueRules,
    ServiceLevelRule,
    ShareRule,
    Steps,
    SurgeRule,
    TeamRules,
    Thresholds,
    severity_rank,
)
from server_stub.supervision.alerts import AlertChange
from tests.supervision.helpers import Entry, ev, evaluator, one_queue_centre, state

AGENTS = ["a1", "a2", "a3", "a4"]
THRESHOLDS = Thresholds(
    agent=AgentLadders(
        not_ready=Steps(info_s=30, warning_s=90, critical_s=200), idle=Steps(warning_s=120)
    ),
    queue=QueueRules(
        longest_wait=Steps(warning_s=15, critical_s=40),
        surge=SurgeRule(min_calls=3, window_s=120),
        service_level=ServiceLevelRule(min_calls=3, critical_below=0.5),
    ),
    team=TeamRules(not_ready_share=ShareRule(warning=0.25, critical=0.5, min_agents=2)),
    cooldown=Cooldowns(agent_s=60, queue_s=60, team_s=60),
)

step = st.tuples(
    st.floats(min_value=0.0, max_value=120.0),  # time since the previous event
    st.sampled_from(
        ["ready", "not_ready", "busy", "wrap_up", "logged_out", "held", "call", "answer", "abandon"]
    ),
    st.integers(min_value=0, max_value=3),  # which agent / which caller
)


def _stream(steps: list[tuple[float, str, int]]) -> list[Entry]:
    """A plausible log: agents move between states, callers queue and leave."""
    t = 0.0
    states = dict.fromkeys(AGENTS, "logged_out")
    waiting: list[str] = []
    calls = 0
    entries: list[Entry] = []
    for gap, action, which in steps:
        t += gap
        agent_id = AGENTS[which]
        old = states[agent_id]
        if action in ("ready", "not_ready", "busy", "wrap_up", "logged_out"):
            reason = "break" if action == "not_ready" else None
            call = {"call_id": "cx", "queue_id": "q"} if action in ("busy", "wrap_up") else {}
            entries.append(
                state(
                    t,
                    agent_id,
                    old,
                    action,
                    reason,
                    leg="talking" if action == "busy" else None,
                    **call,
                )
            )
            states[agent_id] = action
        elif action == "held" and old == "busy":
            entries.append(
                state(t, agent_id, "busy", "busy", leg="held", call_id="cx", queue_id="q")
            )
        elif action == "call":
            calls += 1
            waiting.append(f"c{calls}")
            entries.append(ev(t, "call.queued", f"c{calls}", queue_id="q", priority=0))
        elif action in ("answer", "abandon") and waiting:
            call_id = waiting.pop(which % len(waiting))
            kind = "call.answered" if action == "answer" else "call.abandoned"
            entries.append(ev(t, kind, call_id, agent_id if action == "answer" else None, "q"))
    return entries


def _replay(entries: list[Entry], chops: list[float] | None) -> list[AlertChange]:
    alerts = evaluator(one_queue_centre(agents=4), THRESHOLDS)
    out: list[AlertChange] = []
    cuts = sorted(chops or [])
    for entry in entries:
        while cuts and cuts[0] <= entry[0]:
            out.extend(alerts.advance(max(cuts.pop(0), alerts.now)))
        out.extend(alerts.apply_entry(*entry))
    end = (entries[-1][0] if entries else 0.0) + 600.0
    out.extend(alerts.advance(end))
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(step, max_size=60), st.lists(st.floats(min_value=0, max_value=8000), max_size=20))
def test_alerts_stay_consistent_and_do_not_depend_on_how_time_is_stepped(
    steps: list[tuple[float, str, int]], chops: list[float]
) -> None:
    entries = _stream(steps)
    changes = _replay(entries, None)
    active: dict[str, AlertRaised] = {}
    keys: set[tuple[str, str]] = set()
    seen_ids: set[str] = set()
    last_time = 0.0
    for change in changes:
        assert change.sim_time >= last_time  # stamped in time order
        last_time = change.sim_time
        data = change.data
        key = (data.kind.value, data.subject_id)
        if change.type == ALERT_RAISED:
            assert isinstance(data, AlertRaised)
            if data.previous_severity is None:
                assert data.alert_id not in seen_ids and key not in keys
                seen_ids.add(data.alert_id)
                keys.add(key)
            else:
                previous = active[data.alert_id]
                assert severity_rank(data.severity) > severity_rank(previous.severity)
            active[data.alert_id] = data
        elif change.type == ALERT_CLEARED:
            assert data.alert_id in active
            del active[data.alert_id]
            keys.discard(key)
    assert len(changes) == len(_replay(entries, chops))
    assert [(c.sim_time, c.type, c.event_data()) for c in _replay(entries, chops)] == [
        (c.sim_time, c.type, c.event_data()) for c in changes
    ]
