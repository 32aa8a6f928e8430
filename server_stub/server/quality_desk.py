"""The evaluator's work on the running centre (QA1–QA3): sampling, timelines, evaluations.

`QualityDesk` joins the pure parts (`server_stub.quality`: prefill, statistics,
calibration, timeline) to the store: calls come from the CDR (`contacts`) and the event
log, evaluations are stored pinning their form version, and every figure is computed
from the stored confirmed evaluations when asked. The routes (`routes/quality.py`) only
check who may do what and call it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from server_stub.centre.schema import CentreConfig, centre_epoch
from server_stub.protocol.api import ContactRecord
from server_stub.protocol.call_facts import PathChoice
from server_stub.protocol.events import Event
from server_stub.protocol.quality_api import (
    AgentPeriodFigures,
    CalibrationCreate,
    CalibrationRound,
    CalibrationView,
    CallSample,
    CallTimeline,
    EvaluationConfirm,
    EvaluationCreate,
    EvaluationUpdate,
    EvaluationView,
    EvaluatorDeviationFigures,
    ItemAgreementFigures,
    ItemLossFigures,
    QualityStatistics,
    QuotaLine,
    SampleRequest,
    SampleResult,
    StatisticsPeriod,
    StepGapFigures,
    SummaryFigures,
    WorkloadFigures,
)
from server_stub.protocol.quality_forms import (
    Evaluation,
    QualityForm,
    evaluation_problems,
    load_forms,
    score_evaluation,
)
from server_stub.protocol.script_model import FlowScript
from server_stub.quality import statistics
from server_stub.quality.calibration import calibrate
from server_stub.quality.prefill import prefilled_evaluation
from server_stub.quality.statistics import CallWalk
from server_stub.quality.timeline import timeline, transcript
from server_stub.server.errors import ApiError, not_found, request_id_reused
from server_stub.server.store import Store

QUOTA_PER_AGENT_MONTH = 4  # evaluations per agent per month (QA1 sampling plan)
EventMask = Callable[[Event], Event]


class QualityDesk:
    """Quality work on one centre's store. `now()` is the centre's sim time."""

    def __init__(
        self,
        config: CentreConfig,
        store: Store,
        scripts: dict[str, FlowScript],
        forms_dir: Path | None,
        now: Callable[[], float],
    ) -> None:
        self.config = config
        self.store = store
        self.scripts = scripts
        self.forms: dict[tuple[str, int], QualityForm] = (
            load_forms(forms_dir) if forms_dir is not None and forms_dir.is_dir() else {}
        )
        self.now = now
        self.epoch = centre_epoch(config)
        self.quota = QUOTA_PER_AGENT_MONTH

    # ------------------------------------------------------------------ forms, dates

    def newest_form(self, form_id: str | None = None) -> QualityForm:
        wanted = form_id if form_id is not None else min((fid for fid, _ in self.forms), default="")
        versions = [form for (fid, _), form in self.forms.items() if fid == wanted]
        if not versions:
            raise not_found("form", form_id or "(any)")
        return max(versions, key=lambda form: form.version)

    def newest_forms(self) -> list[QualityForm]:
        return [self.newest_form(fid) for fid in sorted({fid for fid, _ in self.forms})]

    def call_date(self, sim_time: float) -> str:
        return (self.epoch + timedelta(seconds=sim_time)).date().isoformat()

    def clock(self, sim_time: float) -> str:
        return (self.epoch + timedelta(seconds=sim_time)).strftime("%H:%M:%S")

    def month_window(self, month: str) -> tuple[float, float]:
        """The sim-time span of a calendar month in the centre's time zone."""
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=self.epoch.tzinfo)
        end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=self.epoch.tzinfo)
        return (start - self.epoch).total_seconds(), (end - self.epoch).total_seconds()

    def script_for(self, queue_id: str | None) -> FlowScript | None:
        queue = next((q for q in self.config.queues if q.id == queue_id), None)
        if queue is None:
            return None
        return next((self.scripts[s] for s in queue.scripts if s in self.scripts), None)

    # ------------------------------------------------------------------ sampling

    def sample(self, request: SampleRequest, evaluator_id: str) -> SampleResult:
        """Ended calls of the month to evaluate, drawn the same way for the same seed;
        calls this evaluator has confirmed an evaluation of are left out (a draft stays,
        to be finished)."""
        month = request.month or self.call_date(self.now())[:7]
        since, until = self.month_window(month)
        value = request.value
        if request.by in ("agent", "queue", "customer") and not value:
            raise ApiError(422, "value_required", f"sampling by {request.by} needs a value")
        calls = self.store.answered_contacts(
            agent_id=value if request.by == "agent" else None,
            queue_id=value if request.by == "queue" else None,
            customer=value if request.by == "customer" else None,
            since=since,
            until=until,
        )
        ended = [c for c in calls if c.ended_at is not None and c.agent_id is not None]
        confirmed = [e for e in self.store.evaluations() if e.status == "confirmed"]
        per_call = Counter(e.call_id for e in confirmed if e.calibration is None)
        mine = {
            e.call_id
            for e in self.store.evaluations(evaluator_id=evaluator_id)
            if e.status == "confirmed" and e.calibration is None
        }
        quota = self._quota(ended, confirmed, month)
        candidates = [c for c in ended if c.call_id not in mine]
        draw = random.Random(f"{month}:{request.by}:{value}:{request.seed}")
        if request.by == "quota":
            picked = self._fill_quota(candidates, quota, draw)
        else:
            picked = draw.sample(candidates, min(request.count, len(candidates)))
        picked = sorted(picked, key=lambda c: (c.answered_at or 0.0, c.call_id))[: request.count]
        return SampleResult(
            month=month,
            calls=[self._sample_of(c, per_call[c.call_id]) for c in picked],
            quota=quota,
        )

    def _quota(
        self, calls: list[ContactRecord], confirmed: list[Evaluation], month: str
    ) -> list[QuotaLine]:
        agents = sorted({c.agent_id for c in calls if c.agent_id is not None})
        done = Counter(
            e.agent_id for e in confirmed if e.calibration is None and e.call_date[:7] == month
        )
        return [QuotaLine(agent_id=a, month=month, quota=self.quota, done=done[a]) for a in agents]

    @staticmethod
    def _fill_quota(
        calls: list[ContactRecord], quota: list[QuotaLine], draw: random.Random
    ) -> list[ContactRecord]:
        picked: list[ContactRecord] = []
        for line in quota:
            theirs = [c for c in calls if c.agent_id == line.agent_id]
            picked += draw.sample(theirs, min(line.missing, len(theirs)))
        return picked

    def _sample_of(self, contact: ContactRecord, evaluations: int) -> CallSample:
        answered = contact.answered_at if contact.answered_at is not None else contact.arrived_at
        return CallSample(
            call_id=contact.call_id,
            agent_id=contact.agent_id,
            queue_id=contact.queue_id,
            customer_id=contact.customer_id,
            call_date=self.call_date(answered),
            clock=self.clock(answered),
            talk_s=contact.talk_s,
            wrapup_code=contact.wrapup_code,
            evaluations=evaluations,
        )

    # ------------------------------------------------------------------ one call

    def call_contact(self, call_id: str) -> ContactRecord:
        contact = self.store.contact(call_id)
        if contact is None or contact.answered_at is None:
            raise not_found("call", call_id)
        return contact

    def timeline(self, call_id: str, mask: EventMask) -> CallTimeline:
        contact = self.call_contact(call_id)
        events = [mask(event) for event in self.store.call_events(call_id)]
        script = self.script_for(contact.queue_id)
        said = transcript(events, call_id, script, centre_name=self.config.centre.name)
        path = [step for step, _ in contact.script_path]
        return CallTimeline(
            call_id=call_id,
            agent_id=contact.agent_id,
            queue_id=contact.queue_id,
            customer_id=contact.customer_id,
            call_date=self.call_date(contact.answered_at or contact.arrived_at),
            script=f"{script.id}@{script.version}" if script is not None else None,
            path=path,
            notes=contact.notes or "",
            tickets=[str(e.data.get("ticket_id")) for e in events if e.type == "ticket.created"],
            entries=timeline(events, self.clock),
            transcript=said,
        )

    # ------------------------------------------------------------------ evaluations

    def create(self, body: EvaluationCreate, evaluator_id: str) -> Evaluation:
        """A draft on the newest form (or the round's), prefilled from the call's log;
        the same request id gives the same draft."""
        existing = self.store.evaluation_by_request(body.request_id, evaluator_id)
        if existing is not None:
            if (existing.call_id, existing.calibration) != (body.call_id, body.calibration):
                raise request_id_reused("evaluation")
            return existing
        contact = self.call_contact(body.call_id)
        form = self.newest_form(body.form)
        if body.calibration is not None:
            round_ = self.store.calibration(body.calibration)
            if round_ is None:
                raise not_found("calibration", body.calibration)
            if round_.call_id != body.call_id:
                raise ApiError(422, "wrong_call", f"round {round_.id} is on call {round_.call_id}")
            form = self.forms[(round_.form, round_.form_version)]
            if any(
                e.evaluator_id == evaluator_id
                for e in self.store.evaluations(calibration=round_.id)
            ):
                raise ApiError(409, "already_in_round", "you already score this call in the round")
        evaluation = prefilled_evaluation(
            form,
            self.store.call_events(body.call_id),
            body.call_id,
            evaluation_id=f"Q{self.store.evaluation_count() + 1:06d}",
            evaluator_id=evaluator_id,
            call_date=self.call_date(contact.answered_at or contact.arrived_at),
            script=self.script_for(contact.queue_id),
            agent_id=contact.agent_id,
            call_serial=body.call_id,
        ).model_copy(update={"calibration": body.calibration})
        self.store.put_evaluation(body.request_id, evaluation, self.now())
        return evaluation

    def evaluation(self, evaluation_id: str) -> Evaluation:
        evaluation = self.store.evaluation(evaluation_id)
        if evaluation is None:
            raise not_found("evaluation", evaluation_id)
        return evaluation

    def update(self, evaluation: Evaluation, body: EvaluationUpdate) -> Evaluation:
        _still_draft(evaluation)
        changed = evaluation.model_copy(
            update={"marks": body.marks, "comments": body.comments, "call_reason": body.call_reason}
        )
        self._check_marks(changed)
        self.store.put_evaluation("", changed, self.now())
        return changed

    def confirm(self, evaluation: Evaluation, body: EvaluationConfirm) -> Evaluation:
        _still_draft(evaluation)
        confirmed = evaluation.confirmed(rejected=set(body.rejected))
        self._check_marks(confirmed)
        self.store.put_evaluation("", confirmed, self.now())
        return confirmed

    def _check_marks(self, evaluation: Evaluation) -> None:
        problems = evaluation_problems(self.pinned_form(evaluation), evaluation)
        if problems:
            raise ApiError(422, "invalid_marks", "; ".join(problems))

    def pinned_form(self, evaluation: Evaluation) -> QualityForm:
        form = self.forms.get((evaluation.form, evaluation.form_version))
        if form is None:
            raise not_found("form", f"{evaluation.form}@{evaluation.form_version}")
        return form

    def view(self, evaluation: Evaluation) -> EvaluationView:
        return EvaluationView(
            evaluation=evaluation,
            score=score_evaluation(self.pinned_form(evaluation), evaluation),
        )

    # ------------------------------------------------------------------ statistics

    def statistics(self, period: StatisticsPeriod, top: int = 10) -> QualityStatistics:
        """QA2's figures over every stored evaluation (calibration rounds left out: the
        same call scored by several people would count several times)."""
        evaluations = [e for e in self.store.evaluations() if e.calibration is None]
        scored = statistics.score_all(evaluations, self.forms)
        summary = statistics.summarise(scored)
        fatal = statistics.fatal_frequency(scored)
        return QualityStatistics(
            period=period,
            centre=SummaryFigures(**vars(summary)),
            fatal_by_deduction=fatal.by_deduction,
            by_agent=[
                AgentPeriodFigures(agent_id=agent, period=when, **vars(figures))
                for (agent, when), figures in statistics.by_agent(scored, period).items()
            ],
            workload=[
                WorkloadFigures(
                    evaluator_id=evaluator,
                    period=when,
                    confirmed=load.confirmed,
                    drafts=load.drafts,
                    agents=len(load.agents),
                )
                for (evaluator, when), load in statistics.evaluator_workload(scored, period).items()
            ],
            items_most_lost=[
                ItemLossFigures(**vars(loss))
                for loss in statistics.items_most_lost(scored, self.forms, top)
            ],
            knowledge_gaps=[
                StepGapFigures(
                    script=gap.script,
                    step=gap.step,
                    walks=gap.walks,
                    left=gap.left,
                    share=gap.share,
                )
                for gap in statistics.knowledge_gaps(self._walks(), self.scripts)[:top]
            ],
        )

    def _walks(self) -> Iterable[CallWalk]:
        for contact in self.store.answered_contacts():
            script = self.script_for(contact.queue_id)
            if script is None or not contact.script_path:
                continue
            yield CallWalk(
                call_id=contact.call_id,
                script=script.id,
                path=[PathChoice(step=s, key=k) for s, k in contact.script_path],
            )

    # ------------------------------------------------------------------ calibration

    def create_round(self, body: CalibrationCreate, user_id: str) -> CalibrationRound:
        existing = self.store.calibration(request_id=body.request_id, by=user_id)
        if existing is not None:
            if existing.call_id != body.call_id:
                raise request_id_reused("calibration round")
            return existing
        self.call_contact(body.call_id)
        form = self.newest_form(body.form)
        round_ = CalibrationRound(
            id=f"K{self.store.calibration_count() + 1:04d}",
            call_id=body.call_id,
            form=form.id,
            form_version=form.version,
            created_by=user_id,
            evaluators=[],
        )
        self.store.put_calibration(round_, body.request_id, self.now())
        return round_

    def round(self, round_id: str) -> CalibrationRound:
        round_ = self.store.calibration(round_id)
        if round_ is None:
            raise not_found("calibration", round_id)
        return round_

    def calibration(self, round_: CalibrationRound) -> CalibrationView:
        confirmed = [
            e for e in self.store.evaluations(calibration=round_.id) if e.status == "confirmed"
        ]
        if not confirmed:
            raise ApiError(409, "no_scores_yet", f"nobody has confirmed a score in {round_.id}")
        result = calibrate(self.forms[(round_.form, round_.form_version)], confirmed)
        return CalibrationView(
            round=round_,
            consensus_total=result.consensus.total,
            items=[ItemAgreementFigures(**vars(item)) for item in result.items],
            evaluators=[EvaluatorDeviationFigures(**vars(e)) for e in result.evaluators],
        )


def _still_draft(evaluation: Evaluation) -> None:
    if evaluation.status != "draft":
        raise ApiError(409, "already_confirmed", f"evaluation {evaluation.id} is confirmed")
