"""Writes of bottom-up supervision, organized by the village's contact cadre: the quarterly
hearing (村务听证质询会), the semi-annual public report and vote (公开述职), the yearly pledge
redemption (承诺集中兑现); and the township's annual certificate inspection (两证年检)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TypedDict, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cadres import services as cadres_services
from cadres.choices import (
    CERTIFIED_POSTS,
    CHAIR_SEAT,
    SECRETARY_SEAT,
    AdviceState,
    CertificateState,
    PostKind,
)
from cadres.models import Cadre, Pledge, Post, Promise, QualificationCertificate, ResignationAdvice
from core.dates import today
from core.public_cache import public_changed
from core.rights import Right, require
from core.types import Actor
from core.validators import check_not_before, check_reason
from villages.models import Village
from villages.signals import bulk_written

from ..choices import (
    DUE_OUTCOMES,
    ProblemCategory,
    ProblemSource,
    QuestionCategory,
    RecordState,
    Satisfaction,
    TaskKind,
    Verdict,
    outcomes_for,
)
from ..models import (
    CertificateInspection,
    Hearing,
    HearingQuestion,
    Problem,
    PromiseRedemption,
    PublicReport,
    PublicReportVote,
    Redemption,
    SupervisionTask,
    VerdictCorrection,
)
from ..models.base import CompletedRecord
from ..periods import Period
from .common import each_row, locked, require_draft, row_refused, task_done
from .problems import PROBLEM_DAYS, problem_open

__all__ = [
    "PROBLEM_DAYS",
    "annual_inspection_correct",
    "annual_inspection_decide",
    "annual_inspection_start",
    "hearing_add_question",
    "hearing_change_question",
    "hearing_complete",
    "hearing_question_to_problem",
    "hearing_remove_question",
    "hearing_set_questions",
    "hearing_start",
    "hearing_update",
    "QuestionInput",
    "QuestionRow",
    "post_order",
    "public_report_complete",
    "public_report_set_vote",
    "public_report_set_votes",
    "public_report_start",
    "public_report_update",
    "redemption_complete",
    "redemption_set_result",
    "redemption_set_results",
    "redemption_start",
    "sitting_posts",
]

#: a hearing question's category as a category of the problem ledger
QUESTION_TO_PROBLEM: dict[str, ProblemCategory] = {
    QuestionCategory.FINANCE: ProblemCategory.FINANCE,
    QuestionCategory.LAND: ProblemCategory.FINANCE,
    QuestionCategory.PROJECTS: ProblemCategory.SERVICES,
    QuestionCategory.WELFARE: ProblemCategory.SERVICES,
    QuestionCategory.AFFAIRS: ProblemCategory.AFFAIRS,
    QuestionCategory.CONDUCT: ProblemCategory.CONDUCT,
    QuestionCategory.OTHER: ProblemCategory.OTHER,
}

_KIND_ORDER = [
    PostKind.SECRETARY_AND_CHAIR,
    PostKind.SECRETARY,
    PostKind.CHAIR,
    PostKind.DEPUTY_SECRETARY,
    PostKind.VICE_CHAIR,
    PostKind.BRANCH_MEMBER,
    PostKind.COMMITTEE_MEMBER,
]


def post_order() -> Case:
    """Secretary first, then chair, deputies and members (the order of a meeting's agenda)."""
    return Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(_KIND_ORDER)],
        default=Value(99),
        output_field=IntegerField(),
    )


