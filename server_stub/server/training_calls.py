"""The floor's recorded calls a trainer picks one from to replay (issue 12 item 4).

Ended calls an agent answered, from the CDR (`Store.answered_contacts`), by agent, queue,
customer (id or account) and the centre's calendar date, newest first.
"""

from __future__ import annotations

from datetime import date as calendar_date
from datetime import datetime, timedelta

from server_stub.protocol.training_api import RecordedCallSummary
from server_stub.server.quality_desk import QualityDesk
from server_stub.server.store import Store

CALLS_LISTED = 200  # the most a list gives: a day's calls of a small floor


def day_window(quality: QualityDesk, day: calendar_date) -> tuple[float, float]:
    """The sim-time span of a calendar day in the centre's time zone."""
    start = datetime(day.year, day.month, day.day, tzinfo=quality.epoch.tzinfo)
    since = (start - quality.epoch).total_seconds()
    return since, since + timedelta(days=1).total_seconds()


def recorded_calls(
    store: Store,
    quality: QualityDesk,
    *,
    agent_id: str | None = None,
    queue_id: str | None = None,
    customer: str | None = None,
    day: calendar_date | None = None,
    limit: int = CALLS_LISTED,
) -> list[RecordedCallSummary]:
    since, until = day_window(quality, day) if day is not None else (None, None)
    calls = store.answered_contacts(
        agent_id=agent_id, queue_id=queue_id, customer=customer, since=since, until=until
    )
    ended = [c for c in calls if c.ended_at is not None]
    return [
        RecordedCallSummary(
            call_id=c.call_id,
            agent_id=c.agent_id,
            queue_id=c.queue_id,
            customer_id=c.customer_id,
            date=quality.call_date(c.arrived_at),
            clock=quality.clock(c.arrived_at),
            talk_s=c.talk_s,
            wrapup_code=c.wrapup_code,
        )
        for c in reversed(ended[-limit:])
    ]
