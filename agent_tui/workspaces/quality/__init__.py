"""Quality (evaluators, admins).

QA1–QA3: calls sampled to each agent's monthly quota (or at random, by agent, queue or
customer), each call's transcript and timeline from the log, the scorecard on the
centre's form with what the log decides prefilled, the statistics, and blind calibration
rounds where several evaluators score one call. Any ticket by its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_tui.workspaces.base import WorkspaceSpec

if TYPE_CHECKING:
    from textual.screen import Screen


def _quality_screen() -> Screen[Any]:
    from agent_tui.workspaces.quality.screen import QualityScreen

    return QualityScreen()


WORKSPACE = WorkspaceSpec(
    id="quality",
    title="Quality 质检",
    summary="Sample calls, read their transcripts, score them on the form, count and calibrate",
    roles=("evaluator", "admin"),
    scope="quality",
    screen=_quality_screen,
)
