"""Quality (evaluators, admins).

Until its own issue (sampling, scorecards, statistics, calibration: QA1–QA3) is built, it
shows what an evaluator can read today: every call wrapped up since login, as the log
records it (agent, queue, code, notes, the path through the script, the tickets made on
the call), and any ticket by its id.
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
    summary="Calls as they are wrapped up: code, notes, script path, tickets",
    roles=("evaluator", "admin"),
    scope="quality",
    screen=_quality_screen,
)
