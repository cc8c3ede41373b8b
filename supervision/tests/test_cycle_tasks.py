"""The cycle's Celery tasks (on a real worker and Redis), its schedules and its commands."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_celery_beat.models import PeriodicTask

from core.dates import today
from supervision import services, tasks
from supervision.choices import TaskKind, TaskState
from supervision.models import SupervisionTask
from villages.models import Village

from .cycle_helpers import D, make_task, more_villages


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the worker and the thread must see committed rows
def test_planning_twice_and_concurrently_creates_each_duty_once(worker_queue, township):
    more_villages(township, 12)
    on = "2026-01-15"  # Q1: the quarter, the first half and the year: 6 duties a village
    results = [
        tasks.plan_current_periods.apply_async(args=[on], queue=worker_queue) for _ in range(2)
    ]
    from_thread = {}

    def plan_in_a_thread():
        try:
            from_thread.update(services.plan_current_periods(D(2026, 1, 15)))
        finally:
            connection.close()

    thread = threading.Thread(target=plan_in_a_thread)
    thread.start()
    here = services.plan_current_periods(D(2026, 1, 15))
    thread.join(timeout=60)
    runs = [r.get(timeout=60) for r in results] + [from_thread, here]

    villages = Village.objects.count()
    assert SupervisionTask.objects.count() == villages * 6
    for period in ("2026Q1", "2026H1", "2026"):
        # Each duty created by exactly one of the four runs; the others report 0.
        assert sum(run[period] for run in runs) == villages * 2
    assert (
        SupervisionTask.objects.values("village", "kind", "period").distinct().count()
        == villages * 6
    )

    again = tasks.plan_current_periods.apply_async(args=["2026-02-20"], queue=worker_queue)
    assert again.get(timeout=30) == {"2026Q1": 0, "2026H1": 0, "2026": 0}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_daily_cycle_on_a_real_worker(worker_queue, village, insider, monkeypatch):
    insider.email = "insider@example.cn"
    insider.save()
    make_task(village, TaskKind.INSPECTION, "2026Q3", D(2026, 8, 31))
    # The problems' and warnings' parts are tried in their own tests; here: called, with `on`.
    monkeypatch.setattr(services, "problems_escalate", lambda *, on: 0, raising=False)
    monkeypatch.setattr(services, "warnings_evaluate", lambda *, on=None: 0, raising=False)

    result = tasks.daily_cycle.apply_async(args=["2026-09-05"], queue=worker_queue)

    assert result.get(timeout=30) == {"overdue": 1, "escalated": 0, "warnings": 0, "reminders": 1}
    assert SupervisionTask.objects.get().state == TaskState.OVERDUE
    again = tasks.daily_cycle.apply_async(args=["2026-09-05"], queue=worker_queue)
    assert again.get(timeout=30) == {"overdue": 0, "escalated": 0, "warnings": 0, "reminders": 0}


@pytest.mark.django_db
def test_daily_cycle_calls_every_part_with_the_day(monkeypatch, village):
    calls = []
    monkeypatch.setattr(
        services,
        "problems_escalate",
        lambda *, on: calls.append(("escalate", on)) or 2,
        raising=False,
    )
    monkeypatch.setattr(
        services,
        "warnings_evaluate",
        lambda *, on=None: calls.append(("warnings", on)) or 3,
        raising=False,
    )
    make_task(village, TaskKind.HEARING, "2026Q3", D(2026, 9, 30))

    assert tasks.daily_cycle("2026-10-01") == {
        "overdue": 1,
        "escalated": 2,
        "warnings": 3,
        "reminders": 0,
    }
    assert calls == [("escalate", D(2026, 10, 1)), ("warnings", D(2026, 10, 1))]


# ------------------------------------------------------------------ schedules


@pytest.mark.django_db
def test_the_cycle_is_scheduled_at_night_beijing_time():
    call_command("setup_periodic_tasks", stdout=StringIO())
    expected = {
        "supervision.tasks.plan_current_periods": ("0", "30"),
        "supervision.tasks.daily_cycle": ("1", "0"),
    }
    for task, (hour, minute) in expected.items():
        crontab = PeriodicTask.objects.get(task=task).crontab
        assert (crontab.hour, crontab.minute) == (hour, minute)
        assert str(crontab.timezone) == "Asia/Shanghai"


# ------------------------------------------------------------------ commands


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_plan_period_command(village, other_village, township):
    assert "2026Q4: 2 duties created" in run("plan_period", "2026q4", "--area", township.code)
    assert "2026Q4: 2 duties created" in run("plan_period", "2026Q4")
    assert "2026Q4: 0 duties created" in run("plan_period", "2026Q4")
    assert "2026H2: 4 duties created" in run("plan_period", "2026H2")
    with pytest.raises(CommandError):
        run("plan_period", "2026Q5")
    with pytest.raises(CommandError):
        run("plan_period", "2026", "--area", "37x")


@pytest.mark.django_db
def test_bench_planning_builds_villages_and_plans_twice():
    out = run("bench_planning", "--villages", "30")

    villages = Village.objects.count()
    quarter = f"{today().year + 1}Q4"  # the last quarter records may concern
    assert villages >= 30
    assert f"run 1: planned {quarter} for {villages} villages" in out
    assert f"{villages * 2} duties created" in out
    assert "run 2:" in out and out.rstrip().endswith("0 duties created")
    assert SupervisionTask.objects.filter(period=quarter).count() == villages * 2


@pytest.mark.django_db
def test_bench_planning_refuses_a_half_filled_database(village):
    with pytest.raises(CommandError):
        run("bench_planning", "--villages", "30")
