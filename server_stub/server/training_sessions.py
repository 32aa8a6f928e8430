"""Training sessions (TR1): a scenario's call on a simulated centre of its own, with its own clock.

Each `TrainingSession` owns an `Engine` built from the centre's configuration with only the
trainee at a seat (the centre's team leaders as simulated agents, to take an escalation),
no callers of its own, and the scenario's caller (`ScriptedCaller`) as a companion on its
timeline. Its clock is a `RealTimeClock` of its own: pausing, stepping or resuming a
session never touches the live floor's clock, and the live floor never moves a session.
The session's events are kept with it (one call's worth); when the trainee completes the
wrap-up, the call is scored (`score_session`, each point with its reason) and the result
stored for the trainee's history. `TrainingDesk` holds the sessions of one centre.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server_stub.centre.customers import customer_refs
from server_stub.centre.schema import AgentConfig, CentreConfig
from server_stub.engine import Engine, EngineError
from server_stub.protocol.api import Directory, DirectoryAgent, ScreenPop
from server_stub.protocol.call_facts import SCRIPT_STEP_EVENT, session_facts
from server_stub.protocol.events import Event, EventType
from server_stub.protocol.quality_api import EvaluationView
from server_stub.protocol.scenario_check import check_scenario_text, load_scenarios
from server_stub.protocol.scenario_model import Scenario, TrainingScore
from server_stub.protocol.scripts import FlowScript
from server_stub.protocol.training_api import (
    ScenarioDraft,
    SessionEnd,
    SessionView,
    TrainingResult,
)
from server_stub.quality.prefill import prefilled_evaluation
from server_stub.server.clock import RealTimeClock
from server_stub.server.dispatch import CommandDispatcher
from server_stub.server.errors import ApiError, not_found
from server_stub.server.pops import ScreenPopBuilder
from server_stub.server.quality_desk import QualityDesk
from server_stub.server.store import Store
from server_stub.server.training_floor import TraineeSeats
from server_stub.training.caller_companion import ScriptedCaller
from server_stub.training.centre_facts import centre_facts, team_leaders
from server_stub.training.scenario_draft import scenario_draft
from server_stub.training.scoring import score_session

CALLER = "caller"
WHISPER_EVENT = "training.whisper"
SESSION_SEED = 12  # a session's engine draws nothing that matters; fixed, so runs repeat
SESSIONS_KEPT = 50  # finished sessions kept in memory (their results are stored)


def trainee_seat(config: CentreConfig, trainee: str) -> AgentConfig:
    """The trainee's seat in the centre: a person's (422 for a simulated agent or no one)."""
    seat = next((a for a in config.agents if a.id == trainee and not a.simulated), None)
    if seat is None:
        raise ApiError(422, "not_a_trainee", f"{trainee} is not an agent with a seat")
    return seat


def session_centre(config: CentreConfig, trainee: str) -> CentreConfig:
    """The centre a session runs: the trainee alone at a seat, skilled for every queue (the
    team leaders simulated, to take an escalation), no arrivals and no abandons: only the
    scenario's caller."""
    seat = trainee_seat(config, trainee)
    # The trainee takes whatever queue the scenario rings in; the leaders take no queue's
    # calls, only the escalations put to them.
    skills = {q.skill: max(seat.skills.get(q.skill, 0), 5) for q in config.queues}
    seat = seat.model_copy(update={"skills": {**seat.skills, **skills}})
    leaders = [
        a.model_copy(update={"simulated": True, "shift": None, "skills": {}})
        for a in config.agents
        if a.supervises and a.id != trainee
    ]
    queues = [q.model_copy(update={"arrivals": None, "patience": None}) for q in config.queues]
    return config.model_copy(update={"agents": [seat, *leaders], "queues": queues})


