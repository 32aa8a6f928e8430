"""The names of the store's parts: what a change touched, so screens redraw only that.

Apart from the store (which imports pydantic) so that screens can name parts before the
client modules have loaded.
"""

from __future__ import annotations

from typing import Final

AGENT: Final = "agent"  # the agent's own state
CALL: Final = "call"  # the agent's current call
QUEUES: Final = "queues"  # queue statistics
MESSAGES: Final = "messages"  # supervisor messages to this login
CONNECTION: Final = "connection"  # the event feed's link
FLOOR: Final = "floor"  # every agent's state (supervisors)
REVIEWS: Final = "reviews"  # calls wrapped up since login (evaluators)
TRAILS: Final = "trails"  # calls this login sent (trainers)
TICKET_LOOP: Final = "ticket_loop"  # tickets' steps, reminders, escalations (back office)
BOARD: Final = "board"  # the supervisor's queue figures and agents' days
ALERTS: Final = "alerts"  # the supervisor's alerts
SCREENS: Final = "screens"  # agents' desks as they show them (agent.screen)
NOTICES: Final = "notices"  # what supervisors pinned or said on this agent's desk
DISCIPLINE: Final = "discipline"  # violations (SV5): the agent's own, a team's
TRACKED_TICKETS: Final = "tracked_tickets"  # the agent's tickets and its callback (desk)
CALL_PARTIES: Final = "call_parties"  # who else is on the desk's call: consult, conference
BOOKED_CALLBACK: Final = "booked_callback"  # a callback the agent booked, now on its line

ALL_PARTS: Final[frozenset[str]] = frozenset(
    {
        AGENT,
        CALL,
        QUEUES,
        MESSAGES,
        CONNECTION,
        FLOOR,
        REVIEWS,
        TRAILS,
        TICKET_LOOP,
        BOARD,
        ALERTS,
        SCREENS,
        NOTICES,
        DISCIPLINE,
        TRACKED_TICKETS,
        CALL_PARTIES,
        BOOKED_CALLBACK,
    }
)
NOTHING: Final[frozenset[str]] = frozenset()
