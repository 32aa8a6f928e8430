"""The centre at run time: the engine on the real-time clock, persisted and streamed.

`CentreRuntime` owns the `Engine`, the real-time driver (an asyncio task), the store,
the floor projection and the SSE hub. Every event the engine appends is stamped with the
wall time, enriched (screen pop), stored, folded into the floor and published, in that
order, one batch per driver step.

Restart is deterministic replay (architecture.md "Engine"): the store keeps the seed, the
config hash and a journal of every human command with its sim time. On start, a new engine
with the same seed and config replays the journal at the same sim times, which regenerates
the same events; those already stored (seq ≤ the stored newest) are checked by type and
not stored again. The clock then continues from the last stored sim time: the simulation
does not run while the server is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from server_stub.centre.customers import customer_refs, generate_customers
from server_stub.centre.schema import CentreConfig
from server_stub.engine import Engine, EngineError
from server_stub.protocol.api import (
    ContactRecord,
    CustomerRecord,
    ScreenPop,
)
from server_stub.protocol.events import Event, EventType
from server_stub.protocol.scripts import FlowScript, load_scripts_dir
from server_stub.server.auth import AuthService
from server_stub.server.errors import ApiError
from server_stub.server.feed import EventHub
from server_stub.server.floor import Floor
from server_stub.server.store import Store

log = logging.getLogger("centre")

PING_EVERY_S = 15.0  # SSE comment lines to idle clients
MAX_SLEEP_S = 1.0  # the driver wakes at least this often (speed changes, stats)
SUMMARY_EVERY_SIM_S = 60.0
CUSTOMER_BATCH = 2_000


@dataclass(frozen=True)
class Applied:
    """A command the engine accepted: the newest seq after it, and its return value."""

    seq: int
    value: Any = None

    @property
    def call_id(self) -> str | None:
        return self.value if isinstance(self.value, str) else None


class ReplayDivergedError(RuntimeError):
    """The stored log and the replayed engine disagree: the config or engine changed."""


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
    ) -> None:
        self.config = config
        self.store = store
        self.seed = seed
        self.speed = speed
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self.scripts_dir = Path(scripts_dir) if scripts_dir is not None else None  # + knowledge/
        self.scripts: dict[str, FlowScript] = (
            _load_scripts(Path(scripts_dir), frozenset(c.code for c in config.wrapup_codes))
            if scripts_dir is not None and Path(scripts_dir).is_dir()
            else {}
        )
        self.floor = Floor(config)
        self.hub = EventHub(self._events_after)
        self.auth = AuthService(config, store)
        self.engine: Engine = Engine(config, seed, customers=customer_refs(config))
        self._pending: list[tuple[int, tuple[Any, ...], float]] = []
        self._stored_last_seq = 0
        self._replaying = False
        self._anchor_sim = 0.0
        self._anchor_mono = 0.0
        self._driver: asyncio.Task[None] | None = None
        self._keepalive: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._next_summary = SUMMARY_EVERY_SIM_S
        self._summary_counts = dict(self.floor.counts)
        self.startup_s: dict[str, float] = {}
        # Tests make many databases for one centre: they keep the generated customers.
        self.keep_customer_cache = False
        self.engine.subscribe(self._on_engine_event)

    # ------------------------------------------------------------------ start, stop

    def open(self) -> None:
        """Prepare the store (customers, meta) and bring the engine to where it was."""
        started = time.perf_counter()
        self._check_identity()
        if self.store.customer_count() == 0:
            self._fill_customers()
        self.startup_s["customers"] = time.perf_counter() - started
        replay_started = time.perf_counter()
        self._stored_last_seq = self.store.last_seq()
        last_sim = float(self.store.get_meta("last_sim_time") or 0.0)
        self._replaying = True
        try:
            for entry in self.store.journal_entries():
                self.engine.advance_to(max(entry.sim_time, self.engine.now))
                self._flush()
                try:
                    self._apply_now(entry.kind, entry.args)
                except EngineError as error:  # stored commands succeeded once; say so loudly
                    log.error("replay: command %s %s failed: %s", entry.kind, entry.args, error)
                self._flush()
            self.engine.advance_to(max(last_sim, self.engine.now))
            self._flush()
        finally:
            self._replaying = False
        self.startup_s["replay"] = time.perf_counter() - replay_started
        self.hub.start_at(
            self.store.last_seq(),
            self.store.events_after(max(0, self.store.last_seq() - 5_000), 5_000),
        )
        self._anchor(self.engine.now)
        self._next_summary = (self.engine.now // SUMMARY_EVERY_SIM_S + 1) * SUMMARY_EVERY_SIM_S
        self._summary_counts = dict(self.floor.counts)
        # What start-up made (config, customers, replayed log) lives for good: keep it out
        # of the cyclic GC's full scans, which otherwise stall the fan-out for 100+ ms.
        gc.collect()
        gc.freeze()

    def _check_identity(self) -> None:
        config_hash = hashlib.sha256(self.config.model_dump_json().encode()).hexdigest()
        stored_hash = self.store.get_meta("config_hash")
        stored_seed = self.store.get_meta("seed")
        if stored_hash is None:
            self.store.set_meta("config_hash", config_hash)
            self.store.set_meta("seed", str(self.seed))
            return
        if stored_hash != config_hash:
            raise ReplayDivergedError(
                f"{self.store.path} was made with another centre configuration (or another "
                "version of this one): start with the same --config, or give a new --db, "
                "or delete that file to start the centre over"
            )
        if stored_seed is not None and int(stored_seed) != self.seed:
            log.info("using the database's seed %s (not %s)", stored_seed, self.seed)
            self.seed = int(stored_seed)
            self.engine = Engine(self.config, self.seed, customers=customer_refs(self.config))
            self.engine.subscribe(self._on_engine_event)

    def _fill_customers(self) -> None:
        rows = _customer_rows(self.config.model_dump_json())
        for start in range(0, len(rows), CUSTOMER_BATCH):
            self.store.put_customers(rows[start : start + CUSTOMER_BATCH])
        if not self.keep_customer_cache:
            _customer_rows.cache_clear()  # the store has them now; a server makes one database

    async def start(self) -> None:
        self._stopping = False
        self._anchor(self.engine.now)
        self._driver = asyncio.create_task(self._drive(), name="centre-driver")
        self._keepalive = asyncio.create_task(self.hub.keepalive(PING_EVERY_S), name="sse-pings")
        log.info(
            "centre %s running at %s, speed %s×, %d events in the log",
            self.config.centre.name,
            self.clock_text(self.engine.now),
            self.speed,
            self.hub.last_seq,
        )

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._keepalive is not None:
            self._keepalive.cancel()
            self._keepalive = None
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._driver
            self._driver = None
        self.store.set_last_sim_time(self.engine.now)

    # ------------------------------------------------------------------ clock

    def _anchor(self, sim_time: float) -> None:
        self._anchor_sim = sim_time
        self._anchor_mono = self._monotonic()

    def sim_now(self) -> float:
        """Where the simulation should be now on the real-time clock."""
        return self._anchor_sim + (self._monotonic() - self._anchor_mono) * self.speed

    def set_speed(self, speed: float) -> None:
        self.catch_up()
        self._anchor(self.engine.now)
        self.speed = speed
        self._wake.set()
        log.info("clock speed set to %s×", speed)

    def advance(self, seconds: float) -> None:
        """Step the clock by `seconds` of sim time (meant for a paused centre)."""
        self.catch_up()
        self.engine.advance_to(self.engine.now + seconds)
        self._flush()
        self._anchor(self.engine.now)
        self._wake.set()

    def catch_up(self) -> None:
        """Bring the engine to the real-time clock (on a paused clock: fire what is due now)."""
        self.engine.advance_to(max(self.sim_now(), self.engine.now))
        self._flush()

    async def _drive(self) -> None:
        while not self._stopping:
            self._wake.clear()
            if self.speed <= 0:
                await self._wake.wait()
                continue
            try:
                self.catch_up()
            except Exception:  # the driver must survive a bug in one step; the log says what
                log.exception("engine step failed at %s", self.engine.now)
            due = self.engine.next_timer_time()
            sleep_s = min(MAX_SLEEP_S, max(0.0, (due - self.sim_now()) / self.speed))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=sleep_s)

    # ------------------------------------------------------------------ commands

    async def command(self, kind: str, args: dict[str, Any], actor: str | None) -> Applied:
        """Apply a human command now; journal it; return the newest seq and what the engine
        answered (a new call's id, for dial and inject_call)."""
        self.catch_up()
        at = self.engine.now
        try:
            result = self._apply_now(kind, args)
        except EngineError as error:
            self._flush()
            raise ApiError(409, error.code, error.message) from error
        self.store.journal(at, kind, args, actor)
        self._flush()
        self._wake.set()  # the command may have set a timer sooner than the driver's sleep
        return Applied(seq=self.hub.last_seq, value=result)

    def _apply_now(self, kind: str, args: dict[str, Any]) -> Any:
        """Apply a command, then fire what it made due at once (routing a call, say);
        live and replay both go through here, so both see the same sequence."""
        result = self._apply(kind, args)
        self.engine.advance_to(self.engine.now)
        return result

    def _apply(self, kind: str, args: dict[str, Any]) -> Any:
        """The one place commands meet the engine (journal replay goes through it too).
        Kinds are the server's own, stable names: the journal outlives engine refactors."""
        engine = self.engine
        match kind:
            case "record":
                return engine.record(
                    args["type"],
                    call_id=args.get("call_id"),
                    agent_id=args.get("agent_id"),
                    queue_id=args.get("queue_id"),
                    data=args.get("data"),
                )
            case "inject_call":
                return engine.place_call(args["queue_id"], customer_id=args.get("customer_id"))
            case "set_state":
                return self._set_agent_state(args["agent_id"], args["state"], args.get("reason"))
            case "set_pending":
                return engine.set_pending(args["agent_id"], args["state"], args.get("reason"))
            case "clear_pending":
                return engine.set_pending(args["agent_id"], None)
            case "answer" | "reject" | "hold" | "retrieve" | "hangup":
                return getattr(engine, kind)(args["agent_id"], args["call_id"])
            case "transfer":
                return engine.transfer(
                    args["agent_id"],
                    args["call_id"],
                    to_agent=args.get("to_agent"),
                    to_queue=args.get("to_queue"),
                    mode=args["mode"],
                )
            case "consult":
                return engine.consult_action(args["agent_id"], args["call_id"], args["action"])
            case "dial":
                return engine.dial(args["agent_id"], args["number"], args.get("customer_id"))
            case "wrapup":
                return engine.complete_wrapup(
                    args["agent_id"],
                    args["call_id"],
                    args["code"],
                    args.get("notes", ""),
                    args.get("script_path", []),
                )
        raise ValueError(f"unknown command {kind!r}")

    def _set_agent_state(self, agent_id: str, state: str, reason: str | None) -> None:
        """Logging in is a state change on the wire; the engine has a separate `login`.
        Everything that can be refused is checked before the login, so that a refused
        command changes nothing (only applied commands are journaled)."""
        engine = self.engine
        current = engine.agent_view(agent_id)["state"]
        if current != "logged_out" or state == "logged_out":
            engine.set_state(agent_id, state, reason)
            return
        codes = {c.code for c in self.config.reason_codes}
        if state == "not_ready" and reason is not None and codes and reason not in codes:
            raise EngineError("invalid_reason", f"{reason!r} is not a reason code")
        engine.login(agent_id)
        if state == "ready":
            engine.set_state(agent_id, "ready")
        elif reason is not None:
            engine.set_state(agent_id, "not_ready", reason)

    # ------------------------------------------------------------------ events

    def _on_engine_event(self, seq: int, entry: tuple[Any, ...]) -> None:
        # Called inside advance_to/commands: only collect; the flush does the work.
        self._pending.append((seq, entry, self._wall_clock()))

    def _flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        events = [self._to_event(seq, entry, wall) for seq, entry, wall in batch]
        new_events = [e for e in events if e.seq > self._stored_last_seq]
        replayed = [e for e in events if e.seq <= self._stored_last_seq]
        if replayed:
            stored_types = self.store.event_types(replayed[0].seq, replayed[-1].seq)
            if stored_types != [e.type for e in replayed]:
                raise ReplayDivergedError(
                    f"{self.store.path}: replaying the journal gave other events than the "
                    f"stored ones (seq {replayed[0].seq}..{replayed[-1].seq}); the engine "
                    "changed since this database was written: give a new --db, or delete "
                    "that file to start the centre over"
                )
        for event in new_events:
            if event.type == EventType.CALL_OFFERED:
                self._add_pop(event)
        if new_events:
            self.store.append_events(new_events, self.engine.now)
            self._stored_last_seq = new_events[-1].seq
        for event in events:
            self.floor.apply(event)
        if new_events:
            self.hub.publish(new_events)
            if not self._replaying:
                self._log_events(new_events)

    def _to_event(self, seq: int, entry: tuple[Any, ...], wall_time: float) -> Event:
        sim_time, kind, call_id, agent_id, queue_id, data = entry
        data = dict(data or {})
        return Event(
            seq=seq,
            sim_time=float(sim_time),
            wall_time=wall_time,
            type=str(kind),
            call_id=call_id,
            agent_id=agent_id,
            queue_id=queue_id,
            ticket_id=data.get("ticket_id"),
            team_id=data.get("team_id"),
            data=data,
        )

    def _events_after(self, seq: int, limit: int) -> list[Event]:
        return self.store.events_after(seq, limit)

    # ------------------------------------------------------------------ screen pop

    def _add_pop(self, event: Event) -> None:
        agent = self.floor.agents.get(event.agent_id or "")
        if agent is None or agent.simulated:
            return  # simulated agents have no screen to pop
        pop = self.screen_pop_for_event(event)
        event.data["pop"] = pop.model_dump(mode="json")

    def screen_pop_for_event(self, event: Event) -> ScreenPop:
        data = event.data
        return self.screen_pop(
            call_id=event.call_id or "",
            queue_id=event.queue_id,
            customer_id=data.get("customer_id"),
            ani=data.get("ani"),
            tier=data.get("tier"),
            waited_s=data.get("waited_s"),
            ivr_path=list(data.get("ivr_path") or []),
        )

    def screen_pop(
        self,
        *,
        call_id: str,
        queue_id: str | None,
        customer_id: str | None,
        ani: str | None,
        tier: str | None,
        waited_s: float | None,
        ivr_path: list[Any],
    ) -> ScreenPop:
        customer = self.store.customer(customer_id) if customer_id else None
        if customer is None and ani:
            matches = self.store.customers_by_phone(ani)
            customer = matches[0] if len(matches) == 1 else None
        contacts: list[ContactRecord] = []
        open_tickets = []
        if customer is not None:
            contacts = [
                c for c in self.store.contacts_for_customer(customer.id) if c.call_id != call_id
            ]
            contacts += sorted(
                self.store.customer_history(customer.id), key=lambda c: c.arrived_at, reverse=True
            )
            open_tickets = self.store.tickets_for_customer(customer.id, open_only=True)
        return ScreenPop(
            call_id=call_id,
            queue_id=queue_id,
            ani=ani,
            tier=tier or (customer.tier if customer else None),
            waited_s=waited_s,
            ivr_path=ivr_path,
            customer=customer,
            contacts=contacts[:20],
            open_tickets=open_tickets,
        )

    # ------------------------------------------------------------------ logs

    def clock_text(self, sim_time: float) -> str:
        return (_epoch(self.config) + timedelta(seconds=sim_time)).strftime("%H:%M:%S")

    def _log_events(self, events: list[Event]) -> None:
        for event in events:
            agent = self.floor.agents.get(event.agent_id or "")
            human = agent is not None and not agent.simulated
            level = logging.INFO if human or event.type.startswith("supervisor.") else logging.DEBUG
            if log.isEnabledFor(level):
                log.log(level, "%s %s", self.clock_text(event.sim_time), describe(event))
        if self.engine.now >= self._next_summary:
            self._log_summary()
            self._next_summary = (self.engine.now // SUMMARY_EVERY_SIM_S + 1) * SUMMARY_EVERY_SIM_S

    def _log_summary(self) -> None:
        counts = self.floor.counts
        previous, self._summary_counts = self._summary_counts, dict(counts)
        waiting = sum(q.waiting for q in self.floor.queue_stats.values())
        states: dict[str, int] = {}
        for agent in self.floor.agents.values():
            states[agent.state] = states.get(agent.state, 0) + 1
        log.info(
            "%s waiting %d; last minute: %d arrived, %d answered, %d abandoned; "
            "agents ready %d, busy %d, wrap-up %d, not ready %d",
            self.clock_text(self.engine.now),
            waiting,
            counts["arrived"] - previous.get("arrived", 0),
            counts["answered"] - previous.get("answered", 0),
            counts["abandoned"] - previous.get("abandoned", 0),
            states.get("ready", 0),
            states.get("busy", 0) + states.get("reserved", 0),
            states.get("wrap_up", 0),
            states.get("not_ready", 0),
        )


@functools.lru_cache(maxsize=2)
def _customer_rows(config_json: str) -> list[tuple[CustomerRecord, list[ContactRecord]]]:
    """The generated customers as API records with their contact history (cached: a
    process that makes several databases for one centre, like the tests, pays once)."""
    config = CentreConfig.model_validate_json(config_json)
    epoch = _epoch(config)
    rows: list[tuple[CustomerRecord, list[ContactRecord]]] = []
    for generated in generate_customers(config):
        record = CustomerRecord(
            id=generated.customer_id,
            name=generated.name,
            tier=generated.tier,
            account=generated.account_id,
            phones=list(generated.phones),
            address=generated.address,
            email=generated.email,
            locale=generated.locale,
            since=generated.since,
        )
        history = [
            ContactRecord(
                call_id=f"H-{generated.customer_id}-{index + 1}",
                customer_id=generated.customer_id,
                queue_id=None,
                agent_id=None,
                direction="inbound",
                channel=prior.channel,
                reason=prior.reason,
                at=prior.at,
                arrived_at=_sim_seconds(epoch, prior.at),
                outcome=prior.outcome,
            )
            for index, prior in enumerate(generated.prior_contacts)
        ]
        rows.append((record, history))
    return rows


def _load_scripts(folder: Path, wrapup_codes: frozenset[str]) -> dict[str, FlowScript]:
    # Parsing YAML with line numbers is slow; tests build many runtimes on the same files.
    stamp = tuple((f.name, f.stat().st_mtime_ns) for f in sorted(folder.glob("*.yaml")))
    return _load_scripts_cached(str(folder.resolve()), stamp, wrapup_codes)


@functools.lru_cache(maxsize=8)
def _load_scripts_cached(
    folder: str, stamp: tuple[tuple[str, int], ...], wrapup_codes: frozenset[str]
) -> dict[str, FlowScript]:
    return load_scripts_dir(folder, set(wrapup_codes))


def describe(event: Event) -> str:
    """One readable line for an event: `call C12 answered by 1001 after 12 s`."""
    data = event.data
    call = f"call {event.call_id}" if event.call_id else ""
    match event.type:
        case EventType.CALL_OFFERED:
            return f"{call} offered to {event.agent_id} (waited {data.get('waited_s', 0):.0f} s)"
        case EventType.CALL_ANSWERED:
            return f"{call} answered by {event.agent_id} after {data.get('waited_s') or 0:.0f} s"
        case EventType.CALL_ENDED:
            return f"{call} ended by {data.get('by')} ({data.get('reason')})"
        case EventType.CALL_WRAPUP_COMPLETED:
            return f"{call} wrapped up by {event.agent_id}: {data.get('code')}"
        case EventType.AGENT_STATE_CHANGED:
            reason = f" ({data['reason']})" if data.get("reason") else ""
            return f"agent {event.agent_id} {data.get('from')} → {data.get('to')}{reason}"
        case EventType.SUPERVISOR_MESSAGE:
            target = event.agent_id or f"team {event.team_id}"
            return f"message from {data.get('sender')} to {target}: {data.get('text')}"
        case _:
            who = f" agent {event.agent_id}" if event.agent_id else ""
            return f"{event.type} {call}{who}".strip()


def _epoch(config: CentreConfig) -> datetime:
    try:
        return datetime.fromisoformat(config.centre.epoch)
    except ValueError:
        return datetime.fromisoformat("2026-11-23T08:00:00+08:00")


def _sim_seconds(epoch: datetime, iso_date: str) -> float:
    try:
        moment = datetime.fromisoformat(iso_date)
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=epoch.tzinfo)
    return (moment - epoch).total_seconds()