class TrainingSession:
    """One trainee, one scenario, one call, on an engine and clock of its own."""

    def __init__(
        self,
        session_id: str,
        scenario: Scenario,
        script: FlowScript,
        *,
        trainee: str,
        trainer: str,
        config: CentreConfig,
        monotonic: Callable[[], float],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.id = session_id
        self.scenario = scenario
        self.script = script
        self.trainee = trainee
        self.trainer = trainer
        self.config = session_centre(config, trainee)
        self.team_leaders = team_leaders(config)
        self._wall_clock = wall_clock
        self.engine = Engine(self.config, SESSION_SEED, customers=customer_refs(config))
        self.dispatcher = CommandDispatcher(self.config)
        self.caller = ScriptedCaller(scenario, script.start)
        self.engine.attach(CALLER, self.caller)
        self.events: list[Event] = []
        self.engine.subscribe(self._collect)
        self.clock = RealTimeClock(0.0, monotonic)
        self.call_id: str | None = None
        self.score: TrainingScore | None = None
        self.tickets = 0  # tickets the trainee made, to number them
        self.pop: ScreenPop | None = None  # the caller's record, as the desk's screen pop
        self.second_calls: list[str] = []  # the callers the trainer rang in besides
        self.ended: SessionEnd | None = None  # finished (scored), stopped or abandoned
        self.seat_taken = False  # the trainee's live seat set aside (`TraineeSeats.take`)
        self.result_stored = False  # the score kept for the trainee's history
        self.engine.advance_to(0.0)
        self.apply("set_state", {"agent_id": trainee, "state": "ready"})

    def _collect(self, seq: int, entry: tuple[Any, ...]) -> None:
        at, kind, call_id, agent_id, queue_id, data = entry
        if kind == EventType.QUEUE_STATS:
            return  # the session's one call is the story; its queues' figures are noise
        self.events.append(
            Event(
                seq=seq,
                sim_time=at,
                wall_time=self._wall_clock(),
                type=kind,
                call_id=call_id,
                agent_id=agent_id,
                queue_id=queue_id,
                data=dict(data),
            )
        )

    # ------------------------------------------------------------------ the clock

    @property
    def now(self) -> float:
        return self.engine.now

    @property
    def paused(self) -> bool:
        return self.clock.speed == 0

    @property
    def open(self) -> bool:
        """Not over yet: not finished, nor stopped by the trainer, nor abandoned (a scored
        session stays open while the trainee takes a second caller)."""
        return self.ended is None

    @property
    def phone_call(self) -> str | None:
        """The call on the trainee's phone now: the scenario's, or a second caller's."""
        call_id: str | None = self.engine.agent_view(self.trainee)["call_id"]
        return call_id if call_id is not None else self.call_id

    def callers_left(self) -> bool:
        """Whether a second caller is still to be taken or wrapped up by the trainee."""
        over = {e.call_id for e in self.events if e.type == EventType.CALL_WRAPUP_COMPLETED}
        return any(call_id not in over for call_id in self.second_calls)

    def catch_up(self) -> None:
        """Bring the session's engine to its own clock."""
        self.advance_to(max(self.clock.now(), self.engine.now))

    def advance_to(self, target: float) -> None:
        """Move the session's engine to `target`, the caller hanging up on the way at the
        instant it gives up (whatever the slices of time the clock is read in)."""
        while (due := self.caller.hangup_due()) <= target and self.call_id is not None:
            self.engine.advance_to(max(due, self.engine.now))
            # A guard: the companion forgets its deadline when the call ends or moves on.
            with contextlib.suppress(EngineError):
                self.dispatcher.apply(self.engine, "caller_hangup", {"call_id": self.call_id})
            self.caller.patience_until = self.caller.gives_up_at = None
        self.engine.advance_to(target)

    def start(self, *, paused: bool = False) -> None:
        """The scenario's caller rings the trainee; the session's clock starts (or waits
        for the trainer to resume it)."""
        self.call_id = self.apply(
            "inject_call",
            {"queue_id": self.scenario.queue, "customer_id": self.scenario.customer.id},
        )
        if not paused:
            self.resume()

    def pause(self) -> None:
        self.catch_up()
        self.clock.speed = 0.0
        self.clock.anchor(self.engine.now)

    def resume(self) -> None:
        self.catch_up()
        self.clock.speed = 1.0
        self.clock.anchor(self.engine.now)

    def step(self, seconds: float) -> None:
        """Move a paused session on by `seconds` of its own time."""
        if not self.paused:
            raise ApiError(409, "session_running", "pause the session before stepping it")
        self.advance_to(self.engine.now + seconds)
        self.clock.anchor(self.engine.now)

    # ------------------------------------------------------------------ commands

    def apply(self, kind: str, args: dict[str, Any]) -> Any:
        self.catch_up()
        try:
            return self.dispatcher.apply(self.engine, kind, args)
        except EngineError as error:
            raise ApiError(409, error.code, error.message) from error

    def check_running(self) -> str:
        """The scenario's call; a 409 unless the session has started and is not over."""
        if self.call_id is None:
            raise ApiError(409, "not_started", f"session {self.id} has not started")
        if not self.open:
            raise ApiError(409, "session_over", f"session {self.id} is over")
        return self.call_id

    def desk(self, action: str, args: dict[str, Any]) -> None:
        """The trainee's desk acts on the call on its phone (the scenario's, then any
        second caller's); the script and tickets are the scenario's call's."""
        scenario_call = self.check_running()
        call_id = self.phone_call or scenario_call
        call = {"agent_id": self.trainee, "call_id": call_id}
        if action == "script_step":
            self.record(SCRIPT_STEP_EVENT, {k: v for k, v in args.items() if v is not None})
        elif action == "ticket":
            self.tickets += 1
            ticket = {**args, "ticket_id": f"T{self.tickets:06d}"}  # numbered as the floor does
            self.record(EventType.TICKET_CREATED.value, ticket)
        elif action == "hold":
            said = {k: args[k] for k in ("phrase", "script_step") if args.get(k) is not None}
            self.apply("hold", {**call, **said})
        elif action == "transfer":
            self.apply("transfer", {**call, **args})
        elif action == "consult":
            self.apply("consult", {**call, "action": args.get("action")})
        elif action == "wrapup":
            self.apply("wrapup", {**call, **args})
            if call_id == scenario_call:
                self.score = score_session(
                    self.scenario,
                    session_facts(self.events, call_id, team_leaders=self.team_leaders),
                    self.script,
                )
            if not self.callers_left():
                self.pause()
        else:
            self.apply(action, call)

    def record(self, kind: str, data: dict[str, Any]) -> None:
        args = {"type": kind, "call_id": self.call_id, "agent_id": self.trainee, "data": data}
        self.apply("record", args)

    def mood(self, step: int) -> str:
        self.catch_up()
        name: str = self.engine.companion_command(CALLER, "mood", {"step": step})
        return name

    def second_caller(self) -> str:
        """A second caller rings the scenario's queue on the session's centre (the trainer's
        "inject a second caller"): it waits in the queue, as a real one would, while the
        trainee is on the scenario's call. The scenario's call alone is scored."""
        self.check_running()
        call_id: str = self.apply("inject_call", {"queue_id": self.scenario.queue})
        self.second_calls.append(call_id)
        return call_id

    def whisper(self, text: str) -> None:
        self.record(WHISPER_EVENT, {"text": text, "by": self.trainer})

    def view(self) -> SessionView:
        self.catch_up()
        agent = self.engine.agent_view(self.trainee)
        return SessionView(
            id=self.id,
            scenario=self.scenario.id,
            scenario_version=self.scenario.version,
            title=self.scenario.title,
            queue=self.scenario.queue,
            script=self.scenario.script,
            trainee=self.trainee,
            trainer=self.trainer,
            call_id=self.call_id,
            sim_time=self.engine.now,
            paused=self.paused,
            trainee_state=str(agent["state"]),
            phone_call_id=agent["call_id"],
            mood=self.caller.state.mood_name,
            events=list(self.events),
            score=self.score,
            ended=self.ended,
            directory=self.directory(),
            pop=self.pop,
        )

    def directory(self) -> Directory:
        """The session centre's other agents (the team leaders), as the desk's directory."""
        agents = [
            DirectoryAgent(
                id=view["id"],
                name=view["name"],
                team=view["team"],
                state=str(view["state"]),
                skills={},
            )
            for view in self.engine.agents()
            if view["id"] != self.trainee
        ]
        return Directory(queues=[], agents=agents)


class TrainingDesk:
    """The centre's training sessions: made, found, finished, and their results stored."""

    def __init__(
        self,
        config: CentreConfig,
        store: Store,
        scenarios_dir: Path | None,
        scripts: dict[str, FlowScript],
        monotonic: Callable[[], float],
        wall_clock: Callable[[], float] = time.time,
        *,
        seats: TraineeSeats,
    ) -> None:
        self.config = config
        self.store = store
        self.wall_clock = wall_clock
        self.scenarios_dir = scenarios_dir
        self._scenarios: dict[str, Scenario] | None = None
        self.scripts = scripts
        self.monotonic = monotonic
        self.sessions: dict[str, TrainingSession] = {}
        self.seats = seats  # the trainees' live seats, set aside while their sessions run
        self._made = 0
        self._by_request: dict[tuple[str, str], str] = {}

    @property
    def scenarios(self) -> dict[str, Scenario]:
        """The centre's scenarios, loaded when first asked for (start-up stays quick)."""
        if self._scenarios is None:
            folder = self.scenarios_dir
            loaded = (
                load_scenarios(folder, centre_facts(self.config), self.scripts)
                if folder is not None and folder.is_dir()
                else {}
            )
            self._scenarios = {s.id: s for s in loaded.values()}
        return self._scenarios

    def create(
        self, request_id: str, scenario_id: str, trainee: str, trainer: str, *, paused: bool = False
    ) -> TrainingSession:
        known = self._by_request.get((trainer, request_id))
        if known is not None and known in self.sessions:
            return self.sessions[known]
        scenario = self.scenarios.get(scenario_id)
        if scenario is None:
            raise not_found("scenario", scenario_id)
        trainee_seat(self.config, trainee)  # refused before a session id is spent on it
        busy = [s for s in self.sessions.values() if s.trainee == trainee and s.open]
        if busy:
            raise ApiError(409, "trainee_busy", f"{trainee} is in session {busy[0].id}")
        session_id = f"S{self._made + 1:04d}"
        taken = self.seats.take(trainee, session_id)  # first: a refusal leaves no session
        self._made += 1
        session = TrainingSession(
            session_id,
            scenario,
            self.scripts[scenario.script],
            trainee=trainee,
            trainer=trainer,
            config=self.config,
            monotonic=self.monotonic,
            wall_clock=self.wall_clock,
        )
        session.seat_taken = taken
        self.sessions[session.id] = session
        self._by_request[(trainer, request_id)] = session.id
        self._forget_old()
        session.start(paused=paused)
        session.pop = self.pop_for(session)
        return session

    def pop_for(self, session: TrainingSession) -> ScreenPop:
        """The scenario's caller as the desk's screen pop: the centre's record, its history."""
        arrived = next(e for e in session.events if e.type == EventType.CALL_ARRIVED)
        return ScreenPopBuilder(self.store).build(
            call_id=session.call_id or "",
            queue_id=session.scenario.queue,
            customer_id=session.scenario.customer.id,
            ani=arrived.data.get("ani"),
            tier=arrived.data.get("tier"),
            waited_s=0.0,
            ivr_path=[],
        )

    def _forget_old(self) -> None:
        finished = [s.id for s in self.sessions.values() if not s.open]
        for session_id in finished[: max(0, len(finished) - SESSIONS_KEPT)]:
            del self.sessions[session_id]

    def session(self, session_id: str) -> TrainingSession:
        self.settle()
        session = self.sessions.get(session_id)
        if session is None:
            raise not_found("session", session_id)
        return session

    def of_trainee(self, trainee: str) -> TrainingSession | None:
        """The trainee's session in progress (the newest), if any."""
        self.settle()
        mine = [s for s in self.sessions.values() if s.trainee == trainee and s.open]
        return mine[-1] if mine else None

    def all(self) -> list[TrainingSession]:
        self.settle()
        return list(self.sessions.values())

    def settle(self) -> None:
        """A session whose trainee logged out of the live floor is abandoned; one whose
        trainee was not at a free seat when it started takes the seat once it is."""
        self.end_abandoned()
        for session in self.sessions.values():
            if session.open and not session.seat_taken:
                session.seat_taken = self.seats.take(session.trainee, session.id)

    def end_abandoned(self) -> None:
        """End the sessions whose trainees logged out of the live floor: their clocks stop
        there (the runtime calls this as the log-out comes in, not at the next read)."""
        if not self.seats.holds:
            return
        for session in self.sessions.values():
            if session.open and self.seats.logged_out(session.trainee):
                self.end(session, "abandoned")

    def end(self, session: TrainingSession, how: SessionEnd) -> None:
        """The session is over (`how`): its clock stops and the trainee's live seat goes
        back to what it was."""
        if session.ended is not None:
            return
        session.ended = how
        session.pause()
        self.seats.give_back(session.trainee, session.id)

    def stop(self, session: TrainingSession) -> None:
        """The trainer ends a session before it is scored."""
        session.check_running()
        self.end(session, "stopped")

    def draft(self, call_id: str, quality: QualityDesk) -> ScenarioDraft:
        """A recorded call of the floor as a scenario draft (one step), with what the
        scenario checker says of it."""
        contact = quality.call_contact(call_id)
        script = quality.script_for(contact.queue_id)
        if script is None:
            raise ApiError(409, "no_script", f"call {call_id}'s queue has no flow script")
        scenario_id = f"from_{call_id}".replace("-", "_").lower()
        text = scenario_draft(
            self.store.call_events(call_id),
            call_id,
            script,
            scenario_id=scenario_id,
            title=f"来自通话 {call_id} / From call {call_id}",
            team_leaders=team_leaders(self.config),
        )
        facts = centre_facts(self.config)
        _, problems = check_scenario_text(text, f"{scenario_id}.yaml", facts, self.scripts)
        return ScenarioDraft(
            call_id=call_id,
            scenario=scenario_id,
            text=text,
            problems=[str(problem) for problem in problems],
        )

    def quality(self, session: TrainingSession, quality: QualityDesk) -> EvaluationView:
        """The centre's quality form prefilled from the session's call, from the same facts
        the score came from (a draft to debrief from: never stored, never counted)."""
        call_id = session.call_id
        if call_id is None or session.score is None:
            raise ApiError(409, "not_scored", f"session {session.id}'s call is not wrapped up")
        evaluation = prefilled_evaluation(
            quality.newest_form(),
            session.events,
            call_id,
            evaluation_id=f"{session.id}-quality",
            evaluator_id=session.trainer,
            call_date=quality.call_date(0.0),
            script=session.script,
            agent_id=session.trainee,
            call_serial=call_id,
        )
        return quality.view(evaluation)

    def finish(self, session: TrainingSession) -> None:
        """Store a scored session's result for the trainee's history (once), and end the
        session when no second caller is left to take."""
        if session.score is None or session.ended is not None:
            return
        if not session.callers_left():
            self.end(session, "finished")
        if session.result_stored:
            return
        session.result_stored = True
        self.store.put_training_result(
            TrainingResult(
                session_id=session.id,
                trainee=session.trainee,
                trainer=session.trainer,
                scenario=session.scenario.id,
                scenario_version=session.scenario.version,
                total=session.score.total,
                max_total=session.score.max_total,
                wall_time=self.wall_clock(),
                score=session.score,
            )
        )
