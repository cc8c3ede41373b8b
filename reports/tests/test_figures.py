"""The period figures: sums that match the records, rates from the sums, a fixed query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.figures import period_figures, quarter_trend
from supervision import services
from supervision.choices import ProblemSource, TaskKind, TaskState
from supervision.models import SupervisionTask
from supervision.periods import Period
from villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db
D = dt.date
Q3 = Period.parse("2026Q3")
ON = D(2026, 11, 23)


def plan(village, kind=TaskKind.INSPECTION, period=Q3, done_on=None):
    task = services.task_for(village, kind, period)
    if done_on:
        SupervisionTask.objects.filter(pk=task.pk).update(state=TaskState.DONE, done_on=done_on)
    return task


def test_on_time_late_and_overdue_duties_are_counted_per_village_and_township(
    village, other_village, insider
):
    plan(village, done_on=D(2026, 8, 20))  # due 31 August: on time
    plan(village, TaskKind.HEARING, done_on=D(2026, 10, 8))  # due 30 September: late
    plan(other_village)  # never done: overdue
    plan(other_village, TaskKind.INSPECTION, Q3.previous(), done_on=D(2026, 5, 1))  # not Q3
    services.problem_open(
        actor=insider,
        village=village,
        source=ProblemSource.SCREENING,
        title="公开栏未更新",
        category="affairs",
        owner_name="李书记",
        deadline=D(2026, 9, 1),
        opened_on=D(2026, 8, 1),
    )
    figures = period_figures(prefix="370830", period=Q3, on=ON)
    by_code = {row.code: row.figures for row in figures.villages}
    mine, other = by_code[village.code], by_code[other_village.code]
    assert (mine.planned["inspection"], mine.on_time["inspection"]) == (1, 1)
    assert (mine.done["hearing"], mine.on_time["hearing"]) == (1, 0)
    assert (other.planned["inspection"], other.overdue["inspection"]) == (1, 1)
    assert (mine.problems_opened, mine.problems_overdue) == (1, 1)
    total = figures.total
    assert total.villages == 2 and total.planned["inspection"] == 2
    assert total.on_time_rate("inspection") == pytest.approx(0.5)
    assert [t.figures.villages for t in figures.townships] == [1, 1]


def test_a_fixed_number_of_queries_whatever_the_number_of_villages(township):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            period_figures(prefix=township.code, period=Q3, on=ON)
            quarter_trend(prefix=township.code, last=Q3)
        return len(ctx.captured_queries)

    for _ in range(2):
        plan(VillageFactory(township=township), done_on=D(2026, 8, 1))
    few = queries()
    for _ in range(40):
        plan(VillageFactory(township=township))
    assert queries() == few


def test_the_trend_has_eight_quarters_ending_with_the_last(village):
    plan(village, done_on=D(2026, 8, 1))
    trend = quarter_trend(prefix=village.code, last=Q3)
    assert [str(q) for q, _ in trend][0] == "2024Q4" and str(trend[-1][0]) == "2026Q3"
    assert trend[-1][1]["inspection"] == 1 and trend[0][1]["inspection"] is None


def test_presence_shortfalls_count_the_weeks_of_the_period_evaluated_so_far(
    village, other_village, contact
):
    from supervision.models import PresenceShortfall

    def short(v, week):
        PresenceShortfall.objects.create(
            person=contact,
            village=v,
            week=week,
            role="contact_cadre",
            required=1,
            recorded=0,
            evaluated_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            area_code=v.code,
        )

    short(village, D(2026, 6, 29))  # a Monday of Q2: its week ends in Q3, counted in Q2
    short(village, D(2026, 7, 6))
    short(village, D(2026, 9, 28))  # ends 4 October: counted in Q3 all the same
    short(other_village, D(2026, 8, 3))
    figures = period_figures(prefix="370830", period=Q3, on=ON)
    by_code = {row.code: row.figures for row in figures.villages}
    assert (by_code[village.code].presence_shortfalls, figures.total.presence_shortfalls) == (2, 3)
    early = period_figures(prefix="370830", period=Q3, on=D(2026, 8, 1))
    assert early.total.presence_shortfalls == 1  # the weeks not reached yet are not counted
