"""Builders of a year's evidence for the 五好 tests: records written straight to the tables, the
way the other parts' services leave them (as in warnings_helpers)."""

import datetime as dt
from decimal import Decimal

from django.db.models import F

from supervision import services
from supervision.choices import FiveGood, Grade, RecordState, TaskKind, TaskState
from supervision.models import Review, ReviewScore, SupervisionTask
from supervision.periods import Period

from .warnings_helpers import disclose, public_report

D = dt.date
YEAR = 2026
ALL_MET = {g: (True, "") for g in FiveGood.values}


def some_not_met(*goods):
    return {g: (g not in goods, "未达标：见证据" if g in goods else "") for g in FiveGood.values}


def graded_review(village, actor, grades, period=f"{YEAR}H1"):
    """A completed semi-annual review with one score per (post, grade)."""
    task = services.task_for(village, TaskKind.REVIEW, Period.parse(period))
    review = Review.objects.create(
        task=task,
        village=village,
        period=period,
        date=Period.parse(period).end,
        panel="王镇长",
        created_by=actor,
        area_code=village.code,
    )
    for post, grade in grades:
        ReviewScore.objects.create(
            review=review,
            post=post,
            scores={"德": 90},
            average=Decimal(90),
            grade=grade,
            area_code=village.code,
        )
    Review.objects.filter(pk=review.pk).update(state=RecordState.COMPLETED)
    return review


def good_year(village, actor, sitting):
    """A year whose records meet all five criteria: cadres graded competent or better, votes
    satisfied, four statements published, every duty done on time."""
    graded_review(
        village,
        actor,
        [(sitting["secretary"], Grade.EXCELLENT), (sitting["chair"], Grade.COMPETENT)],
    )
    public_report(village, actor, [(sitting["secretary"], 40, 5, 3)], period=f"{YEAR}H1")
    for q in (1, 2, 3, 4):
        disclose(village, f"{YEAR}Q{q}")
    SupervisionTask.objects.filter(village=village).update(
        state=TaskState.DONE, done_on=F("due_date")
    )


def warn(village, level):
    """The village's warning as last evaluated, at `level`."""
    from django.utils import timezone

    from supervision.models import VillageWarning

    now = timezone.now()
    return VillageWarning.objects.create(
        village=village, level=level, since=now, evaluated_at=now, area_code=village.code
    )
