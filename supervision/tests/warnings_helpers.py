"""Builders of the facts the warning rules look at (the warnings part's tests only).

Records are written straight to the tables, the way the other parts' services leave them, so the
rules are tested on the stored facts whatever the state of those services."""

import datetime as dt

from cadres.choices import CertificateState, PostKind
from cadres.models import Pledge
from cadres.tests.factories import CadreFactory, PostFactory
from ledgers.choices import DisclosureKind, DisclosureState
from ledgers.models import Disclosure
from supervision import services
from supervision.choices import Fulfilment, RecordState, Satisfaction, TaskKind
from supervision.models import (
    Problem,
    PromiseRedemption,
    PublicReport,
    PublicReportVote,
    Rectification,
    Redemption,
)
from supervision.periods import Period

D = dt.date
#: the day the rules are evaluated in these tests: 2026Q2's disclosure is due by then
ON = D(2026, 9, 15)


def disclose(village, period: str = "2026Q2", state=DisclosureState.PUBLISHED):
    """The village's quarterly disclosure statement for `period`."""
    p = Period.parse(period)
    return Disclosure.objects.create(
        village=village,
        kind=DisclosureKind.QUARTER,
        year=p.year,
        number=p.number,
        start=p.start,
        end=p.end,
        state=state,
        area_code=village.code,
    )


def overdue_duty(village, kind=TaskKind.INSPECTION, period="2026Q2"):
    """A planned duty whose due date has passed by ON (2026Q2's inspection: by 2026-05-31)."""
    return services.task_for(village, kind, Period.parse(period))


def overdue_problem(village, actor, deadline=None, title="账目未公开"):
    """An open problem whose deadline (2026-08-01 unless given) has passed by ON."""
    return services.problem_open(
        actor=actor,
        village=village,
        source="screening",
        title=title,
        category="finance",
        owner_name="李书记",
        deadline=deadline or D(2026, 8, 1),
        opened_on=D(2026, 7, 1),
        check_permission=False,
    )


def public_report(village, actor, posts_votes, period="2026H1", completed=True):
    """A public report with one vote per (post, satisfied, basically, dissatisfied)."""
    task = services.task_for(village, TaskKind.PUBLIC_REPORT, Period.parse(period))
    returned = sum(posts_votes[0][1:]) if posts_votes else 0
    report = PublicReport.objects.create(
        task=task,
        village=village,
        period=period,
        date=Period.parse(period).end,
        ballots_issued=returned,
        ballots_returned=returned,
        created_by=actor,
        area_code=village.code,
    )
    for post, s, b, d in posts_votes:
        PublicReportVote.objects.create(
            report=report,
            post=post,
            satisfied=s,
            basically_satisfied=b,
            dissatisfied=d,
            area_code=village.code,
        )
    if completed:
        PublicReport.objects.filter(pk=report.pk).update(state=RecordState.COMPLETED)
    return report


def redemption(village, actor, results, period="2025", completed=True):
    """A pledge redemption: `results` maps a post to the results of its pledge's promises."""
    task = services.task_for(village, TaskKind.REDEMPTION, Period.parse(period))
    record = Redemption.objects.create(
        task=task,
        village=village,
        period=period,
        date=Period.parse(period).end,
        created_by=actor,
        area_code=village.code,
    )
    for post, outcomes in results.items():
        pledge = Pledge.objects.filter(post=post).in_force().get()
        for promise, result in zip(pledge.promises.order_by("position"), outcomes, strict=True):
            PromiseRedemption.objects.create(
                redemption=record,
                promise=promise,
                result=result,
                appraisal=Satisfaction.SATISFIED,
                area_code=village.code,
            )
    if completed:
        Redemption.objects.filter(pk=record.pk).update(state=RecordState.COMPLETED)
    return record


def ended_post(village, end, kind=PostKind.SECRETARY):
    """A secretary's post that ended on `end` with no handover yet."""
    return PostFactory(
        cadre=CadreFactory(village=village, name="王前任"),
        village=village,
        kind=kind,
        start_date=D(2021, 1, 10),
        end_date=end,
        end_reason="term_ended",
    )


def suspend(post):
    post.certificate.__class__.objects.filter(pk=post.certificate.pk).update(
        state=CertificateState.SUSPENDED, state_changed_on=D(2026, 3, 1)
    )


def designate(village, actor, year=2026, state="designated"):
    return Rectification.objects.create(
        village=village,
        year=year,
        reasons="班子软弱涣散",
        state=state,
        designated_by=actor,
        area_code=village.code,
    )


FULFILLED, PARTLY, NOT = Fulfilment.FULFILLED, Fulfilment.PARTLY, Fulfilment.NOT
__all__ = [
    "D",
    "FULFILLED",
    "NOT",
    "ON",
    "PARTLY",
    "Problem",
    "designate",
    "disclose",
    "ended_post",
    "overdue_duty",
    "overdue_problem",
    "public_report",
    "redemption",
    "suspend",
]
