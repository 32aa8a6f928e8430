"""The audit trail: who read other people's data, when, and during which call (SV6).

Rows go to the store's `audit` table. A board that polls the same thing every second
would write a row a second: repeats of one (user, action, target) within
`COALESCE_S` of wall time are one row. Searches are never coalesced.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from server_stub.server.auth import Principal
from server_stub.server.store import AuditRow, Store

COALESCE_S = 60.0
REMEMBERED = 5_000


class AuditTrail:
    def __init__(
        self, store: Store, wall_clock: Callable[[], float], sim_now: Callable[[], float]
    ) -> None:
        self._store = store
        self._wall_clock = wall_clock
        self._sim_now = sim_now
        self._last: OrderedDict[tuple[str, str, str], float] = OrderedDict()

    def __call__(
        self,
        principal: Principal,
        action: str,
        target: str,
        *,
        call_id: str | None = None,
        detail: dict[str, Any] | None = None,
        coalesce: bool = True,
    ) -> None:
        now = self._wall_clock()
        key = (principal.user_id, action, target)
        if coalesce:
            last = self._last.pop(key, None)
            self._last[key] = now if last is None or now - last >= COALESCE_S else last
            while len(self._last) > REMEMBERED:
                self._last.popitem(last=False)
            if last is not None and now - last < COALESCE_S:
                return
        self._store.audit(
            AuditRow(
                wall_time=now,
                sim_time=self._sim_now(),
                user_id=principal.user_id,
                roles=",".join(principal.roles),
                action=action,
                target=target,
                call_id=call_id,
                detail=detail or {},
            )
        )
