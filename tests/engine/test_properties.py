"""Conservation, one-call-per-agent, FIFO and chunking invariance over random small centres."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from server_stub.centre.schema import CentreConfig, Distribution, Overflow, Tier
from server_stub.engine import Engine, EngineError
from tests.engine.centres import agent, centre, queue

HORIZON_S = 3 * 3600.0


@st.composite
def centres(draw: st.DrawFn) -> CentreConfig:
    n_queues = draw(st.integers(1, 3))
    skills = [f"s{i}" for i in range(n_queues)]
    queues = []
    for i in range(n_queues):
        patience = draw(st.sampled_from([None, 30.0, 120.0]))
        overflow_action = draw(st.sampled_from(["busy", "voicemail", "queue"]))
        target = f"q{(i + 1) % n_queues}" if overflow_action == "queue" else None
        queues.append(
            queue(
                f"q{i}",
                skill=skills[i],
                calls_per_day=draw(st.sampled_from([500.0, 2000.0, 6000.0])),
                priority=draw(st.integers(0, 2)),
                max_length=draw(st.integers(0, 8)),
                overflow=Overflow(action=overflow_action, target=target),
                strategy=draw(st.sampled_from(["leastrecent", "fewestcalls", "random"])),
                ring_timeout_s=draw(st.sampled_from([5.0, 15.0])),
                talk_time=Distribution(dist="exponential", mean_s=draw(st.sampled_from([60, 240]))),
                after_call_work=draw(
                    st.sampled_from([None, Distribution(dist="fixed", mean_s=20)])
                ),
                patience=Distribution(mean_s=patience) if patience else None,
            )
        )
    n_agents = draw(st.integers(1, 6))
    agents = []
    for i in range(n_agents):
        chosen = draw(st.lists(st.sampled_from(skills), min_size=1, max_size=n_queues, unique=True))
        agents.append(
            agent(
                f"a{i}",
                {s: draw(st.integers(1, 9)) for s in chosen},
                simulated=draw(st.booleans()) if i < 2 else True,
            )
        )
    return centre(
        queues,
        agents,
        tiers={"normal": Tier(share=0.8), "vip": Tier(share=0.2, priority=5)},
    )


COMMANDS = [
    "login",
    "ready",
    "not_ready",
    "logout",
    "answer",
    "reject",
    "hold",
    "retrieve",
    "hangup",
    "wrapup",
    "pending",
    "transfer",
    "consult",
    "consult_complete",
    "conference",
    "consult_cancel",
    "dial",
]
commands = st.lists(
    st.tuples(
        st.floats(0, HORIZON_S, allow_nan=False),
        st.sampled_from(COMMANDS),
        st.integers(0, 2),  # a0 and a1 may be humans
        st.integers(0, 2),
    ),
    max_size=80,
)


def run_command(engine: Engine, name: str, agent_index: int, other: int) -> None:
    agent_id = f"a{agent_index}"
    try:
        view = engine.agent_view(agent_id)
        call_id = view["call_id"] or "c1"
        if name == "login":
            engine.login(agent_id)
        elif name == "ready":
            engine.set_state(agent_id, "ready")
        elif name == "not_ready":
            engine.set_state(agent_id, "not_ready", "break")
        elif name == "logout":
            engine.logout(agent_id, "end")
        elif name == "answer":
            engine.answer(agent_id, call_id)
        elif name == "reject":
            engine.reject(agent_id, call_id)
        elif name == "hold":
            engine.hold(agent_id, call_id)
        elif name == "retrieve":
            engine.retrieve(agent_id, call_id)
        elif name == "hangup":
            engine.hangup(agent_id, call_id)
        elif name == "wrapup":
            engine.complete_wrapup(agent_id, call_id, "done")
        elif name == "pending":
            engine.set_pending(agent_id, "not_ready", "lunch")
        elif name == "transfer":
            engine.transfer(agent_id, call_id, to_queue=f"q{other}")
        elif name == "consult":
            engine.transfer(agent_id, call_id, to_agent=f"a{other}", mode="consult")
        elif name == "consult_complete":
            engine.consult_action(agent_id, call_id, "complete")
        elif name == "conference":
            engine.consult_action(agent_id, call_id, "conference")
        elif name == "consult_cancel":
            engine.consult_action(agent_id, call_id, "cancel")
        elif name == "dial":
            engine.dial(agent_id, "13800138000")
    except EngineError:
        pass


def run(
    config: CentreConfig,
    script: list[tuple[float, str, int, int]],
    chunk: float,
    *,
    flat_hot_path: bool = True,
) -> Engine:
    engine = Engine(config, seed=11, keep_log=True, flat_hot_path=flat_hot_path)
    engine.advance_to(0)
    for human in (a for a in config.agents if not a.simulated):
        engine.login(human.id)
        engine.set_state(human.id, "ready")
    t = 0.0
    for when, name, agent_index, other in sorted(script):
        while t + chunk < when:
            t += chunk
            engine.advance_to(t)
        engine.advance_to(when)
        t = when
        run_command(engine, name, agent_index, other)
    engine.advance_to(HORIZON_S)
    return engine


def check_conservation(engine: Engine) -> None:
    ended: dict[str, int] = {}
    arrived = set()
    for entry in engine.log:
        if entry[1] == "call.arrived":
            arrived.add(entry[2])
        elif entry[1] == "call.ended":
            ended[entry[2]] = ended.get(entry[2], 0) + 1
    assert all(n == 1 for n in ended.values()), "a call ended twice"
    assert set(ended) <= arrived
    assert set(engine.calls_in_progress()) == arrived - set(ended)
    for call_id in engine.calls_in_progress():
        assert engine.call_view(call_id)["state"] != "ended"


def check_one_call_per_agent(engine: Engine) -> None:
    holding: dict[str, str | None] = {}
    for entry in engine.log:
        etype, call_id, agent_id, data = entry[1], entry[2], entry[3], entry[5]
        if etype == "call.offered" and not data.get("consult_from"):
            assert holding.get(agent_id) is None, f"{agent_id} offered {call_id} while holding"
            holding[agent_id] = call_id
        elif etype == "agent.state_changed" and data["to"] in ("ready", "not_ready", "logged_out"):
            holding[agent_id] = None
        elif etype == "agent.state_changed" and data["to"] == "reserved":
            assert call_id is not None


def check_fifo(engine: Engine) -> None:
    """Without ring-no-answer or rejections, one priority in one queue is answered in order."""
    if any(e[1] == "call.offer_timeout" for e in engine.log):
        return
    transferred = {e[2] for e in engine.log if e[1] in ("call.transferred", "call.overflowed")}
    queued: dict[tuple[str, int], list[str]] = {}
    for e in engine.log:
        if e[1] == "call.queued" and e[2] not in transferred:
            queued.setdefault((e[4], e[5]["priority"]), []).append(e[2])
    answered = [e[2] for e in engine.log if e[1] == "call.answered"]
    rank = {call_id: i for i, call_id in enumerate(answered)}
    for calls in queued.values():
        order = [c for c in calls if c in rank]
        assert order == sorted(order, key=rank.__getitem__)


@given(centres(), commands)
def test_conservation_and_one_call_per_agent(config: CentreConfig, script: Any) -> None:
    engine = run(config, script, chunk=HORIZON_S)
    check_conservation(engine)
    check_one_call_per_agent(engine)
    check_fifo(engine)


@given(centres(), commands, st.sampled_from([0.5, 7.0, 300.0]))
def test_chopping_time_into_small_steps_gives_the_same_log(
    config: CentreConfig, script: Any, chunk: float
) -> None:
    whole = run(config, script, chunk=HORIZON_S)
    chopped = run(config, script, chunk=chunk)
    assert chopped.log == whole.log


def test_same_seed_same_log_and_subscribers_see_every_event() -> None:
    config = centre([queue(calls_per_day=20_000)], [agent(f"a{i}") for i in range(4)])
    first = Engine(config, seed=5, keep_log=True)
    seen: list[tuple[int, Any]] = []
    first.subscribe(lambda seq, entry: seen.append((seq, entry)))
    first.advance_to(3600)
    second = Engine(config, seed=5, keep_log=True)
    second.advance_to(3600)
    assert first.log == second.log
    assert seen == [(i + 1, entry) for i, entry in enumerate(first.log)]
    other_seed = Engine(config, seed=6, keep_log=True)
    other_seed.advance_to(3600)
    assert other_seed.log != first.log
