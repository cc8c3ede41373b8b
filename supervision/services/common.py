"""Pieces every supervision service uses: the county's policy, the duty a record fulfils, and
the one place where a record's allowed transitions are checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from villages.models import Village
from villages.signals import bulk_written

from .. import tasks_warnings
from ..choices import DEFAULT_DUE_MONTHS, RecordState, TaskState
from ..models import SupervisionPolicy, SupervisionTask
from ..periods import Period

__all__ = [
    "RowErrors",
    "due_date",
    "each_row",
    "locked",
    "policy_for",
    "require_draft",
    "require_state",
    "row_refused",
    "task_done",
    "task_for",
]

M = TypeVar("M", bound=models.Model)


class RowErrors(ValidationError):
    """The refusals of a one-page form's rows (a cadre's vote, a promise's result), keyed by the
    row's object id, so each shows next to its row; none of the rows was saved."""

    def __init__(self, rows: dict[int, ValidationError]):
        super().__init__(
            _("Rows to correct: %(n)d; nothing was saved.") % {"n": len(rows)},
            code="rows",
        )
        self.rows = rows


def each_row(writes: Mapping[int, Callable[[], object]]) -> None:
    """Run each row's write in its own savepoint and collect the refusals, so every row's error
    is shown at once; any refusal undoes them all (the caller's transaction rolls back)."""
    errors: dict[int, ValidationError] = {}
    for key, write in writes.items():
        try:
            with transaction.atomic():
                write()
        except ValidationError as e:
            errors[key] = e
    if errors:
        raise RowErrors(errors)


def row_refused(message: str) -> Callable[[], object]:
    """A row's write that only refuses (a row the completion needs but that was left empty)."""

    def write() -> object:
        raise ValidationError(message)

    return write


def policy_for(county_code: str) -> SupervisionPolicy:
    """The county's policy, or an unsaved one holding the defaults."""
    county_code = county_code[:6]
    return SupervisionPolicy.objects.filter(area_code=county_code).first() or SupervisionPolicy(
        area_code=county_code
    )


def due_date(policy: SupervisionPolicy, kind: str, period: Period) -> dt.date:
    months = policy.due_months.get(str(kind), DEFAULT_DUE_MONTHS[kind])
    return period.due_date(int(months))


def task_for(village: Village, kind: str, period: Period) -> SupervisionTask:
    """The duty of `kind` for the village and period, planned now if the cycle has not yet
    (a township may record an inspection before the quarter's plan runs)."""
    task = SupervisionTask.objects.filter(village=village, kind=kind, period=str(period)).first()
    if task is not None:
        return task
    try:
        with transaction.atomic():
            return SupervisionTask.objects.create(
                village=village,
                kind=kind,
                period=str(period),
                due_date=due_date(policy_for(village.code), kind, period),
                area_code=village.code,
            )
    except IntegrityError:  # planned concurrently: use that one
        return SupervisionTask.objects.get(village=village, kind=kind, period=str(period))


def task_done(task: SupervisionTask, on: dt.date) -> None:
    """Mark the duty done on the date its record was completed (idempotent), and have the
    village's warning re-evaluated once this commits."""
    SupervisionTask.objects.filter(pk=task.pk).exclude(state=TaskState.DONE).update(
        state=TaskState.DONE, done_on=on
    )
    bulk_written.send(SupervisionTask, area_codes=[task.area_code])
    tasks_warnings.warnings_refresh_later(task.area_code)


def require_state(obj: Any, allowed: Iterable[str], message: str) -> None:
    """Refuse a transition from a state not in `allowed` (the one place transitions are checked)."""
    if obj.state not in set(allowed):
        raise ValidationError(message)


def require_draft(record: Any) -> None:
    require_state(
        record, [RecordState.DRAFT], _("This record is completed: it can no longer change.")
    )


def locked(record: M) -> M:
    """The record again, locked for the rest of the transaction."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)
