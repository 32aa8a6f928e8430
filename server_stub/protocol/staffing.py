"""The staffing calculator and the what-if re-run on the wire (issue 10 item 6).

`GET /v1/supervision/staffing` gives agents required per queue and half-hour by Erlang C
and Erlang A (`supervision.staffing`), from the forecast or from today's actual callers;
`POST /v1/supervision/whatif` starts a re-run of today so far with staffing or breaks
changed (`supervision.whatif`), `GET /v1/supervision/whatif/{job_id}` fetches it: per
queue and half-hour, what happened beside the what-if's mean and spread over the
replications. SL is the boards' variant (`supervision_board.SL_VARIANT`, abandons in);
occupancy the boards' (busy + wrap-up ÷ that + ready + ringing).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StaffingSource = Literal["forecast", "actual"]
WhatIfStatus = Literal["running", "done", "failed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StaffingRowModel(_Strict):
    queue_id: str
    slot: int = Field(description="half-hour of the day, 0 = 00:00–00:30 local")
    start: str = Field(description='"HH:MM" local')
    calls: float
    aht_s: float
    load_erlangs: float
    sl_goal: float
    sl_target_s: float
    patience_s: float | None
    agents_erlang_c: int
    agents_erlang_a: int | None = Field(description="None: the queue's callers never abandon")
    scheduled_erlang_c: int = Field(description="with shrinkage")
    scheduled_erlang_a: int | None


class StaffingTable(_Strict):
    source: StaffingSource
    as_of: float
    shrinkage: float
    day_start: float = Field(description="sim time today's re-run starts (00:00, or sim 0)")
    now_slot: int = Field(description="the half-hour of the day `as_of` falls in")
    queues: list[str]
    rows: list[StaffingRowModel]


class StaffingChangeModel(_Strict):
    queue_id: str
    slot: int = Field(ge=0, le=47)
    agents: int = Field(ge=-200, le=200, description="more (or, below 0, fewer) on the phones")


class BreakChangeModel(_Strict):
    slot: int = Field(ge=0, le=47, description="the breaks that start in this half-hour")
    to_slot: int | None = Field(default=None, ge=0, le=47, description="None: cancelled")


class WhatIfRequest(_Strict):
    staffing: list[StaffingChangeModel] = Field(default_factory=list, max_length=500)
    breaks: list[BreakChangeModel] = Field(default_factory=list, max_length=48)
    replications: int = Field(default=20, ge=1, le=100)
    seed: int = Field(default=1, ge=0, le=2**31)


class SpreadModel(_Strict):
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


class HappenedModel(_Strict):
    offered: int
    answered: int
    abandoned: int
    service_level: float | None
    occupancy: float | None


class WhatIfRowModel(_Strict):
    queue_id: str
    slot: int
    start: str
    happened: HappenedModel
    offered: int
    service_level: SpreadModel
    abandoned: SpreadModel
    occupancy: SpreadModel


class WhatIfResultModel(_Strict):
    replications: int
    workers: int
    start: float
    until: float
    callers: int
    rows: list[WhatIfRowModel]


class WhatIfJob(_Strict):
    job_id: str
    status: WhatIfStatus
    request: WhatIfRequest
    queues: list[str]
    result: WhatIfResultModel | None = None
    error: str | None = None
