"""The back office's inflow from the simulated floor (the centre file's `simulated_tickets`).

A simulated agent that wraps a call up with a code the file names for the call's queue
(`ticket_created` on a fault call, say) has raised a ticket, as a desk would: the
pipeline hands such wrap-ups over as they are first logged (never on replay: the journal
has the tickets they made), and `SimulatedTickets.request` turns each into the ticket
request a desk would send (for the spec's `share` of them), with the call's customer and
a subject, both picked by the call id, so that the same day raises the same tickets. A
caller the floor did not recognise has no record to raise it against and raises none.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from server_stub.centre.schema import CentreConfig, SimulatedTicket
from server_stub.protocol.api import TicketCreateRequest


@dataclass(frozen=True)
class SimulatedWrapup:
    """A simulated agent's wrap-up that raises a ticket: what the pipeline saw."""

    call_id: str
    agent_id: str
    queue_id: str
    code: str
    customer_id: str | None


class SimulatedTickets:
    def __init__(self, config: CentreConfig) -> None:
        self._specs: dict[tuple[str, str], SimulatedTicket] = {
            (spec.code, spec.queue): spec for spec in config.simulated_tickets
        }
        self.simulated_agents = frozenset(a.id for a in config.agents if a.simulated)
        self._config = config

    def opening(self) -> list[tuple[TicketCreateRequest, str]]:
        """The tickets open when a new centre's day starts (each spec's `at_opening`), each
        with the simulated agent of its queue who raised it: the same list every time."""
        config = self._config
        skills = {q.id: q.skill for q in config.queues}
        opening: list[tuple[TicketCreateRequest, str]] = []
        for spec in config.simulated_tickets:
            agents = sorted(
                a.id
                for a in config.agents
                if a.simulated and a.skills.get(skills.get(spec.queue, ""), 0) > 0
            )
            for k in range(spec.at_opening if agents else 0):
                draw = zlib.crc32(f"{spec.queue}/{spec.code}/{k}".encode())
                request = TicketCreateRequest(
                    request_id=f"opening-{spec.queue}-{spec.code}-{k}",
                    customer_id=f"C{1 + draw % config.customers.count:06d}",
                    category=spec.category,
                    subject=spec.subjects[k % len(spec.subjects)],
                    priority=spec.priority,
                )
                opening.append((request, agents[draw % len(agents)]))
        return opening

    def raises(self, agent_id: str | None, code: object, queue_id: str | None) -> bool:
        """Whether this wrap-up raises a ticket (a simulated agent's, a code and queue named)."""
        return (
            agent_id in self.simulated_agents
            and isinstance(code, str)
            and (code, queue_id or "") in self._specs
        )

    def request(self, wrapup: SimulatedWrapup) -> TicketCreateRequest | None:
        spec = self._specs.get((wrapup.code, wrapup.queue_id))
        if spec is None or wrapup.customer_id is None:
            return None
        draw = zlib.crc32(wrapup.call_id.encode())
        if (draw % 10_000) >= spec.share * 10_000:
            return None  # settled on the call
        pick = (draw // 10_000) % len(spec.subjects)
        return TicketCreateRequest(
            request_id=f"simulated-{wrapup.call_id}",
            customer_id=wrapup.customer_id,
            call_id=wrapup.call_id,
            category=spec.category,
            subject=spec.subjects[pick],
            priority=spec.priority,
        )
