"""One duty per village, kind and period, kept by the database itself: planning twice, planning
concurrently (`bulk_create(ignore_conflicts=True)` in services/cycle.py) and a record started
early (`task_for`) all rely on the unique constraint, not on a check in Python."""

import pytest
from django.db import IntegrityError, connection, transaction

from supervision.choices import TaskKind, TaskState
from supervision.models import SupervisionTask

from .cycle_helpers import D, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(village):
    return make_task(village, TaskKind.INSPECTION, "2026Q3", D(2026, 8, 31))


def twin(duty, **changes):
    """An unsaved duty of the same village, kind and period."""
    fields = {
        "village": duty.village,
        "kind": duty.kind,
        "period": duty.period,
        "due_date": duty.due_date,
        "area_code": duty.area_code,
        **changes,
    }
    return SupervisionTask(**fields)


def test_the_orm_cannot_plan_a_duty_twice(duty):
    with pytest.raises(IntegrityError), transaction.atomic():
        twin(duty, due_date=D(2026, 9, 30)).save()
    assert SupervisionTask.objects.count() == 1


def test_bulk_create_cannot_plan_a_duty_twice(duty):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionTask.objects.bulk_create([twin(duty)])
    # The planner's way: the duplicate is skipped, the first duty kept as it was.
    SupervisionTask.objects.bulk_create(
        [twin(duty, due_date=D(2026, 9, 30))], ignore_conflicts=True
    )
    assert list(SupervisionTask.objects.values_list("pk", "due_date")) == [
        (duty.pk, D(2026, 8, 31))
    ]


def test_raw_sql_cannot_plan_a_duty_twice(duty):
    meta = SupervisionTask._meta
    columns = ["village", "kind", "period", "due_date", "state", "area_code", "created_at"]
    names = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in columns)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) "
        "VALUES (%s, %s, %s, %s, %s, %s, now())"
    )
    params = [duty.village_id, duty.kind, duty.period, D(2026, 9, 30), TaskState.PLANNED]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, duty.area_code])
    assert SupervisionTask.objects.count() == 1


def test_another_kind_or_period_of_the_same_village_is_a_duty_of_its_own(duty):
    make_task(duty.village, TaskKind.HEARING, "2026Q3", D(2026, 9, 30))
    make_task(duty.village, TaskKind.INSPECTION, "2026Q4", D(2026, 11, 30))
    assert SupervisionTask.objects.count() == 3
