"""The event pipeline: engine log entries → wire events, stored, folded and streamed.

Every entry the engine appends is collected with the wall time it was heard at; a flush
(after each timer or command) turns the batch into `Event`s in the stored log's terms
(`RunFrame`), adds the screen pop to `call.offered` for a human, stores the new events
(and their CDR rows), folds them into the floor, publishes them to the feed and writes
the activity log, in that order. During replay the events that are already stored are
checked against the store by type and not stored again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server_stub.protocol.call_facts import BOOKED_KIND
from server_stub.protocol.events import Event, EventType
from server_stub.server.activity import ActivityLog
from server_stub.server.feed import EventHub
from server_stub.server.floor import Floor
from server_stub.server.pops import ScreenPopBuilder
from server_stub.server.run_frame import RunFrame, is_server_recorded
from server_stub.server.simulated_tickets import SimulatedTickets, SimulatedWrapup
from server_stub.server.store import Store

# What a callback's call carries on its screen pop (`call.offered`'s `callback`)
TICKET_POP_KEYS = ("ticket_id", "callback_id", "attempt", "ticket")
BOOKED_POP_KEYS = ("kind", "callback_id", "booked_by", "number", "note", "due_at")


class ReplayDivergedError(RuntimeError):
    """The stored log and the replayed engine disagree: the config or engine changed."""


class EventPipeline:
    def __init__(
        self,
        *,
        store: Store,
        floor: Floor,
        hub: EventHub,
        pops: ScreenPopBuilder,
        activity: ActivityLog,
        frame: RunFrame,
        wall_clock: Callable[[], float],
        simulated_tickets: SimulatedTickets | None = None,
    ) -> None:
        self._store = store
        self._floor = floor
        self._hub = hub
        self._pops = pops
        self._activity = activity
        self._frame = frame
        self._wall_clock = wall_clock
        self._pending: list[tuple[int, tuple[Any, ...], float]] = []
        self.stored_last_seq = store.last_seq()
        self.last_seen_seq = frame.seq_base  # the newest event of this run, stored or replayed
        self.replaying = False
        # New wrap-ups of simulated agents that raise a ticket, for the runtime to open.
        self._simulated_tickets = simulated_tickets
        self.raised_tickets: list[SimulatedWrapup] = []
        # Satisfaction callbacks on the line (call id → what `callback.placed` said): the
        # agent a queue offers one to sees its ticket on the pop, like the one it was for.
        self._callback_calls: dict[str, dict[str, Any]] = {}

    def collect(self, seq: int, entry: tuple[Any, ...]) -> None:
        """The engine's subscriber: called inside advance_to and commands, so it only
        collects; `flush` does the work."""
        self._pending.append((seq, entry, self._wall_clock()))

    def flush(self, sim_now: float) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        events = [self._to_event(seq, entry, wall) for seq, entry, wall in batch]
        self.last_seen_seq = events[-1].seq
        stored_last = self.stored_last_seq
        if events[0].seq <= stored_last:
            self._check_replayed([e for e in events if e.seq <= stored_last])
            new_events = [e for e in events if e.seq > stored_last]
        else:
            new_events = events
        # A callback is logged just after its call, which a ready agent is offered at once.
        for event in events:
            if event.type == "callback.placed":
                self._note_callback(event)
        for event in events:
            if event.type == EventType.CALL_OFFERED and event.seq > stored_last:
                self._add_pop(event)
            elif event.type in (EventType.CALL_ENDED, EventType.CALL_ABANDONED):
                self._callback_calls.pop(event.call_id or "", None)
        if new_events:
            self._store.append_events(new_events, sim_now)
            self.stored_last_seq = new_events[-1].seq
        floor = self._floor
        for event in events:
            if event.type == EventType.CALL_WRAPUP_COMPLETED and event.seq > stored_last:
                self._note_simulated_ticket(event)
            floor.apply(event)
        if new_events:
            self._hub.publish(new_events)
            if not self.replaying:
                self._activity.events(new_events, sim_now)

    def _check_replayed(self, replayed: list[Event]) -> None:
        stored_types = self._store.event_types(replayed[0].seq, replayed[-1].seq)
        if stored_types != [e.type for e in replayed]:
            raise ReplayDivergedError(
                f"replaying the journal gave other events than the stored ones "
                f"(seq {replayed[0].seq}..{replayed[-1].seq})"
            )

    def _to_event(self, seq: int, entry: tuple[Any, ...], wall_time: float) -> Event:
        sim_time, kind, call_id, agent_id, queue_id, data = entry
        data = dict(data or {})  # engine data dicts are shared between events: copy
        frame = self._frame
        kind = str(kind)
        if not frame.identity:
            sim_time = frame.time(sim_time)
            if not is_server_recorded(kind):
                call_id = frame.call_id(call_id)
                deadline = data.get("wrapup_deadline")
                if deadline is not None:
                    data["wrapup_deadline"] = frame.time(deadline)
        return Event(
            seq=frame.seq_base + seq,
            sim_time=float(sim_time),
            wall_time=wall_time,
            type=kind,
            call_id=call_id,
            agent_id=agent_id,
            queue_id=queue_id,
            ticket_id=data.get("ticket_id"),
            team_id=data.get("team_id"),
            data=data,
        )

    def _note_simulated_ticket(self, event: Event) -> None:
        raiser = self._simulated_tickets
        if self.replaying or raiser is None or not event.call_id or not event.agent_id:
            return
        code = event.data.get("code")
        if not raiser.raises(event.agent_id, code, event.queue_id):
            return
        call = self._floor.call(event.call_id)
        self.raised_tickets.append(
            SimulatedWrapup(
                call_id=event.call_id,
                agent_id=event.agent_id,
                queue_id=event.queue_id or "",
                code=str(code),
                customer_id=call.customer_id if call is not None else None,
            )
        )

    def _note_callback(self, event: Event) -> None:
        """The callback a placed call is, for its screen pop; a booked one is placed now
        (on replay too, so that it is never placed twice)."""
        data = event.data
        booked = data.get("kind") == BOOKED_KIND
        if booked:
            self._store.set_callback_status(str(data["callback_id"]), "placed")
        if data.get("call_id"):
            keys = BOOKED_POP_KEYS if booked else TICKET_POP_KEYS
            self._callback_calls[str(data["call_id"])] = {key: data.get(key) for key in keys}

    def _add_pop(self, event: Event) -> None:
        agent = self._floor.agents.get(event.agent_id or "")
        if agent is None or agent.simulated:
            return  # simulated agents have no screen to pop
        linked = self._floor.call(event.call_id or "")
        if event.data.get("customer_id") is None and linked is not None and linked.customer_id:
            # An agent said who the caller is (call.customer_linked): a transfer keeps it.
            event.data["customer_id"] = linked.customer_id
        pop = self._pops.for_event(event)
        if pop.customer is not None and event.data.get("customer_id") is None:
            # Recognised by the calling number: the call (and its CDR row) is theirs.
            event.data["customer_id"] = pop.customer.id
        event.data["pop"] = pop.model_dump(mode="json")
        callback = self._callback_calls.get(event.call_id or "")
        if callback is not None:
            event.data["callback"] = dict(callback)
