"""The simulated workforce: who is on when (shifts), breaks, and the start of the day.

Simulated agents log in at sim time 0 or when their shift starts, go on their breaks when
free (or after the call in hand), and log out at the shift's end; humans log in themselves.
`plan_attendance` (before sim time 0) applies today's roster: agents who stay away do not
log in before the end of the epoch's day, and a late agent logs in at its time instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from server_stub.centre.schema import CentreConfig, Shift
from server_stub.engine.arrivals import DAY_S
from server_stub.engine.callers import Callers
from server_stub.engine.errors import EngineError
from server_stub.engine.model import (
    BUSY,
    LOGGED_OUT,
    NOT_READY,
    READY,
    RESERVED,
    WRAP_UP,
    Agent,
)
from server_stub.engine.vocabulary import K_BREAK_END, K_SHIFT, K_STATS


def _clock_s(hhmm: str) -> float:
    hours, minutes = hhmm.split(":")
    return (int(hours) * 60 + int(minutes)) * 60.0


class Workforce(Callers):
    """Shifts and breaks of the simulated agents; what happens at sim time 0."""

    def __init__(
        self,
        config: CentreConfig,
        seed: int,
        customers: Sequence[tuple[str, str, str]] | None,
        *,
        keep_log: bool,
        emit_queue_stats: bool,
    ) -> None:
        super().__init__(config, seed, customers, keep_log=keep_log)
        self._emit_queue_stats = emit_queue_stats
        # Today's roster (plan_attendance): agent id → sim time before which its schedule
        # does not log it in; the late ones' log-in times.
        self._held_until: dict[str, float] = {}
        self._late_logins: dict[str, float] = {}
        self._day_started = False

    def plan_attendance(self, late_logins: Mapping[str, float], stays_out: Iterable[str]) -> None:
        """Today's roster, before sim time 0: `stays_out` do not log in before the end of
        the epoch's day; `late_logins` (agent id → sim time) log in then, not before."""
        if self._day_started:
            raise EngineError("day_started", "the roster is applied before the day starts")
        day_end = DAY_S - self.day_offset_s % DAY_S
        for agent_id, at in late_logins.items():
            self._simulated_agent(agent_id)
            self._late_logins[agent_id] = float(at)
            self._held_until[agent_id] = float(at)
        for agent_id in stays_out:
            self._simulated_agent(agent_id)
            self._late_logins.pop(agent_id, None)
            self._held_until[agent_id] = day_end

    def _simulated_agent(self, agent_id: str) -> Agent:
        agent = self.agents_by_id.get(agent_id)
        if agent is None or not agent.simulated:
            raise EngineError("no_such_agent", f"no simulated agent {agent_id!r}")
        return agent

    def _on_init(self, _payload: Any, _seq: int) -> None:
        """Sim time 0: simulated agents log in (or wait for their shift), callers start."""
        self._day_started = True
        for agent in self.agents_by_id.values():
            if not agent.simulated:
                continue  # humans log in themselves
            shift_name = agent.config.shift
            if shift_name is None:
                self._login_on_schedule(agent)
            else:
                self._start_shift_timers(agent, self.config.shifts[shift_name])
            late = self._late_logins.get(agent.id)
            if late is not None:
                self._at(max(late, 0.0), K_SHIFT, (agent, "late", None))
        self._start_arrivals()
        if self._emit_queue_stats:
            # float: a default of the schema is an int, which would make sim times ints
            self._at(float(self.config.centre.stats_interval_s), K_STATS, None)

    def _login(self, agent: Agent) -> None:
        self._set_state(agent, NOT_READY, "login")
        self._make_ready(agent)

    def _login_on_schedule(self, agent: Agent) -> None:
        """A log-in by the shift's schedule, unless today's roster holds the agent back."""
        if self.now >= self._held_until.get(agent.id, -1.0):
            self._login(agent)

    def _start_shift_timers(self, agent: Agent, shift: Shift) -> None:
        clock = self.day_offset_s % DAY_S
        start = _clock_s(shift.start)
        end = _clock_s(shift.end)
        length = (end - start) % DAY_S or DAY_S
        on_shift = (clock - start) % DAY_S < length
        if on_shift:
            self._login_on_schedule(agent)
        self._at((start - clock) % DAY_S or DAY_S, K_SHIFT, (agent, "start", None))
        self._at((end - clock) % DAY_S or DAY_S, K_SHIFT, (agent, "end", None))
        for brk in shift.breaks:
            self._at((_clock_s(brk.at) - clock) % DAY_S, K_SHIFT, (agent, "break", brk))

    def _on_shift(self, payload: tuple[Agent, str, Any], _seq: int) -> None:
        agent, action, brk = payload
        state = agent.state
        if action == "late":  # once: the late agent arrives
            if state is LOGGED_OUT:
                self._login(agent)
            return
        self._at(self.now + DAY_S, K_SHIFT, payload)  # the same time tomorrow
        if action == "start":
            if state is LOGGED_OUT:
                self._login_on_schedule(agent)
            elif agent.pending is not None and agent.pending["state"] == LOGGED_OUT:
                agent.pending = None  # still on yesterday's last call: simply stay
        elif action == "end":
            agent.break_seq = 0
            if state is READY or state is NOT_READY:
                self._set_state(agent, LOGGED_OUT, "shift_end")
            elif state is not LOGGED_OUT:
                agent.pending = {"state": LOGGED_OUT, "reason": "shift_end"}
                agent.pending_break_s = None
        else:  # break
            if state is READY:
                self._set_state(agent, NOT_READY, brk.reason)
                agent.break_seq = self._at(self.now + brk.minutes * 60.0, K_BREAK_END, agent)
            elif state is RESERVED or state is BUSY or state is WRAP_UP:
                agent.pending = {"state": NOT_READY, "reason": brk.reason}
                agent.pending_break_s = brk.minutes * 60.0

    def _on_break_end(self, agent: Agent, seq: int) -> None:
        if agent.break_seq != seq:
            return
        agent.break_seq = 0
        if agent.state is NOT_READY:
            self._make_ready(agent)
