"""Simulated callers: who calls (known customers, tiers), when (arrival streams), their walk
through the IVR, tier routing, and their patience in the queue (abandonment)."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from itertools import accumulate

from server_stub.centre.schema import CentreConfig
from server_stub.engine.arrivals import ArrivalStream
from server_stub.engine.ivr import IvrStep, ivr_paths
from server_stub.engine.model import CALL_RINGING, Call, Queue
from server_stub.engine.routing import Routing
from server_stub.engine.vocabulary import (
    ABANDONED,
    ARRIVED,
    INBOUND,
    IVR_STEP,
    K_ABANDON,
    K_ARRIVAL,
    K_IVR,
    OUT_ABANDONED,
    OUT_SELF_SERVICE,
)


class Callers(Routing):
    """The people who call the centre, from the first ring to the queue."""

    def __init__(
        self,
        config: CentreConfig,
        seed: int,
        customers: Sequence[tuple[str, str, str]] | None,
        *,
        keep_log: bool,
    ) -> None:
        super().__init__(config, seed, keep_log=keep_log)
        epoch = datetime.fromisoformat(config.centre.epoch)
        self.day_offset_s = float(epoch.hour * 3600 + epoch.minute * 60 + epoch.second)
        tiers = config.tiers
        self._tier_names = list(tiers)
        self._single_tier = self._tier_names[0] if len(tiers) == 1 else None
        self._tier_cum = list(accumulate([t.share for t in tiers.values()]))
        self._tier_priority = {name: t.priority for name, t in tiers.items()}
        self._tier_route = {name: t.route_to for name, t in tiers.items() if t.route_to}
        # unknown callers cannot be recognised, so they get the least-priority tier
        self._unknown_tier = min(tiers, key=lambda n: tiers[n].priority) if tiers else None
        self._customers = list(customers) if customers is not None else None
        self._known_share = config.customers.known_caller_share
        self._ivr_paths: dict[str, list[IvrStep]] = ivr_paths(config.ivr)
        self._call_numbers = 0
        # the bound method, called as a plain function (a method lookup per draw costs more)
        self._caller_draw = self._rng_callers.random

    # ------------------------------------------------------------------ arrivals

    def _start_arrivals(self) -> None:
        """One Poisson stream per queue with callers of its own, each with its own seed."""
        for qc in self.config.queues:
            if qc.arrivals is None or qc.arrivals.calls_per_day <= 0:
                continue
            stream = ArrivalStream(
                qc.id,
                qc.arrivals.calls_per_day,
                self.config.arrival_profiles[qc.arrivals.profile],
                self.day_offset_s,
                random.Random(f"{self.seed}/arrivals/{qc.id}"),
            )
            first = stream.next_after(0.0)
            if first < math.inf:
                self._at(first, K_ARRIVAL, stream)

    def _new_call_id(self) -> str:
        self._call_numbers += 1
        return f"c{self._call_numbers}"

    def _on_arrival(self, stream: ArrivalStream, _seq: int) -> None:
        now = self.now
        self._at(stream.next_after(now), K_ARRIVAL, stream)
        draw = self._caller_draw
        customers = self._customers
        customer_id: str | None = None
        if customers is not None and customers and draw() < self._known_share:
            customer_id, tier, ani = customers[self._rng_callers.randrange(len(customers))]
            tier_name: str | None = tier
        else:
            ani = str(13_000_000_000 + int(draw() * 7_000_000_000))  # 1[3-9]xxxxxxxxx
            if customers is None and self._single_tier is not None:
                tier_name = self._single_tier
            elif customers is None:
                names = self._tier_names
                tier_name = names[
                    min(
                        bisect_right(self._tier_cum, draw() * self._tier_cum[-1]),
                        len(names) - 1,
                    )
                ]
            else:
                tier_name = self._unknown_tier
        call_id = self._new_call_id()
        call = Call(
            call_id,
            ani,
            customer_id,
            tier_name,
            self._tier_priority.get(tier_name, 0) if tier_name is not None else 0,
            now,
            INBOUND,
        )
        self.calls[call_id] = call
        queue_id = stream.queue_id
        self._out.append(
            (
                now,
                ARRIVED,
                call_id,
                None,
                queue_id,
                {"ani": ani, "customer_id": customer_id, "tier": tier_name},
            )
        )
        self._after_arrival(call, queue_id, via_ivr=True)

    def _after_arrival(self, call: Call, queue_id: str, *, via_ivr: bool) -> None:
        """Into the IVR on the way to `queue_id` if it has a path there, else to the queue."""
        steps = self._ivr_paths.get(queue_id) if via_ivr and self._ivr_paths else None
        if steps:
            call.ivr_steps = steps
            call.step_seq = self._at(self.now + steps[0].duration_s, K_IVR, call)
        else:
            self._route(call, queue_id)

    def _route(self, call: Call, dialled_queue_id: str) -> None:
        """Tier routing: a tier's route_to takes its callers whatever they chose in the IVR."""
        target = self._tier_route.get(call.tier) if call.tier is not None else None
        self._enter_queue(call, self.queues_by_id[target or dialled_queue_id])

    # ------------------------------------------------------------------ IVR

    def _on_ivr_step(self, call: Call, seq: int) -> None:
        if call.step_seq != seq:
            return
        call.step_seq = 0
        steps = call.ivr_steps
        assert steps is not None
        step = steps[call.ivr_index]
        if step.share > 0 and self._caller_draw() < step.share:
            call.ivr_path.append([step.node_id, step.self_service_key])
            self._emit(
                IVR_STEP,
                call.id,
                None,
                None,
                {
                    "node": step.node_id,
                    "key": step.self_service_key,
                    "self_service": step.self_service_name or step.node_id,
                },
            )
            self._end_call(call, "caller", "self_service", OUT_SELF_SERVICE)
            return
        call.ivr_path.append([step.node_id, step.key])
        self._emit(IVR_STEP, call.id, None, None, {"node": step.node_id, "key": step.key})
        call.ivr_index += 1
        if call.ivr_index < len(steps):
            call.step_seq = self._at(self.now + steps[call.ivr_index].duration_s, K_IVR, call)
            return
        self._route(call, self._ivr_queue_of(steps))

    def _ivr_queue_of(self, steps: list[IvrStep]) -> str:
        last = steps[-1]
        ivr = self.config.ivr
        assert ivr is not None
        for option in ivr.nodes[last.node_id].options:
            if option.key == last.key and option.queue is not None:
                return option.queue
        raise AssertionError("IVR path does not end at a queue")  # paths are built to end at one

    # ------------------------------------------------------------------ patience

    def _start_patience(self, call: Call, queue: Queue) -> None:
        patience = queue.patience
        if patience is not None and call.abandon_seq == 0:
            given = call.patience_s
            call.abandon_seq = self._at(
                self.now + (given if given >= 0.0 else patience()), K_ABANDON, call
            )

    def _on_abandon(self, call: Call, seq: int) -> None:
        if call.abandon_seq != seq:
            return  # most patience timers are stale: the caller was answered
        call.abandon_seq = 0
        queue = call.queue
        assert queue is not None
        queue.abandoned += 1
        waited = self.now - (call.queued_at if call.queued_at is not None else self.now)
        self._emit(ABANDONED, call.id, None, queue.id, {"waited_s": waited})
        agent = call.agent if call.state is CALL_RINGING else None
        self._end_call(call, "caller", "abandoned", OUT_ABANDONED)
        if agent is not None:
            self._make_ready(agent)  # the phone stopped ringing: not the agent's fault

    # ------------------------------------------------------------------ callers on purpose

    def _known_customer(self, customer_id: str | None) -> tuple[str, str, str] | None:
        """(customer_id, tier, ani) of a customer the engine was given, if it is one."""
        if customer_id is None or self._customers is None:
            return None
        return next((c for c in self._customers if c[0] == customer_id), None)

    def _new_call(
        self, ani: str, customer_id: str | None, tier: str | None, direction: str
    ) -> Call:
        """A call placed by a command (not by the arrival stream), registered and numbered."""
        priority = self._tier_priority.get(tier, 0) if tier is not None else 0
        call = Call(self._new_call_id(), ani, customer_id, tier, priority, self.now, direction)
        self.calls[call.id] = call
        return call
