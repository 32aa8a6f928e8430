"""The statistics (QA2) and a calibration round (QA3), each a screen over the sample."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.quality.figures import calibration_block, statistics_block
from server_stub.protocol.quality_api import CalibrationView, QualityStatistics, StatisticsPeriod

WIDE = 110
PERIODS: tuple[StatisticsPeriod, ...] = ("day", "month", "year")

FIGURES_CSS = """
FiguresScreen .figures-title {
    padding: 0 1;
    background: $boost;
    height: 1;
}
FiguresScreen .figures-body {
    height: 1fr;
    padding: 0 1;
}
"""


class FiguresScreen(WorkspaceScreen):
    """A title and a scrolling body of figures; `back` returns to the sample."""

    DEFAULT_CSS = FIGURES_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("quality")  # type: ignore[assignment]
    SCOPE = "quality"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"back"})
    TITLE_TEXT = ""

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE_TEXT, classes="figures-title")
        with VerticalScroll(classes="figures-body"):
            yield Static("Loading… 加载中", id="figures")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self.refresh_key_hints()
        self.fetch()

    def on_resize(self, event: events.Resize) -> None:
        self.draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        own = {"find_ticket", "sample", "evaluate", "calibrate", "statistics", "mark"}
        own |= {"not_applicable", "comments", "confirm", "coach", "period", "back"}
        if action in own:
            return action in self.ACTIONS
        return True

    def show_figures(self, body: RenderableType) -> None:
        self.query_one("#figures", Static).update(body)

    def fetch(self) -> None:
        """Fetch the figures (in a worker), then `draw` them."""

    def draw(self) -> None:
        """Draw what was fetched at the screen's width."""

    def action_back(self) -> None:
        self.dismiss()


class StatisticsScreen(FiguresScreen):
    ACTIONS: ClassVar[frozenset[str]] = frozenset({"back", "period"})
    TITLE_TEXT = "Quality statistics 质检统计 (confirmed evaluations; calibration rounds apart)"

    def __init__(self) -> None:
        super().__init__()
        self.period: StatisticsPeriod = "month"
        self.stats: QualityStatistics | None = None

    def fetch(self) -> None:
        self.load_statistics()

    @work(exclusive=True, group="statistics", exit_on_error=False)
    async def load_statistics(self) -> None:
        request = self.shell.api.quality_statistics(self.period)
        ok, stats = await attempt(self.notify, "read the statistics", request)
        if ok and stats is not None:
            self.stats = stats
            self.draw()

    def draw(self) -> None:
        if self.stats is not None:
            self.show_figures(statistics_block(self.stats, wide=self.size.width >= WIDE))

    def action_period(self) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + 1) % len(PERIODS)]
        self.fetch()


class CalibrationScreen(FiguresScreen):
    TITLE_TEXT = "Calibration 校准: per-item agreement, each evaluator against the consensus"

    def __init__(self, round_id: str) -> None:
        super().__init__()
        self.round_id = round_id
        self.view: CalibrationView | None = None

    def fetch(self) -> None:
        self.load_round()

    @work(exclusive=True, group="calibration", exit_on_error=False)
    async def load_round(self) -> None:
        request = self.shell.api.calibration(self.round_id)
        ok, view = await attempt(self.notify, f"read round {self.round_id}", request)
        if ok and view is not None:
            self.view = view
            self.draw()

    def draw(self) -> None:
        if self.view is not None:
            self.show_figures(calibration_block(self.view, wide=self.size.width >= WIDE))
