"""Simulated department workers (TK3): who is free, how long an item takes, how it ends.

A queue with `staff` in the workflow file has that many workers. Each is free or busy;
a free worker takes the queue's next item after `pickup_delay`, works it for `work_time`
and ends it by `outcomes` (resolve, bounce back, or wait on a third party for
`third_party_wait`). Durations are business seconds: workers work when the calendar is
open. One `random.Random` per department, seeded from the centre's seed and the queue's
id, so a run is the same for a seed whatever the other departments do.
"""

from __future__ import annotations

import random
import zlib
from enum import StrEnum

from server_stub.engine.distributions import Sampler, make_sampler
from server_stub.workflow.schema import SimulatedStaff, WorkflowConfig


class WorkOutcome(StrEnum):
    RESOLVE = "resolve"  # at a step before the route's last: forward to the next step
    BOUNCE = "bounce"
    WAIT_THIRD_PARTY = "wait_third_party"


# What a simulated worker writes: the notes a human would, in both languages.
RESOLUTION_NOTES: dict[str, str] = {
    "network_repair": "已派师傅上门检修,线路已恢复 Technician fixed the line on site",
    "billing": "已核对账单并调整费用 Bill checked and corrected",
    "complaint_group": "已与客户沟通并给予补偿方案 Talked it through and offered compensation",
    "product": "建议已记录并转产品团队 Suggestion logged for the product team",
}
DEFAULT_RESOLUTION_NOTE = "已处理完毕 Handled"
FORWARD_NOTE = "班组长已核实情况,转投诉组处理 Lead checked the facts; over to the complaint group"
BOUNCE_REASON = "信息不全,请补充客户联系方式 Details missing: please add how to reach the customer"
WAIT_REASON = "等待第三方(运营商/厂家)回复 Waiting on a third party"


class Department:
    """One queue's simulated workers and their draws."""

    def __init__(self, queue_id: str, staff: SimulatedStaff, seed: int) -> None:
        self.queue_id = queue_id
        self.staff = staff
        self.rng = random.Random(seed * 1_000_003 + zlib.crc32(queue_id.encode()))
        self.free: list[str] = [f"{queue_id}#{n + 1}" for n in range(staff.workers)]
        self._pickup: Sampler | None = (
            make_sampler(staff.pickup_delay, self.rng) if staff.pickup_delay else None
        )
        self._work = make_sampler(staff.work_time, self.rng)
        self._wait: Sampler | None = (
            make_sampler(staff.third_party_wait, self.rng) if staff.third_party_wait else None
        )

    def pickup_delay_s(self) -> float:
        return self._pickup() if self._pickup is not None else 0.0

    def work_time_s(self) -> float:
        return self._work()

    def third_party_wait_s(self) -> float:
        return self._wait() if self._wait is not None else self._work()

    def outcome(self, waited_already: bool) -> WorkOutcome:
        """How this item ends; an item that waited on a third party once does not again."""
        shares = self.staff.outcomes
        wait = 0.0 if waited_already else shares.wait_third_party
        total = shares.resolve + shares.bounce + wait
        draw = self.rng.random() * total
        if draw < shares.resolve:
            return WorkOutcome.RESOLVE
        if draw < shares.resolve + shares.bounce:
            return WorkOutcome.BOUNCE
        return WorkOutcome.WAIT_THIRD_PARTY

    def take_worker(self) -> str | None:
        return self.free.pop(0) if self.free else None

    def release(self, worker: str) -> None:
        if worker not in self.free:
            self.free.append(worker)
            self.free.sort()


def departments_for(config: WorkflowConfig, seed: int) -> dict[str, Department]:
    """The simulated departments of a workflow: every queue with staff."""
    return {
        q.id: Department(q.id, q.staff, seed)
        for q in config.queues
        if q.staff is not None and q.staff.workers > 0
    }


def is_simulated_worker(actor: str) -> bool:
    return "#" in actor
