"""The centre's activity log: one readable line per event a person made or saw, and a
summary every simulated minute. Text that came from a client is escaped, so that a
newline cannot forge a log line and control characters never reach the terminal raw."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta

from server_stub.centre.schema import CentreConfig, centre_epoch
from server_stub.protocol.events import Event, EventType
from server_stub.server.floor import Floor

log = logging.getLogger("centre")

SUMMARY_EVERY_SIM_S = 60.0


def escape(text: object) -> str:
    """`text` on one line: control and format characters (newline, NUL, ESC, bidi
    overrides, line separators) as `\\n`/`\\x1b`/`\\u202e`; CJK and the rest as written."""
    value = str(text)
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif unicodedata.category(ch) == "Zs":
            out.append(ch)  # ideographic and other spaces print as spaces
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return "".join(out)


def describe(event: Event) -> str:
    """One readable line for an event: `call C12 answered by 1001 after 12 s`."""
    data = event.data
    call = f"call {escape(event.call_id)}" if event.call_id else ""
    agent = escape(event.agent_id)
    match event.type:
        case EventType.CALL_OFFERED:
            return f"{call} offered to {agent} (waited {data.get('waited_s', 0):.0f} s)"
        case EventType.CALL_ANSWERED:
            return f"{call} answered by {agent} after {data.get('waited_s') or 0:.0f} s"
        case EventType.CALL_ENDED:
            return f"{call} ended by {escape(data.get('by'))} ({escape(data.get('reason'))})"
        case EventType.CALL_WRAPUP_COMPLETED:
            return f"{call} wrapped up by {agent}: {escape(data.get('code'))}"
        case EventType.AGENT_STATE_CHANGED:
            reason = f" ({escape(data['reason'])})" if data.get("reason") else ""
            return f"agent {agent} {data.get('from')} → {data.get('to')}{reason}"
        case EventType.SUPERVISOR_MESSAGE:
            target = agent if event.agent_id else f"team {escape(event.team_id)}"
            sender = escape(data.get("sender"))
            return f"message from {sender} to {target}: {escape(data.get('text'))}"
        case _:
            who = f" agent {agent}" if event.agent_id else ""
            return f"{escape(event.type)} {call}{who}".strip()


class ActivityLog:
    """Writes the lines: INFO for humans' events and messages, DEBUG for the simulated floor."""

    def __init__(self, config: CentreConfig, floor: Floor) -> None:
        self._epoch = centre_epoch(config)
        self._floor = floor
        self._next_summary = SUMMARY_EVERY_SIM_S
        self._summary_counts = dict(floor.counts)

    def clock_text(self, sim_time: float) -> str:
        return (self._epoch + timedelta(seconds=sim_time)).strftime("%H:%M:%S")

    def restart_at(self, sim_time: float) -> None:
        """Summaries from the next whole minute after `sim_time` (after a start or replay)."""
        self._next_summary = (sim_time // SUMMARY_EVERY_SIM_S + 1) * SUMMARY_EVERY_SIM_S
        self._summary_counts = dict(self._floor.counts)

    def events(self, events: list[Event], sim_now: float) -> None:
        agents = self._floor.agents
        for event in events:
            agent = agents.get(event.agent_id or "")
            human = agent is not None and not agent.simulated
            level = logging.INFO if human or event.type.startswith("supervisor.") else logging.DEBUG
            if log.isEnabledFor(level):
                log.log(level, "%s %s", self.clock_text(event.sim_time), describe(event))
        if sim_now >= self._next_summary:
            self._summary(sim_now)
            self.restart_at(sim_now)

    def _summary(self, sim_now: float) -> None:
        floor = self._floor
        counts = floor.counts
        previous = self._summary_counts
        waiting = sum(q.waiting for q in floor.queue_stats.values())
        states: dict[str, int] = {}
        for agent in floor.agents.values():
            states[agent.state] = states.get(agent.state, 0) + 1
        log.info(
            "%s waiting %d; last minute: %d arrived, %d answered, %d abandoned; "
            "agents ready %d, busy %d, wrap-up %d, not ready %d",
            self.clock_text(sim_now),
            waiting,
            counts["arrived"] - previous.get("arrived", 0),
            counts["answered"] - previous.get("answered", 0),
            counts["abandoned"] - previous.get("abandoned", 0),
            states.get("ready", 0),
            states.get("busy", 0) + states.get("reserved", 0),
            states.get("wrap_up", 0),
            states.get("not_ready", 0),
        )
