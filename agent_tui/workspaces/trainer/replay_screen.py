"""Replay of a recorded call (TR1 item 4): its events played back on a desk view, in time
order, with pause, step and speed; and the call turned into a scenario draft in one key."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from agent_tui.client.parts import CONNECTION
from agent_tui.keymap import default_bindings
from agent_tui.ui.key_hints import KeyHints
from agent_tui.ui.panels import DetailPanel
from agent_tui.ui.pickers import Choice, FormDialog
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import WorkspaceScreen
from agent_tui.workspaces.trainer.replay import ReplayPlayer, replay_block
from server_stub.protocol.training_api import RecordedCall, RecordedCallSummary

TICK_S = 0.1
REPLAY_ACTIONS = frozenset({"pause_session", "step_session", "speed", "draft", "back"})

REPLAY_CSS = """
ReplayScreen #replay-title {
    padding: 0 1;
    height: 1;
    background: $boost;
}
ReplayScreen #replay-body {
    height: 1fr;
}
ReplayScreen #replay-draft {
    display: none;
}
ReplayScreen.-drafted #replay-draft {
    display: block;
}
"""


PICK_TITLE = "Replay a call 回放通话 · type an agent, queue, customer or date to filter"


def recorded_call_choices(calls: list[RecordedCallSummary]) -> list[Choice]:
    """The floor's recorded calls as the replay picker lists them, newest first: when and
    which call, then who took it, the queue, the customer and the wrap-up code (all of it
    filters as the trainer types)."""
    return [
        Choice(
            call.call_id,
            f"{call.date} {call.clock} · {call.call_id}",
            " · ".join(
                part
                for part in (call.agent_id, call.queue_id, call.customer_id, call.wrapup_code)
                if part
            ),
        )
        for call in calls
    ]


class CallIdDialog(FormDialog[str | None]):
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Replay a recorded call 回放通话", classes="dialog-title")
            yield Input(placeholder="call id, e.g. c1", id="replay-call", compact=True)
            yield Static("", id="dialog-error")
            yield Static("Enter replays · Esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def _given(self) -> None:
        call_id = self.query_one("#replay-call", Input).value.strip()
        if not call_id:
            self._error("Which call? Its id is in the callers you sent, or the quality sample.")
            return
        self.dismiss(call_id)


class ReplayScreen(WorkspaceScreen):
    DEFAULT_CSS = REPLAY_CSS
    BINDINGS: ClassVar[list[BindingType]] = default_bindings("trainer")  # type: ignore[assignment]
    SCOPE = "trainer"
    PARTS: ClassVar[frozenset[str]] = frozenset({CONNECTION})

    def __init__(self, call: RecordedCall) -> None:
        super().__init__()
        self.player = ReplayPlayer(call)

    def compose(self) -> ComposeResult:
        yield Static(f"Replay 回放 · call {self.player.call.call_id}", id="replay-title")
        with Horizontal(id="replay-body"):
            yield DetailPanel("Desk 座席", "", id="replay-desk")
            yield DetailPanel("Scenario draft 场景草稿", "", id="replay-draft")
        yield KeyHints(id="key-hints")

    def on_mount(self) -> None:
        self._draw()
        self.set_interval(TICK_S, self._tick)

    def _tick(self) -> None:
        if self.player.tick(TICK_S):
            self._draw()
        elif not self.player.playing:
            self.refresh_key_hints()

    def _draw(self) -> None:
        clock = self.store.centre_time(self.player.at)
        self.query_one("#replay-desk", DetailPanel).show(
            "Desk 座席", replay_block(self.player, clock)
        )
        self.refresh_key_hints()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REPLAY_ACTIONS:
            if action == "step_session":
                return not self.player.finished
            return True
        return action not in {
            "send_caller",
            "start_session",
            "angrier",
            "calmer",
            "second_caller",
            "whisper",
            "replay",
            "refresh",
        }

    def action_pause_session(self) -> None:
        self.player.toggle()
        self._draw()

    def action_step_session(self) -> None:
        self.player.playing = False
        self.player.step()
        self._draw()

    def action_speed(self) -> None:
        self.player.faster()
        self._draw()

    def action_back(self) -> None:
        self.dismiss()

    def action_draft(self) -> None:
        self.load_draft()

    @work(exclusive=True, group="draft", exit_on_error=False)
    async def load_draft(self) -> None:
        call_id = self.player.call.call_id
        asking = self.shell.api.scenario_draft(call_id)
        ok, draft = await attempt(self.notify, "draft a scenario", asking)
        if ok and draft is not None:
            self.add_class("-drafted")
            checked = "\n".join(draft.problems) or "the checker finds nothing wrong 校验通过"
            self.query_one("#replay-draft", DetailPanel).show(
                f"Scenario draft 场景草稿 {draft.scenario}", f"# {checked}\n{draft.text}"
            )
