"""Builders of the facts the dashboards show (the dashboards part's tests only).

Records are written the way the supervision services leave them: duties through `task_for`,
problems through `problem_open`, warnings as the evaluation stores them."""

import datetime as dt

from django.utils import timezone

from supervision import services
from supervision.choices import ProblemSource, TaskKind, TaskState, WarningLevel
from supervision.models import SupervisionTask, VillageWarning
from supervision.periods import Period

D = dt.date
Q3 = Period.parse("2026Q3")
#: 2026Q3's end: the day its figures are taken on (problems' ageing counts from here)
AS_OF = Q3.end
JULY_1 = D(2026, 7, 1)


def duty(village, kind=TaskKind.INSPECTION, period=Q3, done_on=None):
    """A planned duty of the village, done on `done_on` if given (2026Q3's inspection is due
    by 31 August, its hearing by 30 September)."""
    task = services.task_for(village, kind, period)
    if done_on:
        SupervisionTask.objects.filter(pk=task.pk).update(state=TaskState.DONE, done_on=done_on)
    return task


def problem(village, actor, deadline, opened_on=JULY_1, title="公开栏未更新"):
    """An unresolved problem with its deadline."""
    return services.problem_open(
        actor=actor,
        village=village,
        source=ProblemSource.SCREENING,
        title=title,
        category="affairs",
        owner_name="李书记",
        deadline=deadline,
        opened_on=opened_on,
        check_permission=False,
    )


def warn(village, level=WarningLevel.RED, text="任职资格证书被暂停：李书记"):
    """The village's warning as an evaluation stores it, with one reason."""
    now = timezone.now()
    return VillageWarning.objects.create(
        village=village,
        level=level,
        reasons=[{"rule": "certificate_suspended", "level": int(level), "text": text}],
        evaluated_at=now,
        since=now,
        area_code=village.code,
    )


def populate(village, actor, *, on_time=True, red=False):
    """A village with this quarter's inspection (on time or never done), a hearing done late,
    two problems (one 45 days overdue on 30 September) and, if `red`, a red warning."""
    duty(village, done_on=D(2026, 8, 20) if on_time else None)
    duty(village, TaskKind.HEARING, done_on=D(2026, 10, 8))
    problem(village, actor, deadline=D(2026, 10, 31))  # not yet due on 30 September
    problem(village, actor, deadline=D(2026, 8, 16), title="账目未公开")  # 45 days overdue
    if red:
        warn(village)
