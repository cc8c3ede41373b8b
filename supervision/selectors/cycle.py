"""Reads of the cycle: a village's calendar of duties, and each user's work (their open duties
and the problems waiting for them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from core.dates import today
from core.querysets import prefix_q
from core.rights import Right, scope_for

from ..choices import TASK_PERIOD, TOP_DOWN, PeriodKind, TaskKind, TaskState
from ..models import SupervisionTask
from ..periods import Period

__all__ = [
    "CalendarCell",
    "CalendarRow",
    "calendar_years",
    "duties_of",
    "task_status",
    "village_calendar",
]

#: how many quarters one period of each kind covers (a cell's width in the calendar)
SPAN = {PeriodKind.QUARTER: 1, PeriodKind.HALF: 2, PeriodKind.YEAR: 4}


def task_status(task: SupervisionTask | None, on: dt.date) -> str:
    """done_on_time, done_late, overdue, due or not_planned."""
    if task is None:
        return "not_planned"
    if task.state == TaskState.DONE:
        return "done_on_time" if task.on_time else "done_late"
    return "overdue" if task.due_date < on else "due"


@dataclass
class CalendarCell:
    period: Period
    span: int
    task: SupervisionTask | None
    status: str


@dataclass
class CalendarRow:
    kind: str
    label: str
    top_down: bool
    cells: list[CalendarCell]


def _periods(year: int, kind: str) -> list[Period]:
    first = Period(year, kind, 1)
    periods = [first]
    while (p := periods[-1].next()).year == year:
        periods.append(p)
    return periods


def village_calendar(user, village, year: int, on: dt.date | None = None) -> list[CalendarRow]:
    """The year's duties of the village, one row per kind and one cell per period (one query)."""
    on = on or today()
    tasks = {
        (t.kind, t.period): t
        for t in SupervisionTask.objects.visible_to(user).filter(
            village=village, period__startswith=str(year)
        )
    }
    rows = []
    for kind, label in TaskKind.choices:
        cells = []
        for period in _periods(year, TASK_PERIOD[kind]):
            task = tasks.get((kind, str(period)))
            cells.append(CalendarCell(period, SPAN[period.kind], task, task_status(task, on)))
        rows.append(CalendarRow(kind, label, kind in TOP_DOWN, cells))
    return rows


def calendar_years(on: dt.date | None = None) -> list[int]:
    """The years the calendar offers: four back and the next one."""
    year = (on or today()).year
    return list(range(year + 1, year - 5, -1))


def duties_of(user):
    """The open duties the user answers for, soonest due first: top-down ones of the townships
    where they are staff, bottom-up ones of the villages they are the contact cadre of (the
    same people the reminders go to)."""
    scope = scope_for(user)
    townships = [p for p in scope.areas(Right.EDIT) if len(p) == 9]
    q = Q(pk__in=[])
    if townships:
        q |= Q(kind__in=TOP_DOWN) & prefix_q("area_code", townships)
    if scope.assigned_villages:
        q |= ~Q(kind__in=TOP_DOWN) & Q(area_code__in=scope.assigned_villages)
    return (
        SupervisionTask.objects.visible_to(user)
        .open()
        .filter(q)
        .select_related("village")
        .order_by("due_date", "area_code", "kind")
    )
