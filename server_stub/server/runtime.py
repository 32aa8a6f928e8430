"""The centre at run time: the parts that run one centre, put together.

`CentreRuntime` owns the `Engine` and wires it to the rest, each part with one job:
`clock.py` (the real-time clock and the task that drives the engine along it),
`dispatch.py` (commands → engine), `pipeline.py` (engine events → stored, folded, streamed),
`pops.py` (screen pops), `activity.py` (the log lines), `replay.py` (restart by replay),
`run_frame.py` (where this engine run sits in the stored log), `feed.py` (the SSE hub),
`floor.py` (the floor as the events say), `auth.py` and `store.py`.

Restart is deterministic replay (architecture.md "Server"): the clock continues from the
last stored sim time; the simulation does not run while the server is down. When the
stored run cannot be replayed, a new simulated day starts on the same data.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server_stub.centre.customers import customer_refs
from server_stub.centre.schema import CentreConfig
from server_stub.engine import Engine, EngineError
from server_stub.protocol.api import Callback
from server_stub.protocol.desk_screen import SCREENS_PER_S
from server_stub.protocol.scripts import FlowScript
from server_stub.server.activity import ActivityLog
from server_stub.server.audit import AuditTrail
from server_stub.server.auth import AuthService, Principal
from server_stub.server.clock import ClockDriver, RealTimeClock
from server_stub.server.customer_seed import customer_rows
from server_stub.server.dispatch import CommandDispatcher
from server_stub.server.errors import ApiError
from server_stub.server.feed import EventHub
from server_stub.server.floor import Floor
from server_stub.server.flow_scripts import load_centre_scripts
from server_stub.server.pipeline import EventPipeline, ReplayDivergedError
from server_stub.server.pops import ScreenPopBuilder
from server_stub.server.quality_desk import QualityDesk
from server_stub.server.replay import (
    check_customers,
    config_hash,
    customers_hash,
    replay_journal,
)
from server_stub.server.run_frame import RunFrame
from server_stub.server.scope import Scope, SearchGrants
from server_stub.server.simulated_tickets import SimulatedTickets
from server_stub.server.staffing_desk import WhatIfJobs
from server_stub.server.store import Store
from server_stub.server.surges import SURGE_ACTOR, SurgeCallers
from server_stub.server.throttle import Buckets
from server_stub.server.ticket_intake import open_ticket
from server_stub.server.ticket_runtime import (
    agent_call_queues,
    build_ticket_loop,
    centre_workflow,
)
from server_stub.server.training_floor import TraineeSeats
from server_stub.server.training_sessions import TrainingDesk
from server_stub.supervision.clock import CentreClock
from server_stub.supervision.companions import SupervisionParts, attach_supervision
from server_stub.supervision.config import SupervisionConfig
from server_stub.supervision.dayplan import day_plan
from server_stub.supervision.shift import SHIFT, ShiftCompanion
from server_stub.survey import SURVEY, SurveyCompanion
from server_stub.workflow.ticket_loop import NAME as TICKET_LOOP
from server_stub.workflow.ticket_loop import TicketLoop
from server_stub.workflow.ticket_workflow import TicketWorkflow

__all__ = ["Applied", "CentreRuntime", "ReplayDivergedError"]

OPENING_META = "opening_tickets"  # the night's tickets were opened in this database

log = logging.getLogger("centre")

PING_EVERY_S = 15.0  # SSE comment lines to idle clients
DRIVER_SLICE_S = 0.02  # the driver moves the engine this much wall time's worth per step
MAX_LAG_S = 0.1  # further behind than this, the clock slips: the machine sets the pace
SEARCHES_PER_MIN = 10  # customer searches per user (bursts of SEARCH_BURST)
SEARCH_BURST = 5
RING_WARM_EVENTS = 5_000  # recent events put back in the feed's ring after a restart


@dataclass(frozen=True)
class Applied:
    """A command the engine accepted: the newest seq after it, and its return value."""

    seq: int
    value: Any = None

    @property
    def call_id(self) -> str | None:
        return self.value if isinstance(self.value, str) else None


class CentreRuntime:
    """One running centre. Build it, `open()` it (sync), then `await start()`."""

    def __init__(
        self,
        config: CentreConfig,
        store: Store,
        *,
        seed: int = 1,
        speed: float = 1.0,
        scripts_dir: str | Path | None = None,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        supervision: SupervisionConfig | None = None,
    ) -> None:
        self.config = config
        self.supervision_config = supervision  # thresholds of alerts (built-in ones without)
        self.store = store
        self.seed = seed
        self._wall_clock = wall_clock
        self.scripts_dir = Path(scripts_dir) if scripts_dir is not None else None  # + knowledge/
        self.scripts: dict[str, FlowScript] = load_centre_scripts(scripts_dir, config)
        self.clock = RealTimeClock(speed, monotonic)
        self.hub = EventHub(store.event_rows_after, wall_clock=wall_clock)
        self.auth = AuthService(config, store, wall_clock=wall_clock)
        self.auth.on_session_end = self.hub.end_session  # a stream ends with its session
        self.audit = AuditTrail(store, wall_clock, lambda: self.now)
        self.grants = SearchGrants()
        self.monotonic = monotonic
        self.searches_per_min = SEARCHES_PER_MIN
        self.searches = Buckets(rate=SEARCHES_PER_MIN / 60.0, burst=SEARCH_BURST)
        # The desk's screen (routes/agent.py): a rate per agent, and the last one logged.
        self.screens = Buckets(rate=SCREENS_PER_S, burst=2 * SCREENS_PER_S)
        self.last_screens: dict[str, tuple[int, dict[str, Any]]] = {}
        self.pops = ScreenPopBuilder(store)
        # Names this log (this database) to clients: call ids restart on every new centre.
        self.log_id = store.get_meta("log_id") or uuid.uuid4().hex
        store.set_meta("log_id", self.log_id)
        self.dispatcher = CommandDispatcher(
            config, wire_call_id=lambda call_id: self.frame.call_id(call_id) or call_id
        )
        self.workflow = TicketWorkflow(centre_workflow(self.scripts_dir))
        self._acting = False  # in _after_flush: the centre's own commands are not re-entered
        self.simulated_tickets = SimulatedTickets(config)
        self._next_booked = store.next_callback_due()  # the soonest booked callback's time
        self._unplaceable: set[str] = set()  # callbacks the engine refused: said once
        self._callback_queues = agent_call_queues(config)  # a not-ready agent's booked ones
        self._first_queue = config.queues[0].id if config.queues else None
        self.frame = RunFrame.from_meta(store.get_meta)
        forms_dir = self.scripts_dir.parent / "forms" if self.scripts_dir is not None else None
        self.quality = QualityDesk(config, store, self.scripts, forms_dir, lambda: self.now)
        scenarios = self.scripts_dir.parent / "scenarios" if self.scripts_dir is not None else None
        # A trainee's live seat is not ready (training) while its session runs.
        floor_agent = lambda agent_id: self.floor.agents.get(agent_id)  # noqa: E731
        seats = TraineeSeats(config, store, self.apply_command, floor_agent)
        self.training = TrainingDesk(
            config, store, scenarios, self.scripts, monotonic, wall_clock, seats=seats
        )
        self._build_run()
        self.driver = ClockDriver(self.clock, self._drive_step, self._next_due)
        self._keepalive: asyncio.Task[None] | None = None
        self.startup_s: dict[str, float] = {}
        self.whatif_jobs = WhatIfJobs()  # the staffing view's re-runs (routes/staffing.py)
        # Tests make many databases for one centre: they keep the generated customers.
        self.keep_customer_cache = False

    def _build_run(self) -> None:
        """A fresh engine for the current run, with the floor and pipeline it feeds."""
        self.engine = Engine(
            self.config, self.frame.engine_seed(self.seed), customers=customer_refs(self.config)
        )
        self.floor = Floor(self.config)
        self.activity = ActivityLog(self.config, self.floor)
        self.pipeline = EventPipeline(
            store=self.store,
            floor=self.floor,
            hub=self.hub,
            pops=self.pops,
            activity=self.activity,
            frame=self.frame,
            wall_clock=self._wall_clock,
            simulated_tickets=self.simulated_tickets,
        )
        self.engine.subscribe(self.pipeline.collect)
        self.engine.attach(
            TICKET_LOOP, build_ticket_loop(self.config, self.workflow, self.frame, self.seed)
        )
        # Alerts and the queues board live on the engine's clock: replay gives them again.
        self.supervision: SupervisionParts = attach_supervision(
            self.engine, self.config, self.supervision_config
        )
        # The post-call survey's callers (IN8), seeded like the engine: replay scores alike.
        self.engine.attach(
            SURVEY, SurveyCompanion.for_centre(self.config, self.frame.engine_seed(self.seed))
        )
        self.shifts = ShiftCompanion(self.config.centre.epoch)  # each agent's day (ST3)
        self.engine.attach(SHIFT, self.shifts)
        # The day's surges are on the epoch's day: the first run's (a new day has none).
        self.surges: SurgeCallers | None = None
        if self.supervision_config is not None and self.frame.number == 1:
            clock = CentreClock(self.config.centre.epoch)
            plan = day_plan(self.supervision_config, clock)
            self.surges = SurgeCallers(plan, self.supervision.board.forecast, clock, self.seed)
            # Today's roster: who stays away, who comes late (humans log in themselves).
            simulated = {a.id for a in self.config.agents if a.simulated}
            self.engine.plan_attendance(
                {a: t for a, t in plan.late_logins.items() if a in simulated},
                simulated & plan.stays_out,
            )

    @property
    def tickets(self) -> TicketLoop:
        """The ticket loop of this run (states, queues, clocks, callbacks)."""
        loop: TicketLoop = self.engine.companion(TICKET_LOOP)
        return loop

    # ------------------------------------------------------------------ start, stop

    def open(self) -> None:
        """Prepare the store (customers, meta) and bring the engine to where it was."""
        started = time.perf_counter()
        same_config = self._check_identity()
        if not self.store.customers_ready():
            self.store.fill_customers(
                customer_rows(self.config, keep_cache=self.keep_customer_cache),
                customers_hash(self.config),
            )
        self.startup_s["customers"] = time.perf_counter() - started
        replay_started = time.perf_counter()
        try:
            if not same_config:
                raise ReplayDivergedError(
                    "it was made with another centre configuration (or another version of it)"
                )
            self._replay()
        except ReplayDivergedError as why:
            self._start_new_day(str(why))
        self.startup_s["replay"] = time.perf_counter() - replay_started
        # The desks' screens as they were: a supervisor's mirror works before they change.
        for screen in self.store.latest_screens(after_seq=self.frame.seq_base):
            if screen.agent_id is not None:
                self.last_screens[screen.agent_id] = (screen.seq, screen.data)
        last_seq = self.store.last_seq()
        self.hub.start_at(
            last_seq,
            self.store.events_after(max(0, last_seq - RING_WARM_EVENTS), RING_WARM_EVENTS),
            run_seq_base=self.frame.seq_base,
        )
        self.clock.anchor(self.now)
        self.activity.restart_at(self.now)
        self.training.seats.give_back_all()  # the sessions did not survive the restart
        self._open_the_nights_tickets()
        # What start-up made (config, customers, replayed log) lives for good: keep it out
        # of the cyclic GC's full scans, which otherwise stall the fan-out for 100+ ms.
        gc.collect()
        gc.freeze()

    def _check_identity(self) -> bool:
        """Take the database's seed; False when it was made with another configuration."""
        store = self.store
        check_customers(store, self.config)
        stored_hash = store.get_meta("config_hash")
        if stored_hash is None:
            store.set_meta("config_hash", self._run_identity())
            store.set_meta("seed", str(self.seed))
            return True
        stored_seed = store.get_meta("seed")
        if stored_seed is not None and int(stored_seed) != self.seed:
            log.info("using the database's seed %s (not %s)", stored_seed, self.seed)
            self.seed = int(stored_seed)
            self._build_run()
        return stored_hash == self._run_identity()

    def _run_identity(self) -> str:
        return config_hash(self.config, self.supervision_config, self.workflow.config)

    def _replay(self) -> None:
        self.pipeline.replaying = True
        try:
            replay_journal(
                engine=self.engine,
                frame=self.frame,
                store=self.store,
                dispatcher=self.dispatcher,
                flush=self._flush,
                last_seen_seq=lambda: self.pipeline.last_seen_seq,
            )
        finally:
            self.pipeline.replaying = False
        if self.surges is not None:
            self.surges.skip_until(self.now)  # those callers are in the journal

    def _start_new_day(self, why: str) -> None:
        """Keep everything stored and run a new engine from the next day boundary."""
        store = self.store
        self.frame = self.frame.next_run(
            store.last_seq(), store.last_sim_time(), store.last_command_id()
        )
        store.set_meta_many({**self.frame.to_meta(), "config_hash": self._run_identity()})
        log.warning(
            "%s: the stored day cannot be continued (%s); keeping its %d events, %d tickets, "
            "%d contacts and %d customers, and starting simulated day %d",
            store.path,
            why,
            store.last_seq(),
            store.ticket_count(),
            store.contact_count(),
            store.customer_count(),
            self.frame.number,
        )
        self._build_run()
        self.engine.advance_to(0.0)  # simulated agents log in, callers start arriving
        self._flush()

    async def start(self) -> None:
        self.clock.anchor(self.now)
        self.driver.start()
        self._keepalive = asyncio.create_task(self.hub.keepalive(PING_EVERY_S), name="sse-pings")
        log.info(
            "centre %s running at %s, speed %s×, %d events in the log",
            self.config.centre.name,
            self.activity.clock_text(self.now),
            self.speed,
            self.hub.last_seq,
        )

    async def stop(self) -> None:
        self.hub.end_all()
        if self._keepalive is not None:
            self._keepalive.cancel()
            self._keepalive = None
        await self.driver.stop()
        self.whatif_jobs.close()  # the what-if's worker processes
        self.hub.close()
        self.store.set_last_sim_time(self.now)

    def scope(self, principal: Principal) -> Scope:
        """What `principal` may read and act on, for one request."""
        return Scope(
            principal, floor=self.floor, store=self.store, grants=self.grants, audit=self.audit
        )

    # ------------------------------------------------------------------ clock

    @property
    def speed(self) -> float:
        return self.clock.speed

    @property
    def now(self) -> float:
        """The engine's sim time, in the stored log's terms."""
        return self.frame.time(self.engine.now)

    def sim_now(self) -> float:
        """Where the simulation should be now on the real-time clock."""
        return self.clock.now()

    def set_speed(self, speed: float) -> None:
        self.catch_up()
        self.clock.anchor(self.now)
        self.clock.speed = speed
        self.driver.wake()
        log.info("clock speed set to %s×", speed)

    def advance(self, seconds: float) -> None:
        """Step the clock by `seconds` of sim time (meant for a paused centre)."""
        self.catch_up()
        self._advance_engine(self.engine.now + seconds)
        self._flush()
        self._after_flush()
        self.clock.anchor(self.now)
        self.driver.wake()

    def catch_up(self) -> None:
        """Bring the engine to the real-time clock (on a paused clock: fire what is due now)."""
        self._advance_engine(max(self.frame.engine_time(self.clock.now()), self.engine.now))
        self._flush()
        self._after_flush()

    def _drive_step(self) -> bool:
        """Move the engine one slice towards the clock; True while it is still behind. When
        the machine cannot keep up with the speed, the clock waits for the engine (it
        slips), so that a request's catch-up is never more than a short slice of work."""
        speed = self.clock.speed
        target = self.frame.engine_time(self.clock.now())
        limit = self.engine.now + max(1.0, speed * DRIVER_SLICE_S)
        self._advance_engine(max(min(target, limit), self.engine.now))
        self._flush()
        self._after_flush()
        behind = target - self.engine.now
        if speed > 0 and behind > speed * MAX_LAG_S:
            self.clock.anchor(self.now + speed * MAX_LAG_S)
        return behind > 0

    def _advance_engine(self, engine_time: float) -> None:
        """Move the engine to `engine_time`, placing the surges' callers on the way, each
        at its time and journaled (replay places them again)."""
        if self.surges is not None:
            for at, queue_id in self.surges.take_until(self.frame.time(engine_time)):
                self.engine.advance_to(max(self.frame.engine_time(at), self.engine.now))
                args = {"queue_id": queue_id}
                self.dispatcher.apply(self.engine, "inject_call", args)
                self.store.journal(self.now, "inject_call", args, SURGE_ACTOR)
        self.engine.advance_to(engine_time)

    def _next_due(self) -> float:
        due = self.frame.time(self.engine.next_timer_time())
        return min(due, self.surges.next_at()) if self.surges is not None else due

    def _flush(self) -> None:
        self.pipeline.flush(self.now)

    # ------------------------------------------------------------------ commands

    async def command(self, kind: str, args: dict[str, Any], actor: str | None) -> Applied:
        """Apply a human command now; journal it; return the newest seq and what the engine
        answered (a new call's id, for dial and inject_call)."""
        return self.apply_command(kind, args, actor)

    def apply_command(self, kind: str, args: dict[str, Any], actor: str | None) -> Applied:
        """`command`, for the runtime's own commands (a due callback) between requests."""
        self.catch_up()
        at = self.now
        engine_args = self.frame.engine_args(kind, args)
        try:
            result = self.dispatcher.apply(self.engine, kind, engine_args)
        except EngineError as error:
            self._flush()
            raise ApiError(409, error.code, error.message) from error
        self.store.journal(at, kind, engine_args, actor)
        self._flush()
        self.driver.wake()  # the command may have set a timer sooner than the driver's sleep
        if kind in ("dial", "inject_call"):
            result = self.frame.call_id(result)
        applied = Applied(seq=self.hub.last_seq, value=result)
        self._after_flush()  # a resolution during business hours rings at once
        return applied

    def _after_flush(self) -> None:
        """What the centre does by itself once new events are in, as journaled commands
        (on replay the journal does it again; never twice): the tickets the simulated floor
        raised are opened, the callbacks that fell due are placed, and a trainee who
        logged out ends its training session."""
        if self._acting or self.pipeline.replaying:
            return
        self._acting = True
        try:
            self._open_simulated_tickets()
            self._place_due_callbacks()
            self.training.end_abandoned()
        finally:
            self._acting = False

    def _open_the_nights_tickets(self) -> None:
        """A new centre's day starts with the tickets the night left open (the centre
        file's `at_opening`), once per database: journaled, so a replay has them."""
        if self.store.get_meta(OPENING_META) is not None or self.store.ticket_count():
            return
        for request, raised_by in self.simulated_tickets.opening():
            if self.store.customer(request.customer_id) is not None:
                open_ticket(self, request, created_by=raised_by)
        self.store.set_meta(OPENING_META, "opened")

    def _open_simulated_tickets(self) -> None:
        raised = self.pipeline.raised_tickets
        while raised:
            wrapup = raised.pop(0)
            request = self.simulated_tickets.request(wrapup)
            if request is not None:
                open_ticket(self, request, created_by=wrapup.agent_id)

    def _place_due_callbacks(self) -> None:
        """Ticket's satisfaction callbacks and those agents booked for callers that fell
        due become calls."""
        due = [t for t in self.tickets.callbacks_to_place() if t not in self._unplaceable]
        if self._next_booked is not None and self._next_booked <= self.now:
            for callback in self.store.callbacks_due(self.now):
                if callback.id not in self._unplaceable:
                    self._place_booked(callback)
            self._next_booked = self.store.next_callback_due()
        for ticket_id in due:
            customer_id = self.tickets.callback_target(ticket_id)[2]
            customer = self.store.customer(customer_id) if customer_id else None
            number = customer.phones[0] if customer is not None and customer.phones else None
            try:
                self.apply_command(
                    "place_callback", {"ticket_id": ticket_id, "number": number}, None
                )
            except ApiError as error:
                self._unplaceable.add(ticket_id)
                log.warning("callback of %s not placed: %s", ticket_id, error.message)

    def note_booked_callback(self, due_at: float) -> None:
        """A callback was booked: the driver looks for due ones from `due_at` (one number
        to compare on every step, not a query)."""
        if self._next_booked is None or due_at < self._next_booked:
            self._next_booked = due_at

    def _place_booked(self, callback: Callback) -> None:
        """One booked callback, to the agent who booked it (or that agent's queue); the
        pipeline marks it placed when its `callback.placed` is logged (on replay too)."""
        args = {
            "callback_id": callback.id,
            "agent_id": callback.agent_id,
            "queue_id": self._callback_queues.get(callback.agent_id, self._first_queue),
            "number": callback.number,
            "customer_id": callback.customer_id,
            "note": callback.note,
            "due_at": callback.due_at,
        }
        try:
            self.apply_command("place_booked_callback", args, None)
        except ApiError as error:
            self._unplaceable.add(callback.id)
            log.warning("booked callback %s not placed: %s", callback.id, error.message)
