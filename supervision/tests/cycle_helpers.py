"""Helpers of the cycle's tests (planning, reminders, my work, the duty pages)."""

import datetime as dt

from supervision.choices import TaskState
from supervision.models import SupervisionTask
from villages.tests.factories import VillageFactory

D = dt.date


def make_task(village, kind, period, due, state=TaskState.PLANNED, done_on=None, **extra):
    """A duty as the cycle would have planned it, with an explicit due date."""
    return SupervisionTask.objects.create(
        village=village,
        kind=kind,
        period=str(period),
        due_date=due,
        state=state,
        done_on=done_on,
        area_code=village.code,
        **extra,
    )


def task_of(village, kind, period):
    return SupervisionTask.objects.get(village=village, kind=kind, period=str(period))


def more_villages(township, n, start=300):
    """`n` more villages of the township."""
    return [
        VillageFactory(township=township, code=f"{township.code}{start + i:03d}", name=f"村{i}")
        for i in range(n)
    ]
