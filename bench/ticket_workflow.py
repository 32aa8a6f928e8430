"""The ticket workflow at scale: 100,000 open tickets with live deadlines on the demo calendar.

Tickets are drawn for a seed over the demo workflow's types and priorities, created in
the ten business days before "now" (Tue 2026-12-01 10:00, Asia/Shanghai); each has a
running resolution clock (one in ten paused and resumed once) and, when it waits in a
queue, a first-response clock. An item's deadline in its queue is the earlier of the two.

Measured, in one run:
- building the queues (every deadline computed on the calendar, every item put);
- pulling the next item: `--pulls` pulls round the queues, each followed by a new ticket
  put in, so 100,000 stay open (p50/p99 of the pull alone, and of the put);
- the same pulls and puts on a `sortedcontainers.SortedList` per queue (the baseline the
  heap was chosen over);
- a calendar change (a holiday and a dated exception added): compile the new calendar,
  recompute every deadline and rebuild every queue; and, on top, plan every ticket's one
  escalation timer (`next_escalation` over its clocks);
- the ticket loop as the server runs it (`workflow.ticket_loop.TicketLoop`, the engine
  companion): `--tickets` tickets opened through `observe(ticket.created)` (dispatched,
  clocks started, escalation timers planned), then `--loop-pulls` humans' `pull_next`
  commands (the accept transition and its events included), p50/p99.

Last line `next_item_p99_ms=X`; target X ≤ 5.

    .venv/bin/python bench/ticket_workflow.py [--tickets 100000] [--pulls 20000] [--seed 11]
        [--loop-pulls 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server_stub.protocol.tickets import PRIORITY_RANK, TicketPriority  # noqa: E402
from server_stub.workflow.business_calendar import BusinessCalendar  # noqa: E402
from server_stub.workflow.escalation import (  # noqa: E402
    ClockLadder,
    next_escalation,
    rungs_for,
    target_minutes,
)
from server_stub.workflow.loader import load_default_workflow  # noqa: E402
from server_stub.workflow.schema import DatedHours, Holiday, WorkflowConfig  # noqa: E402
from server_stub.workflow.sla import ClockKind, SlaClock  # noqa: E402
from server_stub.workflow.ticket_loop import TicketLoop  # noqa: E402
from server_stub.workflow.ticket_workflow import TicketClocks, TicketWorkflow  # noqa: E402
from server_stub.workflow.work_queues import WorkQueues  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ).timestamp()
TYPE_SHARES = {
    "fault": 0.4,
    "enquiry": 0.25,
    "billing": 0.15,
    "complaint": 0.12,
    "suggestion": 0.08,
}
PRIORITY_SHARES = {"low": 0.15, "normal": 0.6, "high": 0.2, "urgent": 0.05}


class OpenTicket:
    __slots__ = ("clocks", "item_id", "priority", "queue")

    def __init__(self, item_id: str, queue: str, priority: int, clocks: TicketClocks) -> None:
        self.item_id = item_id
        self.queue = queue
        self.priority = priority
        self.clocks = clocks


def draw_ticket(
    rng: random.Random, config: WorkflowConfig, calendar: BusinessCalendar, number: int
) -> OpenTicket:
    type_id = rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()))[0]
    ticket_type = config.ticket_type(type_id)
    assert ticket_type is not None
    priority = TicketPriority(
        rng.choices(list(PRIORITY_SHARES), weights=list(PRIORITY_SHARES.values()))[0]
    )
    route = (*ticket_type.via, ticket_type.department)
    queue = route[rng.randrange(len(route))]
    back = rng.uniform(0, 10 * 540 * 60)  # up to ten business days of business time ago
    created = NOW - back * 1.6  # a rough business→calendar stretch; exactness is not needed
    resolution = SlaClock.start(
        ClockKind.RESOLUTION, target_minutes(ticket_type, priority, ClockKind.RESOLUTION), created
    )
    if rng.random() < 0.1:
        paused_at = created + rng.uniform(0, NOW - created)
        resolution = resolution.pause(paused_at).resume(paused_at + rng.uniform(0, 86400))
    entered = created + rng.uniform(0, NOW - created)
    first = SlaClock.start(
        ClockKind.FIRST_RESPONSE,
        target_minutes(ticket_type, priority, ClockKind.FIRST_RESPONSE),
        entered,
    )
    clocks = TicketClocks(
        ClockLadder(first, rungs_for(config, ticket_type, ClockKind.FIRST_RESPONSE)),
        ClockLadder(resolution, rungs_for(config, ticket_type, ClockKind.RESOLUTION)),
    )
    return OpenTicket(f"T{number:07d}", queue, PRIORITY_RANK[priority], clocks)


def due_of(ticket: OpenTicket, calendar: BusinessCalendar) -> float:
    due = ticket.clocks.due_at(calendar)
    return float("inf") if due is None else due


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def pull_and_refill(
    pull: object, put: object, queues: list[str], fresh: list[OpenTicket], due: list[float]
) -> tuple[list[float], list[float]]:
    """Pull round the queues, putting a new ticket in after each pull; times in ms."""
    assert callable(pull) and callable(put)
    pulls: list[float] = []
    puts: list[float] = []
    clock = time.perf_counter_ns
    for k, ticket in enumerate(fresh):
        queue = queues[k % len(queues)]
        t0 = clock()
        pull(queue)
        t1 = clock()
        put(ticket, due[k])
        t2 = clock()
        pulls.append((t1 - t0) / 1e6)
        puts.append((t2 - t1) / 1e6)
    return pulls, puts


def sorted_list_baseline(
    tickets: list[OpenTicket], dues: list[float], fresh: list[OpenTicket], fresh_due: list[float]
) -> tuple[list[float], list[float]] | None:
    try:
        from sortedcontainers import SortedList
    except ImportError:
        return None
    # the same bookkeeping as WorkQueues: an id -> key map, so updates and removals work
    lists: dict[str, SortedList] = {}
    keys: dict[str, tuple[int, float, int, str]] = {}
    for order, (ticket, due) in enumerate(zip(tickets, dues, strict=True)):
        key = (-ticket.priority, due, order, ticket.item_id)
        keys[ticket.item_id] = key
        lists.setdefault(ticket.queue, SortedList()).add(key)
    counter = [len(tickets)]

    def pull(queue: str) -> None:
        if lists[queue]:
            del keys[lists[queue].pop(0)[3]]

    def put(ticket: OpenTicket, due: float) -> None:
        old = keys.get(ticket.item_id)
        if old is not None:
            lists[ticket.queue].remove(old)
        counter[0] += 1
        key = (-ticket.priority, due, counter[0], ticket.item_id)
        keys[ticket.item_id] = key
        lists[ticket.queue].add(key)

    return pull_and_refill(pull, put, sorted(lists), fresh, fresh_due)


def ticket_loop_figures(
    config: WorkflowConfig, rng: random.Random, tickets: int, pulls: int
) -> tuple[float, list[float]]:
    """Open `tickets` through the loop's companion door, then time `pulls` pull-next
    commands by a department user round the department queues; (open_s, pull times ms)."""
    epoch = NOW - 10 * 86400.0  # sim time 0 ten days before "now"
    loop = TicketLoop(TicketWorkflow(config), epoch=epoch, seed=rng.randrange(1 << 30))
    types = list(TYPE_SHARES)
    weights = list(TYPE_SHARES.values())
    priorities = list(PRIORITY_SHARES)
    priority_weights = list(PRIORITY_SHARES.values())
    span = NOW - epoch
    times = sorted(rng.uniform(0, span) for _ in range(tickets))
    t0 = time.perf_counter()
    for number, at in enumerate(times):
        data = {
            "ticket_id": f"L{number:07d}",
            "category": rng.choices(types, weights=weights)[0],
            "priority": rng.choices(priorities, weights=priority_weights)[0],
            "customer_id": "C000001",
            "subject": "bench",
        }
        loop.observe((at, "ticket.created", None, "1001", None, data))
    open_s = time.perf_counter() - t0
    gc.collect()
    gc.freeze()  # as the server does after start-up: the open work is not garbage
    queues = [q.id for q in config.queues if q.role == "department" and loop.queue_size([q.id])]
    clock = time.perf_counter_ns
    samples: list[float] = []
    now = span
    for k in range(pulls):
        queue = queues[k % len(queues)]
        if not loop.queue_size([queue]):
            continue
        t0_ns = clock()
        loop.pull_next(now=now, keys=[queue], actor="d100", actor_role="department")
        samples.append((clock() - t0_ns) / 1e6)
    return open_s, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--pulls", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--loop-pulls", type=int, default=5_000)
    args = parser.parse_args()

    config = load_default_workflow()
    calendar = BusinessCalendar(config.calendar)
    rng = random.Random(args.seed)
    tickets = [draw_ticket(rng, config, calendar, n) for n in range(args.tickets)]
    fresh = [draw_ticket(rng, config, calendar, args.tickets + n) for n in range(args.pulls)]
    gc.collect()
    gc.freeze()  # what is built stays; collections during timing would be of nothing new

    t0 = time.perf_counter()
    dues = [due_of(ticket, calendar) for ticket in tickets]
    queues = WorkQueues()
    for ticket, due in zip(tickets, dues, strict=True):
        queues.put(ticket.item_id, ticket.queue, ticket.priority, due)
    build_s = time.perf_counter() - t0
    fresh_due = [due_of(ticket, calendar) for ticket in fresh]
    by_id = {ticket.item_id: ticket for ticket in (*tickets, *fresh)}

    pulls, puts = pull_and_refill(
        queues.pull_next,
        lambda ticket, due: queues.put(ticket.item_id, ticket.queue, ticket.priority, due),
        queues.queues(),
        fresh,
        fresh_due,
    )
    assert len(queues) == args.tickets
    baseline = sorted_list_baseline(tickets, dues, fresh, fresh_due)

    spec = config.calendar.model_copy(
        update={
            "holidays": (*config.calendar.holidays, Holiday(date=dt.date(2026, 12, 2))),
            "exceptions": (
                *config.calendar.exceptions,
                DatedHours(date=dt.date(2026, 12, 3), hours=((480, 720),)),
            ),
        }
    )
    t0 = time.perf_counter()
    changed = BusinessCalendar(spec)
    queues.recompute_deadlines(lambda item: due_of(by_id[item.item_id], changed))
    recompute_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    timers = [
        next_escalation(by_id[item.item_id].clocks.ladders(), changed) for item in queues.items()
    ]
    timers_s = time.perf_counter() - t0
    assert sum(1 for timer in timers if timer is not None) > 0

    print(f"open tickets: {len(queues):,} in {len(queues.queues())} queues (seed {args.seed})")
    print(f"build_s={build_s:.3f}  (every deadline on the calendar, every item put)")
    print(f"put_p50_ms={percentile(puts, 0.5):.4f} put_p99_ms={percentile(puts, 0.99):.4f}")
    if baseline is not None:
        base_pulls, base_puts = baseline
        print(
            f"sortedlist_next_item_p99_ms={percentile(base_pulls, 0.99):.4f} "
            f"sortedlist_put_p99_ms={percentile(base_puts, 0.99):.4f}  (baseline)"
        )
        print(
            f"next_item_p99_ratio_vs_sortedlist="
            f"{percentile(pulls, 0.99) / percentile(base_pulls, 0.99):.2f}"
        )
    print(f"recompute_all_deadlines_s={recompute_s:.3f}  (new calendar, {len(queues):,} items)")
    print(f"plan_all_escalation_timers_s={timers_s:.3f}")
    open_s, loop_pulls = ticket_loop_figures(config, rng, args.tickets, args.loop_pulls)
    print(f"loop_open_all_s={open_s:.3f}  (the companion: {args.tickets:,} tickets dispatched)")
    print(
        f"loop_pull_next_p50_ms={percentile(loop_pulls, 0.5):.4f} "
        f"loop_pull_next_p99_ms={percentile(loop_pulls, 0.99):.4f}  (accept and its events)"
    )
    print(f"next_item_p50_ms={percentile(pulls, 0.5):.4f}")
    print(f"next_item_p99_ms={percentile(pulls, 0.99):.4f}")


if __name__ == "__main__":
    main()