def sitting_posts(village: Village, on: dt.date) -> QuerySet[Post]:
    """The two committees' posts of the village held on the date, secretary first."""
    return (
        Post.objects.two_committees()
        .filter(village=village, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("cadre")
        .order_by(post_order(), "pk")
    )


def _require_task(task: SupervisionTask, kind: str) -> None:
    if task.kind != kind:
        raise ValidationError(_("This duty is not a %(kind)s.") % {"kind": TaskKind(kind).label})


def _require_in_period(task: SupervisionTask, date: dt.date) -> None:
    start = Period.parse(task.period).start
    if date < start:
        raise ValidationError(
            {"date": _("The date is before the period of the duty (%(p)s).") % {"p": task.period}}
        )
    if date > today():
        raise ValidationError({"date": _("The date is in the future.")})


#: a record of the cycle (hearing, public report, redemption, certificate inspection)
R = TypeVar("R", bound=CompletedRecord)


def _save_new(record: R, message: str) -> R:
    """Save a record for its duty; a second record for the same duty is refused."""
    # The database's unique constraints answer with our message, not Django's generic one.
    record.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(message) from None
    return record


def _complete(record: CompletedRecord, actor: Actor) -> None:
    record.state = RecordState.COMPLETED
    record.completed_by = actor
    record.completed_at = timezone.now()
    record.save(update_fields=["state", "completed_by", "completed_at"])


def _completed_on(record: Hearing | PublicReport | Redemption, on: dt.date | None) -> dt.date:
    """The day a meeting's record is completed: from the meeting to today (default)."""
    on = on or today()
    check_not_before(on, record.date, field="on", what=_("the meeting"))
    if on > today():
        raise ValidationError({"on": _("The date is in the future.")})
    return on


def _apply(record: CompletedRecord, fields: Mapping[str, object], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()


# ------------------------------------------------------------------ hearings

HEARING_FIELDS = {
    "date",
    "place",
    "agenda",
    "party_members_present",
    "representatives_present",
    "others_present",
    "follow_ups",
}


class HearingChanges(TypedDict, total=False):
    """What `hearing_update` may change (HEARING_FIELDS)."""

    date: dt.date
    place: str
    agenda: str
    party_members_present: int
    representatives_present: int
    others_present: int
    follow_ups: str


@transaction.atomic
def hearing_start(
    *,
    actor: Actor,
    task: SupervisionTask,
    date: dt.date,
    agenda: str,
    place: str = "",
    party_members_present: int = 0,
    representatives_present: int = 0,
    others_present: int = 0,
    follow_ups: str = "",
) -> Hearing:
    """Record the quarter's village-affairs hearing of the duty's village, as a draft."""
    require(actor, Right.ORGANIZE, task.area_code)
    _require_task(task, TaskKind.HEARING)
    _require_in_period(task, date)
    hearing = Hearing(
        task=task,
        village_id=task.village_id,
        period=task.period,
        date=date,
        place=place,
        agenda=agenda,
        party_members_present=party_members_present,
        representatives_present=representatives_present,
        others_present=others_present,
        follow_ups=follow_ups,
        created_by=actor,
        area_code=task.area_code,
    )
    return _save_new(hearing, _("The hearing of this duty has already been recorded."))


@transaction.atomic
def hearing_update(*, actor: Actor, hearing: Hearing, **fields: Unpack[HearingChanges]) -> Hearing:
    """Correct a draft hearing's date, place, agenda, attendance or follow-ups."""
    require(actor, Right.ORGANIZE, hearing.area_code)
    hearing = locked(hearing)
    require_draft(hearing)
    if "date" in fields:
        _require_in_period(hearing.task, fields["date"])
    _apply(hearing, fields, HEARING_FIELDS)
    return hearing


@transaction.atomic
def hearing_add_question(
    *,
    actor: Actor,
    hearing: Hearing,
    asker_kind: str,
    category: str,
    question: str,
    asker_name: str = "",
    answered_by: Cadre | None = None,
    answer: str = "",
    satisfied: bool = True,
    follow_up: str = "",
) -> HearingQuestion:
    """Add a question put at a draft hearing, its answer and whether the asker was satisfied."""
    require(actor, Right.ORGANIZE, hearing.area_code)
    hearing = locked(hearing)
    require_draft(hearing)
    _check_answerer(hearing, answered_by)
    row = HearingQuestion(
        hearing=hearing,
        asker_name=asker_name,
        asker_kind=asker_kind,
        category=category,
        question=question,
        answered_by=answered_by,
        answer=answer,
        satisfied=satisfied,
        follow_up=follow_up,
        area_code=hearing.area_code,
    )
    row.full_clean()
    row.save()
    return row


class QuestionInput(TypedDict, total=False):
    """One question of a hearing as typed on the one-page form."""

    asker_kind: str
    category: str
    question: str
    asker_name: str
    answered_by: Cadre | None
    answer: str
    satisfied: bool
    follow_up: str


QUESTION_FIELDS = set(QuestionInput.__annotations__)


def _check_answerer(hearing: Hearing, answered_by: Cadre | None) -> None:
    if answered_by is not None and answered_by.village_id != hearing.village_id:
        raise ValidationError({"answered_by": _("The answering cadre must be of this village.")})


@transaction.atomic
def hearing_change_question(
    *, actor: Actor, record: HearingQuestion, **fields: Unpack[QuestionInput]
) -> HearingQuestion:
    """Correct a question of a draft hearing (`record`; its fields are named as the question's
    own, `question` being its text): the asker, the question, its answer, whether the asker was
    satisfied, the follow-up."""
    require(actor, Right.ORGANIZE, record.area_code)
    require_draft(locked(record.hearing))
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    _check_answerer(record.hearing, fields.get("answered_by", record.answered_by))
    record = locked(record)
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def hearing_remove_question(*, actor: Actor, question: HearingQuestion) -> None:
    """Remove a question from a draft hearing."""
    require(actor, Right.ORGANIZE, question.area_code)
    require_draft(locked(question.hearing))
    question.delete()


def _secretary(village: Village) -> Cadre | None:
    """The cadre who answers for the village when nobody answered: the secretary, else the chair."""
    posts: QuerySet[Post] = Post.objects.current().filter(village=village).select_related("cadre")
    for seat in (SECRETARY_SEAT, CHAIR_SEAT):
        post = posts.filter(kind__in=seat).first()
        if post is not None:
            return post.cadre
    return None


@transaction.atomic
def hearing_complete(*, actor: Actor, hearing: Hearing, on: dt.date | None = None) -> Hearing:
    """Complete the hearing: each unsatisfied question, and each follow-up agreed, goes to the
    problem ledger (owner: the answering cadre or the secretary, 30 days); then it is frozen."""
    require(actor, Right.ORGANIZE, hearing.area_code)
    hearing = locked(hearing)
    require_draft(hearing)
    on = _completed_on(hearing, on)
    if hearing.attendance < 1:
        raise ValidationError(_("Record who attended the hearing before completing it."))
    questions = list(hearing.questions.select_related("answered_by"))
    fallback: Cadre | None = None
    for q in questions:
        if q.satisfied and not q.follow_up.strip():
            continue
        owner = q.answered_by
        if owner is None:
            fallback = fallback or _secretary(hearing.village)
            owner = fallback
        _question_problem(actor, hearing, q, owner, on)
    _complete(hearing, actor)
    task_done(hearing.task, on)
    public_changed(hearing.area_code)
    return hearing


#: one row of the one-page hearing: (the question, or None for a new one; what was typed, or
#: None to remove the question)
QuestionRow = tuple[HearingQuestion | None, QuestionInput | None]


@transaction.atomic
def hearing_set_questions(
    *,
    actor: Actor,
    hearing: Hearing,
    rows: Sequence[QuestionRow],
    complete: bool = False,
    on: dt.date | None = None,
) -> Hearing:
    """The one-page hearing: add, correct and remove the questions typed (all or none; RowErrors
    is keyed by the row's index in `rows`); with `complete`, the hearing is completed in the same
    transaction (hearing_complete), so a refusal of the completion saves no row either."""
    require(actor, Right.ORGANIZE, hearing.area_code)
    hearing = locked(hearing)
    require_draft(hearing)
    writes: dict[int, Callable[[], object]] = {}
    for i, (question, data) in enumerate(rows):
        if question is not None and question.hearing_id != hearing.pk:
            writes[i] = row_refused(_("This question is of another hearing."))
        elif question is None and data is None:
            continue
        elif question is None:
            writes[i] = lambda data=data: hearing_add_question(  # type: ignore[misc]
                actor=actor, hearing=hearing, **data
            )
        elif data is None:
            writes[i] = lambda question=question: hearing_remove_question(  # type: ignore[misc]
                actor=actor, question=question
            )
        else:
            writes[i] = lambda question=question, data=data: hearing_change_question(  # type: ignore[misc]
                actor=actor, record=question, **data
            )
    each_row(writes)
    if complete:
        hearing_complete(actor=actor, hearing=hearing, on=on)
    return hearing


def _question_problem(
    actor: Actor, hearing: Hearing, q: HearingQuestion, owner: Cadre | None, on: dt.date
) -> Problem:
    """A hearing's question in the problem ledger: its follow-up if the villagers were
    satisfied, else the question itself; the rights are the caller's to check."""
    title = q.question if not q.satisfied or not q.follow_up.strip() else q.follow_up
    return problem_open(
        actor=actor,
        village=hearing.village,
        source=ProblemSource.HEARING if q.satisfied else ProblemSource.QUESTION,
        title=title.strip().splitlines()[0][:100],
        category=QUESTION_TO_PROBLEM.get(q.category, ProblemCategory.OTHER),
        owner=owner,
        owner_name=owner.name if owner else _("The village committees"),
        deadline=on + dt.timedelta(days=PROBLEM_DAYS),
        description="\n".join(
            s
            for s in (
                q.question,
                _("Answer: %(a)s") % {"a": q.answer} if q.answer else "",
                _("Follow-up: %(f)s") % {"f": q.follow_up} if q.follow_up else "",
            )
            if s
        ),
        opened_on=on,
        check_permission=False,  # checked by the caller; the contact cadre registers it
        hearing_question=q,
    )


@transaction.atomic
def hearing_question_to_problem(*, actor: Actor, question: HearingQuestion) -> Problem:
    """Register in one tap a question of a completed hearing that its completion did not
    register (the villagers were satisfied and no follow-up was agreed), as a follow-up due in
    PROBLEM_DAYS days, owned by the answering cadre or the secretary."""
    require(actor, Right.ORGANIZE, question.area_code)
    hearing = Hearing.objects.get(pk=question.hearing_id)
    if hearing.state != RecordState.COMPLETED:
        raise ValidationError(_("The questions of a hearing are registered when it is completed."))
    if Problem.objects.filter(hearing_question=question).exists():
        raise ValidationError(_("This record is already registered as a problem."))
    owner = question.answered_by or _secretary(hearing.village)
    return _question_problem(actor, hearing, question, owner, today())


# ------------------------------------------------------------------ public reports


def _check_ballots(issued: int, returned: int) -> None:
    if returned > issued:
        raise ValidationError(
            {
                "ballots_returned": _("%(returned)d ballots returned but only %(issued)d issued.")
                % {"returned": returned, "issued": issued}
            }
        )


@transaction.atomic
def public_report_start(
    *,
    actor: Actor,
    task: SupervisionTask,
    date: dt.date,
    ballots_issued: int,
    ballots_returned: int,
    notes: str = "",
) -> PublicReport:
    """Record the half-year's public report meeting and its ballots, as a draft."""
    require(actor, Right.ORGANIZE, task.area_code)
    _require_task(task, TaskKind.PUBLIC_REPORT)
    _require_in_period(task, date)
    _check_ballots(ballots_issued, ballots_returned)
    report = PublicReport(
        task=task,
        village_id=task.village_id,
        period=task.period,
        date=date,
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        notes=notes,
        created_by=actor,
        area_code=task.area_code,
    )
    return _save_new(report, _("The public report of this duty has already been recorded."))


class PublicReportChanges(TypedDict, total=False):
    """What `public_report_update` may change."""

    date: dt.date
    ballots_issued: int
    ballots_returned: int
    notes: str


@transaction.atomic
def public_report_update(
    *, actor: Actor, report: PublicReport, **fields: Unpack[PublicReportChanges]
) -> PublicReport:
    """Correct a draft report's date, ballots or notes."""
    require(actor, Right.ORGANIZE, report.area_code)
    report = locked(report)
    require_draft(report)
    if "date" in fields:
        _require_in_period(report.task, fields["date"])
    _check_ballots(
        fields.get("ballots_issued", report.ballots_issued),
        fields.get("ballots_returned", report.ballots_returned),
    )
    _apply(report, fields, {"date", "ballots_issued", "ballots_returned", "notes"})
    return report


def _check_counts(returned: int, satisfied: int, basically: int, dissatisfied: int) -> None:
    total = satisfied + basically + dissatisfied
    if total != returned:
        raise ValidationError(
            _(
                "The counts add up to %(total)d, but %(returned)d ballots were returned: "
                "they must be equal."
            )
            % {"total": total, "returned": returned}
        )


@transaction.atomic
def public_report_set_vote(
    *,
    actor: Actor,
    report: PublicReport,
    post: Post,
    satisfied: int,
    basically_satisfied: int,
    dissatisfied: int,
    summary: str = "",
) -> PublicReportVote:
    """Record (or correct) the vote on one sitting cadre; the counts add up to the ballots
    returned."""
    require(actor, Right.ORGANIZE, report.area_code)
    report = locked(report)
    require_draft(report)
    if not sitting_posts(report.village, report.date).filter(pk=post.pk).exists():
        raise ValidationError(
            {"post": _("This post was not held in the village on the day of the meeting.")}
        )
    _check_counts(report.ballots_returned, satisfied, basically_satisfied, dissatisfied)
    vote = PublicReportVote.objects.filter(report=report, post=post).first() or PublicReportVote(
        report=report, post=post, area_code=report.area_code
    )
    vote.summary = summary
    vote.satisfied = satisfied
    vote.basically_satisfied = basically_satisfied
    vote.dissatisfied = dissatisfied
    vote.full_clean()
    vote.save()
    return vote


@transaction.atomic
def public_report_complete(
    *, actor: Actor, report: PublicReport, on: dt.date | None = None
) -> PublicReport:
    """Record the votes: every sitting cadre has one that adds up; then it is frozen."""
    require(actor, Right.ORGANIZE, report.area_code)
    report = locked(report)
    require_draft(report)
    on = _completed_on(report, on)
    votes = {v.post_id: v for v in report.votes.all()}
    missing = [p for p in sitting_posts(report.village, report.date) if p.pk not in votes]
    if missing:
        raise ValidationError(
            _("No vote yet on: %(names)s.") % {"names": "、".join(p.cadre.name for p in missing)}
        )
    for vote in votes.values():
        _check_counts(
            report.ballots_returned, vote.satisfied, vote.basically_satisfied, vote.dissatisfied
        )
    _complete(report, actor)
    task_done(report.task, on)
    public_changed(report.area_code)
    return report


class VoteCounts(TypedDict):
    """One cadre's vote as typed on the one-page form."""

    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    summary: str


@transaction.atomic
def public_report_set_votes(
    *,
    actor: Actor,
    report: PublicReport,
    votes: Mapping[Post, VoteCounts],
    complete: bool = False,
    on: dt.date | None = None,
) -> PublicReport:
    """The one-page vote: record the votes typed (all or none, RowErrors says which cadre's
    row is refused); with `complete`, every sitting cadre needs one and the votes are recorded
    in the same transaction."""
    require(actor, Right.ORGANIZE, report.area_code)
    report = locked(report)
    require_draft(report)
    writes: dict[int, Callable[[], object]] = {
        post.pk: lambda post=post, counts=counts: public_report_set_vote(  # type: ignore[misc]
            actor=actor, report=report, post=post, **counts
        )
        for post, counts in votes.items()
    }
    if complete:
        voted = set(report.votes.values_list("post_id", flat=True)) | set(writes)
        for post in sitting_posts(report.village, report.date):
            if post.pk not in voted:
                writes[post.pk] = row_refused(
                    _("Enter the vote on this cadre to record the votes.")
                )
    each_row(writes)
    if complete:
        public_report_complete(actor=actor, report=report, on=on)
    return report


# ------------------------------------------------------------------ pledge redemption


def _promises_in_force(village: Village) -> QuerySet[Promise]:
    pledges = Pledge.objects.in_force().filter(
        post__in=Post.objects.current().certified().filter(village=village)
    )
    return Promise.objects.filter(pledge__in=pledges).order_by("pledge_id", "position")


@transaction.atomic
def redemption_start(
    *, actor: Actor, task: SupervisionTask, date: dt.date, attendance: int = 0, notes: str = ""
) -> Redemption:
    """Record the year's redemption meeting; every promise of every pledge in force of the
    sitting secretary and chair is listed, waiting for its result."""
    require(actor, Right.ORGANIZE, task.area_code)
    _require_task(task, TaskKind.REDEMPTION)
    _require_in_period(task, date)
    redemption = _save_new(
        Redemption(
            task=task,
            village_id=task.village_id,
            period=task.period,
            date=date,
            attendance=attendance,
            notes=notes,
            created_by=actor,
            area_code=task.area_code,
        ),
        _("The redemption of this duty has already been recorded."),
    )
    # Listed without a result: completing the redemption requires one for each.
    PromiseRedemption.objects.bulk_create(
        PromiseRedemption(
            redemption=redemption, promise=p, result="", appraisal="", area_code=task.area_code
        )
        for p in _promises_in_force(task.village)
    )
    bulk_written.send(PromiseRedemption, area_codes=[task.area_code])
    return redemption


@transaction.atomic
def redemption_set_result(
    *,
    actor: Actor,
    redemption: Redemption,
    promise: Promise,
    result: str,
    appraisal: str,
    evidence: str = "",
) -> PromiseRedemption:
    """Mark one listed promise with its outcome, evidence and the appraisal: a promise due by
    the redemption's year is judged fulfilled, partly or not; one due later is fulfilled early,
    on schedule or not yet due."""
    require(actor, Right.ORGANIZE, redemption.area_code)
    redemption = locked(redemption)
    require_draft(redemption)
    row = (
        PromiseRedemption.objects.filter(redemption=redemption, promise=promise)
        .select_related("promise")
        .first()
    )
    if row is None:
        raise ValidationError({"promise": _("This promise is not listed in the redemption.")})
    allowed = outcomes_for(row.promise.due_date, Period.parse(redemption.period).year)
    if result not in allowed:
        # Without this a due promise could be waved through as "on schedule" and leave the rate.
        if allowed == DUE_OUTCOMES:
            message = _(
                "This promise was due on %(due)s, by this year: choose fulfilled, partly "
                "fulfilled or not fulfilled."
            )
        else:
            message = _(
                "This promise is due on %(due)s, after this year: choose fulfilled (kept "
                "early), on schedule or not yet due."
            )
        raise ValidationError(
            {"result": message % {"due": date_format(row.promise.due_date, "DATE_FORMAT")}}
        )
    if appraisal not in Satisfaction.values:
        raise ValidationError({"appraisal": _("Choose the villagers' appraisal.")})
    row.result, row.appraisal, row.evidence = result, appraisal, evidence
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def redemption_complete(
    *, actor: Actor, redemption: Redemption, on: dt.date | None = None
) -> Redemption:
    """Complete the redemption once every promise has a result; then it is frozen."""
    require(actor, Right.ORGANIZE, redemption.area_code)
    redemption = locked(redemption)
    require_draft(redemption)
    on = _completed_on(redemption, on)
    pending = redemption.results.filter(Q(result="") | Q(appraisal="")).count()
    if pending:
        raise ValidationError(_("%(n)d promises have no result or appraisal yet.") % {"n": pending})
    _complete(redemption, actor)
    task_done(redemption.task, on)
    public_changed(redemption.area_code)
    return redemption


class ResultInput(TypedDict):
    """One promise's outcome as typed on the one-page form."""

    result: str
    appraisal: str
    evidence: str


@transaction.atomic
def redemption_set_results(
    *,
    actor: Actor,
    redemption: Redemption,
    results: Mapping[Promise, ResultInput],
    complete: bool = False,
    on: dt.date | None = None,
) -> Redemption:
    """The one-page redemption: mark the promises typed (all or none, RowErrors says which
    promise's row is refused); with `complete`, every listed promise needs its outcome and the
    redemption is completed in the same transaction."""
    require(actor, Right.ORGANIZE, redemption.area_code)
    redemption = locked(redemption)
    require_draft(redemption)
    writes: dict[int, Callable[[], object]] = {
        promise.pk: lambda promise=promise, row=row: redemption_set_result(  # type: ignore[misc]
            actor=actor, redemption=redemption, promise=promise, **row
        )
        for promise, row in results.items()
    }
    if complete:
        pending = redemption.results.filter(Q(result="") | Q(appraisal="")).exclude(
            promise_id__in=list(writes)
        )
        for promise_id in pending.values_list("promise_id", flat=True):
            writes[promise_id] = row_refused(
                _("Choose this promise's result and the villagers' appraisal to complete.")
            )
    each_row(writes)
    if complete:
        redemption_complete(actor=actor, redemption=redemption, on=on)
    return redemption


# ------------------------------------------------------------------ annual certificate inspection


@transaction.atomic
def annual_inspection_start(
    *, actor: Actor, task: SupervisionTask, certificate: QualificationCertificate
) -> CertificateInspection:
    """Start the year's inspection of one valid certificate of the duty's village, with the
    year's evidence rolled up now."""
    from ..selectors.bottomup import annual_evidence

    require(actor, Right.EDIT, task.area_code)
    _require_task(task, TaskKind.ANNUAL_INSPECTION)
    year = Period.parse(task.period).year
    if certificate.area_code != task.area_code:
        raise ValidationError({"certificate": _("The certificate is of another village.")})
    if certificate.state != CertificateState.VALID:
        raise ValidationError({"certificate": _("Only a valid certificate is inspected.")})
    if certificate.issued_on.year > year:
        raise ValidationError({"certificate": _("The certificate was issued after that year.")})
    record = CertificateInspection(
        task=task,
        certificate=certificate,
        year=year,
        evidence=annual_evidence(certificate, year),
        created_by=actor,
        area_code=task.area_code,
    )
    return _save_new(record, _("This certificate's inspection for the year is already recorded."))


def _valid_certificates_left(task: SupervisionTask, year: int) -> bool:
    decided = CertificateInspection.objects.filter(
        certificate=OuterRef("pk"), year=year, state=RecordState.COMPLETED
    )
    return (
        QualificationCertificate.objects.filter(
            area_code=task.area_code,
            state=CertificateState.VALID,
            issued_on__lte=dt.date(year, 12, 31),
            post__kind__in=CERTIFIED_POSTS,
        )
        .filter(~Exists(decided))
        .exists()
    )


@transaction.atomic
def annual_inspection_decide(
    *,
    actor: Actor,
    record: CertificateInspection,
    verdict: str,
    reasons: str = "",
    on: dt.date | None = None,
) -> CertificateInspection:
    """The verdict (合格/基本合格/不合格). A fail suspends the certificate and opens an advised
    resignation for the post; the duty is done once every valid certificate is decided."""
    require(actor, Right.EDIT, record.area_code)
    record = locked(record)
    require_draft(record)
    on = on or today()
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose the verdict.")})
    if verdict != Verdict.PASS:
        # A fail suspends the certificate: its reasons are the suspension's.
        reasons = check_reason(reasons, field="reasons")
    record.verdict, record.reasons = verdict, reasons
    if verdict == Verdict.FAIL:
        record.advice = _fail(actor, record, reasons, on)
    record.full_clean()
    record.save(update_fields=["verdict", "reasons", "advice"])
    _complete(record, actor)
    if not _valid_certificates_left(record.task, record.year):
        task_done(record.task, on)
    return record


def _fail(
    actor: Actor, record: CertificateInspection, reasons: str, on: dt.date
) -> ResignationAdvice:
    """A fail's consequences: the certificate suspended, an advised resignation for the post."""
    certificate = QualificationCertificate.objects.select_for_update().get(pk=record.certificate_id)
    cadres_services.certificate_suspend(actor=actor, certificate=certificate, on=on, reason=reasons)
    post = certificate.post
    # An advice already open for the post (e.g. after a broken promise) is the same case.
    return ResignationAdvice.objects.undecided().filter(
        post=post
    ).first() or cadres_services.advice_open(
        actor=actor,
        post=post,
        grounds=_("Failed the annual certificate inspection of %(year)d: %(reasons)s")
        % {"year": record.year, "reasons": reasons},
        opened_on=on,
    )


def _opened_by(
    record: CertificateInspection, advice: ResignationAdvice, suspended_on: dt.date
) -> bool:
    """Whether the fail opened this advice (rather than finding one already open for the
    post): opened by the one who decided, on the day of the suspension, on its reasons."""
    return (
        advice.opened_by_id == record.completed_by_id
        and advice.opened_on == suspended_on
        and record.reasons in advice.grounds
    )


@transaction.atomic
def annual_inspection_correct(
    *,
    actor: Actor,
    record: CertificateInspection,
    verdict: str,
    reasons: str = "",
    reason: str,
    on: dt.date | None = None,
) -> VerdictCorrection:
    """A county supervisor corrects a decided verdict, with the reason; the correction is
    recorded and the original stays in it and in the record's history. Its consequences follow
    (a new fail suspends and advises) or are undone (a fail corrected reinstates the
    certificate and withdraws the advice it opened) if nothing happened since; else refused."""
    require(actor, Right.SUPERVISE, record.area_code)
    record = locked(record)
    if record.state != RecordState.COMPLETED:
        raise ValidationError(_("Only a decided verdict can be corrected."))
    on = on or today()
    reason = check_reason(reason, field="reason")
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose the verdict.")})
    if verdict == record.verdict:
        raise ValidationError({"verdict": _("This is already the verdict.")})
    if verdict != Verdict.PASS:
        reasons = check_reason(reasons, field="reasons")
    else:
        reasons = ""
    advice, withdrawn, done = record.advice, None, []
    if record.verdict == Verdict.FAIL:
        certificate = QualificationCertificate.objects.select_for_update().get(
            pk=record.certificate_id
        )
        # The suspension is the fail's own only while the certificate has not changed since.
        if certificate.state != CertificateState.SUSPENDED or (
            certificate.state_reason != record.reasons
        ):
            raise ValidationError(
                _(
                    "The certificate has changed since the verdict (it is now %(state)s): "
                    "the fail's consequences cannot be undone, so the verdict cannot be "
                    "corrected."
                )
                % {"state": certificate.get_state_display()}
            )
        assert certificate.state_changed_on is not None  # set by the suspension
        if advice is not None and _opened_by(record, advice, certificate.state_changed_on):
            if advice.state != AdviceState.OPEN:
                raise ValidationError(
                    _(
                        "The advised resignation opened by the fail has gone on (%(state)s): "
                        "the verdict can no longer be corrected."
                    )
                    % {"state": advice.get_state_display()}
                )
            withdrawn = advice
            done.append(_("The advised resignation opened by the fail is withdrawn."))
        cadres_services.certificate_reinstate(
            actor=actor,
            certificate=certificate,
            on=on,
            reason=_("Annual inspection of %(year)d corrected: %(reason)s")
            % {"year": record.year, "reason": reason},
        )
        done.insert(0, _("The certificate is valid again."))
        advice = None
    elif verdict == Verdict.FAIL:
        advice = _fail(actor, record, reasons, on)
        done.append(_("The certificate is suspended and an advised resignation is open."))
    correction = VerdictCorrection(
        inspection=record,
        from_verdict=record.verdict,
        from_reasons=record.reasons,
        to_verdict=verdict,
        to_reasons=reasons,
        reason=reason,
        consequences="\n".join(str(d) for d in done),
        corrected_by=actor,
        area_code=record.area_code,
    )
    correction.full_clean()
    correction.save()
    # The trigger lets the decided record change only as this latest correction says.
    record.verdict, record.reasons, record.advice = verdict, reasons, advice
    record.save(update_fields=["verdict", "reasons", "advice"])
    if withdrawn is not None:
        # Withdrawn: the row goes, its history (pghistory) and this correction keep it.
        withdrawn.delete()
    return correction
