"""`GET /v1/agent/shift`: an agent's own day so far (ST3), each figure defined here once.

- *Today* is since the centre's local midnight (`supervision_board.day_start`).
- *Time in state*: the agent's states folded from `agent.state_changed`, the spell under
  way included up to `as_of`: ready, ringing (a call offered), talking (on a call, or in a
  conference), held (the agent's caller on hold, a consult included), wrap-up, and not
  ready by reason code (the centre's labels name them).
- *Calls handled*, *AHT* and *occupancy* are the supervisor's board's (`AgentDay`): a call
  counts when its wrap-up ends (or when it ends without one); the talk, hold and wrap-up
  of the handled calls add up to their handle time, and each average is its sum ÷ calls
  handled (the call under way counts once it is handled).
- *Surveys* (IN8): offered today by the agent, scored (1..5), hung up without a score; the
  mean is over the scored ones.
- *Login*: the first time today the agent logged in.
"""

from __future__ import annotations

from pydantic import Field

from server_stub.protocol.content_model import Strict

RINGING, TALKING, HELD = "ringing", "talking", "held"
SHIFT_STATES = ("ready", RINGING, TALKING, HELD, "wrap_up", "not_ready")  # the display order


class StateTime(Strict):
    state: str = Field(description="one of SHIFT_STATES")
    reason: str | None = Field(default=None, description="not_ready's reason code")
    seconds: float


class SurveyTally(Strict):
    offered: int = 0
    scored: int = 0
    hung_up: int = 0
    score_sum: int = 0

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.scored if self.scored else None


class AgentShift(Strict):
    """The agent's figures at sim time `as_of` (after event `seq`)."""

    agent_id: str
    as_of: float
    seq: int = 0
    day_start: float
    login_at: float | None = Field(description="the first login today; None: not yet")
    logged_in_s: float = Field(description="time in every state but logged out")
    states: list[StateTime] = Field(description="SHIFT_STATES order, reasons by first use")
    calls_handled: int
    talk_s: float = Field(description="of the handled calls")
    hold_s: float
    wrapup_s: float
    occupancy: float | None
    surveys: SurveyTally

    def average(self, total_s: float) -> float | None:
        """A per-call average of the handled calls (`talk_s`, `hold_s`, `wrapup_s`)."""
        return total_s / self.calls_handled if self.calls_handled else None

    @property
    def aht_s(self) -> float | None:
        return self.average(self.talk_s + self.hold_s + self.wrapup_s)

    def seconds_in(self, state: str, reason: str | None = None) -> float:
        return sum(s.seconds for s in self.states if (s.state, s.reason) == (state, reason))
