"""What a scenario is checked against, built from a centre's configuration and scripts."""

from __future__ import annotations

from pathlib import Path

from server_stub.centre.customers import customer_refs
from server_stub.centre.schema import CentreConfig
from server_stub.protocol.scenario_check import CentreFacts
from server_stub.protocol.scripts import FlowScript, load_scripts_dir


def centre_facts(config: CentreConfig) -> CentreFacts:
    """Queues and their scripts, codes, ticket categories, customers, agents and tiers."""
    # The server's list is the one the ticket route enforces; imported here, not copied.
    from server_stub.server.routes.centre import ticket_categories

    return CentreFacts(
        queues={queue.id: tuple(queue.scripts) for queue in config.queues},
        wrapup_codes=frozenset(code.code for code in config.wrapup_codes),
        ticket_categories=frozenset(code.code for code in ticket_categories(config)),
        customer_ids=frozenset(ref[0] for ref in customer_refs(config)),
        agents=frozenset(agent.id for agent in config.agents),
        tiers=frozenset(config.tiers),
    )


def centre_scripts(config: CentreConfig, scripts_dir: Path) -> dict[str, FlowScript]:
    """The centre's flow scripts by id (`ScriptError` if any of them is broken)."""
    return load_scripts_dir(scripts_dir, {code.code for code in config.wrapup_codes})


def team_leaders(config: CentreConfig) -> frozenset[str]:
    """Agents who lead a team (`supervises`), reached by a transfer to `team_leader`."""
    return frozenset(agent.id for agent in config.agents if agent.supervises)
