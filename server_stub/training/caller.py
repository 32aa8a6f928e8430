"""The scripted caller of a scenario: which line it says next, and how its mood moves.

Pure state, no clock and no I/O: a training session feeds it what the trainee does
(reaching a script step, a desk action, the length of a hold) and asks for the caller's
turn. A turn's branches are tried in order and the first whose `when` holds is said; a
branch with no `when` always holds. Moods sit on the scale of `MOODS` (furious … pleased);
a number moves along it (clamped at the ends), a name sets it. The caller hangs up after
a turn that says so, or when the mood reaches the customer's `hangs_up_at_mood`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from server_stub.protocol.scenario_model import MOODS, TURN_EVENTS, Condition, Scenario, Turn

_EVENT_ACTIONS = MappingProxyType(
    {
        "on_hold": "hold",
        "on_consult": "consult",
        "on_transfer": "transfer",
        "on_ticket": "ticket",
        "on_callback": "callback",
        "on_survey": "survey",
    }
)


@dataclass(frozen=True)
class CallerState:
    mood: int  # an index into MOODS
    visits: Mapping[str, int] = field(default_factory=dict)  # script step -> times reached
    done: frozenset[str] = frozenset()  # desk action kinds the trainee has done
    last_hold_s: float | None = None
    hung_up: bool = False

    @property
    def mood_name(self) -> str:
        return MOODS[self.mood]

    def reached(self, step: str) -> CallerState:
        """The trainee's walk arrived at `step` (its turn is then chosen for this visit)."""
        return replace(self, visits={**self.visits, step: self.visits.get(step, 0) + 1})

    def did(self, action_kind: str) -> CallerState:
        return replace(self, done=self.done | {action_kind})

    def held_for(self, seconds: float) -> CallerState:
        return replace(self, last_hold_s=seconds)


def initial_state(scenario: Scenario) -> CallerState:
    return CallerState(mood=MOODS.index(scenario.customer.mood))


def select_turn(scenario: Scenario, trigger: str, state: CallerState) -> Turn | None:
    """What the caller says on `trigger` (a script step just reached, or a desk event)."""
    for turn in scenario.turns.get(trigger, []):
        if turn.when is None or condition_holds(turn.when, trigger, state):
            return turn
    return None


def condition_holds(condition: Condition, trigger: str, state: CallerState) -> bool:
    visited = {step for step, count in state.visits.items() if count > 0}
    checks = [
        condition.visit is None or state.visits.get(trigger, 0) == condition.visit,
        all(step in visited for step in condition.visited),
        not any(step in visited for step in condition.not_visited),
        all(kind in state.done for kind in condition.done),
        not any(kind in state.done for kind in condition.not_done),
        condition.mood_at_most is None or state.mood <= MOODS.index(condition.mood_at_most),
        condition.mood_at_least is None or state.mood >= MOODS.index(condition.mood_at_least),
        condition.held_over_s is None
        or (state.last_hold_s is not None and state.last_hold_s > condition.held_over_s),
    ]
    return all(checks)


def after_turn(scenario: Scenario, state: CallerState, turn: Turn) -> CallerState:
    """The caller once `turn` is said: its mood moved, perhaps gone."""
    mood = state.mood
    if isinstance(turn.mood, int):
        mood = min(max(mood + turn.mood, 0), len(MOODS) - 1)
    elif isinstance(turn.mood, str):
        mood = MOODS.index(turn.mood)
    limit = scenario.customer.hangs_up_at_mood
    gone = turn.hangs_up or (limit is not None and mood <= MOODS.index(limit))
    return replace(state, mood=mood, hung_up=state.hung_up or gone)


def react(scenario: Scenario, trigger: str, state: CallerState) -> tuple[Turn | None, CallerState]:
    """The whole step for a trigger: count it, pick the turn, apply it.

    A script step counts as a visit and a desk event as the action it stands for, before
    the turn is chosen, so `visit: 1` is the first arrival and `done: ticket` on
    `on_ticket` holds."""
    if trigger in TURN_EVENTS:
        kind = _EVENT_ACTIONS.get(trigger)
        state = state.did(kind) if kind is not None else state
    else:
        state = state.reached(trigger)
    turn = select_turn(scenario, trigger, state)
    return turn, (after_turn(scenario, state, turn) if turn is not None else state)
