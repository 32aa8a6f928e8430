"""The staffing view's table: one queue's half-hours, required agents beside the what-if.

Pure text from the server's figures (`protocol.staffing`): calls (forecast or today's
actual), the Erlang load, agents required by Erlang C / Erlang A, the staffing change the
supervisor keyed in for the half-hour (± agents, breaks cancelled), and once a what-if has
run: SL, abandons and occupancy as they happened → the what-if's mean ± its standard
deviation over the replications.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from server_stub.protocol.staffing import (
    SpreadModel,
    StaffingRowModel,
    WhatIfRequest,
    WhatIfRowModel,
)

STAFFING_COLUMNS = (
    "Time",
    "Calls",
    "Erl",
    "Need C/A",
    "Change",
    "SL had→what-if",
    "Abandons",
    "Occupancy",
)
BREAKS_MARK = "☕✗"  # the half-hour's breaks are cancelled


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _spread_pct(spread: SpreadModel) -> str:
    if spread.mean is None:
        return "—"
    sd = spread.sd or 0.0
    return f"{spread.mean * 100:.0f}±{sd * 100:.0f}%"


def _spread_count(spread: SpreadModel) -> str:
    if spread.mean is None:
        return "—"
    return f"{spread.mean:.1f}±{spread.sd or 0.0:.1f}"


def _side_by_side(had: str, what_if: str, better: bool | None) -> Text:
    text = Text(f"{had}→")
    style = "" if better is None else ("green" if better else "red")
    text.append(what_if, style=style)
    return text


def _compare(had: float | None, mean: float | None, *, higher_is_better: bool) -> bool | None:
    if had is None or mean is None or abs(mean - had) < 1e-9:
        return None
    return (mean > had) == higher_is_better


def change_text(agents: int, breaks_cancelled: bool) -> str:
    parts = [f"{agents:+d}"] if agents else []
    if breaks_cancelled:
        parts.append(BREAKS_MARK)
    return " ".join(parts)


def staffing_rows(
    rows: Sequence[StaffingRowModel],
    changes: Mapping[int, int],
    breaks_cancelled: frozenset[int],
    result: Mapping[int, WhatIfRowModel],
) -> dict[str, list[str | Text]]:
    """Row key (the slot) → cells, for one queue's rows in half-hour order."""
    out: dict[str, list[str | Text]] = {}
    for row in rows:
        need_a = "—" if row.agents_erlang_a is None else str(row.agents_erlang_a)
        cells: list[str | Text] = [
            row.start,
            f"{row.calls:.1f}" if row.calls % 1 else f"{row.calls:.0f}",
            f"{row.load_erlangs:.1f}",
            f"{row.agents_erlang_c}/{need_a}",
            change_text(changes.get(row.slot, 0), row.slot in breaks_cancelled),
        ]
        ran = result.get(row.slot)
        if ran is None:
            cells += ["", "", ""]
        else:
            had = ran.happened
            cells += [
                _side_by_side(
                    _pct(had.service_level),
                    _spread_pct(ran.service_level),
                    _compare(had.service_level, ran.service_level.mean, higher_is_better=True),
                ),
                _side_by_side(
                    str(had.abandoned),
                    _spread_count(ran.abandoned),
                    _compare(float(had.abandoned), ran.abandoned.mean, higher_is_better=False),
                ),
                _side_by_side(_pct(had.occupancy), _spread_pct(ran.occupancy), None),
            ]
        out[str(row.slot)] = cells
    return out


def whatif_request(
    changes: Mapping[str, Mapping[int, int]],
    breaks_cancelled: frozenset[int],
    replications: int,
) -> WhatIfRequest:
    """The request for the changes keyed in: queue → half-hour → ± agents."""
    staffing = [
        {"queue_id": queue_id, "slot": slot, "agents": agents}
        for queue_id, per_slot in sorted(changes.items())
        for slot, agents in sorted(per_slot.items())
        if agents
    ]
    breaks = [{"slot": slot, "to_slot": None} for slot in sorted(breaks_cancelled)]
    return WhatIfRequest.model_validate(
        {"staffing": staffing, "breaks": breaks, "replications": replications}
    )


def changes_summary(changes: Mapping[str, Mapping[int, int]], breaks: frozenset[int]) -> str:
    """`enquiry +3, fault −1 · breaks cancelled in 2 half-hours`, or `no changes`."""
    totals = [
        f"{queue_id} {sum(per_slot.values()):+d}"
        for queue_id, per_slot in sorted(changes.items())
        if any(per_slot.values())
    ]
    text = ", ".join(totals)
    if breaks:
        cancelled = f"breaks cancelled in {len(breaks)} half-hour{'s' if len(breaks) > 1 else ''}"
        text = f"{text} · {cancelled}" if text else cancelled
    return text or "no changes"
