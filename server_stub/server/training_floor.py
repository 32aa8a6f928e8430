"""A trainee's seat on the live floor while its session runs: not ready for training, then back.

A session rings the trainee on a centre of its own, but the trainee's live seat would stay
ready and a live call could ring in the middle of the exercise. So when a session starts
(a trainer's, a push, a practice) the trainee's live seat goes NOT READY with the
training reason, and when the session ends (finished, stopped, abandoned) the seat goes
back to what it was, unless the agent (or a supervisor) chose another state meanwhile.
Both are ordinary `set_state` commands through the runtime, so they are logged as
`agent.state_changed` and journaled: replay after a restart gives the same floor.

What each seat was is kept in the store's meta (`training_holds`), so that a restart,
which loses the sessions themselves (they live in memory), still puts the seats back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.server.errors import ApiError
from server_stub.server.floor import AgentView
from server_stub.server.store import Store

log = logging.getLogger(__name__)

TRAINING_REASON = "training"  # the demo centre's 培训 Training reason code
HOLDS_META = "training_holds"
ACTOR = "training"  # who the journal names for these state changes
# The seat states a session takes over: a seat on a call is refused before this (and a
# logged-out trainee gets no live calls anyway).
TAKEN_FROM = frozenset({"ready", "not_ready"})


@dataclass(frozen=True)
class SeatHold:
    """A trainee's live seat set aside for a session, and what it was before."""

    session_id: str
    state: str
    reason: str | None


Apply = Callable[[str, dict[str, Any], str | None], object]


class TraineeSeats:
    """Sets trainees' live seats aside for their sessions and gives them back."""

    def __init__(
        self,
        config: CentreConfig,
        store: Store,
        apply: Apply,
        agent: Callable[[str], AgentView | None],
    ) -> None:
        codes = {c.code for c in config.reason_codes}
        self._codes = codes
        # A centre without a training reason still takes the seat off the floor (no reason).
        self.reason = TRAINING_REASON if not codes or TRAINING_REASON in codes else None
        self.store = store
        self._apply = apply
        self._agent = agent
        raw = store.get_meta(HOLDS_META)
        self.holds: dict[str, SeatHold] = {
            agent_id: SeatHold(**hold) for agent_id, hold in json.loads(raw or "{}").items()
        }

    def _save(self) -> None:
        held = {agent_id: asdict(hold) for agent_id, hold in self.holds.items()}
        self.store.set_meta(HOLDS_META, json.dumps(held, sort_keys=True))

    def _set_aside(self, seat: AgentView) -> bool:
        return seat.state == "not_ready" and seat.reason == self.reason

    def take(self, agent_id: str, session_id: str) -> bool:
        """The trainee's live seat goes not ready for training for `session_id`. False
        while there is no seat to take (logged out, or finishing a wrap-up): take it when
        the trainee is back at a free seat."""
        seat = self._agent(agent_id)
        if seat is None or self._set_aside(seat):
            return True  # no live seat, or already set aside for training: nothing to take
        if seat.state not in TAKEN_FROM:
            return False
        self.holds[agent_id] = SeatHold(session_id, seat.state, seat.reason)
        self._save()
        args = {"agent_id": agent_id, "state": "not_ready", "reason": self.reason}
        self._apply("set_state", args, ACTOR)
        return True

    def give_back(self, agent_id: str, session_id: str) -> None:
        """`session_id` is over: the seat goes back to what it was, if it is still set
        aside for training (a state the agent chose meanwhile stands)."""
        hold = self.holds.get(agent_id)
        if hold is None or hold.session_id != session_id:
            return
        del self.holds[agent_id]
        self._save()
        seat = self._agent(agent_id)
        if seat is None or not self._set_aside(seat):
            return
        # The engine's own reasons (`login` at a log-in) are no one's to set: not ready, then.
        reason = hold.reason if not self._codes or hold.reason in self._codes else None
        args = {"agent_id": agent_id, "state": hold.state, "reason": reason}
        try:
            self._apply("set_state", args, ACTOR)
        except ApiError as error:  # the session ends all the same; the seat stays as it is
            log.warning("seat of %s not given back: %s", agent_id, error.message)

    def logged_out(self, agent_id: str) -> bool:
        """Whether a trainee whose seat a session holds has logged out of the live floor."""
        seat = self._agent(agent_id)
        return agent_id in self.holds and seat is not None and seat.state == "logged_out"

    def give_back_all(self) -> None:
        """Every seat still held (its session lost with a restart) goes back."""
        for agent_id, hold in list(self.holds.items()):
            self.give_back(agent_id, hold.session_id)
