"""A trainee at the desk, driven by keys: what the tests of the training call press.

`Trainee` works the session's call on the Pilot-driven desk the way an agent would (the
desk's default keys), and waits after each key until the session's server has it. The
trainer's side (`Trainer`) starts sessions paused and moves their clock by steps, so a run
is the same on every run: nothing depends on how fast the machine draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from live_helpers import client_as, until
from textual.pilot import Pilot

from agent_tui.client.api import CentreApi, new_request_id
from agent_tui.shell.app import ShellApp
from agent_tui.ui.pickers import ChoicePicker
from agent_tui.workspaces.desk.training_call import TrainingCallScreen
from server_stub.protocol.training_api import SessionControl, SessionCreate, SessionView
from server_stub.server.testing import LiveServer

Lost = list[tuple[str, str, float, str]]
# The ticket form's categories as the server lists them (routes/centre.py, TK2's order).
CATEGORY_ROWS = {"enquiry": 0, "fault": 1, "complaint": 2, "suggestion": 3, "billing": 4}


@dataclass
class Trainer:
    """The trainer's client: starts a paused session, steps its clock."""

    api: CentreApi
    session_id: str = ""

    @classmethod
    async def logged_in(cls, centre: LiveServer) -> Trainer:
        return cls(await client_as(centre.base_url, "t100"))

    async def start(self, scenario: str, trainee: str = "1001") -> SessionView:
        made = SessionCreate(
            request_id=new_request_id(), scenario=scenario, trainee=trainee, paused=True
        )
        view = await self.api.start_session(made)
        self.session_id = view.id
        return view

    async def step(self, seconds: float) -> SessionView:
        request = SessionControl(action="step", seconds=seconds)
        return await self.api.steer_session(self.session_id, request)

    async def close(self) -> None:
        await self.api.close()


class Trainee:
    """The trainee's keys on the training call, each awaited until the session has it."""

    def __init__(self, pilot: Pilot[Any], trainer: Trainer) -> None:
        self.pilot = pilot
        self.trainer = trainer
        app = pilot.app
        assert isinstance(app, ShellApp)
        self.app = app

    @property
    def screen(self) -> TrainingCallScreen:
        screen = self.app.screen
        if isinstance(screen, ChoicePicker):
            screen = self.app.screen_stack[-2]
        assert isinstance(screen, TrainingCallScreen)
        return screen

    @property
    def session(self) -> SessionView:
        return self.screen.session

    async def rung(self) -> None:
        """The session's call rings on the desk."""
        await until(lambda: isinstance(self.app.screen, TrainingCallScreen), self.pilot, 15)
        await until(lambda: self.session.trainee_state == "reserved", self.pilot)

    async def press(self, *keys: str) -> None:
        """Keys that each log something in the session (a step, a hold, a ticket…)."""
        for key in keys:
            before = len(self.session.events)
            await self.pilot.press(key)
            await until(lambda seen=before: len(self.session.events) > seen, self.pilot)

    async def answer(self) -> None:
        await self.press("f4")
        await until(lambda: self.screen.query_one("#training-script").has_focus, self.pilot)

    async def walk(self, keys: str) -> None:
        """Options of the script, by their keys (the script pane has focus)."""
        await self.press(*keys)

    async def wait(self, seconds: float) -> None:
        """The trainer moves the paused session on: the caller's time passes."""
        stepped = await self.trainer.step(seconds)
        await until(lambda: self.session.sim_time >= stepped.sim_time, self.pilot)

    async def hold(self) -> None:
        await self.press("f5")

    async def ticket(self, subject: str, category: str | None = None) -> None:
        """The ticket form: open it (unless a step did), choose the category if asked,
        type the subject, save, and back to the script."""
        pilot = self.pilot
        if self.screen.query_one("#training-work").current != "training-ticket":  # type: ignore[attr-defined]
            await pilot.press("ctrl+t")
        if category is not None:
            await until(lambda: self.screen.query_one("#ticket-category").has_focus, pilot)
            await pilot.press("enter", *["down"] * (CATEGORY_ROWS[category] + 1), "enter")
            await pilot.press("tab", "tab", "tab")  # priority, department, subject
        await until(lambda: self.screen.query_one("#ticket-subject").has_focus, pilot)
        await pilot.press(*subject)
        await self.press("ctrl+s")
        await until(lambda: self.screen.query_one("#training-script").has_focus, pilot)

    async def consult(self, choice: str) -> None:
        """The consult key: with a colleague (the picker's filter text), or a consult step."""
        before = len(self.session.events)
        await self.pilot.press("f7")
        await until(lambda: isinstance(self.app.screen, ChoicePicker), self.pilot)
        await self.pilot.press(*choice, "enter")
        await until(lambda: len(self.session.events) > before, self.pilot)

    async def hang_up(self) -> None:
        await self.press("f9")
        await until(lambda: self.session.trainee_state == "wrap_up", self.pilot)

    async def wrap_up(self, code: str, notes: str = "") -> None:
        pilot = self.pilot
        await until(lambda: self.screen.query_one("#wrapup-notes").has_focus, pilot)
        await pilot.press(*notes)
        await pilot.press("f10")
        await until(lambda: isinstance(self.app.screen, ChoicePicker), pilot)
        await pilot.press(*code, "enter")
        await until(lambda: self.session.score is not None, pilot)
        await pilot.pause()

    def lost(self) -> Lost:
        """Every point lost: (dimension, item, points, reason)."""
        score = self.session.score
        assert score is not None
        return [
            (dimension.name, line.item, line.possible - line.earned, line.reason)
            for dimension in score.dimensions
            for line in dimension.lines
            if line.earned < line.possible
        ]
