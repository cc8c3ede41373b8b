"""The database itself keeps completed records final (pgtrigger), whatever the code does."""

import datetime as dt

import pytest
from django.db import IntegrityError, InternalError, transaction

from supervision import services
from supervision.choices import ProblemSource, ProblemState, RecordState, TaskKind
from supervision.models import Inspection, InspectionScore, Problem, ProblemStep
from supervision.periods import Period

pytestmark = pytest.mark.django_db
D = dt.date
REFUSED = (InternalError, IntegrityError)


def test_a_completed_inspection_and_its_scores_are_final(insider, village, checklist, sitting):
    task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
    inspection = Inspection.objects.create(
        task=task,
        village=village,
        period="2026Q3",
        template=checklist,
        date=D(2026, 8, 3),
        created_by=insider,
        area_code=village.code,
    )
    item = checklist.items.first()
    score = InspectionScore.objects.create(
        inspection=inspection, item=item, score=35, area_code=village.code
    )
    Inspection.objects.filter(pk=inspection.pk).update(state=RecordState.COMPLETED)
    for change in (
        lambda: Inspection.objects.filter(pk=inspection.pk).update(summary="改"),
        lambda: Inspection.objects.filter(pk=inspection.pk).delete(),
        lambda: InspectionScore.objects.filter(pk=score.pk).update(score=40),
        lambda: InspectionScore.objects.create(
            inspection=inspection, item=checklist.items.last(), score=1, area_code=village.code
        ),
    ):
        with pytest.raises(REFUSED), transaction.atomic():
            change()


def test_a_score_cannot_move_out_of_a_completed_inspection(insider, village, checklist, sitting):
    def inspection(period: str, state: str) -> Inspection:
        return Inspection.objects.create(
            task=services.task_for(village, TaskKind.INSPECTION, Period.parse(period)),
            village=village,
            period=period,
            template=checklist,
            date=D(2026, 8, 3),
            created_by=insider,
            area_code=village.code,
            state=state,
        )

    draft = inspection("2026Q4", RecordState.DRAFT)
    score = InspectionScore.objects.create(
        inspection=draft, item=checklist.items.first(), score=35, area_code=village.code
    )
    Inspection.objects.filter(pk=draft.pk).update(state=RecordState.COMPLETED)
    other = inspection("2027Q1", RecordState.DRAFT)
    # The new parent is a draft, but the old one is final: its scores would change.
    with pytest.raises(REFUSED), transaction.atomic():
        InspectionScore.objects.filter(pk=score.pk).update(inspection=other)
    assert InspectionScore.objects.get(pk=score.pk).inspection_id == draft.pk


def test_the_checklist_in_use_cannot_change_its_items(checklist):
    with pytest.raises(REFUSED), transaction.atomic():
        checklist.items.update(weight=50)


def test_a_closed_problem_only_reopens_and_steps_are_kept(insider, village):
    problem = services.problem_open(
        actor=insider,
        village=village,
        source=ProblemSource.SCREENING,
        title="账目未按季公开",
        category="finance",
        owner_name="李书记",
        deadline=D(2099, 1, 1),
    )
    Problem.objects.filter(pk=problem.pk).update(state=ProblemState.CLOSED)
    with pytest.raises(REFUSED), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).update(title="改")
    Problem.objects.filter(pk=problem.pk).update(state=ProblemState.OPEN)  # reopening passes
    with pytest.raises(REFUSED), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).delete()
    with pytest.raises(REFUSED), transaction.atomic():
        ProblemStep.objects.filter(problem=problem).update(note="改")


def test_the_same_duty_is_planned_once(village):
    first = services.task_for(village, TaskKind.HEARING, Period.parse("2026Q4"))
    assert services.task_for(village, TaskKind.HEARING, Period.parse("2026Q4")) == first
    assert first.due_date == D(2026, 12, 31)
