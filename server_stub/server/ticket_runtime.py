"""The ticket loop in the running centre: built for each engine run, and its callbacks placed.

`build_ticket_loop` makes the `TicketLoop` companion for one engine run from the centre
(who is on which team, who has a desk, the call queue of each agent) and the workflow
file beside the centre file. `place_callback` is what the dispatcher's `place_callback`
command does: the callback of a resolved ticket rings the agent who took the first call
if that agent is ready (an outbound call from its desk), otherwise it joins the agent's
call queue like a caller, and the loop is told which call it became. Both are engine
commands, so they are journaled and a restart replays them.
"""

from __future__ import annotations

from pathlib import Path

from server_stub.centre.schema import CentreConfig, centre_epoch
from server_stub.engine import Engine
from server_stub.server.callback_placing import ring_agent_or_queue
from server_stub.server.run_frame import RunFrame
from server_stub.workflow.loader import load_default_workflow, load_workflow
from server_stub.workflow.schema import WorkflowConfig
from server_stub.workflow.ticket_loop import NAME, TicketLoop
from server_stub.workflow.ticket_workflow import TicketWorkflow

WORKFLOW_FILE = "workflow.yaml"


def centre_workflow(scripts_dir: Path | None) -> WorkflowConfig:
    """The workflow file beside the centre file (scripts/ lives there too), or the demo's."""
    if scripts_dir is not None:
        path = scripts_dir.parent / WORKFLOW_FILE
        if path.is_file():
            return load_workflow(path)
    return load_default_workflow()


def agent_call_queues(config: CentreConfig) -> dict[str, str]:
    """Each agent's first call queue (by its best skill): where its callbacks wait when it
    is not ready."""
    queues: dict[str, str] = {}
    for agent in config.agents:
        for skill, _level in sorted(agent.skills.items(), key=lambda kv: -kv[1]):
            queue = next((q.id for q in config.queues if q.skill == skill), None)
            if queue is not None:
                queues[agent.id] = queue
                break
    return queues


def build_ticket_loop(
    config: CentreConfig, workflow: TicketWorkflow, frame: RunFrame, seed: int
) -> TicketLoop:
    return TicketLoop(
        workflow,
        epoch=centre_epoch(config).timestamp(),
        time_base=frame.time_base,
        seed=frame.engine_seed(seed),
        agent_teams={a.id: a.team for a in config.agents},
        humans=[a.id for a in config.agents if not a.simulated],
        agent_queues=agent_call_queues(config),
        default_call_queue=config.queues[0].id if config.queues else None,
        wire_call_id=lambda call_id: frame.call_id(call_id) or call_id,
    )


def ticket_loop(engine: Engine) -> TicketLoop:
    loop: TicketLoop = engine.companion(NAME)
    return loop


def place_callback(engine: Engine, ticket_id: str, number: str | None) -> str:
    """Place the due callback of `ticket_id`; returns the engine's call id."""
    loop = ticket_loop(engine)
    agent_id, queue_id, customer_id = loop.callback_target(ticket_id)
    call_id, via = ring_agent_or_queue(
        engine,
        agent_id=agent_id if agent_id in loop.humans else None,
        queue_id=queue_id,
        number=number,
        customer_id=customer_id,
    )
    engine.companion_command(
        NAME,
        "callback_placed",
        {
            "ticket_id": ticket_id,
            "call_id": call_id,
            "agent_id": agent_id if via == "agent" else None,
            "via": via,
        },
    )
    return call_id
